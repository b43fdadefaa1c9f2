//! Plugin events (wire names = variant names, versions pinned once in `wire_names!` below).

use chrono::{DateTime, Utc};
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
    /// Its package was downloaded. Version 2 renamed `at` to `downloadedAt` (the upcaster in
    /// `crate::upcast` reads version 1).
    PluginDownloaded {
        record_id: String,
        user_id: String,
        user_name: String,
        downloaded_at: DateTime<Utc>,
    },
    /// A user rated it (1-5); replaces that user's earlier rating. Version 2 renamed `at` to
    /// `ratedAt`.
    PluginRated {
        user_id: String,
        user_name: String,
        score: u8,
        rated_at: DateTime<Utc>,
    },
    /// It was deleted; its files are swept once nothing refers to them.
    PluginDeleted {},
}

crate::wire_names!(PluginEvent => PluginEventKind {
    PluginUploaded = "1",
    PluginUpdated = "1",
    PluginDownloaded = "2",
    PluginRated = "2",
    PluginDeleted = "1",
});
