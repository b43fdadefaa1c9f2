//! `tbl_container_image`: one row per live container image (`image_status` UPLOAD_SUCCEED once
//! pushed), with the registry's manifest digest.

pub mod query;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::container_image::{
    ContainerImage, ContainerImageEvent, ContainerImageEventKind as Kind,
};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct ContainerImagesProjection;

const EVENTS: &[Kind] = &[
    Kind::ContainerImagePushed,
    Kind::ContainerImageTypeChanged,
    Kind::ContainerImageDeleted,
];
const UPSERT: &str = "INSERT INTO tbl_container_image (image_id, image_name, image_version, \
    user_id, user_name, upload_time, create_time, image_status, image_type, image_path, \
    file_name, digest) VALUES ($1, $2, $3, $4, $5, $6, $6, 'UPLOAD_SUCCEED', $7, $8, $9, $10) \
    ON CONFLICT (image_id) DO UPDATE SET image_name = EXCLUDED.image_name, \
    image_version = EXCLUDED.image_version, upload_time = EXCLUDED.upload_time, \
    image_status = EXCLUDED.image_status, image_type = EXCLUDED.image_type, \
    image_path = EXCLUDED.image_path, file_name = EXCLUDED.file_name, digest = EXCLUDED.digest";
const SET_TYPE: &str = "UPDATE tbl_container_image SET image_type = $2 WHERE image_id = $1";
const DELETE: &str = "DELETE FROM tbl_container_image WHERE image_id = $1";

impl Projection for ContainerImagesProjection {
    fn name(&self) -> &'static str {
        "container_images"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[ContainerImage::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_container_image"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            for event in events.iter().filter(|e| {
                e.aggregate_type == ContainerImage::TYPE
                    && EVENTS.iter().any(|k| k.name() == e.event_type)
            }) {
                let id = event.aggregate_id.as_str();
                match event.decode::<ContainerImageEvent>()? {
                    ContainerImageEvent::ContainerImagePushed {
                        fields: f,
                        user_id,
                        user_name,
                        at,
                    } => {
                        conn.execute(
                            UPSERT,
                            &[
                                &id,
                                &f.image_name,
                                &f.image_version,
                                &user_id,
                                &user_name,
                                &at,
                                &f.image_type.as_str(),
                                &f.image_path,
                                &f.file_name,
                                &f.digest,
                            ],
                        )
                        .await?;
                    }
                    ContainerImageEvent::ContainerImageTypeChanged { image_type } => {
                        conn.execute(SET_TYPE, &[&id, &image_type.as_str()]).await?;
                    }
                    ContainerImageEvent::ContainerImageDeleted {} => {
                        conn.execute(DELETE, &[&id]).await?;
                    }
                }
            }
            Ok(())
        })
    }
}
