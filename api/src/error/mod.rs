//! The API error: one type for every failure an endpoint can answer with. Each constructor says
//! its status; the JSON body carries a stable `code`, a message a person understands, the request
//! path and id, and the original platform's `retCode`/`params` where it had them. Database and
//! internal failures are logged, never leaked.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::request_context::RequestInfo;

mod codes;

pub use codes::ErrorCode;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub ret_code: Option<u32>,
    pub params: Vec<String>,
    /// Seconds after which a retry may succeed (`Retry-After`).
    pub retry_after: Option<u32>,
}

/// The JSON error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub timestamp: String,
    /// HTTP status.
    pub status: u16,
    /// HTTP reason phrase.
    pub error: String,
    /// Stable machine-readable code, e.g. `DUPLICATE_APPLICATION`.
    pub code: String,
    pub message: String,
    pub path: String,
    pub request_id: String,
    /// The original platform's error code, where it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_code: Option<u32>,
    pub params: Vec<String>,
}

impl ApiError {
    /// An answer with `code`: its status and `retCode` come from the catalogue.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status: code.status(),
            code,
            message: message.into(),
            ret_code: code.ret_code(),
            params: Vec::new(),
            retry_after: None,
        }
    }

    /// A more specific `retCode` of the original for this answer.
    pub fn with_ret_code(mut self, ret_code: u32) -> Self {
        self.ret_code = Some(ret_code);
        self
    }

    /// Tells the client when to retry (`Retry-After`, in seconds).
    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_params(mut self, params: Vec<String>) -> Self {
        self.params = params;
        self
    }

    /// 401: no valid token.
    pub fn unauthorized(message: &str) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    /// 403: authenticated, but not allowed.
    pub fn forbidden(message: &str) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// 503: a dependency (the database, an outside system) is unavailable.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ServiceUnavailable, message)
    }

    /// 500: a bug or an unexpected failure; the detail is logged, not returned.
    pub fn internal(detail: &str) -> Self {
        tracing::error!(detail, "internal error");
        Self::new(
            ErrorCode::Internal,
            "an internal error occurred; it has been logged",
        )
    }

    /// A database failure: 400 for text the database cannot hold (a NUL character, in a query
    /// parameter or a field headed for an event), 503 when the database is unreachable, 500
    /// otherwise. This is the one place NUL is refused: every text a request brings reaches the
    /// database as a statement parameter or inside an event, so nothing with a NUL is stored.
    pub fn database(error: &db::DbError) -> Self {
        if error.is_invalid_text() {
            return Self::new(
                ErrorCode::InvalidText,
                "text must not contain NUL characters (\\u0000)",
            );
        }
        if error.is_transient() {
            tracing::warn!(%error, "database unavailable");
            Self::unavailable("the database is unavailable; retry shortly")
        } else {
            Self::internal(&error.to_string())
        }
    }

    fn body(&self) -> ErrorBody {
        let info = RequestInfo::current();
        ErrorBody {
            timestamp: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            status: self.status.as_u16(),
            error: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            code: self.code.as_str().to_owned(),
            message: self.message.clone(),
            path: info.as_ref().map(|i| i.path.clone()).unwrap_or_default(),
            request_id: info.map(|i| i.request_id).unwrap_or_default(),
            ret_code: self.ret_code,
            params: self.params.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code.as_str(),
            self.message
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after {
            response.insert_header(("retry-after", seconds.to_string()));
        }
        response.json(self.body())
    }
}

impl From<db::DbError> for ApiError {
    fn from(error: db::DbError) -> Self {
        ApiError::database(&error)
    }
}

/// Maps the extractors' own errors (bad query, bad path) to API errors; decode messages without
/// the values they quote.
pub mod extractors {
    use actix_web::error::{PathError, QueryPayloadError};
    use actix_web::HttpRequest;

    use super::{ApiError, ErrorCode};

    /// A decoding error's message without the value it quotes: `invalid type: string "hunter2",
    /// expected u16` becomes `invalid type: string, expected u16`, so a secret sent with the wrong
    /// type is never echoed (or logged with the answer).
    pub fn without_values(message: &str) -> String {
        for marker in ["invalid type: ", "invalid value: ", "invalid length "] {
            let Some(start) = message.find(marker) else {
                continue;
            };
            let after = start + marker.len();
            let Some(length) = message[after..].find(", expected") else {
                continue;
            };
            let segment = &message[after..after + length];
            let kind = segment
                .split(['`', '"'])
                .next()
                .unwrap_or_default()
                .trim_end();
            return format!("{}{kind}{}", &message[..after], &message[after + length..]);
        }
        message.to_owned()
    }

    pub fn query(error: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
        ApiError::new(
            ErrorCode::InvalidQuery,
            format!("invalid query parameters: {error}"),
        )
        .into()
    }

    pub fn path(error: PathError, _: &HttpRequest) -> actix_web::Error {
        ApiError::new(
            ErrorCode::InvalidPath,
            format!("invalid path parameter: {error}"),
        )
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::extractors::without_values;

    #[test]
    fn decoding_errors_never_echo_the_value_they_refused() {
        assert_eq!(
            without_values("invalid type: string \"hunter2\", expected u16 at line 1 column 9"),
            "invalid type: string, expected u16 at line 1 column 9"
        );
        assert_eq!(
            without_values(
                "invalid type: integer `98765432`, expected a string at line 1 column 30"
            ),
            "invalid type: integer, expected a string at line 1 column 30"
        );
        assert_eq!(
            without_values("missing field `name` at line 1 column 2"),
            "missing field `name` at line 1 column 2"
        );
    }
}
