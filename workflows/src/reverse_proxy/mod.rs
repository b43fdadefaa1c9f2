//! The reverse proxy port's implementations: an in-process [`SimulatedProxy`] (the default;
//! ports from 30200 up, one per destination, deterministic), an HTTP client of the real proxy's
//! `reverseproxies` API (`EDGEDEV_REVERSE_PROXY_URL`), and [`server`], the simulator over HTTP on
//! that API's paths (`edgedev sim reverse-proxy`).

pub mod http;
pub mod server;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use domain::ports::{ProxyError, ProxyFuture, ProxyRoute, ReverseProxy};

/// The first port the simulator hands out.
pub const FIRST_PORT: u16 = 30200;

/// Which reverse proxy edgedev talks to.
#[derive(Clone)]
pub struct ProxyAdapter {
    pub port: Arc<dyn ReverseProxy>,
}

impl ProxyAdapter {
    pub fn simulated() -> Self {
        Self {
            port: Arc::new(SimulatedProxy::new("https://simulated-proxy")),
        }
    }

    /// The client of the proxy at `base` (`http[s]://host:port`).
    pub fn http(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        Ok(Self {
            port: Arc::new(http::HttpProxy::new(base, access_token)?),
        })
    }
}

/// Routes by destination, each with its port.
pub struct SimulatedProxy {
    routes: Mutex<BTreeMap<(String, u16), (ProxyRoute, u16)>>,
    next: Mutex<u16>,
    public: String,
}

impl SimulatedProxy {
    pub fn new(public: &str) -> Self {
        Self {
            routes: Mutex::new(BTreeMap::new()),
            next: Mutex::new(FIRST_PORT),
            public: public.trim_end_matches('/').to_owned(),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl ReverseProxy for SimulatedProxy {
    fn register<'a>(&'a self, route: &'a ProxyRoute) -> ProxyFuture<'a, ()> {
        Box::pin(async move {
            if route.dest_host_ip.is_empty() || route.dest_host_port == 0 {
                return Err(ProxyError::Rejected {
                    status: 400,
                    body: "destHostIp and destHostPort are required".into(),
                });
            }
            let key = (route.dest_host_ip.clone(), route.dest_host_port);
            let mut routes = lock(&self.routes);
            if let std::collections::btree_map::Entry::Vacant(entry) = routes.entry(key) {
                let mut next = lock(&self.next);
                entry.insert((route.clone(), *next));
                *next = next.saturating_add(1);
            }
            Ok(())
        })
    }

    fn local_port<'a>(&'a self, dest_ip: &'a str, dest_port: u16) -> ProxyFuture<'a, u16> {
        Box::pin(async move {
            lock(&self.routes)
                .get(&(dest_ip.to_owned(), dest_port))
                .map(|(_, port)| *port)
                .ok_or_else(|| ProxyError::Rejected {
                    status: 404,
                    body: format!("no route to {dest_ip}:{dest_port}"),
                })
        })
    }

    fn remove<'a>(&'a self, dest_ip: &'a str, dest_port: u16) -> ProxyFuture<'a, ()> {
        Box::pin(async move {
            lock(&self.routes).remove(&(dest_ip.to_owned(), dest_port));
            Ok(())
        })
    }

    fn public_base(&self) -> String {
        self.public.clone()
    }
}
