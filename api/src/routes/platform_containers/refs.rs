//! What a container's spec names must exist: its image, its volumes in the same namespace,
//! and each config map or secret key its environment reads, in the same namespace.

use domain::image::Image;
use domain::platform_container::ContainerSpec;
use domain::volume::Volume;
use projections::read_models::namespaces::query::{self, Source};

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

fn refused(message: String, param: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidField, message).with_params(vec![param.to_owned()])
}

/// Checks the spec's references; answers the image's `name:tag`.
pub(super) async fn check(
    state: &AppState,
    namespace_id: i64,
    spec: &ContainerSpec,
) -> Result<String, ApiError> {
    let image: Image = state.load(&spec.image_id.to_string()).await?;
    let reference = image
        .reference
        .ok_or_else(|| refused(format!("no image has id {}", spec.image_id), "imageId"))?;
    for mount in &spec.volume_mounts {
        let volume: Volume = state.load(&mount.volume_id.to_string()).await?;
        if volume.name.is_none() || volume.namespace_id != Some(namespace_id) {
            return Err(refused(
                format!("the namespace has no volume with id {}", mount.volume_id),
                "volumeId",
            ));
        }
    }
    for (secret, name, key) in spec.env_sources() {
        let (source, what) = if secret {
            (Source::Secret, "secret")
        } else {
            (Source::ConfigMap, "config map")
        };
        if !query::has_source_key(&state.pool, namespace_id, source, name, key).await? {
            return Err(refused(
                format!("the namespace has no {what} {name:?} with the key {key:?}"),
                "valueFrom",
            ));
        }
    }
    Ok(reference)
}
