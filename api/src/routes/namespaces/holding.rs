//! What a namespace holds (ADR 0016): admitting and releasing its resources on its stream, and
//! releasing, before its deletion, what was admitted but does not live.

use commands::CommandOptions;
use domain::config_map::ConfigMap;
use domain::namespace::{Namespace, NamespaceAction, NamespaceCommand, ResourceKind};
use domain::namespace_secret::NamespaceSecret;
use domain::platform_container::PlatformContainer;
use domain::volume::Volume;

use crate::auth::access::Access;
use crate::error::ApiError;
use crate::routes::commanding::{execute_command, metadata, AppState, CommandRequest};

/// Releases what the namespace admitted but does not live: a creation that was admitted and
/// then never written (its request died in between), or a deletion whose release was lost.
pub(super) async fn release_ghosts(
    state: &AppState,
    access: &Access,
    id: i64,
) -> Result<(), ApiError> {
    let namespace: Namespace = state.load(&id.to_string()).await?;
    for (kind, resource) in namespace.held {
        let lives = match kind {
            ResourceKind::ConfigMap => {
                let map: ConfigMap = state.load(&resource.to_string()).await?;
                map.name.is_some()
            }
            ResourceKind::Secret => {
                let secret: NamespaceSecret = state.load(&resource.to_string()).await?;
                secret.name.is_some()
            }
            ResourceKind::Volume => {
                let volume: Volume = state.load(&resource.to_string()).await?;
                volume.name.is_some()
            }
            ResourceKind::Container => {
                let container: PlatformContainer = state.load(&resource.to_string()).await?;
                container.live().is_some()
            }
        };
        if !lives {
            tracing::info!(
                namespace = id,
                ?kind,
                resource,
                "releasing a resource that does not live"
            );
            let action = NamespaceAction::Release { kind, id: resource };
            holds(state, access, id, action).await?;
        }
    }
    Ok(())
}

/// Admits (or releases) a resource of `kind` with `id` in namespace `namespace_id`.
pub(crate) async fn holds(
    state: &AppState,
    access: &Access,
    namespace_id: i64,
    action: NamespaceAction,
) -> Result<(), ApiError> {
    let command = NamespaceCommand {
        actor: access.actor.clone(),
        action,
    };
    let request = CommandRequest::<Namespace>::new(
        namespace_id.to_string(),
        command,
        metadata(&access.actor, None),
    )
    .with_options(CommandOptions::default());
    execute_command(state, &request, |_| serde_json::Value::Null)
        .await
        .map(|_| ())
}
