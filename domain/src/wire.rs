//! Stable wire form of events: the stored payload is the variant's body alone, named by
//! `event_type` and `event_version` columns, so readers (projections, AMQP subscribers) never see
//! Rust enum tagging.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Splits an externally tagged enum value (`{"Variant": {...}}`) into its type name and body.
pub fn to_wire<E: Serialize>(event: &E) -> Result<(String, Value), serde_json::Error> {
    match serde_json::to_value(event)? {
        Value::Object(map) if map.len() == 1 => {
            let (name, body) = map.into_iter().next().unwrap_or_default();
            Ok((name, body))
        }
        Value::String(name) => Ok((name, Value::Object(Default::default()))),
        other => Err(serde::ser::Error::custom(format!(
            "event did not serialize as a tagged enum: {other}"
        ))),
    }
}

/// Rebuilds an event from its stored type name and body.
pub fn from_wire<E: DeserializeOwned>(
    event_type: &str,
    body: Value,
) -> Result<E, serde_json::Error> {
    let mut map = serde_json::Map::with_capacity(1);
    map.insert(event_type.to_owned(), body);
    serde_json::from_value(Value::Object(map))
}

/// The pinned wire version of `event_type` in `versions` ("1" for a type not listed).
pub fn version_of(versions: &[(&str, &'static str)], event_type: &str) -> String {
    versions
        .iter()
        .find(|(name, _)| *name == event_type)
        .map_or("1", |(_, v)| v)
        .to_owned()
}
