//! Profile events. Wire names and versions are declared once, in `wire_names!` below.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::values::ProfileFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum ProfileEvent {
    /// An admin uploaded a profile.
    ProfileCreated {
        fields: ProfileFields,
        at: DateTime<Utc>,
    },
    /// An admin replaced the profile's zip.
    ProfileUpdated {
        fields: ProfileFields,
        at: DateTime<Utc>,
    },
    ProfileDeleted {},
}

crate::wire_names!(ProfileEvent => ProfileEventKind {
    ProfileCreated = "1",
    ProfileUpdated = "1",
    ProfileDeleted = "1",
});
