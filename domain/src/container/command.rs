//! Container commands: what may be asked of a container application's deployment (launch,
//! operation steps, cancel, clean-up), each with the actor asking.

use chrono::{DateTime, Utc};

use super::values::ContainerLaunchPlan;
use super::ContainerEvent;
use crate::identity::Actor;
use crate::vm::HostLogEntry;

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerCommand {
    pub actor: Actor,
    pub action: ContainerAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ContainerAction {
    /// Launch the charts on the plan's K8S host; the caller checked the application (owner,
    /// charts, host).
    RequestLaunch {
        operation_id: String,
        plan: Box<ContainerLaunchPlan>,
        at: DateTime<Utc>,
    },
    /// The workflow runner records a step of the ongoing launch.
    Step {
        operation_id: String,
        events: Vec<ContainerEvent>,
    },
    Cancel {
        operation_id: String,
        at: DateTime<Utc>,
    },
    /// The instance was removed from its host (clean-env).
    CleanInstance { log: Option<Box<HostLogEntry>> },
}

impl ContainerAction {
    pub fn name(&self) -> &'static str {
        match self {
            ContainerAction::RequestLaunch { .. } => "launch",
            ContainerAction::Step { .. } => "operation_step",
            ContainerAction::Cancel { .. } => "cancel_operation",
            ContainerAction::CleanInstance { .. } => "clean_instance",
        }
    }
}
