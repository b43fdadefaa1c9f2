//! `tbl_vm_image` (and the older model's `tbl_vm_system`, the same facts): one row per live VM
//! image, from the VmImage aggregate. A batch reads the rows it touches, folds its events into
//! them in memory, then deletes and re-inserts those rows (two statements per table). Chunks and
//! merges in progress change no column and are skipped undecoded.

pub mod query;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use db::{Conn, DbError, Sql};
use domain::vm_image::{ImageFile, VmImage, VmImageEvent, VmImageEventKind as Kind};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct VmImagesProjection;

/// The events that change a row.
const READS: &[Kind] = &[
    Kind::VmImageCreated,
    Kind::VmImageRegistered,
    Kind::VmImageUpdated,
    Kind::VmImagePublished,
    Kind::VmImageReset,
    Kind::VmImageUploadStarted,
    Kind::VmImageUploadCancelled,
    Kind::VmImageMerging,
    Kind::VmImageUploaded,
    Kind::VmImageUploadFailed,
    Kind::VmImageSlimming,
    Kind::VmImageSlimmed,
    Kind::VmImageSlimFailed,
    Kind::VmImageSlimCancelled,
    Kind::VmImageDeleted,
];

const COLUMNS: &str =
    "id, name, visible_type, os_type, os_version, os_bit_type, system_disk_size, \
    image_file_name, image_format, down_load_url, file_md5, image_size, image_slim_status, status, \
    create_time, modify_time, upload_time, user_id, user_name, file_identifier, error_type, \
    disk_bus, virtual_size";

impl Projection for VmImagesProjection {
    fn name(&self) -> &'static str {
        "vm_images"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[VmImage::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_vm_image", "tbl_vm_system"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let relevant: Vec<&LogEvent> = events
                .iter()
                .filter(|e| e.aggregate_type == VmImage::TYPE)
                .filter(|e| READS.iter().any(|k| k.name() == e.event_type))
                .collect();
            if relevant.is_empty() {
                return Ok(());
            }
            let mut ids: Vec<i32> = Vec::new();
            for event in &relevant {
                ids.push(image_id(event)?);
            }
            ids.sort_unstable();
            ids.dedup();
            let mut rows = load(conn, &ids).await?;
            for event in relevant {
                let id = image_id(event)?;
                let at = event.recorded_at;
                apply(&mut rows, id, event.decode::<VmImageEvent>()?, at);
            }
            write(conn, &ids, &rows).await?;
            Ok(())
        })
    }
}

fn image_id(event: &LogEvent) -> Result<i32, ProjectionError> {
    event
        .aggregate_id
        .parse()
        .map_err(|_| ProjectionError::Decode {
            event_type: event.event_type.clone(),
            event_version: event.event_version.clone(),
            message: format!("VM image id {:?} is not an integer", event.aggregate_id),
        })
}

/// One row of `tbl_vm_image`.
#[derive(Debug, Clone, Default)]
struct Row {
    name: String,
    visible_type: Option<String>,
    os_type: Option<String>,
    os_version: Option<String>,
    os_bit_type: Option<String>,
    system_disk_size: Option<i32>,
    image_file_name: Option<String>,
    image_format: Option<String>,
    down_load_url: Option<String>,
    file_md5: Option<String>,
    image_size: Option<i64>,
    image_slim_status: Option<String>,
    status: Option<String>,
    create_time: Option<DateTime<Utc>>,
    modify_time: Option<DateTime<Utc>>,
    upload_time: Option<DateTime<Utc>>,
    user_id: Option<String>,
    user_name: Option<String>,
    file_identifier: Option<String>,
    error_type: Option<String>,
    disk_bus: Option<String>,
    virtual_size: Option<i64>,
}

impl Row {
    fn set_file(&mut self, file: Option<&ImageFile>) {
        self.image_file_name = file.map(|f| f.image_file_name.clone());
        self.image_format = file.map(|f| f.image_format.clone());
        self.down_load_url = file.map(|f| f.download_url.clone());
        self.file_md5 = file.map(|f| f.file_md5.clone());
        self.image_size = file.map(|f| f.image_size);
        self.virtual_size = file.map(|f| f.virtual_size);
    }
}

async fn load(conn: &Conn, ids: &[i32]) -> Result<BTreeMap<i32, Row>, DbError> {
    let rows = conn
        .query(
            &format!("SELECT {COLUMNS} FROM tbl_vm_image WHERE id = ANY($1)"),
            &[&ids],
        )
        .await?;
    let mut loaded = BTreeMap::new();
    for r in &rows {
        loaded.insert(
            r.try_get::<_, i32>("id")?,
            Row {
                name: r.try_get("name")?,
                visible_type: r.try_get("visible_type")?,
                os_type: r.try_get("os_type")?,
                os_version: r.try_get("os_version")?,
                os_bit_type: r.try_get("os_bit_type")?,
                system_disk_size: r.try_get("system_disk_size")?,
                image_file_name: r.try_get("image_file_name")?,
                image_format: r.try_get("image_format")?,
                down_load_url: r.try_get("down_load_url")?,
                file_md5: r.try_get("file_md5")?,
                image_size: r.try_get("image_size")?,
                image_slim_status: r.try_get("image_slim_status")?,
                status: r.try_get("status")?,
                create_time: r.try_get("create_time")?,
                modify_time: r.try_get("modify_time")?,
                upload_time: r.try_get("upload_time")?,
                user_id: r.try_get("user_id")?,
                user_name: r.try_get("user_name")?,
                file_identifier: r.try_get("file_identifier")?,
                error_type: r.try_get("error_type")?,
                disk_bus: r.try_get("disk_bus")?,
                virtual_size: r.try_get("virtual_size")?,
            },
        );
    }
    Ok(loaded)
}

fn apply(rows: &mut BTreeMap<i32, Row>, id: i32, event: VmImageEvent, recorded: DateTime<Utc>) {
    let status = |s: &str| Some(s.to_owned());
    match event {
        VmImageEvent::VmImageCreated {
            fields,
            user_id,
            user_name,
            at,
            ..
        } => {
            rows.insert(
                id,
                Row {
                    name: fields.name,
                    visible_type: Some(fields.visible_type),
                    os_type: Some(fields.os_type),
                    os_version: Some(fields.os_version),
                    os_bit_type: Some(fields.os_bit_type),
                    system_disk_size: Some(fields.system_disk_size),
                    disk_bus: Some(fields.disk_bus),
                    status: status("UPLOAD_WAIT"),
                    create_time: Some(at),
                    modify_time: Some(at),
                    user_id: Some(user_id),
                    user_name: Some(user_name),
                    ..Row::default()
                },
            );
        }
        VmImageEvent::VmImageRegistered {
            name,
            file,
            user_id,
            user_name,
            at,
            ..
        } => {
            let mut row = Row {
                name,
                visible_type: status("private"),
                image_slim_status: status("SLIM_SUCCEED"),
                status: status("PUBLISHED"),
                create_time: Some(at),
                modify_time: Some(at),
                upload_time: Some(at),
                user_id: Some(user_id),
                user_name: Some(user_name),
                ..Row::default()
            };
            row.set_file(Some(&file));
            rows.insert(id, row);
        }
        VmImageEvent::VmImageDeleted { .. } => {
            rows.remove(&id);
        }
        other => {
            let Some(row) = rows.get_mut(&id) else {
                return;
            };
            row.modify_time = Some(recorded);
            match other {
                VmImageEvent::VmImageUpdated { fields, .. } => {
                    row.name = fields.name;
                    row.visible_type = Some(fields.visible_type);
                    row.os_type = Some(fields.os_type);
                    row.os_version = Some(fields.os_version);
                    row.os_bit_type = Some(fields.os_bit_type);
                    row.system_disk_size = Some(fields.system_disk_size);
                    row.disk_bus = Some(fields.disk_bus);
                }
                VmImageEvent::VmImagePublished { .. } => {
                    row.status = status("PUBLISHED");
                    row.visible_type = status("public");
                }
                VmImageEvent::VmImageReset { .. } => {
                    row.status = status("UPLOAD_WAIT");
                    row.set_file(None);
                    row.image_slim_status = None;
                    row.error_type = None;
                    row.file_identifier = None;
                    row.upload_time = None;
                }
                VmImageEvent::VmImageUploadStarted { identifier, .. } => {
                    row.status = status("UPLOADING");
                    row.file_identifier = Some(identifier);
                    row.error_type = None;
                }
                VmImageEvent::VmImageUploadCancelled { .. } => {
                    row.status = status("UPLOAD_CANCELLED");
                }
                VmImageEvent::VmImageMerging { .. } => row.status = status("UPLOADING_MERGING"),
                VmImageEvent::VmImageUploaded { file, at } => {
                    row.status = status("PUBLISHED");
                    row.image_slim_status = status("SLIM_WAIT");
                    row.upload_time = Some(at);
                    row.set_file(Some(&file));
                }
                VmImageEvent::VmImageUploadFailed { error_type, .. } => {
                    row.status = status("UPLOAD_FAILED");
                    row.error_type = Some(error_type);
                }
                VmImageEvent::VmImageSlimming { .. } => row.image_slim_status = status("SLIMMING"),
                VmImageEvent::VmImageSlimmed { file, .. } => {
                    row.image_slim_status = status("SLIM_SUCCEED");
                    row.set_file(Some(&file));
                }
                VmImageEvent::VmImageSlimFailed { .. } => {
                    row.image_slim_status = status("SLIM_FAILED")
                }
                VmImageEvent::VmImageSlimCancelled { .. } => {
                    row.image_slim_status = status("SLIM_WAIT")
                }
                _ => {}
            }
        }
    }
}

const INSERT_IMAGES: &str =
    "INSERT INTO tbl_vm_image (id, name, visible_type, os_type, os_version, \
    os_bit_type, system_disk_size, image_file_name, image_format, down_load_url, file_md5, \
    image_size, image_slim_status, status, create_time, modify_time, upload_time, user_id, \
    user_name, file_identifier, error_type, disk_bus, virtual_size) \
    SELECT * FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
    $7::int4[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int8[], $13::text[], \
    $14::text[], $15::timestamptz[], $16::timestamptz[], $17::timestamptz[], $18::text[], \
    $19::text[], $20::text[], $21::text[], $22::text[], $23::int8[])";

/// The older model's copy: the same rows, cut to its narrower columns.
const COPY_SYSTEMS: &str = "INSERT INTO tbl_vm_system (system_id, system_name, type, \
    operate_system, version, system_bit, system_disk, user_id, user_name, create_time, modify_time, \
    system_format, system_size, system_slim, upload_time, system_path, file_name, file_md5, \
    status, file_identifier, error_type) \
    SELECT id, left(name, 128), left(visible_type, 50), left(os_type, 50), \
    left(coalesce(os_version, ''), 50), left(os_bit_type, 50), system_disk_size, left(user_id, 50), \
    left(user_name, 50), create_time, modify_time, left(image_format, 50), image_size, \
    left(image_slim_status, 50), upload_time, left(down_load_url, 128), left(image_file_name, 128), \
    left(file_md5, 128), left(status, 50), file_identifier, error_type \
    FROM tbl_vm_image WHERE id = ANY($1)";

async fn write(conn: &Conn, ids: &[i32], rows: &BTreeMap<i32, Row>) -> Result<(), DbError> {
    conn.execute(
        "DELETE FROM tbl_vm_system WHERE system_id = ANY($1)",
        &[&ids],
    )
    .await?;
    conn.execute("DELETE FROM tbl_vm_image WHERE id = ANY($1)", &[&ids])
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    macro_rules! column {
        ($field:ident) => {
            rows.values().map(|r| r.$field.clone()).collect::<Vec<_>>()
        };
    }
    let live: Vec<i32> = rows.keys().copied().collect();
    conn.execute(
        INSERT_IMAGES,
        &[
            &live,
            &column!(name),
            &column!(visible_type),
            &column!(os_type),
            &column!(os_version),
            &column!(os_bit_type),
            &column!(system_disk_size),
            &column!(image_file_name),
            &column!(image_format),
            &column!(down_load_url),
            &column!(file_md5),
            &column!(image_size),
            &column!(image_slim_status),
            &column!(status),
            &column!(create_time),
            &column!(modify_time),
            &column!(upload_time),
            &column!(user_id),
            &column!(user_name),
            &column!(file_identifier),
            &column!(error_type),
            &column!(disk_bus),
            &column!(virtual_size),
        ],
    )
    .await?;
    conn.execute(COPY_SYSTEMS, &[&live]).await?;
    Ok(())
}
