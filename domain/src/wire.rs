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

/// Rebuilds an event from its stored type name and its body as JSON text, parsing the text
/// straight into the event (what projections do for every event they read).
pub fn from_wire_raw<'a, E: serde::Deserialize<'a>>(
    event_type: &'a str,
    body: &'a serde_json::value::RawValue,
) -> Result<E, serde_json::Error> {
    use serde::de::value::{MapAccessDeserializer, MapDeserializer};
    let entry = MapDeserializer::<_, serde_json::Error>::new(std::iter::once((event_type, body)));
    E::deserialize(MapAccessDeserializer::new(entry))
}

/// The pinned wire version of `event_type` in `versions` ("1" for a type not listed).
pub fn version_of(versions: &[(&str, &'static str)], event_type: &str) -> String {
    versions
        .iter()
        .find(|(name, _)| *name == event_type)
        .map_or("1", |(_, v)| v)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Inner {
        Started { id: String },
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Event {
        Created {
            name: String,
        },
        Deleted {},
        #[serde(untagged)]
        Step(Inner),
    }

    #[test]
    fn a_raw_body_decodes_like_an_owned_one() {
        for event in [
            Event::Created { name: "a".into() },
            Event::Deleted {},
            Event::Step(Inner::Started { id: "op".into() }),
        ] {
            let (name, body) = super::to_wire(&event).expect("serializes");
            let owned: Event = super::from_wire(&name, body.clone()).expect("owned");
            let text = serde_json::value::RawValue::from_string(body.to_string()).expect("raw");
            let raw: Event = super::from_wire_raw(&name, &text).expect("raw");
            assert_eq!(raw, event);
            assert_eq!(owned, event);
        }
        let empty = serde_json::value::RawValue::from_string("{}".into()).expect("raw");
        let unknown: Result<Event, _> = super::from_wire_raw("Renamed", &empty);
        assert!(unknown.is_err());
    }
}
