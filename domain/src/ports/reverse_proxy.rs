//! The reverse proxy (reference section 4, the common service's `reverseproxies`): a sandbox
//! host's VNC console is reached through a port of the proxy, so a browser needs no route to
//! the host.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

/// A call to the proxy: a boxed future, so the port can live behind `dyn`.
pub type ProxyFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ProxyError>> + Send + 'a>>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    #[error("the reverse proxy is unreachable: {0}")]
    Unreachable(String),
    #[error("the reverse proxy refused the request ({status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("the reverse proxy answered something unexpected: {0}")]
    Malformed(String),
}

/// `POST /reverseproxies`: forward a port of the proxy to `dest_host_ip:dest_host_port`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyRoute {
    pub dest_host_protocol: String,
    pub dest_host_ip: String,
    pub dest_host_port: u16,
    pub next_hop_protocol: String,
    pub next_hop_ip: String,
    pub hop_index: u32,
}

pub trait ReverseProxy: Send + Sync {
    /// Adds the route (again: the same route, the same port).
    fn register<'a>(&'a self, route: &'a ProxyRoute) -> ProxyFuture<'a, ()>;
    /// The proxy's port that forwards to `dest_ip:dest_port`.
    fn local_port<'a>(&'a self, dest_ip: &'a str, dest_port: u16) -> ProxyFuture<'a, u16>;
    /// Removes the route; one that is not there counts as removed.
    fn remove<'a>(&'a self, dest_ip: &'a str, dest_port: u16) -> ProxyFuture<'a, ()>;
    /// `scheme://host` a browser reaches the proxy's ports at.
    fn public_base(&self) -> String;
}
