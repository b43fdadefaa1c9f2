//! The test platform (reference section 4, ATP): a package goes to it as a test task, whose
//! status is then polled until it is final. Statuses are the platform's own strings; `created`,
//! `waiting` and `running` mean "not yet", anything else is final and only `success` passes.

use std::future::Future;
use std::pin::Pin;

/// A call to the test platform: a boxed future, so the port can live behind `dyn`.
pub type TestFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, TestPlatformError>> + Send + 'a>>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TestPlatformError {
    #[error("the test platform is unreachable: {0}")]
    Unreachable(String),
    /// Its error answer, with its `retCode` when it gave one.
    #[error("the test platform refused the request ({status}): {message}")]
    Rejected {
        status: u16,
        ret_code: Option<i64>,
        message: String,
    },
    #[error("the test platform answered something unexpected: {0}")]
    Malformed(String),
}

/// A task the platform created: `POST /edgegallery/atp/v1/tasks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedTask {
    pub id: String,
    pub app_name: String,
    pub status: String,
    /// As the platform wrote it (the original stored the text).
    pub create_time: String,
}

pub trait TestPlatform: Send + Sync {
    /// Uploads `package` (a CSAR named `file_name`) as a new test task.
    fn create_task<'a>(
        &'a self,
        file_name: &'a str,
        package: Vec<u8>,
    ) -> TestFuture<'a, CreatedTask>;
    /// The task's status now.
    fn task_status<'a>(&'a self, task_id: &'a str) -> TestFuture<'a, String>;
}

/// Whether a task in `status` has ended (anything but created, waiting, running).
pub fn is_final(status: &str) -> bool {
    !matches!(
        status.to_ascii_lowercase().as_str(),
        "created" | "waiting" | "running"
    )
}

/// Whether a task in `status` passed.
pub fn passed(status: &str) -> bool {
    status.eq_ignore_ascii_case("success")
}
