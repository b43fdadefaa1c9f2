//! The LCM port over HTTP: the real controller's REST API (reference section 4) on `reqwest`
//! (connections reused per controller; HTTPS with rustls, trusting the system's roots plus a
//! configured CA). Every call carries `access_token` when one is configured, gives up connecting
//! after 5 seconds and waits at most 30 seconds for the whole answer.

use std::path::Path;
use std::time::Duration;

use domain::ports::{
    Distribution, HostRegistration, ImageFileCheck, ImageStatus, InstantiateRequest, Lcm,
    LcmEndpoint, LcmError, PodEvents, PortFuture, UploadedPackage, Workload, WorkloadPod,
    WorkloadService, WorkloadVm,
};
use serde_json::{json, Value};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct HttpLcm {
    client: reqwest::Client,
    access_token: Option<String>,
}

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot read the LCM CA certificate {path}: {error}")]
    ReadCa { path: String, error: std::io::Error },
    #[error("the LCM CA file {path} holds no PEM certificate{reason}")]
    BadCa { path: String, reason: String },
    #[error("cannot build the HTTP client: {0}")]
    Build(reqwest::Error),
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

/// Where a request failed, in words that name the controller but no credentials.
fn unreachable(url: &str, error: &reqwest::Error) -> LcmError {
    let place = url.split('?').next().unwrap_or(url);
    let reason = if error.is_timeout() {
        "no answer in time".to_owned()
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        error.to_string()
    };
    let detail = std::error::Error::source(error)
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    LcmError::Unreachable(format!("{place}: {reason}{detail}"))
}

impl HttpLcm {
    /// A client for real controllers; `ca` names a PEM file of extra certificate authorities to
    /// trust for HTTPS controllers (beside the system's).
    pub fn new(access_token: Option<String>, ca: Option<&Path>) -> Result<Self, ClientError> {
        // rustls' crypto: ring, for the whole process (a no-op when one is installed already).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .user_agent(concat!("edgedev/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca {
            let shown = path.display().to_string();
            let pem = std::fs::read(path).map_err(|error| ClientError::ReadCa {
                path: shown.clone(),
                error,
            })?;
            let certificates = match reqwest::Certificate::from_pem_bundle(&pem) {
                Ok(certificates) if !certificates.is_empty() => certificates,
                Ok(_) => {
                    return Err(ClientError::BadCa {
                        path: shown,
                        reason: String::new(),
                    })
                }
                Err(error) => {
                    return Err(ClientError::BadCa {
                        path: shown,
                        reason: format!(": {error}"),
                    })
                }
            };
            builder = builder.tls_certs_merge(certificates);
        }
        Ok(Self {
            client: builder.build().map_err(ClientError::Build)?,
            access_token,
        })
    }

    /// Sends one request and reads the whole answer.
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> Result<Response, LcmError> {
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| LcmError::Malformed(format!("method {method}: {e}")))?;
        let mut request = self
            .client
            .request(method, url)
            .header("accept", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request = match body {
            Body::Empty => request,
            Body::Json(value) => request
                .header("content-type", "application/json")
                .body(value.to_string()),
            Body::Raw {
                content_type,
                bytes,
            } => request.header("content-type", content_type).body(bytes),
        };
        let response = request.send().await.map_err(|e| unreachable(url, &e))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| unreachable(url, &e))?
            .to_vec();
        Ok(Response { status, body })
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
        let response = self.send(method, &url, &headers, body).await?;
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

/// A multipart body with text fields and one file field.
pub fn multipart_with(field: &str, file_name: &str, bytes: &[u8], texts: &[(&str, &str)]) -> Body {
    let (content_type, bytes) = crate::multipart::form(texts, (field, file_name, bytes));
    Body::Raw {
        content_type,
        bytes,
    }
}

/// A multipart body with one file field.
pub fn multipart(field: &str, file_name: &str, bytes: &[u8]) -> Body {
    multipart_with(field, file_name, bytes, &[])
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

    fn upload_config<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        host_ip: &'a str,
        file_name: &'a str,
        config: Vec<u8>,
    ) -> PortFuture<'a, ()> {
        Box::pin(async move {
            let body = multipart_with("configFile", file_name, &config, &[("hostIp", host_ip)]);
            self.call("POST", lcm(at, tenant, "/configuration"), body, &[])
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
            let list = |key: &str| value.get(key).cloned().unwrap_or(Value::Null);
            let pods: Vec<WorkloadPod> = serde_json::from_value(list("pods")).unwrap_or_default();
            let services: Vec<WorkloadService> =
                serde_json::from_value(list("services")).unwrap_or_default();
            Ok(Workload {
                status: text(&value, "status"),
                msg: text(&value, "msg"),
                vms,
                pods,
                services,
                raw: response.text(),
            })
        })
    }

    fn workload_events<'a>(
        &'a self,
        at: &'a LcmEndpoint,
        tenant: &'a str,
        app_instance_id: &'a str,
    ) -> PortFuture<'a, Vec<PodEvents>> {
        Box::pin(async move {
            let url = lcm(
                at,
                tenant,
                &format!("/app_instances/{app_instance_id}/workload/events"),
            );
            let value = self.call("GET", url, Body::Empty, &[]).await?.json()?;
            let pods = value.get("pods").cloned().unwrap_or_else(|| json!([]));
            serde_json::from_value(pods)
                .map_err(|e| LcmError::Malformed(format!("workload events: {e}")))
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
mod tests;
