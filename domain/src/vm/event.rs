//! Vm events: the deployment facts of one VM and the steps of its operations (launch, export).
//! Wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::{
    ExportInfo, ExportedImage, HostLogEntry, InstantiateInfo, LaunchPlan, PlaneAddress, VmStatus,
};
use crate::operation::OperationEvent;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum VmEvent {
    /// A launch was requested with this plan (follows its OperationRequested).
    LaunchRequested { plan: Box<LaunchPlan> },
    /// The instantiate info as it now is (whole, replacing the previous).
    InstantiateInfoRecorded { info: InstantiateInfo },
    /// Addresses on the host taken for the instance (reserved until clean-up).
    AddressesAllocated {
        host_id: String,
        addresses: Vec<PlaneAddress>,
    },
    VmStatusChanged {
        status: VmStatus,
        target_image_id: Option<i32>,
    },
    /// The image export info as it now is (whole, replacing the previous).
    ImageExportInfoRecorded { info: ExportInfo },
    /// An export produced a new private VM image.
    VmImageExported { image: ExportedImage },
    /// A deploy or clean-up was done on the host.
    HostLogged { entry: HostLogEntry },
    /// The instance is gone from the host: instantiate and export info deleted, addresses freed.
    InstanceCleaned {},
    /// A step of an operation on this VM; wire names are the operation's.
    #[serde(untagged)]
    Operation(OperationEvent),
}

crate::wire_names!(VmEvent => VmEventKind {
    LaunchRequested = "1",
    InstantiateInfoRecorded = "1",
    AddressesAllocated = "1",
    VmStatusChanged = "1",
    ImageExportInfoRecorded = "1",
    VmImageExported = "1",
    HostLogged = "1",
    InstanceCleaned = "1",
} nested Operation);
