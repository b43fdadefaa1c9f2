//! Integers in request bodies as JSON means them: `2349.0` is the number 2349, and an OpenAPI
//! `integer` (JSON Schema) admits it, so integer fields accept it. A fraction, or a value out of
//! the field's range, is refused. Use with `#[serde(deserialize_with = "...")]`.

use serde::de::{Deserialize, Deserializer, Error};
use serde_json::Number;

/// An integer field (for `T` up to 64 bits).
pub fn integer<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    let number = Number::deserialize(d)?;
    to_integer(&number).ok_or_else(|| D::Error::custom("expected a whole number in range"))
}

/// An optional integer field (`null` or absent is `None`; add `#[serde(default)]`).
pub fn optional_integer<'de, D: Deserializer<'de>, T: TryFrom<i64>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    match Option::<Number>::deserialize(d)? {
        None => Ok(None),
        Some(number) => to_integer(&number)
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected a whole number in range")),
    }
}

fn to_integer<T: TryFrom<i64>>(number: &Number) -> Option<T> {
    if let Some(whole) = number.as_i64() {
        return T::try_from(whole).ok();
    }
    let float = number.as_f64()?;
    // Below 2^63 in magnitude, so the cast is exact for whole floats.
    let whole = float.fract() == 0.0 && float.abs() < 9.2e18;
    whole.then(|| T::try_from(float as i64).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::integer")]
        port: u16,
        #[serde(default, deserialize_with = "super::optional_integer")]
        offset: Option<i64>,
    }

    fn parse(json: &str) -> Option<(u16, Option<i64>)> {
        serde_json::from_str::<Body>(json)
            .ok()
            .map(|b| (b.port, b.offset))
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_are_integers() {
        assert_eq!(parse(r#"{"port": 6900.0}"#), Some((6900, None)));
        assert_eq!(
            parse(r#"{"port": 22, "offset": -3.0}"#),
            Some((22, Some(-3)))
        );
        assert_eq!(parse(r#"{"port": 22, "offset": null}"#), Some((22, None)));
    }

    #[test]
    fn fractions_and_values_out_of_range_are_refused() {
        assert_eq!(parse(r#"{"port": 22.5}"#), None);
        assert_eq!(parse(r#"{"port": 65536}"#), None);
        assert_eq!(parse(r#"{"port": -1.0}"#), None);
        assert_eq!(parse(r#"{"port": 1e300}"#), None);
        assert_eq!(parse(r#"{"port": "22"}"#), None);
    }
}
