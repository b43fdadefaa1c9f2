//! `container_images`: the container platform's images, one row per registered image, written
//! in log order one statement per event (`statements`); a deleted image's row is deleted.

pub mod query;

use cqrs_es::Aggregate;
use db::Conn;
use domain::image::{Image, ImageEvent};

use super::statements::{self, Statement};
use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct ImagesProjection;

const REGISTERED: &str = "INSERT INTO container_images (id, name, tag, digest, repository, \
    size_bytes, architecture, os, created_at, pulled_at, status) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'available')";
const DELETED: &str = "DELETE FROM container_images WHERE id = $1";

impl Projection for ImagesProjection {
    fn name(&self) -> &'static str {
        "images"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Image::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["container_images"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut statements: Vec<Statement> = Vec::new();
            for event in events.iter().filter(|e| e.aggregate_type == Image::TYPE) {
                let Ok(id) = event.aggregate_id.parse::<i64>() else {
                    continue;
                };
                statements.push(match event.decode::<ImageEvent>()? {
                    ImageEvent::ImageRegistered { fields: f, .. } => (
                        REGISTERED,
                        vec![
                            Box::new(id),
                            Box::new(f.name),
                            Box::new(f.tag),
                            Box::new(f.digest),
                            Box::new(f.repository),
                            Box::new(f.size_bytes),
                            Box::new(f.architecture),
                            Box::new(f.os),
                            Box::new(f.created_at),
                            Box::new(event.recorded_at),
                        ],
                    ),
                    ImageEvent::ImageDeleted {} => (DELETED, vec![Box::new(id)]),
                });
            }
            statements::run(conn, &statements).await
        })
    }
}
