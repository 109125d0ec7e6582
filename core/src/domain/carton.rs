//! Cartons: the boxes an order is packed into. Each has a box type (its
//! outer size and empty weight), an SSCC of its own built from the store's
//! GS1 company prefix, and a weight checked against what the goods and the
//! box should weigh. Pure rules; the ledger of what went into which carton
//! is the scan ledger (`scans.carton_id`).

use super::gs1::mod10_check_digit;
use serde::{Deserialize, Serialize};

/// A kind of box the store packs into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoxType {
    pub code: String,
    pub name: String,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    /// The empty box's weight.
    pub tare_g: i64,
    /// The barcode a packer scans to open a carton of this type.
    pub barcode: Option<String>,
}

impl BoxType {
    /// Checks what a person typed for a box type.
    pub fn validate(&self) -> Result<(), String> {
        let code = self.code.trim();
        if code.is_empty()
            || code.len() > 20
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "box code {code:?}: 1-20 Latin letters, digits, '-' or '_'"
            ));
        }
        if self.name.trim().is_empty() {
            return Err(format!("box {code} has no name"));
        }
        for (what, mm) in [
            ("length", self.length_mm),
            ("width", self.width_mm),
            ("height", self.height_mm),
        ] {
            if !(1..=5_000).contains(&mm) {
                return Err(format!(
                    "box {code}: the {what} {mm} mm is not between 1 and 5000 mm"
                ));
            }
        }
        if !(0..=100_000).contains(&self.tare_g) {
            return Err(format!(
                "box {code}: the empty weight {} g is not between 0 and 100 kg",
                self.tare_g
            ));
        }
        Ok(())
    }
}

/// The SSCC of a carton: extension digit, the store's GS1 company prefix,
/// a serial reference filling 17 digits, and the GS1 check digit.
pub fn sscc(extension: u8, company_prefix: &str, serial: u64) -> Result<String, String> {
    check_company_prefix(company_prefix)?;
    if extension > 9 {
        return Err(format!("the SSCC extension digit {extension} is not 0-9"));
    }
    let width = 16 - company_prefix.len();
    let room = 10u64.pow(width as u32);
    if serial >= room {
        return Err(format!(
            "the SSCC serials of company prefix {company_prefix} are used up ({} of {room}); ask GS1 for another prefix or change the extension digit",
            serial
        ));
    }
    let body = format!("{extension}{company_prefix}{serial:0width$}");
    let check = mod10_check_digit(body.as_bytes());
    Ok(format!("{body}{check}"))
}

/// A GS1 company prefix: 7 to 10 digits, as GS1 Russia assigns them.
pub fn check_company_prefix(prefix: &str) -> Result<(), String> {
    if !(7..=10).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "the GS1 company prefix {prefix:?} is not 7 to 10 digits; copy it from the store's GS1 certificate"
        ));
    }
    Ok(())
}

/// How far a carton's weight may be from what it should weigh: the larger
/// of a fixed number of grams and a share of the expected weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeightTolerance {
    pub grams: i64,
    /// Hundredths of a percent (250 = 2.5 %).
    pub percent_bp: i64,
}

impl Default for WeightTolerance {
    fn default() -> Self {
        WeightTolerance {
            grams: 50,
            percent_bp: 500,
        }
    }
}

impl WeightTolerance {
    pub fn validate(&self) -> Result<(), String> {
        if !(0..=100_000).contains(&self.grams) || !(0..=10_000).contains(&self.percent_bp) {
            return Err("the weight tolerance is 0-100000 g and 0-100 %".into());
        }
        Ok(())
    }

    /// The difference allowed for this expected weight.
    pub fn allowed_g(&self, expected_g: i64) -> i64 {
        self.grams.max(expected_g * self.percent_bp / 10_000)
    }
}

/// What the scale said against what the carton should weigh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum WeightVerdict {
    /// Within the tolerance.
    Within { expected_g: i64, allowed_g: i64 },
    /// Heavier or lighter by more than the tolerance (`difference_g` is
    /// weighed minus expected).
    Off {
        expected_g: i64,
        allowed_g: i64,
        difference_g: i64,
    },
    /// Some goods have no weight in the catalogue: nothing to compare with.
    Unknown { skus: Vec<String> },
}

impl WeightVerdict {
    /// Words for the packer.
    pub fn message(&self, weighed_g: i64) -> String {
        match self {
            WeightVerdict::Within { expected_g, .. } => {
                format!("{weighed_g} g, expected {expected_g} g: right")
            }
            WeightVerdict::Off {
                expected_g,
                allowed_g,
                difference_g,
            } => format!(
                "the carton weighs {weighed_g} g but should weigh {expected_g} g ± {allowed_g} g ({} by {} g): recount it, or a supervisor accepts the difference with a reason",
                if *difference_g > 0 { "heavier" } else { "lighter" },
                difference_g.abs()
            ),
            WeightVerdict::Unknown { skus } => format!(
                "{weighed_g} g recorded; not checked: no weight in the catalogue for {}",
                skus.join(", ")
            ),
        }
    }
}

/// One product in a carton: its SKU, weight per unit (0 = unknown) and units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub sku: String,
    pub unit_weight_g: i64,
    pub units: i64,
}

/// Checks a weighed carton against its contents and box.
pub fn weight_verdict(
    contents: &[Content],
    tare_g: i64,
    weighed_g: i64,
    tolerance: WeightTolerance,
) -> WeightVerdict {
    let mut unknown: Vec<String> = contents
        .iter()
        .filter(|c| c.units > 0 && c.unit_weight_g <= 0)
        .map(|c| c.sku.clone())
        .collect();
    if !unknown.is_empty() {
        unknown.sort();
        unknown.dedup();
        return WeightVerdict::Unknown { skus: unknown };
    }
    let expected_g = tare_g
        + contents
            .iter()
            .map(|c| c.unit_weight_g * c.units)
            .sum::<i64>();
    let allowed_g = tolerance.allowed_g(expected_g);
    let difference_g = weighed_g - expected_g;
    if difference_g.abs() <= allowed_g {
        WeightVerdict::Within {
            expected_g,
            allowed_g,
        }
    } else {
        WeightVerdict::Off {
            expected_g,
            allowed_g,
            difference_g,
        }
    }
}

/// A weight as typed or as a scale sends it, in grams: `1.234 kg`,
/// `1,234кг`, `1234 g`, `ST,GS,+0001.234kg` (a common serial scale line:
/// stable, gross). A reading marked unstable (`US`), negative, zero, without
/// a unit or over 1,000 kg is refused with what was wrong.
pub fn parse_weight(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(
            "no weight: type it in grams or kilograms, or put the carton on the scale".into(),
        );
    }
    let upper = t.to_uppercase();
    if upper.starts_with("US") || upper.contains(",US,") {
        return Err(format!(
            "the scale says its reading {t:?} is not stable yet; wait for it to settle"
        ));
    }
    // The number is the last run of digits with one decimal separator and
    // an optional sign; the unit follows it.
    let chars: Vec<char> = t.chars().collect();
    let end = chars
        .iter()
        .rposition(|c| c.is_ascii_digit())
        .ok_or_else(|| format!("{t:?} holds no number"))?;
    let mut start = end;
    while start > 0 && (chars[start - 1].is_ascii_digit() || matches!(chars[start - 1], '.' | ','))
    {
        start -= 1;
    }
    let negative = start > 0 && chars[start - 1] == '-';
    let number: String = chars[start..=end]
        .iter()
        .map(|c| if *c == ',' { '.' } else { *c })
        .collect();
    let unit: String = chars[end + 1..]
        .iter()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let factor = match unit.as_str() {
        "kg" | "кг" => 1000.0,
        "g" | "г" | "gr" => 1.0,
        "" => {
            return Err(format!(
                "{t:?} has no unit: write g or kg (a scale line ends with its unit)"
            ))
        }
        other => return Err(format!("{t:?}: the unit {other:?} is not g or kg")),
    };
    if number.matches('.').count() > 1 {
        return Err(format!("{t:?} is not a number"));
    }
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{t:?} is not a number"))?;
    let grams = (value * factor).round();
    if negative || grams <= 0.0 {
        return Err(format!(
            "{t:?} is not a weight above zero; is the scale tared with nothing on it?"
        ));
    }
    if grams > 1_000_000.0 {
        return Err(format!("{t:?} is more than 1000 kg; check the unit"));
    }
    Ok(grams as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::barcode::is_valid_sscc;

    #[test]
    fn an_sscc_has_the_prefix_the_serial_and_a_right_check_digit() {
        // GS1's own example: 0 0614141 123456789 check 0.
        assert_eq!(
            sscc(0, "0614141", 123_456_789).unwrap(),
            "006141411234567890"
        );
        let s = sscc(3, "4600001234", 7).unwrap();
        assert_eq!(s.len(), 18);
        assert!(s.starts_with("34600001234000007"));
        assert!(is_valid_sscc(&s));
        assert!(sscc(0, "46000012", 100_000_000)
            .unwrap_err()
            .contains("used up"));
        assert!(sscc(0, "46A", 1).unwrap_err().contains("7 to 10 digits"));
    }

    #[test]
    fn a_weight_off_by_more_than_the_tolerance_says_by_how_much() {
        let goods = [
            Content {
                sku: "A".into(),
                unit_weight_g: 300,
                units: 2,
            },
            Content {
                sku: "B".into(),
                unit_weight_g: 150,
                units: 1,
            },
        ];
        let tol = WeightTolerance {
            grams: 50,
            percent_bp: 500,
        };
        // 600 + 150 + 200 tare = 950 g, allowed max(50, 47) = 50 g.
        assert_eq!(
            weight_verdict(&goods, 200, 990, tol),
            WeightVerdict::Within {
                expected_g: 950,
                allowed_g: 50
            }
        );
        let off = weight_verdict(&goods, 200, 1_250, tol);
        assert_eq!(
            off,
            WeightVerdict::Off {
                expected_g: 950,
                allowed_g: 50,
                difference_g: 300
            }
        );
        assert!(off.message(1_250).contains("heavier by 300 g"));
        let unknown = [Content {
            sku: "C".into(),
            unit_weight_g: 0,
            units: 1,
        }];
        assert_eq!(
            weight_verdict(&unknown, 200, 500, tol),
            WeightVerdict::Unknown {
                skus: vec!["C".into()]
            }
        );
    }

    #[test]
    fn weights_are_read_as_typed_or_as_a_scale_sends_them() {
        assert_eq!(parse_weight("1.234 kg"), Ok(1234));
        assert_eq!(parse_weight("1,5кг"), Ok(1500));
        assert_eq!(parse_weight("850 г"), Ok(850));
        assert_eq!(parse_weight("ST,GS,+0001.234kg\r\n"), Ok(1234));
        assert!(parse_weight("US,GS,+0001.234kg")
            .unwrap_err()
            .contains("not stable"));
        assert!(parse_weight("ST,GS,-0000.120kg")
            .unwrap_err()
            .contains("above zero"));
        assert!(parse_weight("1234").unwrap_err().contains("no unit"));
        assert!(parse_weight("\u{1}\u{2}garbage").is_err());
        assert!(parse_weight("2000 kg").unwrap_err().contains("1000 kg"));
        assert!(parse_weight("0 g").is_err());
    }
}
