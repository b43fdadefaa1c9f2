//! The application's test tasks (reference 1.1 `atp-tests`, 2.6): its package sent to the test
//! platform, each task polled by an "Application Test" operation until its status is final. The
//! application is TESTED once a task is created (as the original); release asks for the newest
//! task to have passed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ports::test_platform;

/// One test task of the application (`tbl_atp_test_task`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestTask {
    /// The test platform's task id.
    pub id: String,
    pub app_name: String,
    /// The platform's status, as it last answered.
    pub status: String,
    /// The platform's creation time, as it wrote it.
    pub create_time: String,
    /// The package it tests, and the archive (uploaded file) that was sent.
    pub package_id: String,
    pub package_file_id: String,
    /// The application's class when it was tested (the older model's `platform`).
    pub app_class: super::AppClass,
    /// The operation that polls it.
    pub operation_id: String,
    /// When edgedev recorded it (tasks are ordered by it).
    pub created_at: DateTime<Utc>,
}

impl TestTask {
    /// Whether its status is final.
    pub fn is_final(&self) -> bool {
        test_platform::is_final(&self.status)
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        test_platform::passed(&self.status)
    }
}
