//! Testing: a test task is recorded once the test platform created it; the application becomes
//! TESTED and an "Application Test" operation polls the task.

use chrono::{DateTime, Utc};

use super::Decision;
use crate::application::testing::TestTask;
use crate::application::Transition;
use crate::application::{
    Application, ApplicationCommand, ApplicationError, ApplicationEvent, LiveApplication,
};
use crate::operation::{OperationEvent, OperationKind};

impl LiveApplication {
    /// Whether its package can go to the test platform now: PACKAGED or TESTED, with a package
    /// re-packed since its last edit, and no operation running. The package's id.
    pub fn testable(&self) -> Result<&str, ApplicationError> {
        self.writable()?;
        let package = self.package.as_ref().ok_or(ApplicationError::NoPackage)?;
        if package.edited {
            return Err(ApplicationError::PackageEdited);
        }
        Application::transition(self, Transition::Test)?;
        if let Some(running) = self.operations.ongoing() {
            return Err(ApplicationError::OperationRunning(running.id.clone()));
        }
        Ok(&package.id)
    }
}

impl Application {
    pub(super) fn start_test(
        &self,
        command: &ApplicationCommand,
        task: &TestTask,
        at: DateTime<Utc>,
    ) -> Decision {
        let live = self.live_for(command)?;
        if live.test_tasks.iter().any(|t| t.id == task.id) {
            return Ok(Vec::new());
        }
        let package_id = live.testable()?;
        if package_id != task.package_id {
            return Err(ApplicationError::PackageChanged);
        }
        let mut events = vec![ApplicationEvent::TestTaskCreated { task: task.clone() }];
        if let Some(to) = Self::transition(live, Transition::Test)? {
            events.push(ApplicationEvent::ApplicationStatusChanged {
                from: live.status,
                to,
            });
        }
        events.push(ApplicationEvent::Operation(
            OperationEvent::OperationRequested {
                operation_id: task.operation_id.clone(),
                kind: OperationKind::AppTest,
                object_id: task.id.clone(),
                object_name: live.fields.name.as_str().to_owned(),
                user_id: command.actor.user_id.clone(),
                user_name: command.actor.user_name.clone(),
                at,
            },
        ));
        Ok(events)
    }
}
