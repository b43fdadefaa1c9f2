//! Container commands. The namespace admits a container before it is created and releases it
//! after it is deleted (the handler sends both); the image, volumes and environment sources are
//! checked before. Lifecycle actions start operations the workflow runner carries out; its
//! steps and the watcher's reports come back as commands too.

use chrono::{DateTime, Utc};

use super::lifecycle::Verb;
use super::report::WorkloadReport;
use super::values::ContainerSpec;
use super::PlatformContainerEvent;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct PlatformContainerCommand {
    pub actor: Actor,
    pub action: PlatformContainerAction,
}

/// Where a container runs: its namespace, and that namespace's Kubernetes name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub namespace_id: i64,
    pub kubernetes_namespace: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlatformContainerAction {
    Create {
        placement: Placement,
        /// `repository/name:tag` of the spec's image.
        image_reference: String,
        spec: ContainerSpec,
        by: Option<i64>,
    },
    /// Replace the spec (the name cannot change); the workload takes it at its next start.
    Update {
        image_reference: String,
        spec: ContainerSpec,
        by: Option<i64>,
    },
    /// Start operation `operation_id` carrying out `verb` on container `container_id`.
    Act {
        container_id: i64,
        verb: Verb,
        operation_id: String,
        at: DateTime<Utc>,
    },
    /// Delete it (a running one only with `force`, which also cancels an ongoing action) and
    /// start operation `operation_id` removing its workload.
    Delete {
        container_id: i64,
        force: bool,
        operation_id: String,
        by: Option<i64>,
        at: DateTime<Utc>,
    },
    /// The workflow runner records a step of the ongoing operation.
    Step {
        operation_id: String,
        events: Vec<PlatformContainerEvent>,
    },
    /// The watcher reports what the orchestrator says (recorded unless an action runs).
    Observe { report: WorkloadReport },
}

impl PlatformContainerAction {
    pub fn name(&self) -> &'static str {
        match self {
            PlatformContainerAction::Create { .. } => "create",
            PlatformContainerAction::Update { .. } => "update",
            PlatformContainerAction::Act { verb, .. } => verb.as_str(),
            PlatformContainerAction::Delete { .. } => "delete",
            PlatformContainerAction::Step { .. } => "operation_step",
            PlatformContainerAction::Observe { .. } => "observe",
        }
    }
}
