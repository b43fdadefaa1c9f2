//! Kubernetes resource quantities (`500m`, `2`, `1.5`, `128Mi`, `1G`, `1e3`) and DNS-1123 names,
//! as the container platform validates them. A quantity is kept as written and compared by its
//! value in thousandths (`Quantity::millis`), so `1` and `1000m` are equal and a request can be
//! checked against a limit.

use serde::{Deserialize, Serialize};

/// A parsed quantity: its text as written and its value in thousandths of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a quantity like 500m, 2, 1.5, 128Mi or 1G")]
pub struct BadQuantity(pub String);

const BINARY: [(&str, u32); 6] = [
    ("Ki", 1),
    ("Mi", 2),
    ("Gi", 3),
    ("Ti", 4),
    ("Pi", 5),
    ("Ei", 6),
];
const DECIMAL: [(&str, u32); 6] = [("k", 1), ("M", 2), ("G", 3), ("T", 4), ("P", 5), ("E", 6)];

impl Quantity {
    /// Parses a non-negative quantity of Kubernetes' grammar (at most 64 characters).
    pub fn parse(text: &str) -> Result<Self, BadQuantity> {
        Self::millis_of(text).map(|_| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value in thousandths of a unit (rounded up, as Kubernetes rounds to millis).
    pub fn millis(&self) -> u128 {
        Self::millis_of(&self.0).unwrap_or(0)
    }

    fn millis_of(text: &str) -> Result<u128, BadQuantity> {
        let bad = || BadQuantity(text.to_owned());
        if text.is_empty() || text.len() > 64 {
            return Err(bad());
        }
        let number_end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(number_end);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
            return Err(bad());
        }
        let digits = format!("{whole}{fraction}");
        let mantissa: u128 = digits.parse().map_err(|_| bad())?;
        // value = mantissa / 10^scale * multiplier, in thousandths.
        let scale = u32::try_from(fraction.len()).map_err(|_| bad())?;
        let (numerator, denominator): (u128, u128) = match suffix {
            "" => (1000, 1),
            "m" => (1, 1),
            s if s.starts_with(['e', 'E']) => {
                let exponent: u32 = s[1..].parse().map_err(|_| bad())?;
                (
                    1000u128
                        .checked_mul(10u128.checked_pow(exponent).ok_or_else(bad)?)
                        .ok_or_else(bad)?,
                    1,
                )
            }
            s => {
                if let Some((_, power)) = BINARY.iter().find(|(name, _)| *name == s) {
                    (1000 * 1024u128.pow(*power), 1)
                } else if let Some((_, power)) = DECIMAL.iter().find(|(name, _)| *name == s) {
                    (1000 * 1000u128.pow(*power), 1)
                } else {
                    return Err(bad());
                }
            }
        };
        let scaled = mantissa.checked_mul(numerator).ok_or_else(bad)? / denominator;
        let divisor = 10u128.checked_pow(scale).ok_or_else(bad)?;
        Ok(scaled.div_ceil(divisor))
    }
}

/// Whether `text` is a DNS-1123 label: 1-63 lower-case letters, digits and `-`, starting and
/// ending with a letter or digit (Kubernetes' namespace names).
pub fn is_dns_label(text: &str) -> bool {
    (1..=63).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// Whether `text` is a DNS-1123 subdomain: 1-253 characters of dot-separated labels (Kubernetes'
/// names of config maps, secrets and most objects).
pub fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(is_dns_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(text: &str) -> u128 {
        Quantity::parse(text).expect("a quantity").millis()
    }

    #[test]
    fn quantities_compare_by_value() {
        assert_eq!(millis("1"), millis("1000m"));
        assert_eq!(millis("0.5"), 500);
        assert_eq!(millis(".5"), 500);
        assert_eq!(millis("128Mi"), 128 * 1024 * 1024 * 1000);
        assert_eq!(millis("1G"), 1_000_000_000_000);
        assert_eq!(millis("1e3"), 1_000_000);
        assert_eq!(millis("0.0001"), 1, "rounded up to a milli");
    }

    #[test]
    fn other_text_is_refused() {
        for text in [
            "",
            "-1",
            "1.2.3",
            "1mi",
            "one",
            "1 Gi",
            "1Gb",
            ".",
            "1e",
            &"9".repeat(65),
        ] {
            assert!(Quantity::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn dns_names() {
        assert!(is_dns_label("team-a1"));
        for bad in ["Team", "-a", "a-", "a_b", "", &"a".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
        assert!(is_dns_subdomain("app.config-1"));
        assert!(!is_dns_subdomain("app..config"));
    }
}
