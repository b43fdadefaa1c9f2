//! `/api/v1/images`: the container images the container platform's containers run
//! (`images:create|read|delete`, platform-wide). `(name, tag)` is unique; a deleted image's
//! reference is free again. (Containers, which will hold the images they run, come with the
//! rest of "Container platform II"; until then nothing holds an image.)

pub mod dto;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::ids::{next_platform_id, PlatformTable};
use domain::image::{Image, ImageAction, ImageCommand, ImageError, ImageFields, IMAGE_REFERENCE};
use domain::permission::Scope;
use projections::read_models::images::query;

pub use dto::{PlatformImageBody, PlatformImageInput, PlatformImageQuery};

use self::dto::{invalid, render};
use super::commanding::{
    json_bytes, options, requested_position, run_on, AppState, CommandEndpoint, CommandHeaders,
};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::request_rules::JsonBody;
use crate::routes::{paging, parse_int_id, Page};

pub const READ_MODELS: &[&str] = &["images"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1/images")
            .service(web::resource("").get(list).post(create))
            .service(web::resource("/{platformImageId}").get(get).delete(delete)),
    );
}

impl CommandEndpoint for Image {
    fn command_name(command: &ImageCommand) -> &'static str {
        match command.action {
            ImageAction::Register { .. } => "register",
            ImageAction::Delete => "delete",
        }
    }

    fn rejection(rejection: ImageError) -> ApiError {
        match rejection {
            ImageError::NotFound => not_found(),
            ImageError::AlreadyExists => ApiError::new(
                ErrorCode::Duplicate,
                "an image with this id already exists; retry",
            ),
            other => invalid(other),
        }
    }

    fn duplicate(scope: &'static str) -> ApiError {
        match scope {
            IMAGE_REFERENCE => ApiError::new(
                ErrorCode::DuplicatePlatformImage,
                "an image with this name and tag is registered",
            )
            .with_params(vec!["name".into(), "tag".into()]),
            other => ApiError::new(
                ErrorCode::Duplicate,
                format!("the value of {other} is already taken"),
            ),
        }
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::PlatformImageNotFound,
        "no container-platform image has this id",
    )
}

/// Runs `action` on image `id` as the caller.
async fn run_image(
    state: &AppState,
    access: &Access,
    id: i64,
    action: ImageAction,
    options: commands::CommandOptions,
    answer: (StatusCode, Option<String>),
    render: impl Fn(&Image) -> serde_json::Value,
) -> Result<super::commanding::Reply, ApiError> {
    let command = ImageCommand {
        actor: access.actor.clone(),
        action,
    };
    run_on(state, &access.actor, id, command, options, answer, render).await
}

/// Register an image (`images:create`).
#[utoipa::path(post, path = "/api/v1/images", tag = "images", request_body = PlatformImageInput, params(CommandHeaders),
    responses((status = 201, body = PlatformImageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, description = "an image with this name and tag is registered", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: JsonBody<PlatformImageInput>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.fields()?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("images", "create", Scope::Platform)?;
            let fields = resolved(&st, fields).await?;
            let id = next_platform_id(&st.pool, PlatformTable::ContainerImages).await?;
            let answer = fields.clone();
            let action = ImageAction::Register {
                fields,
                by: access.by(),
            };
            let location = Some(format!("/api/v1/images/{id}"));
            run_image(
                &st,
                &access,
                id,
                action,
                options,
                (StatusCode::CREATED, location),
                |_| render(id, &answer),
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}

/// The fields with the digest, size and repository the configured registry holds for the image
/// (as given when no registry is configured or it does not hold the image).
async fn resolved(state: &AppState, mut fields: ImageFields) -> Result<ImageFields, ApiError> {
    let Some(registry) = &state.registry else {
        return Ok(fields);
    };
    match registry.describe(&fields.name, &fields.tag).await {
        Ok((digest, size, repository)) => {
            if fields.digest.as_ref().is_some_and(|given| *given != digest) {
                return Err(ApiError::new(
                    ErrorCode::InvalidField,
                    format!(
                        "the registry holds {}:{} as {digest}",
                        fields.name, fields.tag
                    ),
                )
                .with_params(vec!["digest".into()]));
            }
            fields.digest = Some(digest);
            fields.size_bytes.get_or_insert(size);
            fields.repository.get_or_insert(repository);
            fields.validated().map_err(invalid)
        }
        Err(workflows::registry::RegistryError::NotFound(_)) => Ok(fields),
        Err(workflows::registry::RegistryError::Unreachable(reason)) => Err(ApiError::unavailable(
            format!("the image registry is unreachable: {reason}"),
        )),
        Err(other) => {
            // The registry refused the lookup (a name it cannot hold, credentials): the image
            // is registered as given.
            tracing::warn!(error = %other, "the image registry refused a lookup");
            Ok(fields)
        }
    }
}

/// The images, by name and tag (`images:read`).
#[utoipa::path(get, path = "/api/v1/images", tag = "images", params(PlatformImageQuery),
    responses((status = 200, body = inline(Page<PlatformImageBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<PlatformImageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, offset) = paging(query.limit, query.offset)?;
    let position = requested_position(&req)?;
    let q = query.into_inner();
    let st = state.clone();
    let page = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("images", "read", Scope::Platform)?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let filter = query::ImageFilter {
                search: q.search.as_deref(),
                tag: q.tag.as_deref(),
                architecture: q.architecture.as_deref(),
            };
            let (results, total) =
                query::list::<PlatformImageBody>(&st.pool, filter, limit, offset).await?;
            Ok(Page {
                results,
                limit,
                offset,
                total,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One image (`images:read`).
#[utoipa::path(get, path = "/api/v1/images/{platformImageId}", tag = "images", params(("platformImageId" = i64, Path)),
    responses((status = 200, body = PlatformImageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "platformImageId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let image = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("images", "read", Scope::Platform)?;
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::find::<PlatformImageBody>(&st.pool, id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(image))
}

/// Delete an image (`images:delete`); its name and tag are free again. Refused while a container
/// runs it.
#[utoipa::path(delete, path = "/api/v1/images/{platformImageId}", tag = "images", params(CommandHeaders, ("platformImageId" = i64, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "PLATFORM_IMAGE_IN_USE: a container runs it", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_int_id(&path, "platformImageId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("images", "delete", Scope::Platform)?;
            // A container's creation is answered once it is in the read model.
            if projections::read_models::platform_containers::query::image_in_use(&st.pool, id)
                .await?
            {
                return Err(ApiError::new(
                    ErrorCode::PlatformImageInUse,
                    "a container runs this image; delete the container first",
                ));
            }
            let answer = (StatusCode::OK, None);
            run_image(
                &st,
                &access,
                id,
                ImageAction::Delete,
                options,
                answer,
                |_| serde_json::Value::Bool(true),
            )
            .await
        })
        .await?;
    Ok(reply.into_response())
}
