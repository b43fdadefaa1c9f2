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

/// Declares the wire names and versions of an event enum, once. Each listed variant's wire name
/// is its identifier (as serde writes it), pinned to the given version. It generates:
///
/// - `$kind`, a fieldless enum of the event types, with `name()`, `version()`, `ALL` and
///   `from_name()`, so readers (projections, workflows) name event types without string literals;
/// - `$event::wire()` (name and version of an event) and `$event::VERSIONS`;
/// - the `cqrs_es::DomainEvent` impl (`event_type`, `event_version`) from them.
///
/// `nested Variant` names an untagged variant that wraps another declared event enum (an
/// aggregate's operation steps), whose names and versions it takes. The match is exhaustive: a
/// variant left out of the list does not compile.
#[macro_export]
macro_rules! wire_names {
    (
        $event:ident => $kind:ident {
            $($variant:ident = $version:literal),* $(,)?
        }
        $(nested $nested:ident)?
    ) => {
        /// The event types of
        #[doc = concat!("[`", stringify!($event), "`]")]
        /// by wire name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $kind {
            $($variant),*
        }

        impl $kind {
            /// Every event type, in declaration order.
            pub const ALL: &'static [$kind] = &[$($kind::$variant),*];

            /// The wire name (the `event_type` column, the AMQP routing key's second part).
            pub const fn name(self) -> &'static str {
                match self {
                    $($kind::$variant => stringify!($variant)),*
                }
            }

            /// The pinned wire version.
            pub const fn version(self) -> &'static str {
                match self {
                    $($kind::$variant => $version),*
                }
            }

            /// The event type a stored name stands for, if it is one of these.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|kind| kind.name() == name)
            }
        }

        impl $event {
            /// Every event type of this enum (without nested ones) with its pinned version.
            pub const VERSIONS: &'static [(&'static str, &'static str)] =
                &[$((stringify!($variant), $version)),*];

            /// This event's wire name and version.
            pub fn wire(&self) -> (&'static str, &'static str) {
                match self {
                    $($event::$variant { .. } => ($kind::$variant.name(), $kind::$variant.version()),)*
                    $($event::$nested(inner) => inner.wire(),)?
                }
            }
        }

        impl ::cqrs_es::DomainEvent for $event {
            fn event_type(&self) -> String {
                self.wire().0.to_owned()
            }

            fn event_version(&self) -> String {
                self.wire().1.to_owned()
            }
        }
    };
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

    #[test]
    fn declared_wire_names_are_the_names_serde_writes() {
        use cqrs_es::DomainEvent;
        fn check<E: DomainEvent>(event: E, kind_name: &str, kind_version: &str) {
            let (written, _) = super::to_wire(&event).expect("wire");
            assert_eq!(written, event.event_type());
            assert_eq!(written, kind_name);
            assert_eq!(event.event_version(), kind_version);
        }
        use crate::application::{ApplicationEvent, ApplicationEventKind};
        use crate::mephost::{MepHostEvent, MepHostEventKind};
        use crate::plugin::{PluginEvent, PluginEventKind};
        use crate::vm::{VmEvent, VmEventKind};
        let k = ApplicationEventKind::ApplicationDeleted;
        check(
            ApplicationEvent::ApplicationDeleted {},
            k.name(),
            k.version(),
        );
        let k = MepHostEventKind::MepHostDeleted;
        check(MepHostEvent::MepHostDeleted {}, k.name(), k.version());
        let k = PluginEventKind::PluginDeleted;
        check(PluginEvent::PluginDeleted {}, k.name(), k.version());
        let k = VmEventKind::InstanceCleaned;
        check(VmEvent::InstanceCleaned {}, k.name(), k.version());
        assert_eq!(
            VmEventKind::from_name("HostLogged"),
            Some(VmEventKind::HostLogged)
        );
        assert_eq!(VmEventKind::from_name("PluginDeleted"), None);
        assert_eq!(PluginEventKind::ALL.len(), PluginEvent::VERSIONS.len());
    }
}
