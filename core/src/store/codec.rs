//! How domain values are written to and read from a column: enums by their
//! name, times as UTC milliseconds. A value the code does not know (a
//! status renamed by hand, a time no calendar holds) is a decode error that
//! names the column and the value, never a default.

use crate::documents::{DocFormat, DocumentKind, Dpi, Lang, Paper};
use crate::domain::time::{from_millis, parse_day, MaybeDay, MaybeMillis, Millis};
use crate::domain::{EventKind, OrderStatus, PaymentStatus, PickListStatus, ScanKind};
use sqlx::any::{Any, AnyTypeInfo};
use sqlx::decode::Decode;
use sqlx::encode::{Encode, IsNull};
use sqlx::error::BoxDynError;
use sqlx::types::Type;
use sqlx::Database;

/// Text columns holding a value's name (`as_str` / `parse`).
macro_rules! by_name {
    ($($t:ty),+ $(,)?) => {$(
        impl Type<Any> for $t {
            fn type_info() -> AnyTypeInfo {
                <String as Type<Any>>::type_info()
            }
        }

        impl<'q> Encode<'q, Any> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut <Any as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                <&str as Encode<'q, Any>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> Decode<'r, Any> for $t {
            fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <String as Decode<'r, Any>>::decode(value)?;
                <$t>::parse(&text).map_err(Into::into)
            }
        }
    )+};
}

by_name!(
    OrderStatus,
    PaymentStatus,
    EventKind,
    PickListStatus,
    ScanKind,
    DocumentKind,
    DocFormat,
    Paper,
    Lang,
    super::print_jobs::PrintStatus,
    crate::domain::payment::PaymentKind,
    crate::domain::notify::NotifyEvent,
    super::outbox::MessageStatus,
    crate::domain::dropship::DropshipState,
    // Issue 15 item 3: receipts under 54-ФЗ.
    crate::domain::receipt::ReceiptKind,
    crate::domain::receipt::ReceiptPurpose,
    crate::domain::receipt::ReceiptState,
    crate::domain::receipt::Taxation,
    crate::domain::receipt::VatTag,
    crate::domain::receipt::MethodSign,
    crate::domain::receipt::SubjectSign,
    crate::domain::receipt::PaymentType,
);

/// Dots per inch are stored as the number.
impl Type<Any> for Dpi {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Any> for Dpi {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'q, Any>>::encode(i64::from(self.value()), buf)
    }
}

impl<'r> Decode<'r, Any> for Dpi {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let dpi = <i64 as Decode<'r, Any>>::decode(value)?;
        Dpi::parse(&dpi.to_string()).map_err(Into::into)
    }
}

impl Type<Any> for Millis {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Millis {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let ms = <i64 as Decode<'r, Any>>::decode(value)?;
        Ok(Millis(from_millis(ms)?))
    }
}

impl Type<Any> for MaybeMillis {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for MaybeMillis {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        match <Option<i64> as Decode<'r, Any>>::decode(value)? {
            None => Ok(MaybeMillis(None)),
            Some(ms) => Ok(MaybeMillis(Some(from_millis(ms)?))),
        }
    }
}

impl Type<Any> for MaybeDay {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for MaybeDay {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        match <Option<String> as Decode<'r, Any>>::decode(value)? {
            None => Ok(MaybeDay(None)),
            Some(text) => Ok(MaybeDay(Some(parse_day(&text)?))),
        }
    }
}

/// A yes/no the query computes as 0 or 1 (SQLite has no booleans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(f: Flag) -> Self {
        f.0
    }
}

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        match <i64 as Decode<'r, Any>>::decode(value)? {
            0 => Ok(Flag(false)),
            1 => Ok(Flag(true)),
            other => Err(format!("{other} is not a yes (1) or no (0)").into()),
        }
    }
}

/// A JSON document kept as text (an event's before and after); NULL is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonText(pub Option<serde_json::Value>);

impl From<JsonText> for Option<serde_json::Value> {
    fn from(j: JsonText) -> Self {
        j.0
    }
}

impl Type<Any> for JsonText {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for JsonText {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        match <Option<String> as Decode<'r, Any>>::decode(value)? {
            None => Ok(JsonText(None)),
            Some(text) => Ok(JsonText(Some(
                serde_json::from_str(&text)
                    .map_err(|e| format!("{text:?} is not the JSON it should be ({e})"))?,
            ))),
        }
    }
}

/// Roles kept as comma-separated names; an unknown name is damage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleList(pub Vec<crate::domain::Role>);

impl From<RoleList> for Vec<crate::domain::Role> {
    fn from(r: RoleList) -> Self {
        r.0
    }
}

impl RoleList {
    pub fn encode(roles: &[crate::domain::Role]) -> String {
        roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl Type<Any> for RoleList {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for RoleList {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        let roles = text
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| crate::domain::Role::parse(r).map_err(|e| format!("roles {text:?}: {e}")))
            .collect::<Result<Vec<_>, String>>()?;
        if roles.is_empty() {
            return Err(format!("roles {text:?}: a user has at least one role").into());
        }
        Ok(RoleList(roles))
    }
}

/// A comma-separated list of names (a manager's channels); '' is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameList(pub Vec<String>);

impl From<NameList> for Vec<String> {
    fn from(r: NameList) -> Self {
        r.0
    }
}

impl Type<Any> for NameList {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for NameList {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        Ok(NameList(
            text.split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
        ))
    }
}

/// 'pin' or 'password'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretKindText(pub crate::domain::access::SecretKind);

impl From<SecretKindText> for crate::domain::access::SecretKind {
    fn from(k: SecretKindText) -> Self {
        k.0
    }
}

impl Type<Any> for SecretKindText {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for SecretKindText {
    fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        crate::domain::access::SecretKind::parse(&text)
            .map(SecretKindText)
            .ok_or_else(|| format!("{text:?} is not a secret kind (pin or password)").into())
    }
}
