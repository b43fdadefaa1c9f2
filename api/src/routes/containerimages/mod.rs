//! `/mec/developer/v2/containerimages` (reference 1.10): container images. A `docker save` tar
//! arrives in chunks ([`upload`]), is joined, read and pushed to the image registry over its v2
//! API (no docker daemon), then recorded by the ContainerImage aggregate. Listing shows a
//! tenant their own and the public images (admins all); the owner changes the type; the owner or
//! an admin deletes (the registry's manifest first); download pulls the image back as a tar
//! `docker load` reads; an admin imports what the registry has and edgedev does not.

mod dto;
pub mod upload;

pub use dto::{
    ContainerImageBody, ContainerImageChunkForm, ImageQuery, ImageTypeUpdate, Synchronized,
};

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::container_image::{
    ContainerImage, ContainerImageAction, ContainerImageCommand, ContainerImageError,
    ContainerImageFields, ImageType,
};
use domain::Actor;
use workflows::registry::{image_tar, RegistryClient, RegistryError};

use super::commanding::{
    json_bytes, metadata, options, run_command, AppState, CommandEndpoint, CommandHeaders,
    CommandRequest, Reply,
};
use super::{paging, parse_uuid, Page};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;

const READ_MODELS: &[&str] = &["container_images"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/containerimages")
            .service(web::resource("/action/get-all-images").post(list))
            .service(web::resource("/action/synchronize").get(synchronize))
            .service(
                web::resource("/{containerImageId}")
                    .get(get)
                    .put(set_type)
                    .delete(delete),
            )
            .service(
                web::resource("/{containerImageId}/action/upload")
                    .post(upload::chunk)
                    .delete(upload::cancel),
            )
            .service(web::resource("/{containerImageId}/action/merge").get(upload::merge))
            .service(web::resource("/{containerImageId}/action/download").get(download)),
    );
}

impl CommandEndpoint for ContainerImage {
    fn command_name(command: &ContainerImageCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: ContainerImageError) -> ApiError {
        match rejection {
            ContainerImageError::NotFound | ContainerImageError::Deleted => not_found(),
            ContainerImageError::Forbidden => ApiError::forbidden(&rejection.to_string()),
            ContainerImageError::Invalid(message) => {
                ApiError::new(ErrorCode::InvalidField, message)
                    .with_params(vec!["imageType".into()])
            }
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        ApiError::new(
            ErrorCode::DuplicateContainerImage,
            "you have an image of this name and version; delete it or tag the image otherwise",
        )
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::ContainerImageNotFound,
        "no container image you may see has this id",
    )
}

/// The configured registry, or 503.
pub(crate) fn registry(state: &AppState) -> Result<RegistryClient, ApiError> {
    state.registry.clone().ok_or_else(|| {
        ApiError::unavailable("no image registry is configured (EDGEDEV_REGISTRY_URL)")
    })
}

/// A registry failure as an answer.
pub(crate) fn registry_error(error: RegistryError) -> ApiError {
    match error {
        RegistryError::Unreachable(_) => ApiError::unavailable(error.to_string()),
        other => ApiError::new(ErrorCode::RegistryRejected, other.to_string()),
    }
}

/// Runs a command on an image and answers `render` of it.
pub(crate) async fn run(
    st: &AppState,
    actor: &Actor,
    id: &str,
    action: ContainerImageAction,
    options: commands::CommandOptions,
    status: StatusCode,
) -> Result<Reply, ApiError> {
    let meta = metadata(actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let command = ContainerImageCommand {
        actor: actor.clone(),
        action,
    };
    let request = CommandRequest::<ContainerImage>::new(id, command, meta)
        .with_options(options)
        .answered_with(status, None);
    let id = id.to_owned();
    run_command(st, request, move |image: &ContainerImage| {
        match &image.state {
            Some(live) => serde_json::to_value(body_of(&id, live)).unwrap_or_default(),
            None => serde_json::Value::Bool(true),
        }
    })
    .await
}

fn body_of(id: &str, live: &domain::container_image::LiveImage) -> ContainerImageBody {
    ContainerImageBody {
        image_id: id.to_owned(),
        image_name: live.fields.image_name.clone(),
        image_version: live.fields.image_version.clone(),
        user_id: live.user_id.clone(),
        user_name: live.user_name.clone(),
        upload_time: Some(live.uploaded_at),
        create_time: Some(live.created_at),
        image_status: Some("UPLOAD_SUCCEED".into()),
        image_type: Some(live.fields.image_type.as_str().into()),
        image_path: Some(live.fields.image_path.clone()),
        file_name: Some(live.fields.file_name.clone()),
    }
}

/// The image if `actor` may see it (404 otherwise).
async fn visible(
    state: &web::Data<AppState>,
    actor: &Actor,
    id: &str,
) -> Result<ContainerImage, ApiError> {
    let st = state.clone();
    let load_id = id.to_owned();
    let image: ContainerImage = state
        .offload(async move { st.load(&load_id).await })
        .await?;
    if !image.visible_to(actor) {
        return Err(not_found());
    }
    Ok(image)
}

/// A page of the images the caller may see (own and public; admins all), newest first.
#[utoipa::path(post, path = "/mec/developer/v2/containerimages/action/get-all-images", tag = "containerimages",
    request_body = ImageQuery,
    responses((status = 200, body = inline(Page<ContainerImageBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: JsonBody<ImageQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let (limit, offset) = paging(body.limit, body.offset)?;
    let name = body.image_name.clone();
    let position = super::commanding::requested_position(&req)?;
    let st = state.clone();
    let (rows, total) = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let viewer = projections::read_models::container_images::query::Viewer {
                user_id: &actor.user_id,
                admin: actor.is_admin(),
            };
            projections::read_models::container_images::query::list::<ContainerImageBody>(
                &st.pool,
                &viewer,
                name.as_deref(),
                limit,
                offset,
            )
            .await
            .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        results: rows,
        limit,
        offset,
        total,
    }))
}

/// One image the caller may see.
#[utoipa::path(get, path = "/mec/developer/v2/containerimages/{containerImageId}", tag = "containerimages",
    params(("containerImageId" = String, Path)),
    responses((status = 200, body = ContainerImageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "containerImageId")?;
    let image = visible(&state, &actor, &id).await?;
    let live = image.state.as_ref().ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(body_of(&id, live)))
}

/// Change the image's type (its owner): `{imageType: public|private}`.
#[utoipa::path(put, path = "/mec/developer/v2/containerimages/{containerImageId}", tag = "containerimages",
    params(CommandHeaders, ("containerImageId" = String, Path)), request_body = ImageTypeUpdate,
    responses((status = 200, body = ContainerImageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn set_type(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: JsonBody<ImageTypeUpdate>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "containerImageId")?;
    let image_type = ImageType::parse(body.image_type.as_deref().unwrap_or_default())
        .map_err(ContainerImage::rejection)?;
    let options = options(&req, &json_bytes(&*body))?;
    visible(&state, &actor, &id).await?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let action = ContainerImageAction::SetType { image_type };
            run(&st, &actor, &id, action, options, StatusCode::OK).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete the image (its owner or an admin): its manifest in the registry first.
#[utoipa::path(delete, path = "/mec/developer/v2/containerimages/{containerImageId}", tag = "containerimages",
    params(CommandHeaders, ("containerImageId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "containerImageId")?;
    let options = options(&req, b"")?;
    let image = visible(&state, &actor, &id).await?;
    let live = image.state.as_ref().ok_or_else(not_found)?;
    if !actor.may_act_on(&live.user_id) {
        return Err(ContainerImage::rejection(ContainerImageError::Forbidden));
    }
    let client = registry(&state)?;
    match client
        .delete(&live.fields.image_name, &live.fields.image_version)
        .await
    {
        Ok(()) | Err(RegistryError::NotFound(_)) => {}
        Err(other) => return Err(registry_error(other)),
    }
    let st = state.clone();
    let reply = state
        .offload(async move {
            run(
                &st,
                &actor,
                &id,
                ContainerImageAction::Delete,
                options,
                StatusCode::OK,
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// The image pulled from the registry, as a tar `docker load` reads.
#[utoipa::path(get, path = "/mec/developer/v2/containerimages/{containerImageId}/action/download", tag = "containerimages",
    params(("containerImageId" = String, Path)),
    responses((status = 200, description = "a docker save tar", content_type = "application/x-tar", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "containerImageId")?;
    let image = visible(&state, &actor, &id).await?;
    let live = image.state.as_ref().ok_or_else(not_found)?;
    let client = registry(&state)?;
    let (name, tag) = (&live.fields.image_name, &live.fields.image_version);
    let repo = client.repository(name);
    let (manifest, _) = client.manifest(&repo, tag).await.map_err(registry_error)?;
    let config_digest = manifest["config"]["digest"].as_str().unwrap_or_default();
    let config = client
        .blob(&repo, config_digest)
        .await
        .map_err(registry_error)?;
    let mut layers = Vec::new();
    for layer in manifest["layers"].as_array().into_iter().flatten() {
        let digest = layer["digest"].as_str().unwrap_or_default();
        let blob = client.blob(&repo, digest).await.map_err(registry_error)?;
        let gzipped = layer["mediaType"]
            .as_str()
            .is_some_and(|m| m.ends_with("gzip"));
        layers.push(if gzipped {
            image_tar::gunzip(&blob).map_err(|e| ApiError::new(ErrorCode::RegistryRejected, e))?
        } else {
            blob
        });
    }
    let reference = format!("{name}:{tag}");
    let tar = image_tar::saved_tar(&reference, &config, &layers);
    let file = format!("{}-{tag}.tar", name.replace('/', "_"));
    Ok(HttpResponse::Ok()
        .content_type("application/x-tar")
        .insert_header(crate::files::http::content_disposition(&file))
        .body(tar))
}

/// Import the images the registry's project has and edgedev does not (admin); they are the
/// admin's, private.
#[utoipa::path(get, path = "/mec/developer/v2/containerimages/action/synchronize", tag = "containerimages",
    responses((status = 200, body = Synchronized), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn synchronize(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let client = registry(&state)?;
    let images = client.images().await.map_err(registry_error)?;
    let st = state.clone();
    let imported = state
        .offload(async move {
            let known = projections::read_models::container_images::query::paths(&st.pool).await?;
            let mut imported = Vec::new();
            for (name, tag) in images {
                let path = client.reference(&name, &tag);
                if known.contains(&path) {
                    continue;
                }
                let (_, digest) = client
                    .manifest(&client.repository(&name), &tag)
                    .await
                    .map_err(registry_error)?;
                let fields = ContainerImageFields {
                    image_name: name,
                    image_version: tag,
                    image_type: ImageType::Private,
                    image_path: path.clone(),
                    file_name: String::new(),
                    digest,
                };
                let id = uuid::Uuid::new_v4().to_string();
                let action = ContainerImageAction::Import {
                    fields,
                    at: db::now_micros(),
                };
                let options = commands::CommandOptions::default().for_new_stream();
                run(&st, &actor, &id, action, options, StatusCode::OK).await?;
                imported.push(path);
            }
            Ok(imported)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Synchronized { imported }))
}
