//! The client of a Kubernetes API server: a container's Deployment by server-side apply
//! (`PATCH .../deployments/{name}?fieldManager=edgedev`, `application/apply-patch+yaml`, whose
//! JSON is YAML), its pods by label selector, its usage from the metrics API
//! (`metrics.k8s.io/v1beta1`), a bearer token and extra CAs when configured.

use std::path::Path;
use std::time::Duration;

use domain::platform_container::WorkloadReport;
use domain::ports::{Deployment, Orchestrator, OrchestratorError, OrchestratorFuture, UsageSample};
use domain::quantity::Quantity;
use serde_json::Value;

use super::manifest::{deployment_manifest, workload_report, CONTAINER_LABEL};
use crate::lcm::http::ClientError;

pub struct KubernetesClient {
    client: reqwest::Client,
    base: String,
    token: Option<String>,
}

/// A path segment or query value, percent-encoded.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn unreachable(error: &reqwest::Error) -> OrchestratorError {
    let reason = if error.is_timeout() {
        "no answer in time".to_owned()
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        error.to_string()
    };
    OrchestratorError::Unreachable(reason)
}

impl KubernetesClient {
    /// A client of the API server at `base`; `ca` names a PEM file of extra CAs to trust.
    pub fn new(base: &str, token: Option<String>, ca: Option<&Path>) -> Result<Self, ClientError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("edgedev/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca {
            let shown = path.display().to_string();
            let pem = std::fs::read(path).map_err(|error| ClientError::ReadCa {
                path: shown.clone(),
                error,
            })?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| ClientError::BadCa {
                    path: shown,
                    reason: String::new(),
                })?;
            builder = builder.tls_certs_merge(certificates);
        }
        Ok(Self {
            client: builder.build().map_err(ClientError::Build)?,
            base: base.trim_end_matches('/').to_owned(),
            token,
        })
    }

    fn deployment_url(&self, namespace: &str, name: &str) -> String {
        format!(
            "{}/apis/apps/v1/namespaces/{}/deployments/{}",
            self.base,
            encode(namespace),
            encode(name)
        )
    }

    /// Sends a request; `None` for a 404, the JSON body otherwise (a refusal is an error).
    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Option<Value>, OrchestratorError> {
        let mut request = self
            .client
            .request(method, url)
            .header("Accept", "application/json");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some((content_type, bytes)) = body {
            request = request.header("Content-Type", content_type).body(bytes);
        }
        let response = request.send().await.map_err(|e| unreachable(&e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| unreachable(&e))?;
        if status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&status) {
            let body: String = String::from_utf8_lossy(&bytes).chars().take(2000).collect();
            return Err(OrchestratorError::Rejected { status, body });
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| OrchestratorError::Malformed(e.to_string()))
    }

    fn pods_url(&self, group: &str, namespace: &str, name: &str) -> String {
        format!(
            "{}/{group}/namespaces/{}/pods?labelSelector={}",
            self.base,
            encode(namespace),
            encode(&format!("{CONTAINER_LABEL}={name}"))
        )
    }
}

/// CPU cores and memory bytes of a quantity text (`250m`, `64Mi`).
fn cores(text: Option<&str>) -> f64 {
    text.and_then(|t| Quantity::parse(t).ok())
        .map_or(0.0, |q| q.millis() as f64 / 1000.0)
}

impl Orchestrator for KubernetesClient {
    fn apply<'a>(&'a self, deployment: &'a Deployment) -> OrchestratorFuture<'a, ()> {
        Box::pin(async move {
            let url = format!(
                "{}?fieldManager=edgedev&force=true",
                self.deployment_url(&deployment.namespace, &deployment.spec.name)
            );
            let body = serde_json::to_vec(&deployment_manifest(deployment))
                .map_err(|e| OrchestratorError::Malformed(e.to_string()))?;
            self.send(
                reqwest::Method::PATCH,
                &url,
                Some(("application/apply-patch+yaml", body)),
            )
            .await?
            .ok_or_else(|| OrchestratorError::Rejected {
                status: 404,
                body: format!("namespace {} not found", deployment.namespace),
            })?;
            Ok(())
        })
    }

    fn observe<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> OrchestratorFuture<'a, WorkloadReport> {
        Box::pin(async move {
            let url = self.deployment_url(namespace, name);
            let Some(deployment) = self.send(reqwest::Method::GET, &url, None).await? else {
                return Ok(WorkloadReport::default());
            };
            let pods_url = self.pods_url("api/v1", namespace, name);
            let pods = self
                .send(reqwest::Method::GET, &pods_url, None)
                .await?
                .unwrap_or(Value::Null);
            Ok(workload_report(&deployment, &pods, name))
        })
    }

    fn remove<'a>(&'a self, namespace: &'a str, name: &'a str) -> OrchestratorFuture<'a, ()> {
        Box::pin(async move {
            let url = self.deployment_url(namespace, name);
            self.send(reqwest::Method::DELETE, &url, None).await?;
            Ok(())
        })
    }

    fn usage<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> OrchestratorFuture<'a, Option<UsageSample>> {
        Box::pin(async move {
            let url = self.pods_url("apis/metrics.k8s.io/v1beta1", namespace, name);
            let Some(metrics) = self.send(reqwest::Method::GET, &url, None).await? else {
                return Ok(None);
            };
            let Some(usage) = metrics["items"][0]["containers"][0]["usage"].as_object() else {
                return Ok(None);
            };
            let memory = usage
                .get("memory")
                .and_then(Value::as_str)
                .and_then(|t| Quantity::parse(t).ok())
                .map_or(0, |q| i64::try_from(q.millis() / 1000).unwrap_or(i64::MAX));
            Ok(Some(UsageSample {
                cpu_cores: cores(usage.get("cpu").and_then(Value::as_str)),
                memory_bytes: memory,
            }))
        })
    }
}
