//! What the app store says of a package, and a release of it from the toolbox.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A store package's metadata, as synchronised.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreMetadata {
    /// The store's ids.
    pub app_id: String,
    pub package_id: String,
    pub name: String,
    pub version: String,
    pub provider: String,
    pub industry: String,
    #[serde(rename = "type")]
    pub app_type: String,
    pub architecture: String,
    pub short_desc: String,
    pub test_task_id: String,
}

/// A release of a synchronised package: the store's ids of the new upload and the terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Republication {
    pub store_app_id: String,
    pub store_package_id: String,
    pub is_free: bool,
    pub price_cents: i64,
    pub at: DateTime<Utc>,
}
