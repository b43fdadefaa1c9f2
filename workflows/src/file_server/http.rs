//! The file server port over HTTP: the real image file server's REST API (reference section 4,
//! `/image-management/v1/images`) on `reqwest`. Chunks go as multipart forms (`part`,
//! `priority`, `identifier`, `chunkNumber`), the merge as a URL-encoded form; a download is
//! streamed chunk by chunk, never held whole. Every call carries `access_token` when one is
//! configured; connecting gives up after 5 seconds, a call (but a download) after 10 minutes
//! (a merge of a large image takes a while).

use std::time::Duration;

use domain::ports::{ByteSource, FileServer, FileServerError, FsFuture, StoredImage};
use serde_json::Value;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(600);

pub struct HttpFileServer {
    client: reqwest::Client,
    base: String,
    access_token: Option<String>,
}

fn unreachable(url: &str, error: &reqwest::Error) -> FileServerError {
    let reason = if error.is_timeout() {
        "no answer in time".to_owned()
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        error.to_string()
    };
    FileServerError::Unreachable(format!(
        "{}: {reason}",
        url.split('?').next().unwrap_or(url)
    ))
}

fn malformed(error: impl std::fmt::Display) -> FileServerError {
    FileServerError::Malformed(error.to_string())
}

/// A URL-encoded form (values are ids and file names).
fn url_encoded(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn int(value: Option<&Value>) -> i64 {
    match value {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// `GET /images/{id}` as the port's [`StoredImage`].
pub fn parse_image(value: &Value) -> StoredImage {
    let check = value.get("checkStatusResponse").unwrap_or(&Value::Null);
    let info = check.get("checkInfo").unwrap_or(&Value::Null);
    let image_info = info.get("imageInfo").unwrap_or(&Value::Null);
    let compress = value.get("compressInfo").unwrap_or(&Value::Null);
    let checksum = text(info, "checksum");
    StoredImage {
        image_id: text(value, "imageId"),
        file_name: text(value, "fileName"),
        check_status: int(check.get("status")) as i32,
        check_msg: text(check, "msg"),
        checksum: (!checksum.is_empty()).then_some(checksum),
        format: text(image_info, "format"),
        virtual_size: int(image_info.get("virtual_size")),
        disk_size: int(image_info.get("disk_size")),
        slim_status: int(value.get("slimStatus").or(compress.get("compressStatus"))) as i32,
        slim_msg: text(compress, "compressMsg"),
    }
}

impl HttpFileServer {
    /// A client of the file server at `base` (`http[s]://host:port`).
    pub fn new(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("edgedev/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            access_token,
        })
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/image-management/v1/images{rest}", self.base)
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<(String, Vec<u8>)>,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, FileServerError> {
        let mut request = self
            .client
            .request(method, url)
            .header("accept", "application/json");
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        if let Some(token) = &self.access_token {
            request = request.header("access_token", token);
        }
        if let Some((content_type, bytes)) = body {
            request = request.header("content-type", content_type).body(bytes);
        }
        let response = request.send().await.map_err(|e| unreachable(url, &e))?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(response);
        }
        let body = response.bytes().await.unwrap_or_default();
        Err(FileServerError::Rejected {
            status,
            body: String::from_utf8_lossy(&body).chars().take(2000).collect(),
        })
    }

    async fn json(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<(String, Vec<u8>)>,
    ) -> Result<Value, FileServerError> {
        let response = self.send(method, url, body, Some(TIMEOUT)).await?;
        let bytes = response.bytes().await.map_err(|e| unreachable(url, &e))?;
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(malformed)
    }
}

struct ResponseSource {
    response: reqwest::Response,
}

impl ByteSource for ResponseSource {
    fn next_chunk(&mut self) -> FsFuture<'_, Option<Vec<u8>>> {
        Box::pin(async move {
            let chunk = self
                .response
                .chunk()
                .await
                .map_err(|e| FileServerError::Unreachable(format!("download: {e}")))?;
            Ok(chunk.map(|c| c.to_vec()))
        })
    }
}

impl FileServer for HttpFileServer {
    fn upload_chunk<'a>(
        &'a self,
        identifier: &'a str,
        chunk_number: u32,
        bytes: Vec<u8>,
    ) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let number = chunk_number.to_string();
            let body = crate::multipart::form(
                &[
                    ("priority", "0"),
                    ("identifier", identifier),
                    ("chunkNumber", &number),
                ],
                ("part", &number, &bytes),
            );
            self.json(reqwest::Method::POST, &self.url("/upload"), Some(body))
                .await
                .map(drop)
        })
    }

    fn cancel_upload<'a>(&'a self, identifier: &'a str) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let url = self.url(&format!("/upload?identifier={}", encode(identifier)));
            self.json(reqwest::Method::DELETE, &url, None)
                .await
                .map(drop)
        })
    }

    fn merge<'a>(
        &'a self,
        user_id: &'a str,
        identifier: &'a str,
        file_name: &'a str,
    ) -> FsFuture<'a, String> {
        Box::pin(async move {
            let body = url_encoded(&[
                ("userId", user_id),
                ("priority", "0"),
                ("identifier", identifier),
                ("filename", file_name),
            ]);
            let answer = self
                .json(
                    reqwest::Method::POST,
                    &self.url("/merge"),
                    Some((
                        "application/x-www-form-urlencoded".into(),
                        body.into_bytes(),
                    )),
                )
                .await?;
            match text(&answer, "imageId") {
                id if id.is_empty() => {
                    Err(malformed(format!("merge answered no imageId: {answer}")))
                }
                id => Ok(id),
            }
        })
    }

    fn image<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, StoredImage> {
        Box::pin(async move {
            let url = self.url(&format!("/{}", encode(image_id)));
            let answer = self.json(reqwest::Method::GET, &url, None).await?;
            Ok(parse_image(&answer))
        })
    }

    fn slim<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let url = self.url(&format!("/{}/action/slim", encode(image_id)));
            self.json(reqwest::Method::POST, &url, None).await.map(drop)
        })
    }

    fn download<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, Box<dyn ByteSource>> {
        Box::pin(async move {
            let url = self.url(&format!("/{}/action/download", encode(image_id)));
            let response = self.send(reqwest::Method::GET, &url, None, None).await?;
            Ok(Box::new(ResponseSource { response }) as Box<dyn ByteSource>)
        })
    }

    fn download_url(&self, image_id: &str) -> String {
        format!(
            "{}/image-management/v1/images/{image_id}/action/download",
            self.base
        )
    }

    fn delete<'a>(&'a self, image_id: &'a str) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let url = self.url(&format!("/{}", encode(image_id)));
            match self.json(reqwest::Method::DELETE, &url, None).await {
                Err(FileServerError::Rejected { status: 404, .. }) => Ok(()),
                other => other.map(drop),
            }
        })
    }
}
