//! The aggregates by type name, each folded from its events into the state the write side
//! decides on (the same `apply` the command loop runs), serialized as JSON and redacted.

use cqrs_es::Aggregate;
use domain::application::Application;
use domain::capability::Capability;
use domain::capability_group::CapabilityGroup;
use domain::config_map::ConfigMap;
use domain::container::Container;
use domain::container_image::ContainerImage;
use domain::flavor::Flavor;
use domain::image::Image;
use domain::mephost::MepHost;
use domain::namespace::Namespace;
use domain::namespace_secret::NamespaceSecret;
use domain::platform_container::PlatformContainer;
use domain::plugin::Plugin;
use domain::profile::Profile;
use domain::released_package::ReleasedPackage;
use domain::role::Role;
use domain::uploaded_file::UploadedFile;
use domain::user::User;
use domain::vm::Vm;
use domain::vm_catalogue::VmCatalogue;
use domain::vm_image::VmImage;
use domain::volume::Volume;
use serde_json::Value;

use super::log::RecordedEvent;
use super::{redact, AuditError};

/// Folds events into the state after each of them.
type Folder = fn(&[RecordedEvent]) -> Result<Vec<Value>, AuditError>;

macro_rules! folders {
    ($($aggregate:ty),* $(,)?) => {
        /// Every aggregate type with a state model, by its stored type name.
        pub const TYPES: &[&str] = &[$(<$aggregate as Aggregate>::TYPE),*];

        fn folder(aggregate_type: &str) -> Option<Folder> {
            $(if aggregate_type == <$aggregate as Aggregate>::TYPE {
                return Some(states_of::<$aggregate>);
            })*
            None
        }
    };
}

folders!(
    Application,
    Capability,
    CapabilityGroup,
    ConfigMap,
    Container,
    ContainerImage,
    Flavor,
    Image,
    MepHost,
    Namespace,
    NamespaceSecret,
    PlatformContainer,
    Plugin,
    Profile,
    ReleasedPackage,
    Role,
    UploadedFile,
    User,
    Vm,
    VmCatalogue,
    VmImage,
    Volume,
);

/// Whether `aggregate_type` names an aggregate with a state model.
pub fn has_state_model(aggregate_type: &str) -> bool {
    folder(aggregate_type).is_some()
}

fn states_of<A: Aggregate>(events: &[RecordedEvent]) -> Result<Vec<Value>, AuditError> {
    let mut aggregate = A::default();
    let mut states = Vec::with_capacity(events.len());
    for event in events {
        let decoded: A::Event = domain::upcast::from_stored(
            &event.event_type,
            &event.event_version,
            event.payload.clone(),
        )
        .map_err(|e| {
            AuditError::Decode(format!(
                "{} {} #{}: {e}",
                A::TYPE,
                event.event_type,
                event.sequence
            ))
        })?;
        aggregate.apply(decoded);
        let mut state = serde_json::to_value(&aggregate)
            .map_err(|e| AuditError::Decode(format!("{} state: {e}", A::TYPE)))?;
        redact::redact(&mut state);
        states.push(state);
    }
    Ok(states)
}

/// The (redacted) state after each event of `events`, one aggregate's stream from its start.
pub fn states(aggregate_type: &str, events: &[RecordedEvent]) -> Result<Vec<Value>, AuditError> {
    let folder = folder(aggregate_type)
        .ok_or_else(|| AuditError::NoStateModel(aggregate_type.to_owned()))?;
    folder(events)
}

/// The (redacted) state after the last of `events`.
pub fn state(aggregate_type: &str, events: &[RecordedEvent]) -> Result<Value, AuditError> {
    Ok(states(aggregate_type, events)?.pop().unwrap_or(Value::Null))
}

/// The JSON Patch from each state to the next; the first from the empty aggregate (`null`).
pub fn diffs(states: &[Value]) -> Vec<Value> {
    let mut before = &Value::Null;
    states
        .iter()
        .map(|after| {
            let patch = json_patch::diff(before, after);
            before = after;
            serde_json::to_value(patch).unwrap_or(Value::Array(Vec::new()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_takes_each_state_to_the_next() {
        let states = vec![
            json!({"a": 1, "b": "x"}),
            json!({"a": 2, "b": "x", "c": true}),
        ];
        let patches = diffs(&states);
        let mut state = Value::Null;
        for (patch, expected) in patches.iter().zip(&states) {
            let patch: json_patch::Patch = serde_json::from_value(patch.clone()).expect("patch");
            json_patch::patch(&mut state, &patch).expect("applies");
            assert_eq!(&state, expected);
        }
        assert_eq!(
            patches[1],
            json!([{"op": "replace", "path": "/a", "value": 2}, {"op": "add", "path": "/c", "value": true}])
        );
    }

    #[test]
    fn every_aggregate_type_is_folded() {
        assert_eq!(TYPES.len(), 22);
        assert!(TYPES.iter().all(|t| has_state_model(t)));
        assert!(!has_state_model(domain::operation_log::REQUEST_LOG));
    }
}
