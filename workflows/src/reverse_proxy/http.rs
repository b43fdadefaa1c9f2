//! The reverse proxy over HTTP: `POST /commonservice/cbb/v1/reverseproxies` (a route as JSON),
//! `GET`/`DELETE .../dest-host-ip/{ip}/dest-host-port/{port}` (the GET answers `{localPort}`).
//! Every call carries `access_token` when one is configured; 5 s to connect, 30 s a call.

use std::time::Duration;

use domain::ports::{ProxyError, ProxyFuture, ProxyRoute, ReverseProxy};
use serde_json::Value;

pub struct HttpProxy {
    client: reqwest::Client,
    base: String,
    access_token: Option<String>,
}

impl HttpProxy {
    pub fn new(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("edgedev/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            access_token,
        })
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/commonservice/cbb/v1/reverseproxies{rest}", self.base)
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<Value>,
    ) -> Result<Value, ProxyError> {
        let mut request = self
            .client
            .request(method, url)
            .header("accept", "application/json");
        if let Some(token) = &self.access_token {
            request = request.header("access_token", token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request
            .send()
            .await
            .map_err(|e| ProxyError::Unreachable(format!("{url}: {e}")))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ProxyError::Unreachable(format!("{url}: {e}")))?;
        if !(200..300).contains(&status) {
            return Err(ProxyError::Rejected {
                status,
                body: String::from_utf8_lossy(&bytes).chars().take(2000).collect(),
            });
        }
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| ProxyError::Malformed(e.to_string()))
    }

    fn destination(&self, dest_ip: &str, dest_port: u16) -> String {
        self.url(&format!(
            "/dest-host-ip/{dest_ip}/dest-host-port/{dest_port}"
        ))
    }
}

impl ReverseProxy for HttpProxy {
    fn register<'a>(&'a self, route: &'a ProxyRoute) -> ProxyFuture<'a, ()> {
        Box::pin(async move {
            let body =
                serde_json::to_value(route).map_err(|e| ProxyError::Malformed(e.to_string()))?;
            self.send(reqwest::Method::POST, &self.url(""), Some(body))
                .await
                .map(drop)
        })
    }

    fn local_port<'a>(&'a self, dest_ip: &'a str, dest_port: u16) -> ProxyFuture<'a, u16> {
        Box::pin(async move {
            let answer = self
                .send(
                    reqwest::Method::GET,
                    &self.destination(dest_ip, dest_port),
                    None,
                )
                .await?;
            answer
                .get("localPort")
                .and_then(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok()))
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(|| ProxyError::Malformed(format!("no localPort in {answer}")))
        })
    }

    fn remove<'a>(&'a self, dest_ip: &'a str, dest_port: u16) -> ProxyFuture<'a, ()> {
        Box::pin(async move {
            match self
                .send(
                    reqwest::Method::DELETE,
                    &self.destination(dest_ip, dest_port),
                    None,
                )
                .await
            {
                Err(ProxyError::Rejected { status: 404, .. }) => Ok(()),
                other => other.map(drop),
            }
        })
    }

    fn public_base(&self) -> String {
        // The proxy's host, without its API port: its forwarded ports are on the same host.
        match self.base.rsplit_once(':') {
            Some((scheme_host, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
                scheme_host.to_owned()
            }
            _ => self.base.clone(),
        }
    }
}
