//! The application's release (reference 1.1 `release`, 2.1): its tested package uploaded to the
//! app store and published, each service it produces registered as a capability, and the
//! application RELEASED. Guarded (the original was not): TESTED, the newest test passed on the
//! package as it is, which was not edited since.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::package::AppPackage;
use super::testing::TestTask;
use super::{Application, ApplicationError, LiveApplication, Transition};

/// A release (`tbl_release_config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// Chosen by the server.
    pub id: String,
    /// The app store's ids of the uploaded package.
    pub store_app_id: String,
    pub store_package_id: String,
    pub is_free: bool,
    /// The price in cents (0 when free).
    pub price_cents: i64,
    pub package_id: String,
    pub test_task_id: String,
    /// The guide shipped with it (the application's guide file then).
    #[serde(default)]
    pub guide_file_id: Option<String>,
    /// The capabilities the services it produces became.
    pub capabilities: Vec<ReleasedCapability>,
    pub released_at: DateTime<Utc>,
}

/// A service the application produces, registered as a capability by its release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasedCapability {
    pub id: String,
    pub name: String,
    pub group_id: String,
    pub service_name: String,
}

impl LiveApplication {
    /// Whether the application can be released now: the package and the newest test task
    /// that passed on it, or why not.
    pub fn releasable(&self) -> Result<(&AppPackage, &TestTask), ApplicationError> {
        self.writable()?;
        let package = self.package.as_ref().ok_or(ApplicationError::NoPackage)?;
        if package.edited {
            return Err(ApplicationError::PackageEdited);
        }
        Application::transition(self, Transition::Release)?;
        let newest = self
            .test_tasks
            .iter()
            .max_by_key(|t| t.created_at)
            .ok_or_else(|| ApplicationError::TestNotPassed("missing".into()))?;
        if !newest.passed() {
            return Err(ApplicationError::TestNotPassed(newest.status.clone()));
        }
        if newest.package_id != package.id || newest.package_file_id != package.archive.file_id {
            return Err(ApplicationError::PackageNotTested);
        }
        Ok((package, newest))
    }
}
