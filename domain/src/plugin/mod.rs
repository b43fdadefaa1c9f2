//! The Plugin aggregate: a plugin or SDK shared through the platform, its stored files (by
//! content hash), its downloads and its ratings (one current rating per user).

mod command;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{PluginAction, PluginCommand};
pub use error::PluginError;
pub use event::{PluginEvent, PluginEventKind};
pub use values::{CodeLanguage, PluginFields, PluginPatch, PluginType, Score, StoredFile};

use std::collections::BTreeMap;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the plugin-package content-hash reservation (the same package cannot be shared twice).
pub const PACKAGE_HASH: &str = "plugin.package_sha256";

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plugin {
    pub state: Option<LivePlugin>,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LivePlugin {
    pub fields: PluginFields,
    pub owner_id: String,
    pub owner_name: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    pub downloads: u64,
    /// The current rating of each user.
    pub ratings: BTreeMap<String, u8>,
}

impl LivePlugin {
    /// Mean of the current ratings; 3.0 while there are none (as the original).
    pub fn satisfaction(&self) -> f64 {
        if self.ratings.is_empty() {
            return 3.0;
        }
        self.ratings.values().map(|s| f64::from(*s)).sum::<f64>() / self.ratings.len() as f64
    }
}

impl Plugin {
    fn live(&self) -> Result<&LivePlugin, PluginError> {
        self.state.as_ref().ok_or(PluginError::NotFound)
    }

    fn owned_by(&self, command: &PluginCommand) -> Result<&LivePlugin, PluginError> {
        let live = self.live()?;
        // Only the owner may change or delete a plugin (not even an admin edits another's upload,
        // as in the original); an admin may delete any.
        let deleting = matches!(command.action, PluginAction::Delete);
        let allowed = command.actor.may_write()
            && (live.owner_id == command.actor.user_id || (deleting && command.actor.is_admin()));
        if !allowed {
            return Err(PluginError::Forbidden);
        }
        Ok(live)
    }
}

impl Aggregate for Plugin {
    const TYPE: &'static str = "plugin";
    type Command = PluginCommand;
    type Event = PluginEvent;
    type Error = PluginError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), PluginError> {
        let event = match &command.action {
            PluginAction::Upload { fields, at } => {
                if !command.actor.may_write() {
                    return Err(PluginError::Forbidden);
                }
                if self.state.is_some() || self.deleted {
                    return Err(PluginError::AlreadyExists);
                }
                PluginEvent::PluginUploaded {
                    fields: fields.clone(),
                    owner_id: command.actor.user_id.clone(),
                    owner_name: command.actor.user_name.clone(),
                    uploaded_at: *at,
                }
            }
            PluginAction::Update(patch) => {
                let live = self.owned_by(&command)?;
                let fields = patch.apply_to(&live.fields);
                if fields == live.fields {
                    return Ok(());
                }
                PluginEvent::PluginUpdated { fields }
            }
            PluginAction::Delete => {
                self.owned_by(&command)?;
                PluginEvent::PluginDeleted {}
            }
            PluginAction::Download { record_id, at } => {
                self.live()?;
                PluginEvent::PluginDownloaded {
                    record_id: record_id.clone(),
                    user_id: command.actor.user_id.clone(),
                    user_name: command.actor.user_name.clone(),
                    downloaded_at: *at,
                }
            }
            PluginAction::Rate { score, at } => {
                self.live()?;
                if !command.actor.may_write() {
                    return Err(PluginError::Forbidden);
                }
                PluginEvent::PluginRated {
                    user_id: command.actor.user_id.clone(),
                    user_name: command.actor.user_name.clone(),
                    score: score.value(),
                    rated_at: *at,
                }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            PluginEvent::PluginUploaded {
                fields,
                owner_id,
                owner_name,
                uploaded_at,
            } => {
                self.state = Some(LivePlugin {
                    fields,
                    owner_id,
                    owner_name,
                    uploaded_at,
                    downloads: 0,
                    ratings: BTreeMap::new(),
                });
            }
            PluginEvent::PluginUpdated { fields } => {
                if let Some(live) = self.state.as_mut() {
                    live.fields = fields;
                }
            }
            PluginEvent::PluginDownloaded { .. } => {
                if let Some(live) = self.state.as_mut() {
                    live.downloads += 1;
                }
            }
            PluginEvent::PluginRated { user_id, score, .. } => {
                if let Some(live) = self.state.as_mut() {
                    live.ratings.insert(user_id, score);
                }
            }
            PluginEvent::PluginDeleted {} => {
                self.state = None;
                self.deleted = true;
            }
        }
    }
}

impl HoldsUniqueKeys for Plugin {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.state
            .iter()
            .map(|live| UniqueKey {
                scope: PACKAGE_HASH,
                key: live.fields.plugin_file.sha256.clone(),
            })
            .collect()
    }
}
