//! Plugin events (wire names = variant names, versions pinned in [`PluginEvent::VERSIONS`]).

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::values::PluginFields;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum PluginEvent {
    /// A plugin was shared; its files are in the store under their hashes.
    PluginUploaded {
        #[serde(flatten)]
        fields: PluginFields,
        owner_id: String,
        owner_name: String,
        uploaded_at: DateTime<Utc>,
    },
    /// Its fields or files were replaced (the full new set).
    PluginUpdated {
        #[serde(flatten)]
        fields: PluginFields,
    },
    /// Its package was downloaded.
    PluginDownloaded {
        record_id: String,
        user_id: String,
        user_name: String,
        at: DateTime<Utc>,
    },
    /// A user rated it (1-5); replaces that user's earlier rating.
    PluginRated {
        user_id: String,
        user_name: String,
        score: u8,
        at: DateTime<Utc>,
    },
    /// It was deleted; its files are swept once nothing refers to them.
    PluginDeleted {},
}

impl PluginEvent {
    pub const VERSIONS: &'static [(&'static str, &'static str)] = &[
        ("PluginUploaded", "1"),
        ("PluginUpdated", "1"),
        ("PluginDownloaded", "1"),
        ("PluginRated", "1"),
        ("PluginDeleted", "1"),
    ];
}

impl DomainEvent for PluginEvent {
    fn event_type(&self) -> String {
        match self {
            PluginEvent::PluginUploaded { .. } => "PluginUploaded",
            PluginEvent::PluginUpdated { .. } => "PluginUpdated",
            PluginEvent::PluginDownloaded { .. } => "PluginDownloaded",
            PluginEvent::PluginRated { .. } => "PluginRated",
            PluginEvent::PluginDeleted {} => "PluginDeleted",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        crate::wire::version_of(Self::VERSIONS, &self.event_type())
    }
}
