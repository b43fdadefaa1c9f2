//! The test platform port over HTTP: the real platform's REST API (reference section 4, ATP):
//! `POST /edgegallery/atp/v1/tasks` (multipart `file`) and `GET /edgegallery/atp/v1/tasks/{id}`.

use domain::ports::{CreatedTask, TestFuture, TestPlatform, TestPlatformError};

use crate::rest::{text, RestClient, RestError};

pub struct HttpTestPlatform {
    rest: RestClient,
}

impl HttpTestPlatform {
    pub fn new(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        Ok(Self {
            rest: RestClient::new(base, access_token)?,
        })
    }
}

fn error(e: RestError) -> TestPlatformError {
    match e {
        RestError::Unreachable(m) => TestPlatformError::Unreachable(m),
        RestError::Rejected {
            status,
            ret_code,
            message,
        } => TestPlatformError::Rejected {
            status,
            ret_code,
            message,
        },
        RestError::Malformed(m) => TestPlatformError::Malformed(m),
    }
}

/// A task id that is safe as one path segment.
fn segment(id: &str) -> Result<&str, TestPlatformError> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && id != "."
        && id != "..";
    ok.then_some(id)
        .ok_or_else(|| TestPlatformError::Malformed(format!("a task id {id:?}")))
}

impl TestPlatform for HttpTestPlatform {
    fn create_task<'a>(
        &'a self,
        file_name: &'a str,
        package: Vec<u8>,
    ) -> TestFuture<'a, CreatedTask> {
        Box::pin(async move {
            let body = crate::multipart::form(&[], ("file", file_name, &package));
            let task = self
                .rest
                .json(
                    reqwest::Method::POST,
                    "/edgegallery/atp/v1/tasks",
                    Some(body),
                )
                .await
                .map_err(error)?;
            let id = text(&task, "id");
            segment(&id)?;
            Ok(CreatedTask {
                id,
                app_name: text(&task, "appName"),
                status: text(&task, "status"),
                create_time: text(&task, "createTime"),
            })
        })
    }

    fn task_status<'a>(&'a self, task_id: &'a str) -> TestFuture<'a, String> {
        Box::pin(async move {
            let path = format!("/edgegallery/atp/v1/tasks/{}", segment(task_id)?);
            let task = self
                .rest
                .json(reqwest::Method::GET, &path, None)
                .await
                .map_err(error)?;
            let status = text(&task, "status");
            if status.is_empty() {
                return Err(TestPlatformError::Malformed("a task without status".into()));
            }
            Ok(status)
        })
    }
}
