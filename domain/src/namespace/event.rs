//! Namespace events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::NamespaceFields;
use super::ResourceKind;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum NamespaceEvent {
    NamespaceCreated {
        fields: NamespaceFields,
        created_by: Option<i64>,
    },
    NamespaceUpdated {
        fields: NamespaceFields,
        updated_by: Option<i64>,
    },
    NamespaceActivated {
        updated_by: Option<i64>,
    },
    NamespaceDeactivated {
        updated_by: Option<i64>,
    },
    NamespaceDeleted {},
    NamespaceResourceAdmitted {
        kind: ResourceKind,
        id: i64,
    },
    NamespaceResourceReleased {
        kind: ResourceKind,
        id: i64,
    },
}

crate::wire_names!(NamespaceEvent => NamespaceEventKind {
    NamespaceCreated = "1",
    NamespaceUpdated = "1",
    NamespaceActivated = "1",
    NamespaceDeactivated = "1",
    NamespaceDeleted = "1",
    NamespaceResourceAdmitted = "1",
    NamespaceResourceReleased = "1",
});
