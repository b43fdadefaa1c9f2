//! Container events: the deployment facts of a container application and the steps of its
//! launch. Wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::{ContainerInstance, ContainerLaunchPlan};
use crate::operation::OperationEvent;
use crate::vm::HostLogEntry;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum ContainerEvent {
    /// A launch was requested with this plan (follows its OperationRequested).
    ContainerLaunchRequested { plan: Box<ContainerLaunchPlan> },
    /// The instantiate info as it now is (whole, replacing the previous).
    ContainerInstanceRecorded { info: ContainerInstance },
    /// A deploy or clean-up was done on the host.
    ContainerHostLogged { entry: HostLogEntry },
    /// The instance is gone from the host: the instantiate info is deleted.
    ContainerInstanceCleaned {},
    /// A step of the launch; wire names are the operation's.
    #[serde(untagged)]
    Operation(OperationEvent),
}

crate::wire_names!(ContainerEvent => ContainerEventKind {
    ContainerLaunchRequested = "1",
    ContainerInstanceRecorded = "1",
    ContainerHostLogged = "1",
    ContainerInstanceCleaned = "1",
} nested Operation);
