//! Plugin commands, each carrying the acting user.

use chrono::{DateTime, Utc};

use super::values::{PluginFields, PluginPatch, Score};
use crate::identity::Actor;

#[derive(Debug, Clone, PartialEq)]
pub struct PluginCommand {
    pub actor: Actor,
    pub action: PluginAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PluginAction {
    /// Share a plugin whose files are already in the store.
    Upload {
        fields: PluginFields,
        at: DateTime<Utc>,
    },
    Update(PluginPatch),
    Delete,
    /// Someone downloaded the package; `record_id` names the download record.
    Download {
        record_id: String,
        at: DateTime<Utc>,
    },
    /// Someone rated the plugin; a later rating by the same user replaces the earlier one.
    Rate {
        score: Score,
        at: DateTime<Utc>,
    },
}

impl PluginAction {
    pub fn name(&self) -> &'static str {
        match self {
            PluginAction::Upload { .. } => "upload",
            PluginAction::Update(_) => "update",
            PluginAction::Delete => "delete",
            PluginAction::Download { .. } => "download",
            PluginAction::Rate { .. } => "rate",
        }
    }
}
