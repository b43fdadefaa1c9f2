//! MepHost events; wire names and versions are declared once, in `wire_names!` below.

use serde::{Deserialize, Serialize};

use super::values::MepHostFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum MepHostEvent {
    MepHostRegistered {
        fields: MepHostFields,
        user_id: String,
    },
    MepHostUpdated {
        fields: MepHostFields,
    },
    MepHostDeleted {},
}

crate::wire_names!(MepHostEvent => MepHostEventKind {
    MepHostRegistered = "1",
    MepHostUpdated = "1",
    MepHostDeleted = "1",
});
