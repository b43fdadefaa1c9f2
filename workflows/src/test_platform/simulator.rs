//! The simulated test platform: a task is made of an uploaded package that must be a readable
//! CSAR (its `app_product_name` is the task's app name); its status answers "waiting" once and
//! "running" for `pendingPolls` polls, then the plan's result. The plan in force when a task is
//! created decides how that task ends.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use domain::ports::{CreatedTask, TestFuture, TestPlatform, TestPlatformError};
use serde::{Deserialize, Serialize};

/// How the simulated test platform behaves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct TestPlatformPlan {
    /// The call that fails: `create` or `status`.
    pub fail: Option<String>,
    /// The `retCode` a failing call answers with.
    #[serde(deserialize_with = "domain::json_integer::optional_integer")]
    pub fail_ret_code: Option<i64>,
    /// Delay before every answer, in milliseconds.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(maximum = 60000)]
    pub delay_ms: u64,
    /// Polls answered "running" before the final status.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(maximum = 1000)]
    pub pending_polls: u32,
    /// The status tasks end with (default `success`; e.g. `failed`).
    #[schema(max_length = 32)]
    pub result: Option<String>,
}

struct Task {
    polls: u32,
    pending: u32,
    result: String,
}

#[derive(Default)]
pub struct SimulatedTestPlatform {
    tasks: Mutex<HashMap<String, Task>>,
    plan: Mutex<TestPlatformPlan>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl SimulatedTestPlatform {
    pub fn set_plan(&self, plan: TestPlatformPlan) {
        *lock(&self.plan) = plan;
    }

    pub fn plan(&self) -> TestPlatformPlan {
        lock(&self.plan).clone()
    }

    /// Waits the plan's delay, then fails when the plan fails `call`.
    async fn before(&self, call: &str) -> Result<TestPlatformPlan, TestPlatformError> {
        let plan = self.plan();
        if plan.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(plan.delay_ms)).await;
        }
        if plan.fail.as_deref() == Some(call) {
            return Err(TestPlatformError::Rejected {
                status: 500,
                ret_code: plan.fail_ret_code,
                message: format!("simulated {call} failure"),
            });
        }
        Ok(plan)
    }
}

/// The package's `app_product_name`, from its manifest.
fn app_name(package: &[u8]) -> Result<String, TestPlatformError> {
    let csar = crate::package::Csar::read(package).map_err(|e| TestPlatformError::Rejected {
        status: 400,
        ret_code: Some(20030),
        message: format!("the file is not an application package: {e}"),
    })?;
    let manifest = csar
        .manifest_path()
        .ok()
        .and_then(|path| csar.text(&path).ok().map(str::to_owned))
        .unwrap_or_default();
    Ok(manifest
        .lines()
        .find_map(|l| l.strip_prefix("app_product_name:"))
        .map(|n| n.trim().to_owned())
        .unwrap_or_default())
}

impl TestPlatform for SimulatedTestPlatform {
    fn create_task<'a>(
        &'a self,
        _file_name: &'a str,
        package: Vec<u8>,
    ) -> TestFuture<'a, CreatedTask> {
        Box::pin(async move {
            let plan = self.before("create").await?;
            let app_name = app_name(&package)?;
            let id = uuid::Uuid::new_v4().to_string();
            lock(&self.tasks).insert(
                id.clone(),
                Task {
                    polls: 0,
                    pending: plan.pending_polls,
                    result: plan.result.unwrap_or_else(|| "success".into()),
                },
            );
            Ok(CreatedTask {
                id,
                app_name,
                status: "created".into(),
                create_time: chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string(),
            })
        })
    }

    fn task_status<'a>(&'a self, task_id: &'a str) -> TestFuture<'a, String> {
        Box::pin(async move {
            self.before("status").await?;
            let mut tasks = lock(&self.tasks);
            let task = tasks
                .get_mut(task_id)
                .ok_or_else(|| TestPlatformError::Rejected {
                    status: 404,
                    ret_code: Some(20007),
                    message: format!("no task {task_id}"),
                })?;
            task.polls += 1;
            Ok(match task.polls {
                1 if task.pending > 0 => "waiting".to_owned(),
                n if n <= task.pending => "running".to_owned(),
                _ => task.result.clone(),
            })
        })
    }
}
