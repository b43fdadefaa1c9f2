//! What every request is held to before a handler decides anything: no encoded NUL in its path
//! or query (`screen_requests`, the middleware that applies the per-address rate limit first),
//! and `JsonBody<T>`, the one extractor of JSON request bodies, which beyond reading JSON into
//! `T` holds the rules every body shares: `Content-Type: application/json` (415 otherwise), the size
//! bound and the body deadline (413, 408), an object and never an array (serde would read a struct
//! from an array, positionally; `JsonList<T>` is the array body of the few endpoints that take one), and no NUL in any string (400 `INVALID_TEXT`, before anything
//! is decided: PostgreSQL cannot store it, and no field needs it). Decode errors never echo the
//! values sent (a password, say).

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::extractors::without_values;
use crate::error::{ApiError, ErrorCode};

/// Answers first, before any handler reads the request: a write beyond its client address's
/// rate (429, `rate_limit`), then a path or query holding an encoded NUL (`%00`: 400
/// `INVALID_TEXT`; no parameter needs it, and PostgreSQL cannot store it; JSON bodies are held to
/// the same rule by `JsonBody`).
pub async fn screen_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(answer) = crate::rate_limit::address_refusal(&req).or_else(|| nul_refusal(&req)) {
        return Ok(req.error_response(answer).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The refusal of a path or query holding an encoded NUL.
fn nul_refusal(req: &ServiceRequest) -> Option<ApiError> {
    let url = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_default();
    url.contains("%00").then(|| {
        ApiError::new(
            ErrorCode::InvalidText,
            "the path and query must not contain the NUL character (%00)",
        )
    })
}

/// A JSON object body read into `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for JsonBody<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json(req, payload);
        Box::pin(async move { parse(&body.await?).map(JsonBody) })
    }
}

/// A JSON array body read into a list of `T` (the original's bodies that are lists of ids),
/// held to the same rules as [`JsonBody`] otherwise.
#[derive(Debug)]
pub struct JsonList<T>(pub Vec<T>);

impl<T: DeserializeOwned + 'static> FromRequest for JsonList<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json(req, payload);
        Box::pin(async move { parse_opening(&body.await?, b'[', "array").map(JsonList) })
    }
}

/// The bytes of a JSON body: `Content-Type` JSON (415), within the size bound and deadline.
fn read_json(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl Future<Output = Result<web::Bytes, ApiError>> {
    let json = req.mime_type().ok().flatten().is_some_and(|mime| {
        mime.subtype().as_str() == "json" || mime.suffix().map(|s| s.as_str()) == Some("json")
    });
    let bytes = web::Bytes::from_request(req, payload);
    async move {
        if !json {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "the request body must be JSON (Content-Type: application/json)",
            ));
        }
        let bytes = bytes.await.map_err(unreadable)?;
        crate::audit::note_body(&bytes);
        Ok(bytes)
    }
}

/// Reads a body by the shared rules (public for the tests of those rules).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    parse_opening(bytes, b'{', "object")
}

/// Reads a body that must open with `open` (a JSON `kind`) by the shared rules.
fn parse_opening<T: DeserializeOwned>(bytes: &[u8], open: u8, kind: &str) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != open) {
        return Err(ApiError::new(
            ErrorCode::MalformedJson,
            format!("the request body must be a JSON {kind}"),
        ));
    }
    if has_nul_escape(bytes) {
        return Err(ApiError::new(
            ErrorCode::InvalidText,
            "text must not contain the NUL character (\\u0000)",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedJson,
            format!(
                "the request body is not valid JSON for this endpoint: {}",
                without_values(&e.to_string())
            ),
        )
    })
}

/// Whether the JSON text holds the escape `\u0000` (a raw NUL byte is not valid JSON, and serde
/// refuses it): a `\u0000` preceded by an even run of backslashes before its own.
fn has_nul_escape(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes[i + 1..].starts_with(b"u0000") {
                return true;
            }
            // Skip the escaped character, so `\\u0000` (a backslash, then text) is not taken.
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

fn unreadable(error: actix_web::Error) -> ApiError {
    let status = error.as_response_error().status_code();
    if status == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            ErrorCode::PayloadTooLarge,
            "the request body is larger than allowed",
        );
    }
    let timed_out = error
        .as_error::<actix_web::error::PayloadError>()
        .is_some_and(|e| crate::middleware::is_body_timeout(e));
    if timed_out {
        return ApiError::new(ErrorCode::RequestTimeout, crate::middleware::BODY_TIMEOUT);
    }
    ApiError::new(
        ErrorCode::MalformedBody,
        format!("the request body could not be read: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, Default)]
    #[serde(default)]
    struct Body {
        name: Option<String>,
    }

    fn code(bytes: &str) -> Option<&'static str> {
        parse::<Body>(bytes.as_bytes())
            .err()
            .map(|e| e.code.as_str())
    }

    #[test]
    fn a_nul_in_any_string_is_invalid_text() {
        assert_eq!(code(r#"{"name": "a\u0000b"}"#), Some("INVALID_TEXT"));
        assert_eq!(code(r#"{"other": ["\u0000"]}"#), Some("INVALID_TEXT"));
        assert_eq!(code(r#"{"\u0000": 1}"#), Some("INVALID_TEXT"));
    }

    #[test]
    fn an_escaped_backslash_before_u0000_is_text_not_nul() {
        assert_eq!(code(r#"{"name": "a\\u0000b"}"#), None);
        assert_eq!(
            parse::<Body>(br#"{"name": "\\u0000"}"#)
                .expect("a backslash and text")
                .name
                .as_deref(),
            Some("\\u0000")
        );
        assert_eq!(code(r#"{"name": "\\\u0000"}"#), Some("INVALID_TEXT"));
    }

    #[test]
    fn only_an_object_is_a_body() {
        assert_eq!(code("[]"), Some("MALFORMED_JSON"));
        assert_eq!(code(" [\"x\"]"), Some("MALFORMED_JSON"));
        assert_eq!(code("\"x\""), Some("MALFORMED_JSON"));
        assert_eq!(code(" {}"), None);
    }
}
