//! The services an application requires and produces (`.../appconfiguration/servicerequireds`
//! and `/serviceproduceds`):
//!
//! - [`required`]: capabilities of the ability centre the application requires; names come from
//!   the capability and its group, and the capability counts the application in `selectCount`.
//! - [`produced`]: services the application publishes, with uploaded files they hold (ADR 0012)
//!   and rules of the application.

pub mod produced;
pub mod required;

pub use produced::{
    add_service_produced, delete_service_produced, list_services_produced, update_service_produced,
    ServiceProducedBody,
};
pub use required::{
    add_service_required, delete_service_required, list_services_required, update_service_required,
    ServiceRequiredBody, ServiceRequiredRequest,
};

use actix_web::http::StatusCode;
use domain::application::{Application, ApplicationAction, ApplicationCommand};
use domain::Actor;

use crate::error::ApiError;
use crate::routes::commanding::{metadata, run_command, AppState, CommandRequest, Reply};
use crate::routes::upload_files::holding;

/// Runs one application command (owner or admin), rendering the answer with `render`.
async fn run_app(
    state: &AppState,
    actor: &Actor,
    app_id: &str,
    action: ApplicationAction,
    options: commands::CommandOptions,
    success: StatusCode,
    render: impl Fn(&Application) -> serde_json::Value,
) -> Result<Reply, ApiError> {
    let meta = metadata(actor, options.idempotency.as_ref().map(|i| i.key.as_str()));
    let command = ApplicationCommand {
        actor: actor.clone(),
        action,
    };
    let request = CommandRequest::<Application>::new(app_id, command, meta)
        .with_options(options)
        .answered_with(success, None);
    run_command(state, request, render).await
}

/// What an application's deletion lets go of in its configuration: its services' files (by
/// holder) and the capabilities it requires.
pub async fn release_services(
    state: &AppState,
    actor: &Actor,
    app_id: &str,
    live: &domain::application::LiveApplication,
) {
    for service in &live.services_produced {
        let files: Vec<String> = service
            .files()
            .iter()
            .map(|(_, f)| (*f).to_owned())
            .collect();
        holding::release(
            state,
            actor,
            &files,
            &produced::holder(&service.app_service_produced_id),
        )
        .await;
    }
    let required: Vec<String> = live
        .services_required
        .iter()
        .map(|s| s.id.clone())
        .collect();
    required::unselect_all(state, actor, &required, app_id).await;
}
