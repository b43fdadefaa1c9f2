//! `POST /api/v1/namespaces/{namespaceId}/secrets/{secretId}/actions/reveal`: the plain values,
//! for whoever holds `secrets:reveal` in the namespace; each reveal appends `SecretRevealed`.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use commands::CommandOptions;
use domain::namespace_secret::SecretAction;
use domain::permission::Scope;

use super::dto::RevealedSecret;
use super::{load, paths, run_secret};
use crate::auth::access::Access;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::routes::commanding::AppState;

/// Reveal a secret's values (`secrets:reveal` in its namespace); every reveal is recorded
/// (`SecretRevealed`). An `Idempotency-Key` is not honoured here: a retry is another reveal.
#[utoipa::path(post, path = "/api/v1/namespaces/{namespaceId}/secrets/{secretId}/actions/reveal", tag = "secrets",
    params(("namespaceId" = i64, Path), ("secretId" = i64, Path)),
    responses((status = 200, body = RevealedSecret), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn reveal(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (namespace_id, id) = paths(&path)?;
    let st = state.clone();
    let revealed = state
        .offload(async move {
            let access = Access::resolve(&st, caller.0).await?;
            access.require("secrets", "reveal", Scope::Namespace(namespace_id))?;
            let secret = load(&st, namespace_id, id).await?;
            let action = SecretAction::Reveal { by: access.by() };
            run_secret(
                &st,
                &access,
                id,
                action,
                CommandOptions::default(),
                (StatusCode::OK, None),
            )
            .await?;
            let data = secret
                .data
                .iter()
                .map(|(key, value)| {
                    st.secrets
                        .unseal(value)
                        .map(|plain| (key.clone(), plain))
                        .map_err(|_| {
                            ApiError::internal(
                                "a secret value cannot be opened with the configured keys",
                            )
                        })
                })
                .collect::<Result<BTreeMap<_, _>, _>>()?;
            Ok(RevealedSecret {
                id,
                name: secret.name.unwrap_or_default(),
                secret_type: secret
                    .secret_type
                    .map_or("Opaque", |t| t.as_str())
                    .to_owned(),
                data,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(revealed))
}
