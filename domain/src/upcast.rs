//! Upcasting (docs/audit.md, docs/events.md): an event stored at an older version of its type is
//! brought up to the version the code declares when it is read, by registered functions, one per
//! type and version step. Stored rows are never rewritten, so the log keeps what was recorded
//! (and the hash chain stays valid). Every reader decodes through here: the write side's load
//! ([`from_stored`]), the projections ([`from_stored_raw`]) and the audit's fold; the
//! relay and the audit history pass the stored body on as it is, with its version.

use std::borrow::Cow;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::plugin::PluginEventKind;

/// One version step of one event type.
pub struct Upcaster {
    pub event_type: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// Rewrites a body of version `from` into version `to`, in place.
    pub apply: fn(&mut Map<String, Value>),
}

fn rename(body: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(value) = body.remove(from) {
        body.insert(to.to_owned(), value);
    }
}

/// Every upcaster. A type's steps chain from its oldest stored version to the declared one.
pub static UPCASTERS: &[Upcaster] = &[
    Upcaster {
        event_type: PluginEventKind::PluginDownloaded.name(),
        from: "1",
        to: "2",
        apply: |body| rename(body, "at", "downloadedAt"),
    },
    Upcaster {
        event_type: PluginEventKind::PluginRated.name(),
        from: "1",
        to: "2",
        apply: |body| rename(body, "at", "ratedAt"),
    },
];

fn step(event_type: &str, version: &str) -> Option<&'static Upcaster> {
    UPCASTERS
        .iter()
        .find(|u| u.event_type == event_type && u.from == version)
}

/// Whether an event stored at `version` is older than its type's declared version.
pub fn needed(event_type: &str, version: &str) -> bool {
    step(event_type, version).is_some()
}

/// The version the upcasters bring a stored `version` to.
pub fn current_version<'a>(event_type: &str, version: &'a str) -> &'a str {
    let mut version = version;
    while let Some(upcaster) = step(event_type, version) {
        version = upcaster.to;
    }
    version
}

/// Brings a stored body up to its type's declared version.
pub fn upcast(event_type: &str, version: &str, mut body: Value) -> Value {
    let mut version = version;
    while let Some(upcaster) = step(event_type, version) {
        if let Value::Object(map) = &mut body {
            (upcaster.apply)(map);
        }
        version = upcaster.to;
    }
    body
}

/// [`upcast`] for a body kept as JSON text: borrowed as it is when nothing applies (the common
/// case costs a lookup, no parse).
pub fn upcast_raw<'a>(
    event_type: &str,
    version: &str,
    body: &'a RawValue,
) -> Result<Cow<'a, RawValue>, serde_json::Error> {
    if !needed(event_type, version) {
        return Ok(Cow::Borrowed(body));
    }
    let value: Value = serde_json::from_str(body.get())?;
    let upcast = upcast(event_type, version, value);
    Ok(Cow::Owned(serde_json::value::to_raw_value(&upcast)?))
}

/// Rebuilds an event from a stored row: its type name, its stored version and its body, upcast
/// to the declared version first.
pub fn from_stored<E: serde::de::DeserializeOwned>(
    event_type: &str,
    version: &str,
    body: Value,
) -> Result<E, serde_json::Error> {
    crate::wire::from_wire(event_type, upcast(event_type, version, body))
}

/// [`from_stored`] for a body kept as JSON text (what projections read).
pub fn from_stored_raw<E: serde::de::DeserializeOwned>(
    event_type: &str,
    version: &str,
    body: &serde_json::value::RawValue,
) -> Result<E, serde_json::Error> {
    match upcast_raw(event_type, version, body)? {
        Cow::Borrowed(body) => crate::wire::from_wire_raw(event_type, body),
        Cow::Owned(body) => crate::wire::from_wire_raw(event_type, &body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::PluginEvent;
    use serde_json::json;

    #[test]
    fn a_version_one_download_reads_as_version_two() {
        let kind = PluginEventKind::PluginDownloaded;
        let stored = json!({
            "recordId": "r-1", "userId": "u-1", "userName": "ann", "at": "2026-11-23T10:00:00Z"
        });
        let event: PluginEvent = from_stored(kind.name(), "1", stored.clone()).expect("upcast");
        let PluginEvent::PluginDownloaded { downloaded_at, .. } = event else {
            panic!("{event:?}");
        };
        assert_eq!(downloaded_at.to_rfc3339(), "2026-11-23T10:00:00+00:00");
        // Without the upcaster, version 1 does not decode.
        assert!(crate::wire::from_wire::<PluginEvent>(kind.name(), stored.clone()).is_err());
        // The raw path agrees, and leaves a current body borrowed.
        let text = serde_json::value::to_raw_value(&stored).expect("raw");
        let raw: PluginEvent = from_stored_raw(kind.name(), "1", &text).expect("raw upcast");
        assert_eq!(raw, from_stored(kind.name(), "1", stored).expect("upcast"));
        assert!(matches!(
            upcast_raw(kind.name(), "2", &text).expect("as is"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn every_upcaster_chain_ends_at_the_declared_version() {
        for upcaster in UPCASTERS {
            let kind = PluginEventKind::from_name(upcaster.event_type).expect("a plugin event");
            assert_eq!(
                current_version(upcaster.event_type, upcaster.from),
                kind.version()
            );
        }
    }
}
