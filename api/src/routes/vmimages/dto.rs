//! The request and response bodies of `/mec/developer/v2/vmimages`, and how the aggregate's
//! state renders as a response.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::vm_image::{VmImage, VmImageError, VmImageFields};

use crate::error::{ApiError, ErrorCode};

/// A VM image as the API shows it (the read model's row, or the aggregate after a command).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmImageBody {
    pub id: i32,
    pub name: String,
    /// `public` or `private`.
    pub visible_type: Option<String>,
    pub os_type: Option<String>,
    pub os_version: Option<String>,
    pub os_bit_type: Option<String>,
    pub system_disk_size: Option<i32>,
    /// `virtio`, `ide` or `scsi`.
    pub disk_bus: Option<String>,
    pub image_file_name: Option<String>,
    /// `qcow2` or `iso`.
    pub image_format: Option<String>,
    pub down_load_url: Option<String>,
    pub file_md5: Option<String>,
    pub image_size: Option<i64>,
    pub virtual_size: Option<i64>,
    /// SLIM_WAIT, SLIMMING, SLIM_SUCCEED or SLIM_FAILED.
    pub image_slim_status: Option<String>,
    /// UPLOAD_WAIT, UPLOADING, UPLOADING_MERGING, UPLOAD_FAILED, UPLOAD_CANCELLED or PUBLISHED.
    pub status: Option<String>,
    pub create_time: Option<chrono::DateTime<chrono::Utc>>,
    pub modify_time: Option<chrono::DateTime<chrono::Utc>>,
    pub upload_time: Option<chrono::DateTime<chrono::Utc>>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    /// The identifier of the upload in progress.
    pub file_identifier: Option<String>,
    /// Why the last upload failed: failedOnUploadToFS, fileSystemMergeFailed,
    /// filesystemCheckFailed, formatMistake, zipFileOpenFailed or the file server's message.
    pub error_type: Option<String>,
}

db::from_row!(VmImageBody {
    id,
    name,
    visible_type,
    os_type,
    os_version,
    os_bit_type,
    system_disk_size,
    disk_bus,
    image_file_name,
    image_format,
    down_load_url,
    file_md5,
    image_size,
    virtual_size,
    image_slim_status,
    status,
    create_time,
    modify_time,
    upload_time,
    user_id,
    user_name,
    file_identifier,
    error_type
});

/// The aggregate's state as the response body (times the aggregate does not keep are null).
pub fn render(image: &VmImage) -> serde_json::Value {
    let fields = image.fields.as_ref();
    let file = image.file.as_ref();
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let body = VmImageBody {
        id: image.id.unwrap_or_default(),
        name: fields.map(|f| f.name.clone()).unwrap_or_default(),
        visible_type: fields.map(|f| f.visible_type.clone()),
        os_type: fields.and_then(|f| text(&f.os_type)),
        os_version: fields.and_then(|f| text(&f.os_version)),
        os_bit_type: fields.and_then(|f| text(&f.os_bit_type)),
        system_disk_size: fields.map(|f| f.system_disk_size).filter(|s| *s > 0),
        disk_bus: fields.map(|f| f.disk_bus.clone()),
        image_file_name: file.map(|f| f.image_file_name.clone()),
        image_format: file.map(|f| f.image_format.clone()),
        down_load_url: file.map(|f| f.download_url.clone()),
        file_md5: file.map(|f| f.file_md5.clone()),
        image_size: file.map(|f| f.image_size),
        virtual_size: file.map(|f| f.virtual_size),
        image_slim_status: image.slim_status.map(|s| s.as_str().to_owned()),
        status: Some(image.status.as_str().to_owned()),
        create_time: None,
        modify_time: None,
        upload_time: None,
        user_id: Some(image.user_id.clone()),
        user_name: Some(image.user_name.clone()),
        file_identifier: image.upload.as_ref().map(|u| u.identifier.clone()),
        error_type: image.error_type.clone(),
    };
    serde_json::to_value(body).unwrap_or_default()
}

/// Create or update a VM image.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct VmImageRequest {
    /// Unique among the owner's images.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    /// `public` or `private` (default when absent or null).
    #[schema(pattern = "^(public|private)$")]
    pub visible_type: Option<String>,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 50,
        pattern = r"^[A-Za-z0-9._ -]+$"
    )]
    pub os_type: Option<String>,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 50,
        pattern = r"^[A-Za-z0-9._ -]+$"
    )]
    pub os_version: Option<String>,
    /// `32` or `64` (default when absent or null).
    #[schema(pattern = "^(32|64)$")]
    pub os_bit_type: Option<String>,
    #[schema(required = true, nullable = false, minimum = 1, maximum = 9999)]
    #[serde(deserialize_with = "domain::json_integer::optional_integer")]
    pub system_disk_size: Option<i64>,
    /// `virtio` (default when absent or null), `ide` or `scsi`.
    #[schema(pattern = "^(virtio|ide|scsi)$")]
    pub disk_bus: Option<String>,
}

pub fn invalid(error: VmImageError) -> ApiError {
    let field = match &error {
        VmImageError::Name => "name",
        VmImageError::Field(field) => field,
        _ => "",
    };
    let answer = ApiError::new(ErrorCode::InvalidField, error.to_string());
    if field.is_empty() {
        answer
    } else {
        answer.with_params(vec![field.to_owned()])
    }
}

fn missing(field: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidField, format!("{field} is required"))
        .with_params(vec![field.to_owned()])
}

/// The request's fields, checked by the aggregate's rules.
pub fn fields(body: &VmImageRequest) -> Result<VmImageFields, ApiError> {
    let size = body
        .system_disk_size
        .ok_or_else(|| missing("systemDiskSize"))?;
    VmImageFields {
        name: body.name.clone().ok_or_else(|| missing("name"))?,
        visible_type: body
            .visible_type
            .clone()
            .unwrap_or_else(|| "private".into()),
        os_type: body.os_type.clone().ok_or_else(|| missing("osType"))?,
        os_version: body
            .os_version
            .clone()
            .ok_or_else(|| missing("osVersion"))?,
        os_bit_type: body.os_bit_type.clone().unwrap_or_else(|| "64".into()),
        system_disk_size: i32::try_from(size).unwrap_or(i32::MAX),
        disk_bus: body.disk_bus.clone().unwrap_or_else(|| "virtio".into()),
    }
    .validated()
    .map_err(invalid)
}

/// Paging and order of a list.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct QueryCtrl {
    #[schema(minimum = 0)]
    #[serde(deserialize_with = "domain::json_integer::integer")]
    pub offset: i64,
    /// 1-100; 0 or absent: 100.
    #[schema(minimum = 0, maximum = 100)]
    #[serde(deserialize_with = "domain::json_integer::optional_integer")]
    pub limit: Option<i64>,
    /// `createTime` (default), `uploadTime` or `userName`.
    #[schema(pattern = "^(createTime|uploadTime|userName)?$")]
    pub sort_by: Option<String>,
    /// `ASC` or `DESC` (default).
    #[schema(pattern = "^(ASC|DESC|asc|desc)?$")]
    pub sort_order: Option<String>,
}

/// `POST /vmimages/action/get-list`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ListRequest {
    #[schema(pattern = r"^[^\u0000]*$")]
    pub name: Option<String>,
    /// All, public or private.
    #[schema(pattern = r"^[^\u0000]*$")]
    pub visible_type: Option<String>,
    #[schema(pattern = r"^[^\u0000]*$")]
    pub os_type: Option<String>,
    #[schema(pattern = r"^[^\u0000]*$")]
    pub status: Option<String>,
    #[schema(pattern = r"^[^\u0000]*$")]
    pub user_id: Option<String>,
    /// Uploaded at or after (RFC 3339).
    pub upload_time_begin: Option<chrono::DateTime<chrono::Utc>>,
    /// Uploaded at or before (RFC 3339).
    pub upload_time_end: Option<chrono::DateTime<chrono::Utc>>,
    pub query_ctrl: QueryCtrl,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageList {
    pub total_count: i64,
    pub image_list: Vec<VmImageBody>,
}

/// The chunks of an upload the file server holds.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedChunks {
    pub identifier: String,
    pub total_chunks: u32,
    /// Chunk numbers received, ascending (each one durable: no need to send it again).
    pub uploaded_chunks: Vec<u32>,
}

/// `identifier` of an upload (query).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    #[param(min_length = 1, max_length = 128, pattern = "^[A-Za-z0-9._-]+$")]
    pub identifier: String,
}

/// `fileName` and `identifier` of the upload to merge (query).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MergeQuery {
    /// The upload's file name (no `/`, backslash or control characters).
    #[param(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^/\\\u0000-\u001f\u007f-\u009f]+$"
    )]
    pub file_name: String,
    #[param(min_length = 1, max_length = 128, pattern = "^[A-Za-z0-9._-]+$")]
    pub identifier: String,
}

/// One chunk of an upload, in the flow.js shape (`multipart/form-data`).
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ChunkForm {
    /// The upload's identifier (the same for all its chunks).
    #[schema(min_length = 1, max_length = 128, pattern = "^[A-Za-z0-9._-]+$")]
    pub identifier: String,
    /// 1-based; at most `totalChunks`.
    #[schema(minimum = 1, maximum = 1000000)]
    pub chunk_number: u32,
    #[schema(minimum = 1, maximum = 1000000)]
    pub total_chunks: u32,
    /// The image file's name: `.qcow2` or `.iso`.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^/\\\u0000-\u001f\u007f-\u009f]*\.([Qq][Cc][Oo][Ww]2|[Ii][Ss][Oo])$"
    )]
    pub filename: String,
    /// The chunk's bytes (at most 64 MiB).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}
