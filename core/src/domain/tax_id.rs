//! Russian tax identifiers as printed on invoices, ТОРГ-12 and УПД: the
//! ИНН (taxpayer number) and the КПП (reason-for-registration code). The one
//! place their rules live: the seller's details and a business buyer's both
//! use them.

/// The shape of an ИНН: 10 digits (a company) or 12 (a person or a sole
/// trader). Empty is allowed (not given).
pub fn check_inn_shape(inn: &str) -> Result<(), String> {
    if inn.is_empty() || (inn.bytes().all(|b| b.is_ascii_digit()) && [10, 12].contains(&inn.len()))
    {
        Ok(())
    } else {
        Err(format!("the INN {inn:?} should be 10 or 12 digits"))
    }
}

/// Check digit of an ИНН: the weighted sum of the digits before it,
/// modulo 11, modulo 10.
fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// A whole ИНН: its shape and its check digits (the last one of a
/// company's 10, the last two of a person's 12), so that a mistyped digit
/// is caught before it goes on a document the tax office reads. Empty is
/// allowed (not given).
pub fn check_inn(inn: &str) -> Result<(), String> {
    check_inn_shape(inn)?;
    if inn.is_empty() {
        return Ok(());
    }
    let d: Vec<u32> = inn.bytes().map(|b| u32::from(b - b'0')).collect();
    let valid = match d.len() {
        10 => check_digit(&d[..9], &[2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9],
        _ => {
            check_digit(&d[..10], &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
                && check_digit(&d[..11], &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
        }
    };
    if valid {
        Ok(())
    } else {
        Err(format!(
            "the INN {inn} has a wrong check digit: a digit is mistyped; copy it again from the registration papers"
        ))
    }
}

/// A КПП: 9 characters — the tax office's 4 digits, the reason (2 digits,
/// or capital Latin letters since 2013), 3 digits. Empty is allowed.
pub fn check_kpp(kpp: &str) -> Result<(), String> {
    let b = kpp.as_bytes();
    let fits = b.len() == 9
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4..6]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && b[6..].iter().all(u8::is_ascii_digit);
    if kpp.is_empty() || fits {
        Ok(())
    } else {
        Err(format!(
            "the KPP {kpp:?} should be 9 characters: digits, the 5th and 6th may be capital Latin letters (such as 165501001)"
        ))
    }
}

/// A КПП goes with a company's ИНН only: a sole trader (12-digit ИНН) has
/// none, and a КПП without an ИНН names nobody.
pub fn check_kpp_fits_inn(inn: &str, kpp: &str) -> Result<(), String> {
    if kpp.is_empty() {
        return Ok(());
    }
    match inn.len() {
        0 => Err(format!("the KPP {kpp} is given without an INN; fill in the INN too")),
        12 => Err(format!(
            "the INN {inn} is a sole trader's or a person's (12 digits), who has no KPP; leave the KPP empty"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_catch_a_mistyped_inn() {
        // Companies (10 digits) and people (12), with valid check digits.
        for good in ["7707083893", "7736050003", "1655123453", "500100732259", ""] {
            assert_eq!(check_inn(good), Ok(()), "{good}");
        }
        for bad in ["7707083894", "1655123456", "500100732258", "500100732269"] {
            let e = check_inn(bad).unwrap_err();
            assert!(e.contains("check digit"), "{bad}: {e}");
        }
        for wrong in ["77070838", "770708389300", "77O7083893", "7707 083893"] {
            assert!(check_inn(wrong).is_err(), "{wrong}");
        }
        assert!(check_inn("77070838")
            .unwrap_err()
            .contains("10 or 12 digits"));
        // The shape alone lets a wrong check digit through.
        assert_eq!(check_inn_shape("1655123456"), Ok(()));
    }

    #[test]
    fn kpp_is_nine_characters_and_only_for_companies() {
        for good in ["165501001", "7736AB001", ""] {
            assert_eq!(check_kpp(good), Ok(()), "{good}");
        }
        for bad in [
            "16550100",
            "1655010011",
            "16550100A",
            "ab5501001",
            "1655ab001",
        ] {
            assert!(check_kpp(bad).is_err(), "{bad}");
        }
        assert_eq!(check_kpp_fits_inn("7707083893", "773601001"), Ok(()));
        assert!(check_kpp_fits_inn("500100732259", "500101001")
            .unwrap_err()
            .contains("no KPP"));
        assert!(check_kpp_fits_inn("", "773601001")
            .unwrap_err()
            .contains("INN"));
        assert_eq!(check_kpp_fits_inn("500100732259", ""), Ok(()));
    }
}
