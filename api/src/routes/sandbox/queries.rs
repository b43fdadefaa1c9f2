//! The network and VM queries of an application, answered by the VM read model
//! (`projections::read_models::vms::query`). Access is owner-or-admin through the application's
//! owner.

use actix_web::HttpRequest;
use domain::Actor;
use projections::read_models::{applications, vms};
use serde_json::Value;

use super::dto::NetworkBody;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::routes::commanding::{requested_position, AppState};

/// Projections a network or VM change is visible in.
pub const READ_MODELS: &[&str] = &["vms", "applications"];

/// Checks that `app_id` exists and the actor may read it.
pub async fn check_access(state: &AppState, actor: &Actor, app_id: &str) -> Result<(), ApiError> {
    let owner = applications::query::owner_of(&state.pool, app_id).await?;
    match owner {
        None => Err(ApiError::new(
            ErrorCode::ApplicationNotFound,
            "no application has this id",
        )),
        Some(owner) if !actor.may_act_on(owner.as_deref().unwrap_or_default()) => Err(
            ApiError::forbidden("only the application's owner or an admin may access it"),
        ),
        Some(_) => Ok(()),
    }
}

pub async fn networks(
    state: &AppState,
    caller: Caller,
    req: &HttpRequest,
    app_id: String,
    id: Option<String>,
) -> Result<Vec<NetworkBody>, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let position = requested_position(req)?;
    let st = state.clone();
    state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            check_access(&st, &actor, &app_id).await?;
            Ok(vms::query::networks::<NetworkBody>(&st.pool, &app_id, id.as_deref()).await?)
        })
        .await
}

pub async fn vms(
    state: &AppState,
    caller: Caller,
    req: &HttpRequest,
    app_id: String,
    id: Option<String>,
) -> Result<Vec<Value>, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let position = requested_position(req)?;
    let st = state.clone();
    state
        .offload(async move {
            if let Some(position) = position {
                st.wait_visible(READ_MODELS, position).await;
            }
            check_access(&st, &actor, &app_id).await?;
            Ok(vms::query::vms(&st.pool, &app_id, id.as_deref()).await?)
        })
        .await
}
