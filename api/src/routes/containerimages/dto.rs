//! The JSON shapes of container images (the original's ContainerImage) and their requests.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A container image.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerImageBody {
    pub image_id: String,
    pub image_name: String,
    pub image_version: String,
    pub user_id: String,
    pub user_name: String,
    pub upload_time: Option<DateTime<Utc>>,
    pub create_time: Option<DateTime<Utc>>,
    /// UPLOAD_SUCCEED once pushed to the registry.
    pub image_status: Option<String>,
    /// public or private.
    pub image_type: Option<String>,
    /// `host:port/project/name:tag`.
    pub image_path: Option<String>,
    pub file_name: Option<String>,
}

db::from_row!(ContainerImageBody {
    image_id,
    image_name,
    image_version,
    user_id,
    user_name,
    upload_time,
    create_time,
    image_status,
    image_type,
    image_path,
    file_name
});

/// `get-all-images`: a page of the images the caller may see.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageQuery {
    /// Part of the name, in any case.
    pub image_name: Option<String>,
    #[schema(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub limit: Option<i64>,
    #[schema(minimum = 0)]
    #[serde(default, deserialize_with = "domain::json_integer::optional_integer")]
    pub offset: Option<i64>,
}

/// The one field an owner may change.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageTypeUpdate {
    #[schema(required = true, nullable = false, pattern = "^(public|private)$")]
    pub image_type: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ChunkQuery {
    /// The chunk's place in the upload, from 1.
    #[param(required = true, nullable = false, minimum = 1, maximum = 10000)]
    pub chunk_number: Option<u32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct MergeQuery {
    /// The uploaded tar's name (kept as the image's `fileName`).
    #[param(max_length = 255, pattern = r"^[^/\\\u0000-\u001f]+$")]
    pub file_name: Option<String>,
}

/// A chunk of a `docker save` tar.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ContainerImageChunkForm {
    /// The chunk's bytes, at most 64 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// What a synchronization imported.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Synchronized {
    /// The images (`host:port/project/name:tag`) imported.
    pub imported: Vec<String>,
}
