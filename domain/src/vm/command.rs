//! Vm commands: what may be asked of one VM's deployment (launch, export, operation steps,
//! cancel, clean-up), each with the actor asking.

use chrono::{DateTime, Utc};

use super::values::{HostLogEntry, LaunchPlan};
use super::VmEvent;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct VmCommand {
    pub actor: Actor,
    pub action: VmAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VmAction {
    /// Launch on the plan's host; the caller checked the application (owner, VM, host).
    RequestLaunch {
        operation_id: String,
        plan: Box<LaunchPlan>,
        at: DateTime<Utc>,
    },
    /// Export the running instance's image.
    RequestExport {
        operation_id: String,
        at: DateTime<Utc>,
    },
    /// The workflow runner records a step of the VM's ongoing operation.
    Step {
        operation_id: String,
        events: Vec<VmEvent>,
    },
    Cancel {
        operation_id: String,
        at: DateTime<Utc>,
    },
    /// The instance was removed from its host outside a VM operation (clean-env, VM delete).
    CleanInstance { log: Option<Box<HostLogEntry>> },
}

impl VmAction {
    pub fn name(&self) -> &'static str {
        match self {
            VmAction::RequestLaunch { .. } => "launch",
            VmAction::RequestExport { .. } => "export_image",
            VmAction::Step { .. } => "operation_step",
            VmAction::Cancel { .. } => "cancel_operation",
            VmAction::CleanInstance { .. } => "clean_instance",
        }
    }
}
