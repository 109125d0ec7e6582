//! Enums that are stored and shown by a fixed snake_case name: order
//! statuses, event kinds, pick-list states. One list of variant and name
//! makes the Rust enum, its serde/TypeScript name, `as_str`, `parse` and
//! `ALL`, so the three can never disagree.

/// A value the database keeps as its name (store/codec.rs reads and writes
/// every implementor through this).
pub trait Named: Sized + Copy + 'static {
    /// What the value is, for error messages: "order status".
    const WHAT: &'static str;
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;

    /// The value with this name (case and surrounding space ignored), or
    /// an error listing the names there are.
    fn parse(text: &str) -> Result<Self, String> {
        let wanted = text.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|v| v.as_str()).collect();
                format!(
                    "{text:?} is not a{} {}; use one of {}",
                    if Self::WHAT.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "n"
                    } else {
                        ""
                    },
                    Self::WHAT,
                    names.join(", ")
                )
            })
    }
}

/// Declares a [`Named`] enum: `named_enum! { /// doc
/// pub enum PickListStatus("pick list state") { Open = "open", Done = "done" } }`.
#[macro_export]
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $crate::domain::names::Named for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                $crate::domain::names::Named::as_str(self)
            }

            pub fn parse(text: &str) -> Result<Self, String> {
                <Self as $crate::domain::names::Named>::parse(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::named_enum! {
        /// Only for this test.
        pub enum Fruit("fruit") { Apple = "apple", Orange = "orange" }
    }

    #[test]
    fn a_named_enum_round_trips_through_its_names_and_refuses_others() {
        for f in Fruit::ALL {
            assert_eq!(Fruit::parse(f.as_str()), Ok(*f));
            assert_eq!(serde_json::to_string(f).unwrap(), format!("\"{f}\""));
        }
        assert_eq!(Fruit::parse(" Apple "), Ok(Fruit::Apple));
        let err = Fruit::parse("pear").unwrap_err();
        assert!(
            err.contains("not a fruit") && err.contains("apple, orange"),
            "{err}"
        );
    }
}
