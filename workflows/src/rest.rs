//! A JSON REST client for the outside systems whose errors carry the original's error body
//! (`{code, message, retCode, params}`): the test platform and the app store. Every call carries
//! `access_token` when one is configured; connecting gives up after 5 seconds, a call after
//! 5 minutes (a package upload is large).

use std::time::Duration;

use serde_json::Value;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(300);

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestError {
    Unreachable(String),
    /// An error answer: its status, `retCode` and `message` when it had them.
    Rejected {
        status: u16,
        ret_code: Option<i64>,
        message: String,
    },
    Malformed(String),
}

pub struct RestClient {
    client: reqwest::Client,
    base: String,
    access_token: Option<String>,
}

/// The `retCode` and message of an error body (the whole text when it is not one).
pub fn error_body(bytes: &[u8]) -> (Option<i64>, String) {
    let text: String = String::from_utf8_lossy(bytes).chars().take(2000).collect();
    match serde_json::from_slice::<Value>(bytes) {
        Ok(body) => {
            let ret_code = body.get("retCode").and_then(Value::as_i64);
            let message = body
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or(text);
            (ret_code, message)
        }
        Err(_) => (None, text),
    }
}

impl RestClient {
    /// A client of the system at `base` (`http[s]://host:port`).
    pub fn new(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .user_agent(concat!("edgedev/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            access_token,
        })
    }

    /// Sends `body` (content type, bytes) to `path`; answers the response's bytes.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<(String, Vec<u8>)>,
    ) -> Result<Vec<u8>, RestError> {
        let url = format!("{}{path}", self.base);
        let mut request = self
            .client
            .request(method, &url)
            .header("accept", "application/json");
        if let Some(token) = &self.access_token {
            request = request.header("access_token", token);
        }
        if let Some((content_type, bytes)) = body {
            request = request.header("content-type", content_type).body(bytes);
        }
        let unreachable = |e: reqwest::Error| {
            let reason = if e.is_timeout() {
                "no answer in time".to_owned()
            } else if e.is_connect() {
                "cannot connect".to_owned()
            } else {
                e.to_string()
            };
            RestError::Unreachable(format!("{path}: {reason}"))
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(unreachable)?;
        if (200..300).contains(&status) {
            return Ok(bytes.to_vec());
        }
        let (ret_code, message) = error_body(&bytes);
        Err(RestError::Rejected {
            status,
            ret_code,
            message,
        })
    }

    /// Sends and reads the answer as JSON (`null` for an empty one).
    pub async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<(String, Vec<u8>)>,
    ) -> Result<Value, RestError> {
        let bytes = self.send(method, path, body).await?;
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| RestError::Malformed(e.to_string()))
    }
}

/// A JSON body.
pub fn json_body(value: &Value) -> (String, Vec<u8>) {
    ("application/json".into(), value.to_string().into_bytes())
}

/// A field as text (numbers written out, missing as empty).
pub fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The original's error body (`{code, message, retCode, params}`) with `status`, as the
/// simulators answer a refusal.
pub fn error_answer(status: u16, ret_code: Option<i64>, message: &str) -> actix_web::HttpResponse {
    let code = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    actix_web::HttpResponse::build(code).json(serde_json::json!({
        "code": code.as_u16(), "message": message, "retCode": ret_code, "params": []
    }))
}
