//! UploadedFile events; wire names and versions are declared once, in `wire_names!` below.
//! `FileTaken` and `FileReleased` carry whether the file is temporary after them, so the read
//! model needs no other state.

use serde::{Deserialize, Serialize};

use super::values::UploadedFileFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum UploadedFileEvent {
    FileUploaded {
        fields: UploadedFileFields,
        user_id: String,
        user_name: String,
    },
    FileTaken {
        holder: String,
        temporary: bool,
    },
    FileReleased {
        holder: String,
        temporary: bool,
        /// When it was released: a file temporary again is swept only once it has been
        /// temporary for the sweeper's bound.
        at: chrono::DateTime<chrono::Utc>,
    },
    FileDeleted {
        /// Removed by the sweeper (temporary and old) rather than by a person.
        swept: bool,
    },
}

crate::wire_names!(UploadedFileEvent => UploadedFileEventKind {
    FileUploaded = "1",
    FileTaken = "1",
    FileReleased = "1",
    FileDeleted = "1",
});
