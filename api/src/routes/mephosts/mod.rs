//! `/mec/developer/v2/mephosts` (reference 1.8): admins register, update and delete sandbox edge
//! hosts (checked against the original's rules, health-checked and registered with the host's
//! LCM first); tenants list and read them. Passwords are sealed and shown masked.

use crate::routes::commanding::CommandHeaders;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use commands::reservations;
use domain::mephost::{MepHost, MepHostAction, MepHostCommand, MepHostError, MEC_HOST_IP};
use projections::read_models::hosts::query;

mod dto;
pub mod outside;

pub use dto::{HostQuery, MepHostBody, MepHostLog};
pub use outside::upload_config_file;

use self::outside::{
    check_with_lcm, config_uses, drop_route, host_holder, proxy_route, replayed, send_config,
};

use self::dto::{fields, invalid, render};
use super::commanding::{
    json_bytes, metadata, options, requested_position, run_command, AppState, CommandEndpoint,
    CommandRequest,
};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::upload_files::holding;
use crate::routes::{paging, parse_uuid, Page};

pub const READ_MODELS: &[&str] = &["hosts"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mec/developer/v2/mephosts")
            .service(web::resource("").get(list).post(create))
            .service(web::resource("/action/upload-config-file").post(upload_config_file))
            .service(
                web::resource("/{mephostId}")
                    .get(get)
                    .put(update)
                    .delete(delete),
            )
            .service(web::resource("/{mephostId}/logs").get(logs)),
    );
}

/// Admins only, answered as the original (retCode 20014).
fn admin(caller: Caller) -> Result<domain::Actor, ApiError> {
    caller.admin().map_err(|e| {
        if e.status == StatusCode::FORBIDDEN {
            ApiError::forbidden("userId is empty or not admin!").with_ret_code(20014)
        } else {
            e
        }
    })
}

impl CommandEndpoint for MepHost {
    fn command_name(command: &MepHostCommand) -> &'static str {
        match command.action {
            MepHostAction::Register(_) => "register",
            MepHostAction::Update(_) => "update",
            MepHostAction::Delete => "delete",
        }
    }

    fn rejection(rejection: MepHostError) -> ApiError {
        match rejection {
            MepHostError::NotFound => not_found(),
            MepHostError::Forbidden => {
                ApiError::forbidden("userId is empty or not admin!").with_ret_code(20014)
            }
            MepHostError::AlreadyExists => ApiError::new(
                ErrorCode::MephostExists,
                "a host with this id already exists",
            ),
            other => invalid(other),
        }
    }

    fn duplicate(_scope: &'static str) -> ApiError {
        duplicate_ip()
    }
}

fn duplicate_ip() -> ApiError {
    ApiError::new(
        ErrorCode::DuplicateMecHostIp,
        "a host with this mecHostIp is already registered",
    )
    .with_params(vec!["mecHostIp".into()])
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::MephostNotFound, "no sandbox host has this id")
}

/// Register a sandbox host (admin).
#[utoipa::path(post, path = "/mec/developer/v2/mephosts", tag = "mephosts", params(CommandHeaders), request_body = MepHostBody,
    responses((status = 201, body = MepHostBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, description = "mecHostIp taken", body = ErrorBody), (status = 503, description = "LCM health check or registration failed", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::request_rules::JsonBody<MepHostBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = admin(caller)?;
    let f = fields(&state, &body)?;
    let options = options(&req, &json_bytes(&*body))?.for_new_stream();
    let st = state.clone();
    let id = uuid::Uuid::new_v4().to_string();
    let reply = state
        .offload(async move {
            let taken = reservations::is_held(&st.pool, MEC_HOST_IP, &f.mec_host_ip).await?;
            if taken {
                return Err(duplicate_ip());
            }
            let uses = config_uses(f.config_id.as_ref());
            holding::check(&st, &actor, &uses).await?;
            check_with_lcm(&st, &actor.user_id, &f, true).await?;
            let holder = host_holder(&id);
            holding::take(&st, &actor, &uses, &holder).await?;
            let taken: Vec<String> = uses.iter().map(|u| u.file_id.clone()).collect();
            if let Some(config) = &f.config_id {
                if let Err(error) = send_config(&st, &actor.user_id, &f, config).await {
                    holding::release(&st, &actor, &taken, &holder).await;
                    return Err(error);
                }
            }
            let mut f = f;
            f.reverse_proxy = match proxy_route(&st, &f).await {
                Ok(proxy) => proxy,
                Err(error) => {
                    holding::release(&st, &actor, &taken, &holder).await;
                    return Err(error);
                }
            };
            let meta = metadata(&actor, None);
            let command = MepHostCommand {
                actor: actor.clone(),
                action: MepHostAction::Register(f),
            };
            let request = CommandRequest::<MepHost>::new(id.clone(), command, meta)
                .with_options(options)
                .answered_with(
                    StatusCode::CREATED,
                    Some(format!("/mec/developer/v2/mephosts/{id}")),
                );
            let reply = run_command(&st, request, |h| render(&id, h)).await;
            if replayed(&reply) {
                holding::release(&st, &actor, &taken, &holder).await;
            }
            reply
        })
        .await?;
    Ok(reply.into_response())
}

/// Update a sandbox host (admin); an absent or masked password keeps the current one.
#[utoipa::path(put, path = "/mec/developer/v2/mephosts/{mephostId}", tag = "mephosts", request_body = MepHostBody,
    params(CommandHeaders, ("mephostId" = String, Path)),
    responses((status = 200, body = MepHostBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::request_rules::JsonBody<MepHostBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = admin(caller)?;
    let id = parse_uuid(&path, "mephostId")?;
    let f = fields(&state, &body)?;
    let options = options(&req, &json_bytes(&*body))?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let current: MepHost = st.load(&id).await?;
            let before = current.fields.clone();
            let held = current.fields.and_then(|c| c.config_id);
            // A changed kubeconfig is taken and sent; the one it replaces is let go after.
            let changed = f.config_id.as_ref().filter(|c| Some(*c) != held.as_ref());
            let uses = config_uses(changed);
            holding::check(&st, &actor, &uses).await?;
            check_with_lcm(&st, &actor.user_id, &f, false).await?;
            let holder = host_holder(&id);
            holding::take(&st, &actor, &uses, &holder).await?;
            let taken: Vec<String> = uses.iter().map(|u| u.file_id.clone()).collect();
            if let Some(config) = changed {
                if let Err(error) = send_config(&st, &actor.user_id, &f, config).await {
                    holding::release(&st, &actor, &taken, &holder).await;
                    return Err(error);
                }
            }
            let dropped: Vec<String> = held
                .into_iter()
                .filter(|h| f.config_id.as_ref() != Some(h))
                .collect();
            // The route stays while the host's address and kind do; otherwise it is replaced.
            let mut f = f;
            let old_route = before
                .as_ref()
                .map(|b| (b.mec_host_ip.clone(), b.vim_type.clone(), b.reverse_proxy));
            let moved = match &old_route {
                Some((ip, vim, proxy)) if *ip == f.mec_host_ip && *vim == f.vim_type => {
                    f.reverse_proxy = *proxy;
                    None
                }
                Some((ip, _, proxy)) => {
                    f.reverse_proxy = match proxy_route(&st, &f).await {
                        Ok(proxy) => proxy,
                        Err(error) => {
                            holding::release(&st, &actor, &taken, &holder).await;
                            return Err(error);
                        }
                    };
                    Some((ip.clone(), *proxy))
                }
                None => None,
            };
            let meta = metadata(&actor, None);
            let command = MepHostCommand {
                actor: actor.clone(),
                action: MepHostAction::Update(f),
            };
            let request = CommandRequest::<MepHost>::new(id.clone(), command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            let reply = run_command(&st, request, |h| render(&id, h)).await;
            if replayed(&reply) {
                holding::release(&st, &actor, &taken, &holder).await;
            } else {
                holding::release(&st, &actor, &dropped, &holder).await;
                if let Some((ip, proxy)) = moved {
                    drop_route(&st, &ip, proxy).await;
                }
            }
            reply
        })
        .await?;
    Ok(reply.into_response())
}

/// Delete a sandbox host (admin); refused while instances live on it.
#[utoipa::path(delete, path = "/mec/developer/v2/mephosts/{mephostId}", tag = "mephosts",
    params(CommandHeaders, ("mephostId" = String, Path)),
    responses((status = 200, body = bool, content_type = "application/json"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "instances live on the host", body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = admin(caller)?;
    let id = parse_uuid(&path, "mephostId")?;
    let options = options(&req, b"")?;
    let st = state.clone();
    let reply = state
        .offload(async move {
            let prefix = reservations::first_part_prefix(&id);
            let live =
                reservations::any_with_prefix(&st.pool, domain::vm::HOST_ADDRESS, &prefix).await?;
            if live {
                return Err(ApiError::new(
                    ErrorCode::HostInUse,
                    "instances still run on this host; clean their applications' sandboxes first",
                ));
            }
            let current: MepHost = st.load(&id).await?;
            let route = current
                .fields
                .as_ref()
                .map(|c| (c.mec_host_ip.clone(), c.reverse_proxy));
            let held: Vec<String> = current
                .fields
                .and_then(|c| c.config_id)
                .into_iter()
                .collect();
            let meta = metadata(&actor, None);
            let command = MepHostCommand {
                actor: actor.clone(),
                action: MepHostAction::Delete,
            };
            let request = CommandRequest::<MepHost>::new(id.clone(), command, meta)
                .with_options(options)
                .answered_with(StatusCode::OK, None);
            let reply = run_command(&st, request, |_| serde_json::Value::Bool(true)).await;
            if !replayed(&reply) {
                holding::release(&st, &actor, &held, &host_holder(&id)).await;
                if let Some((ip, proxy)) = route {
                    drop_route(&st, &ip, proxy).await;
                }
            }
            reply
        })
        .await?;
    Ok(reply.into_response())
}

/// A page of sandbox hosts.
#[utoipa::path(get, path = "/mec/developer/v2/mephosts", tag = "mephosts", params(HostQuery),
    responses((status = 200, body = inline(Page<MepHostBody>)), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<HostQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let (limit, offset) = paging(query.limit, query.offset)?;
    let position = requested_position(&req)?;
    let q = query.into_inner();
    let st = state.clone();
    let page = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            let filter = query::HostFilter {
                name: q.name.as_deref(),
                k8s: q
                    .vim_type
                    .as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| v.eq_ignore_ascii_case("K8S")),
                architecture: q.architecture.as_deref().filter(|a| !a.is_empty()),
            };
            let (results, total) =
                query::list::<MepHostBody>(&st.pool, filter, limit, offset).await?;
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

/// One sandbox host.
#[utoipa::path(get, path = "/mec/developer/v2/mephosts/{mephostId}", tag = "mephosts", params(("mephostId" = String, Path)),
    responses((status = 200, body = MepHostBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.tenant_or_admin()?;
    let id = parse_uuid(&path, "mephostId")?;
    let position = requested_position(&req)?;
    let st = state.clone();
    let host = state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            query::find::<MepHostBody>(&st.pool, &id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(host))
}

/// Deploys and clean-ups on a host (admin).
#[utoipa::path(get, path = "/mec/developer/v2/mephosts/{mephostId}/logs", tag = "mephosts", params(("mephostId" = String, Path)),
    responses((status = 200, body = Vec<MepHostLog>), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn logs(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    admin(caller)?;
    let id = parse_uuid(&path, "mephostId")?;
    let st = state.clone();
    let rows = state
        .offload(async move {
            query::logs::<MepHostLog>(&st.pool, &id)
                .await
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}
