//! Releasing: recorded once the app store published the package (and the capabilities were
//! registered); the application becomes RELEASED and no longer changes.

use super::Decision;
use crate::application::release::Release;
use crate::application::{
    AppStatus, Application, ApplicationCommand, ApplicationError, ApplicationEvent,
};

impl Application {
    pub(super) fn release(&self, command: &ApplicationCommand, release: &Release) -> Decision {
        let live = self.live_for(command)?;
        if live.release.as_ref().is_some_and(|r| r.id == release.id) {
            return Ok(Vec::new());
        }
        let (package, task) = live.releasable()?;
        if package.id != release.package_id || task.id != release.test_task_id {
            return Err(ApplicationError::PackageChanged);
        }
        Ok(vec![
            ApplicationEvent::ApplicationReleased {
                release: release.clone(),
            },
            ApplicationEvent::ApplicationStatusChanged {
                from: live.status,
                to: AppStatus::Released,
            },
        ])
    }
}
