//! `/mec/developer/v2/vmimages` (reference 1.9, 2.5): the VM image catalogue. Tenants create
//! images and upload their files in chunks ([`upload`]); a merge checks them on the file server
//! and a slim shrinks them (both operations); admins publish. A non-admin sees their own images
//! and public ones.

mod dto;
pub mod files;
pub mod upload;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::vm_image::{VmImage, VmImageAction, VmImageCommand, VmImageError};
use domain::Actor;
use projections::read_models::vm_images::query::{self, ImageFilter, ImageOrder, ImageViewer};

pub use dto::{
    ChunkForm, ImageList, ListRequest, MergeQuery, QueryCtrl, ReceivedChunks, UploadQuery,
    VmImageBody, VmImageRequest,
};

use self::dto::{fields, invalid, render};
use super::commanding::{
    json_bytes, metadata, options, requested_position, run_command, AppState, CommandEndpoint,
    CommandHeaders, CommandRequest,
};
use super::operations::{operation_error, Started};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

pub const READ_MODELS: &[&str] = &["vm_images"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/vmimages")
            .service(web::resource("").post(create))
            .service(web::resource("/action/get-list").post(list))
            .service(
                web::resource("/{imageId}")
                    .get(get)
                    .put(update)
                    .delete(files::delete),
            )
            .service(web::resource("/{imageId}/action/publish").put(publish))
            .service(web::resource("/{imageId}/action/reset").put(files::reset))
            .service(web::resource("/{imageId}/action/slim").post(slim))
            .service(
                web::resource("/{imageId}/action/upload")
                    .post(upload::upload_chunk)
                    .get(upload::received)
                    .delete(upload::cancel),
            )
            .service(web::resource("/{imageId}/action/merge").get(upload::merge))
            .service(web::resource("/{imageId}/action/download").get(files::download)),
    );
}

impl CommandEndpoint for VmImage {
    fn command_name(command: &VmImageCommand) -> &'static str {
        command.action.name()
    }

    fn rejection(rejection: VmImageError) -> ApiError {
        match rejection {
            VmImageError::NotFound => not_found(),
            VmImageError::Forbidden => {
                ApiError::forbidden("only the image's owner or an admin may do this")
            }
            VmImageError::AdminOnly => ApiError::forbidden("only admins may publish an image"),
            VmImageError::AlreadyExists => {
                ApiError::new(ErrorCode::VmImageExists, rejection.to_string())
            }
            VmImageError::WrongStatus { .. }
            | VmImageError::MergeNotCancellable
            | VmImageError::AlreadySlim => {
                ApiError::new(ErrorCode::VmImageStatus, rejection.to_string())
            }
            VmImageError::OtherUpload(_) => {
                ApiError::new(ErrorCode::UploadInProgress, rejection.to_string())
            }
            VmImageError::ChunksMissing { .. } => {
                ApiError::new(ErrorCode::ChunksMissing, rejection.to_string())
            }
            VmImageError::IsoNotSlimmable => {
                ApiError::new(ErrorCode::ImageNotSlimmable, rejection.to_string())
            }
            VmImageError::Suffix => ApiError::new(ErrorCode::InvalidFile, rejection.to_string())
                .with_params(vec!["filename".into()]),
            VmImageError::OperationRunning(_) => {
                ApiError::new(ErrorCode::OperationRunning, rejection.to_string())
            }
            VmImageError::Operation(e) => operation_error(e),
            other => invalid(other),
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        ApiError::new(
            ErrorCode::DuplicateVmImage,
            "you have an image of this name already",
        )
        .with_params(vec!["name".into()])
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::VmImageNotFound,
        "no VM image you may see has this id",
    )
}

/// The image id of a path (an integer).
pub fn image_id(text: &str) -> Result<i32, ApiError> {
    text.parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidId, "imageId must be a positive number")
                .with_params(vec!["imageId".into()])
        })
}

fn viewer(actor: &Actor) -> ImageViewer<'_> {
    ImageViewer {
        user_id: &actor.user_id,
        admin: actor.is_admin(),
    }
}

/// Runs `action` on image `id` for `actor` (`body` is what the idempotency fingerprint covers),
/// answered with `render` of the image.
async fn run_on_image<R>(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    actor: Actor,
    id: i32,
    action: VmImageAction,
    body: &[u8],
    render: R,
) -> Result<HttpResponse, ApiError>
where
    R: Fn(&VmImage) -> serde_json::Value + Send + Sync + 'static,
{
    let options = options(req, body)?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let meta = metadata(&actor, None);
            let request = CommandRequest::<VmImage>::new(
                id.to_string(),
                VmImageCommand { actor, action },
                meta,
            )
            .with_options(options);
            run_command(&st, request, render).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Runs `action` on image `id` for `actor`, answered with the image.
async fn image_command(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    actor: Actor,
    id: i32,
    action: VmImageAction,
    body: &[u8],
) -> Result<HttpResponse, ApiError> {
    run_on_image(state, req, actor, id, action, body, render).await
}

/// Create a VM image (UPLOAD_WAIT); its file is uploaded next.
#[utoipa::path(post, path = "/mec/developer/v2/vmimages", tag = "vmimages", params(CommandHeaders), request_body = VmImageRequest,
    responses((status = 201, body = VmImageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, description = "another image of yours has this name", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::request_rules::JsonBody<VmImageRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let f = fields(&body)?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let reply = state
        .offload(async move {
            let id = commands::ids::next_vm_image_id(&st.pool).await?;
            let meta = metadata(&actor, None);
            let command = VmImageCommand {
                actor,
                action: VmImageAction::Create {
                    id,
                    fields: f,
                    at: db::now_micros(),
                },
            };
            let request = CommandRequest::<VmImage>::new(id.to_string(), command, meta)
                .with_options(options)
                .answered_with(
                    StatusCode::CREATED,
                    Some(format!("/mec/developer/v2/vmimages/{id}")),
                );
            run_command(&st, request, render).await
        })
        .await?;
    Ok(reply.into_response())
}

/// Edit an image's metadata (owner or admin); the name stays unique among the owner's.
#[utoipa::path(put, path = "/mec/developer/v2/vmimages/{imageId}", tag = "vmimages",
    params(CommandHeaders, ("imageId" = i32, Path, minimum = 1)), request_body = VmImageRequest,
    responses((status = 200, body = VmImageBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<VmImageRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let f = fields(&body)?;
    let action = VmImageAction::Update {
        fields: f,
        at: db::now_micros(),
    };
    image_command(&state, &req, actor, id, action, &json_bytes(&*body)).await
}

/// Publish an image (admin): it becomes PUBLISHED and public, visible to every user.
#[utoipa::path(put, path = "/mec/developer/v2/vmimages/{imageId}/action/publish", tag = "vmimages",
    params(CommandHeaders, ("imageId" = i32, Path, minimum = 1)),
    responses((status = 200, body = VmImageBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the image has no checked file", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.admin()?;
    let id = image_id(&path)?;
    let action = VmImageAction::Publish {
        at: db::now_micros(),
    };
    image_command(&state, &req, actor, id, action, b"").await
}

/// Slim an uploaded qcow2 image (owner or admin): an operation ("vm image slim").
#[utoipa::path(post, path = "/mec/developer/v2/vmimages/{imageId}/action/slim", tag = "vmimages",
    params(CommandHeaders, ("imageId" = i32, Path, minimum = 1)),
    responses((status = 200, body = Started), (status = 400, description = "an ISO image", body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "not uploaded, slimmed already, or an operation runs", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn slim(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let operation_id = uuid::Uuid::new_v4().to_string();
    let action = VmImageAction::RequestSlim {
        operation_id: operation_id.clone(),
        at: db::now_micros(),
    };
    start_operation(&state, &req, actor, id, action, operation_id).await
}

/// Runs an action that starts an operation; answers `{operationId}` and wakes the runner.
pub async fn start_operation(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    actor: Actor,
    id: i32,
    action: VmImageAction,
    operation_id: String,
) -> Result<HttpResponse, ApiError> {
    let answer = move |_: &VmImage| serde_json::json!({ "operationId": operation_id });
    let response = run_on_image(state, req, actor, id, action, b"", answer).await?;
    state.workflows.wake();
    Ok(response)
}

/// One VM image (own, public, or any for admins).
#[utoipa::path(get, path = "/mec/developer/v2/vmimages/{imageId}", tag = "vmimages", params(("imageId" = i32, Path, minimum = 1)),
    responses((status = 200, body = VmImageBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id = image_id(&path)?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let image = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::image::<VmImageBody>(&st.pool, viewer(&actor), id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(image))
}

/// VM images matching the filters, sorted (newest first by default).
#[utoipa::path(post, path = "/mec/developer/v2/vmimages/action/get-list", tag = "vmimages", request_body = ListRequest,
    responses((status = 200, body = ImageList), (status = 400, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::request_rules::JsonBody<ListRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let position = requested_position(&req)?;
    let ctrl = &body.query_ctrl;
    let limit = ctrl.limit.unwrap_or(20);
    if !(0..=100).contains(&limit) || ctrl.offset < 0 {
        return Err(ApiError::new(
            ErrorCode::InvalidPaging,
            "queryCtrl.limit must be 0-100 and offset 0 or more",
        ));
    }
    let limit = if limit == 0 { 100 } else { limit };
    let order = match ctrl.sort_by.as_deref().unwrap_or("") {
        "" | "createTime" => ImageOrder::CreateTime,
        "uploadTime" => ImageOrder::UploadTime,
        "userName" => ImageOrder::UserName,
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidField,
                "queryCtrl.sortBy must be createTime, uploadTime or userName",
            )
            .with_params(vec!["queryCtrl.sortBy".into()]))
        }
    };
    let ascending = match ctrl.sort_order.as_deref().map(str::to_ascii_uppercase) {
        None => false,
        Some(o) if o.is_empty() || o == "DESC" => false,
        Some(o) if o == "ASC" => true,
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::InvalidField,
                "queryCtrl.sortOrder must be ASC or DESC",
            )
            .with_params(vec!["queryCtrl.sortOrder".into()]))
        }
    };
    let non_empty = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let name = non_empty(&body.name);
    let visible = non_empty(&body.visible_type).filter(|v| !v.eq_ignore_ascii_case("all"));
    let os_type = non_empty(&body.os_type);
    let status = non_empty(&body.status);
    let user = non_empty(&body.user_id);
    let (begin, end) = (body.upload_time_begin, body.upload_time_end);
    let offset = ctrl.offset;
    let st = state.clone();
    let list = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let filter = ImageFilter {
                name: name.as_deref(),
                visible_type: visible.as_deref(),
                os_type: os_type.as_deref(),
                status: status.as_deref(),
                user_id: user.as_deref(),
                upload_time_begin: begin,
                upload_time_end: end,
                order,
                ascending,
            };
            let (image_list, total_count) =
                query::images::<VmImageBody>(&st.pool, viewer(&actor), filter, limit, offset)
                    .await?;
            Ok::<_, ApiError>(ImageList {
                total_count,
                image_list,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}
