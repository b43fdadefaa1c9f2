//! The ReleasedPackage aggregate (reference 1.7, the admin toolbox): a package already published
//! to the app store, synchronised back (its metadata and its CSAR, kept as an uploaded file it
//! holds), edited file by file (each edit re-packs and re-signs it) and released again; admins
//! only. One per store package (a reservation on the store's ids).

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{ReleasedPackageAction, ReleasedPackageCommand};
pub use error::ReleasedPackageError;
pub use event::{ReleasedPackageEvent, ReleasedPackageEventKind};
pub use values::{Republication, StoreMetadata};

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::application::package::PackageArchive;
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the store's (app id, package id) a released package was synchronised from.
pub const STORE_PACKAGE: &str = "released_package.store_package";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReleasedPackage {
    pub state: Option<LiveReleasedPackage>,
    pub deleted: bool,
}

/// A released package that exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveReleasedPackage {
    pub metadata: StoreMetadata,
    pub package_file_name: String,
    pub archive: PackageArchive,
    pub user_id: String,
    pub user_name: String,
    pub synchronized_at: DateTime<Utc>,
    /// Its latest release from the toolbox.
    pub republished: Option<Republication>,
}

impl Aggregate for ReleasedPackage {
    const TYPE: &'static str = "released_package";
    type Command = ReleasedPackageCommand;
    type Event = ReleasedPackageEvent;
    type Error = ReleasedPackageError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        if !command.actor.is_admin() {
            return Err(ReleasedPackageError::Forbidden);
        }
        let event = match command.action {
            ReleasedPackageAction::Synchronize {
                metadata,
                package_file_name,
                archive,
                at,
            } => {
                if self.state.is_some() || self.deleted {
                    return Err(ReleasedPackageError::AlreadyExists);
                }
                ReleasedPackageEvent::ReleasedPackageSynchronized {
                    metadata,
                    package_file_name,
                    archive,
                    user_id: command.actor.user_id,
                    user_name: command.actor.user_name,
                    at,
                }
            }
            ReleasedPackageAction::EditFile {
                from_file_id,
                file_path,
                archive,
            } => {
                let live = self.state.as_ref().ok_or(ReleasedPackageError::NotFound)?;
                if live.archive.file_id == archive.file_id {
                    return Ok(());
                }
                if live.archive.file_id != from_file_id {
                    return Err(ReleasedPackageError::Changed);
                }
                ReleasedPackageEvent::ReleasedPackageEdited { file_path, archive }
            }
            ReleasedPackageAction::Republish(republication) => {
                let live = self.state.as_ref().ok_or(ReleasedPackageError::NotFound)?;
                if live.republished.as_ref() == Some(&republication) {
                    return Ok(());
                }
                ReleasedPackageEvent::ReleasedPackageRepublished { republication }
            }
            ReleasedPackageAction::Delete => {
                self.state.as_ref().ok_or(ReleasedPackageError::NotFound)?;
                ReleasedPackageEvent::ReleasedPackageDeleted {}
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ReleasedPackageEvent::ReleasedPackageSynchronized {
                metadata,
                package_file_name,
                archive,
                user_id,
                user_name,
                at,
            } => {
                self.state = Some(LiveReleasedPackage {
                    metadata: *metadata,
                    package_file_name,
                    archive,
                    user_id,
                    user_name,
                    synchronized_at: at,
                    republished: None,
                })
            }
            ReleasedPackageEvent::ReleasedPackageEdited { archive, .. } => {
                if let Some(live) = self.state.as_mut() {
                    live.archive = archive;
                }
            }
            ReleasedPackageEvent::ReleasedPackageRepublished { republication } => {
                if let Some(live) = self.state.as_mut() {
                    live.republished = Some(republication);
                }
            }
            ReleasedPackageEvent::ReleasedPackageDeleted {} => {
                self.state = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for ReleasedPackage {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.state
            .iter()
            .map(|live| UniqueKey {
                scope: STORE_PACKAGE,
                key: serde_json::json!([live.metadata.app_id, live.metadata.package_id])
                    .to_string(),
            })
            .collect()
    }
}
