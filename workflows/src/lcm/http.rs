//! The LCM port over HTTP: the real controller's REST API (reference section 4) on a small
//! HTTP/1.1 client (one connection per call, `Connection: close`, plain HTTP; a TLS controller
//! is reached through a TLS-terminating proxy). Every call carries `access_token` when one is
//! configured and times out after 30 seconds.

use std::time::Duration;

use domain::ports::{
    Distribution, HostRegistration, ImageFileCheck, ImageStatus, InstantiateRequest, Lcm,
    LcmEndpoint, LcmError, PortFuture, UploadedPackage, Workload, WorkloadVm,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TIMEOUT: Duration = Duration::from_secs(30);

pub struct HttpLcm {
    access_token: Option<String>,
}

/// A request body.
pub enum Body {
    Empty,
    Json(Value),
    Raw {
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// A response: status and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    fn json(&self) -> Result<Value, LcmError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| LcmError::Malformed(format!("{e}: {}", self.text())))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(2000)
            .collect()
    }
}

/// Splits `http://host:port/path` into (host:port, path).
fn split_url(url: &str) -> Result<(String, String), LcmError> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        LcmError::Unreachable(format!(
            "{url}: only http:// is supported; reach an https controller through a TLS-terminating proxy"
        ))
    })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    Ok((authority, path.to_owned()))
}

/// Sends one request and reads the whole answer.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Result<Response, LcmError> {
    let (authority, path) = split_url(url)?;
    let (content_type, bytes) = match body {
        Body::Empty => (None, Vec::new()),
        Body::Json(value) => (
            Some("application/json".to_owned()),
            value.to_string().into_bytes(),
        ),
        Body::Raw {
            content_type,
            bytes,
        } => (Some(content_type), bytes),
    };
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(&authority)
            .await
            .map_err(|e| LcmError::Unreachable(format!("{authority}: {e}")))?;
        let host = authority.clone();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAccept: application/json\r\nContent-Length: {}\r\n",
            bytes.len()
        );
        if let Some(ct) = &content_type {
            head.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let io = |e: std::io::Error| LcmError::Unreachable(format!("{authority}: {e}"));
        stream.write_all(head.as_bytes()).await.map_err(io)?;
        stream.write_all(&bytes).await.map_err(io)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.map_err(io)?;
        parse_response(&raw)
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| LcmError::Unreachable(format!("{authority}: no answer within 30 s")))?
}

fn parse_response(raw: &[u8]) -> Result<Response, LcmError> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| LcmError::Malformed("no HTTP header".into()))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| LcmError::Malformed("bad status line".into()))?;
    let chunked = lines.any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = &raw[split + 4..];
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Ok(Response { status, body })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, LcmError> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| LcmError::Malformed("bad chunk".into()))?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| LcmError::Malformed("bad chunk size".into()))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err(LcmError::Malformed("truncated chunk".into()));
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

impl HttpLcm {
    pub fn new(access_token: Option<String>) -> Self {
        Self { access_token }
    }

    async fn call(
        &self,
        method: &str,
        url: String,
        body: Body,
        extra: &[(&str, &str)],
    ) -> Result<Response, LcmError> {
        let mut headers: Vec<(&str, &str)> = extra.to_vec();
        if let Some(token) = &self.access_token {
            headers.push(("access_token", token));
        }
        let response = send(method, &url, &headers, body).await?;
        if !(200..300).contains(&response.status) {
            return Err(LcmError::Rejected {
                status: response.status,
                body: response.text(),
            });
        }
        Ok(response)
    }
}

fn lcm(at: &LcmEndpoint, tenant: &str, rest: &str) -> String {
    format!("{}/lcmcontroller/v2/tenants/{tenant}{rest}", at.base_url())
}

fn res(at: &LcmEndpoint, tenant: &str, host_ip: &str, rest: &str) -> String {
    format!(
        "{}/rescontroller/v1/tenants/{tenant}/hosts/{host_ip}{rest}",
        at.base_url()
    )
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A multipart body with one file field.
pub fn multipart(field: &str, file_name: &str, bytes: &[u8]) -> Body {
    let boundary = format!("edgedev-{}", uuid::Uuid::new_v4().simple());
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Body::Raw {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        bytes: body,
    }
}

impl Lcm for HttpLcm {
    fn health<'a>(&'a self, at: &'a LcmEndpoint) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let url = format!("{}/lcmcontroller/v1/health", at.base_url());
            self.call("GET", url, Body::Empty, &[]).await.map(drop)
        })
    }

    fn register_host<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host: &'a HostRegistration,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let url = format!("{}/lcmcontroller/v1/tenants/{tenant}/hosts", at.base_url());
            let body = json!({
                "mechostIp": host.mechost_ip, "mechostName": host.mechost_name, "city": host.city,
                "affinity": host.affinity, "vim": host.vim, "origin": host.origin,
            });
            self.call("POST", url, Body::Json(body), &[])
                .await
                .map(drop)
        })
    }

    fn upload_package<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        file_name: &'a str,
        csar: Vec<u8>,
    ) -> PortFuture<'a, UploadedPackage> {
        Box::pin(async move {
            let body = multipart("package", file_name, &csar);
            let response = self
                .call(
                    "POST",
                    lcm(at, tenant, "/packages"),
                    body,
                    &[("Origin", "mepm")],
                )
                .await?;
            let value = response.json()?;
            let value = value.get("data").cloned().unwrap_or(value);
            let uploaded = UploadedPackage {
                app_id: text(&value, "appId"),
                package_id: text(&value, "packageId"),
            };
            if uploaded.package_id.is_empty() {
                return Err(LcmError::Malformed(format!("no packageId in {value}")));
            }
            Ok(uploaded)
        })
    }

    fn distribute<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        package_id: &'a str,
        host_ip: &'a str,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let url = lcm(at, tenant, &format!("/packages/{package_id}"));
            let body = Body::Json(json!({ "hostIp": [host_ip] }));
            self.call("POST", url, body, &[]).await.map(drop)
        })
    }

    fn distribution<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        package_id: &'a str,
        host_ip: &'a str,
    ) -> PortFuture<'a, Distribution> {
        Box::pin(async move {
            let url = lcm(at, tenant, &format!("/packages/{package_id}"));
            let value = self.call("GET", url, Body::Empty, &[]).await?.json()?;
            let first = match &value {
                Value::Array(items) => items.first().cloned(),
                Value::Object(_) => value
                    .get("data")
                    .and_then(|d| d.get(0))
                    .cloned()
                    .or(Some(value.clone())),
                _ => None,
            }
            .ok_or_else(|| LcmError::Malformed(format!("no package in {value}")))?;
            let host = first
                .get("mecHostInfo")
                .and_then(Value::as_array)
                .and_then(|hosts| {
                    hosts
                        .iter()
                        .find(|h| h.get("hostIp").and_then(Value::as_str) == Some(host_ip))
                })
                .cloned()
                .ok_or_else(|| LcmError::Malformed(format!("host {host_ip} missing in {first}")))?;
            let error = text(&host, "error");
            Ok(Distribution {
                app_name: text(&first, "appPkgName"),
                status: text(&host, "status"),
                error: (!error.is_empty()).then_some(error),
            })
        })
    }

    fn instantiate<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        app_instance_id: &'a str,
        request: &'a InstantiateRequest,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let url = lcm(
                at,
                tenant,
                &format!("/app_instances/{app_instance_id}/instantiate"),
            );
            let body =
                serde_json::to_value(request).map_err(|e| LcmError::Malformed(e.to_string()))?;
            self.call("POST", url, Body::Json(body), &[])
                .await
                .map(drop)
        })
    }

    fn workload<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, Workload> {
        Box::pin(async move {
            let url = lcm(at, tenant, &format!("/app_instances/{app_instance_id}"));
            let response = self.call("GET", url, Body::Empty, &[]).await?;
            let value = response.json()?;
            let vms: Vec<WorkloadVm> = value
                .get("data")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|v| serde_json::from_value(v.clone()).ok())
                        .collect()
                })
                .unwrap_or_default();
            Ok(Workload {
                status: text(&value, "status"),
                msg: text(&value, "msg"),
                vms,
                raw: response.text(),
            })
        })
    }

    fn terminate<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let url = lcm(
                at,
                tenant,
                &format!("/app_instances/{app_instance_id}/terminate"),
            );
            self.call("POST", url, Body::Empty, &[]).await.map(drop)
        })
    }

    fn delete_package<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        package_id: &'a str,
        host_ip: &'a str,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let on_host = lcm(
                at,
                tenant,
                &format!("/packages/{package_id}/hosts/{host_ip}"),
            );
            self.call("DELETE", on_host, Body::Empty, &[]).await?;
            let url = lcm(at, tenant, &format!("/packages/{package_id}"));
            self.call("DELETE", url, Body::Empty, &[]).await.map(drop)
        })
    }

    fn create_image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        vm_instance_id: &'a str,
        name: &'a str,
    ) -> PortFuture<'a, String> {
        Box::pin(async move {
            let url = res(at, tenant, host_ip, &format!("/servers/{vm_instance_id}"));
            let body = json!({"action": "createImage", "createImage": {"name": name}});
            let value = self
                .call("POST", url, Body::Json(body), &[])
                .await?
                .json()?;
            let id = text(&value, "data");
            if id.is_empty() {
                return Err(LcmError::Malformed(format!("no image id in {value}")));
            }
            Ok(id)
        })
    }

    fn create_console<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        vm_instance_id: &'a str,
    ) -> PortFuture<'a, String> {
        Box::pin(async move {
            let url = res(at, tenant, host_ip, &format!("/servers/{vm_instance_id}"));
            let body = json!({"action": "createConsole"});
            let value = self
                .call("POST", url, Body::Json(body), &[])
                .await?
                .json()?;
            value
                .pointer("/data/console/url")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| LcmError::Malformed(format!("no console url in {value}")))
        })
    }

    fn image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        image_id: &'a str,
    ) -> PortFuture<'a, ImageStatus> {
        Box::pin(async move {
            let url = res(at, tenant, host_ip, &format!("/images/{image_id}"));
            let value = self.call("GET", url, Body::Empty, &[]).await?.json()?;
            serde_json::from_value(value.clone())
                .map_err(|e| LcmError::Malformed(format!("{e}: {value}")))
        })
    }

    fn delete_image<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        image_id: &'a str,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let url = res(at, tenant, host_ip, &format!("/images/{image_id}"));
            self.call("DELETE", url, Body::Empty, &[]).await.map(drop)
        })
    }

    fn check_image_file<'a>(&'a self, resource_url: &'a str) -> PortFuture<'a, ImageFileCheck> {
        Box::pin(async move {
            let value = self
                .call("GET", resource_url.to_owned(), Body::Empty, &[])
                .await?
                .json()?;
            let check = value
                .get("checkStatusResponse")
                .cloned()
                .unwrap_or(Value::Null);
            let info = check.get("checkInfo").cloned().unwrap_or(Value::Null);
            let image = info.get("imageInfo").cloned().unwrap_or(Value::Null);
            let checksum = text(&info, "checksum");
            Ok(ImageFileCheck {
                status: check.get("status").and_then(Value::as_i64).unwrap_or(-1) as i32,
                msg: text(&check, "msg"),
                checksum: (!checksum.is_empty()).then_some(checksum),
                format: text(&image, "format"),
                size: image
                    .get("virtual_size")
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
                file_name: text(&image, "filename"),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_length_answer_is_read_whole() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\": true}";
        let response = parse_response(raw).expect("parsed");
        assert_eq!(response.status, 200);
        assert_eq!(response.json().expect("json")["a"], true);
    }

    #[test]
    fn a_chunked_answer_is_reassembled() {
        let raw = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"m\":\r\n6;ext=1\r\n \"no\"}\r\n0\r\n\r\n";
        let response = parse_response(raw).expect("parsed");
        assert_eq!(response.status, 404);
        assert_eq!(response.text(), "{\"m\": \"no\"}");
        let truncated = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nshort";
        assert!(matches!(
            parse_response(truncated),
            Err(LcmError::Malformed(_))
        ));
    }

    #[test]
    fn only_plain_http_urls_are_reached() {
        assert_eq!(
            split_url("http://10.0.0.1:30204/lcmcontroller/v1/health").expect("split"),
            (
                "10.0.0.1:30204".to_owned(),
                "/lcmcontroller/v1/health".to_owned()
            )
        );
        assert_eq!(
            split_url("http://lcm").expect("split"),
            ("lcm:80".to_owned(), "/".to_owned())
        );
        assert!(matches!(
            split_url("https://10.0.0.1:30204/"),
            Err(LcmError::Unreachable(_))
        ));
    }

    #[test]
    fn a_multipart_body_carries_the_file_between_boundaries() {
        let Body::Raw {
            content_type,
            bytes,
        } = multipart("package", "app.csar", b"PK\x03\x04")
        else {
            panic!("a raw body");
        };
        let boundary = content_type.split("boundary=").nth(1).expect("boundary");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"package\"; filename=\"app.csar\""));
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    }
}
