//! UploadedFile commands: upload, be taken and released by what uses the file, delete, sweep.

use super::values::UploadedFileFields;
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct UploadedFileCommand {
    pub actor: Actor,
    pub action: UploadedFileAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UploadedFileAction {
    /// Record an upload (or a catalogue row) owned by the actor.
    Upload(UploadedFileFields),
    /// Something the actor owns starts using the file (`holder` as `kind/id`, e.g.
    /// `application/<id>`): the file is no longer temporary.
    Take { holder: String },
    /// The holder stops using it; with no holder left the file is temporary again.
    Release {
        holder: String,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// The owner (or an admin) deletes it; refused while anything holds it.
    Delete,
    /// The sweeper removes a file temporary since before `before`; refused
    /// once anything holds it or when it became temporary later.
    Sweep {
        before: chrono::DateTime<chrono::Utc>,
    },
}

impl UploadedFileAction {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Upload(_) => "upload",
            Self::Take { .. } => "take",
            Self::Release { .. } => "release",
            Self::Delete => "delete",
            Self::Sweep { .. } => "sweep",
        }
    }
}
