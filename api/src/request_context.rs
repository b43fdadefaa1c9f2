//! What the current request is, available anywhere in its handling (error bodies, command
//! metadata, the operation-log draft), and carried into work sent to another task.

use std::future::Future;
use std::sync::Arc;

use crate::audit::draft::AuditDraft;

/// The request being handled.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub request_id: String,
    pub correlation_id: Option<String>,
    pub path: String,
    /// The operation-log draft of a container-platform request.
    pub audit: Option<Arc<AuditDraft>>,
}

tokio::task_local! {
    static REQUEST: RequestInfo;
}

impl RequestInfo {
    /// The request being handled by the current task, if any.
    pub fn current() -> Option<RequestInfo> {
        REQUEST.try_with(Clone::clone).ok()
    }

    /// Runs `work` as this request's handling.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        REQUEST.scope(self, work).await
    }

    /// `work`, run with the current request's context (for work sent to another task).
    pub fn carried_into<F: Future>(work: F) -> impl Future<Output = F::Output> {
        let info = Self::current();
        async move {
            match info {
                Some(info) => info.scope(work).await,
                None => work.await,
            }
        }
    }
}
