//! The application's own operation (clean-env): request, the runner's steps, cancellation.

use chrono::{DateTime, Utc};

use super::Decision;
use crate::application::{Application, ApplicationCommand, ApplicationError, ApplicationEvent};
use crate::operation::{OperationEvent, OperationKind};

impl Application {
    pub(super) fn request_clean_env(
        &self,
        command: &ApplicationCommand,
        operation_id: &str,
        at: DateTime<Utc>,
    ) -> Decision {
        let live = self.live_for(command)?;
        if let Some(running) = live.operations.ongoing() {
            return Err(ApplicationError::OperationRunning(running.id.clone()));
        }
        Ok(vec![ApplicationEvent::Operation(
            OperationEvent::OperationRequested {
                operation_id: operation_id.to_owned(),
                kind: OperationKind::CleanEnv,
                object_id: String::new(),
                object_name: live.fields.name.as_str().to_owned(),
                user_id: command.actor.user_id.clone(),
                user_name: command.actor.user_name.clone(),
                at,
            },
        )])
    }

    /// The workflow runner records a step of the ongoing operation.
    pub(super) fn operation_step(
        &self,
        operation_id: &str,
        events: &[ApplicationEvent],
    ) -> Decision {
        let live = self.state.as_ref().ok_or(ApplicationError::NotFound)?;
        live.operations.check_ongoing(operation_id)?;
        Ok(events.to_vec())
    }

    pub(super) fn cancel_operation(
        &self,
        command: &ApplicationCommand,
        operation_id: &str,
        at: DateTime<Utc>,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.operations.check_ongoing(operation_id)?;
        Ok(vec![ApplicationEvent::Operation(
            OperationEvent::OperationCancelled {
                operation_id: operation_id.to_owned(),
                by: command.actor.user_name.clone(),
                at,
            },
        )])
    }
}
