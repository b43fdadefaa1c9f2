//! The UploadedFile aggregate: an icon, API description, guide or script a developer uploads
//! (reference 1.10; the seed's `tbl_uploaded_file`). A file starts temporary; it stops being
//! temporary when something takes it (an application's icon or guide, later a capability, helm
//! chart or service), and the sweeper deletes files left temporary past a bound. Taking and
//! sweeping are commands on the file's stream, so a file cannot be swept while it is being taken.
//! The catalogue's files (the seed's capability documents) are shared: anyone may use them, and
//! they are never temporary.

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{UploadedFileAction, UploadedFileCommand};
pub use error::UploadedFileError;
pub use event::{UploadedFileEvent, UploadedFileEventKind};
pub use values::{check_file_name, suffix, FileType, UploadedFileFields, MAX_FILE_NAME};

use std::collections::BTreeSet;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::identity::Actor;
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Holders whose files everyone may read (`capability/<id>`).
const PUBLIC_HOLDER: &str = "capability/";

/// The holder name of an application (its icon and guide files).
pub fn application_holder(application_id: &str) -> String {
    format!("application/{application_id}")
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub fields: Option<UploadedFileFields>,
    pub user_id: String,
    pub user_name: String,
    /// What uses the file (`kind/id`).
    pub holders: BTreeSet<String>,
    /// Since when the file is temporary (meaningless while held).
    pub temporary_since: chrono::DateTime<chrono::Utc>,
    /// Deleted once: the id is never reused.
    pub deleted: bool,
}

impl UploadedFile {
    /// Whether the sweeper may remove it: not shared and held by nothing.
    pub fn is_temporary(&self) -> bool {
        self.fields.as_ref().is_some_and(|f| !f.shared) && self.holders.is_empty()
    }

    /// Whether `actor` may use (take, read) the file: a shared file, or the owner's, or an admin.
    pub fn usable_by(&self, actor: &Actor) -> bool {
        self.fields
            .as_ref()
            .is_some_and(|f| f.shared || actor.may_act_on(&self.user_id))
    }

    /// Whether `actor` may read the file: one they may use, or one a public resource (a
    /// capability of the ability centre) holds.
    pub fn readable_by(&self, actor: &Actor) -> bool {
        self.usable_by(actor)
            || (self.fields.is_some() && self.holders.iter().any(|h| h.starts_with(PUBLIC_HOLDER)))
    }

    fn live(&self) -> Result<&UploadedFileFields, UploadedFileError> {
        self.fields.as_ref().ok_or(UploadedFileError::NotFound)
    }

    fn decide(
        &self,
        command: UploadedFileCommand,
    ) -> Result<Option<UploadedFileEvent>, UploadedFileError> {
        let actor = command.actor;
        if !actor.may_write() {
            return Err(UploadedFileError::Forbidden);
        }
        Ok(match command.action {
            UploadedFileAction::Upload(fields) => {
                if self.fields.is_some() || self.deleted {
                    return Err(UploadedFileError::AlreadyExists);
                }
                if fields.shared && !actor.is_admin() {
                    return Err(UploadedFileError::Forbidden);
                }
                check_file_name(&fields.file_name, fields.file_type)?;
                Some(UploadedFileEvent::FileUploaded {
                    fields,
                    user_id: actor.user_id,
                    user_name: actor.user_name,
                })
            }
            UploadedFileAction::Take { holder } => {
                let fields = self.live()?;
                if !self.usable_by(&actor) {
                    return Err(UploadedFileError::Forbidden);
                }
                (!fields.shared && !self.holders.contains(&holder)).then_some(
                    UploadedFileEvent::FileTaken {
                        holder,
                        temporary: false,
                    },
                )
            }
            UploadedFileAction::Release { holder, at } => {
                let fields = self.live()?;
                self.holders
                    .contains(&holder)
                    .then_some(UploadedFileEvent::FileReleased {
                        temporary: !fields.shared && self.holders.len() == 1,
                        holder,
                        at,
                    })
            }
            UploadedFileAction::Delete => {
                let fields = self.live()?;
                let allowed = if fields.shared {
                    actor.is_admin()
                } else {
                    actor.may_act_on(&self.user_id)
                };
                if !allowed {
                    return Err(UploadedFileError::Forbidden);
                }
                if let Some(holder) = self.holders.first() {
                    return Err(UploadedFileError::InUse(holder.clone()));
                }
                Some(UploadedFileEvent::FileDeleted { swept: false })
            }
            UploadedFileAction::Sweep { before } => {
                self.live()?;
                if !actor.is_admin() {
                    return Err(UploadedFileError::Forbidden);
                }
                if !self.is_temporary() || self.temporary_since >= before {
                    return Err(UploadedFileError::NotTemporary);
                }
                Some(UploadedFileEvent::FileDeleted { swept: true })
            }
        })
    }
}

impl Aggregate for UploadedFile {
    const TYPE: &'static str = "uploaded_file";
    type Command = UploadedFileCommand;
    type Event = UploadedFileEvent;
    type Error = UploadedFileError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        if let Some(event) = self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            UploadedFileEvent::FileUploaded {
                fields,
                user_id,
                user_name,
            } => {
                self.temporary_since = fields.uploaded_at;
                self.fields = Some(fields);
                self.user_id = user_id;
                self.user_name = user_name;
            }
            UploadedFileEvent::FileTaken { holder, .. } => {
                self.holders.insert(holder);
            }
            UploadedFileEvent::FileReleased { holder, at, .. } => {
                self.holders.remove(&holder);
                if self.holders.is_empty() {
                    self.temporary_since = at;
                }
            }
            UploadedFileEvent::FileDeleted { .. } => {
                self.fields = None;
                self.holders.clear();
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for UploadedFile {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        Vec::new()
    }
}
