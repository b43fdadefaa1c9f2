//! Container events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::lifecycle::ContainerStatus;
use super::report::PodReport;
use super::values::ContainerSpec;
use crate::operation::OperationEvent;

/// Who caused a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggeredBy {
    User,
    System,
    Kubernetes,
}

impl TriggeredBy {
    pub fn as_str(self) -> &'static str {
        match self {
            TriggeredBy::User => "user",
            TriggeredBy::System => "system",
            TriggeredBy::Kubernetes => "kubernetes",
        }
    }
}

/// One change of a container's status (a `container_status_history` row; its time is the
/// event's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub previous: Option<ContainerStatus>,
    pub current: ContainerStatus,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub triggered_by: TriggeredBy,
    pub user_id: Option<i64>,
    pub operation_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum PlatformContainerEvent {
    PlatformContainerCreated {
        namespace_id: i64,
        kubernetes_namespace: String,
        image_reference: String,
        spec: ContainerSpec,
        created_by: Option<i64>,
    },
    PlatformContainerUpdated {
        image_reference: String,
        spec: ContainerSpec,
        updated_by: Option<i64>,
    },
    /// Its status changed (a history row).
    PlatformContainerStatusChanged { change: StatusChange },
    /// What the orchestrator reports of its pod now (whole, replacing the previous report).
    PlatformContainerPodReported { pod: Option<PodReport> },
    PlatformContainerDeleted {
        forced: bool,
        deleted_by: Option<i64>,
    },
    /// A step of a lifecycle operation; wire names are the operation's.
    #[serde(untagged)]
    Operation(OperationEvent),
}

crate::wire_names!(PlatformContainerEvent => PlatformContainerEventKind {
    PlatformContainerCreated = "1",
    PlatformContainerUpdated = "1",
    PlatformContainerStatusChanged = "1",
    PlatformContainerPodReported = "1",
    PlatformContainerDeleted = "1",
} nested Operation);
