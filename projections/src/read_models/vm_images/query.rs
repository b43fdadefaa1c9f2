//! The queries of `tbl_vm_image`: one image, and a filtered, sorted page. A non-admin sees their
//! own images and public ones; admins see all.

use chrono::{DateTime, Utc};
use db::{DbError, FromRow, Pool};

/// Who asks for VM images.
#[derive(Debug, Clone, Copy)]
pub struct ImageViewer<'a> {
    pub user_id: &'a str,
    pub admin: bool,
}

/// The order of a list: the column, then the direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ImageOrder {
    #[default]
    CreateTime,
    UploadTime,
    UserName,
}

/// What a VM image list is filtered by (each `None` for no filter).
#[derive(Debug, Clone, Copy, Default)]
pub struct ImageFilter<'a> {
    /// Part of the name.
    pub name: Option<&'a str>,
    /// `public` or `private` (any case).
    pub visible_type: Option<&'a str>,
    pub os_type: Option<&'a str>,
    pub status: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub upload_time_begin: Option<DateTime<Utc>>,
    pub upload_time_end: Option<DateTime<Utc>>,
    pub order: ImageOrder,
    pub ascending: bool,
}

const COLUMNS: &str =
    "id, name, visible_type, os_type, os_version, os_bit_type, system_disk_size, \
    image_file_name, image_format, down_load_url, file_md5, image_size, image_slim_status, status, \
    create_time, modify_time, upload_time, user_id, user_name, file_identifier, error_type, \
    disk_bus, virtual_size";

const FILTER: &str = "WHERE ($1 OR user_id = $2 OR visible_type = 'public') \
    AND ($3::text IS NULL OR name ILIKE $3 ESCAPE '\\') \
    AND ($4::text IS NULL OR visible_type = lower($4)) AND ($5::text IS NULL OR user_id = $5) \
    AND ($6::text IS NULL OR lower(os_type) = lower($6)) AND ($7::text IS NULL OR status = upper($7)) \
    AND ($8::timestamptz IS NULL OR upload_time >= $8) AND ($9::timestamptz IS NULL OR upload_time <= $9)";

/// One VM image the viewer may see.
pub async fn image<T: FromRow>(
    pool: &Pool,
    viewer: ImageViewer<'_>,
    id: i32,
) -> Result<Option<T>, DbError> {
    pool.query_opt(
        &format!(
            "SELECT {COLUMNS} FROM tbl_vm_image WHERE id = $1 AND ($2 OR user_id = $3 OR visible_type = 'public')"
        ),
        &[&id, &viewer.admin, &viewer.user_id],
    )
    .await
    .and_then(db::opt_as)
}

/// A page of the VM images the viewer may see, with the number of all that match.
pub async fn images<T: FromRow>(
    pool: &Pool,
    viewer: ImageViewer<'_>,
    filter: ImageFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), DbError> {
    let name = db::contains_pattern(filter.name);
    let column = match filter.order {
        ImageOrder::CreateTime => "create_time",
        ImageOrder::UploadTime => "upload_time",
        ImageOrder::UserName => "user_name",
    };
    let direction = if filter.ascending {
        "ASC NULLS FIRST"
    } else {
        "DESC NULLS LAST"
    };
    let params: [&(dyn db::ToSql + Sync); 9] = [
        &viewer.admin,
        &viewer.user_id,
        &name,
        &filter.visible_type,
        &filter.user_id,
        &filter.os_type,
        &filter.status,
        &filter.upload_time_begin,
        &filter.upload_time_end,
    ];
    let mut paged: Vec<&(dyn db::ToSql + Sync)> = params.to_vec();
    paged.push(&limit);
    paged.push(&offset);
    let rows = pool
        .query(
            &format!(
                "SELECT {COLUMNS} FROM tbl_vm_image {FILTER} \
                 ORDER BY {column} {direction}, id DESC LIMIT $10 OFFSET $11"
            ),
            &paged,
        )
        .await
        .and_then(db::rows_as)?;
    let total = pool
        .query_one(
            &format!("SELECT count(*) FROM tbl_vm_image {FILTER}"),
            &params,
        )
        .await
        .and_then(db::scalar)?;
    Ok((rows, total))
}

/// Whether `id` names an image `viewer` may use for a VM: one they may see (its file may still
/// be uploading while the VM is configured).
pub async fn usable(pool: &Pool, viewer: ImageViewer<'_>, id: i32) -> Result<bool, DbError> {
    pool.query_one(
        "SELECT EXISTS (SELECT 1 FROM tbl_vm_image WHERE id = $1 \
         AND ($2 OR user_id = $3 OR visible_type = 'public'))",
        &[&id, &viewer.admin, &viewer.user_id],
    )
    .await
    .and_then(db::scalar)
}
