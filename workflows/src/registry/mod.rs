//! An image registry over the Docker Registry HTTP API v2 (what Harbor and the reference
//! `registry` speak): blobs pushed (`HEAD` to skip one the registry has, then a monolithic
//! upload `POST .../blobs/uploads/` + `PUT ?digest=`), image manifests (schema 2) put, read and
//! deleted, blobs read, the catalogue and tags listed. Basic auth when credentials are
//! configured; `http` or `https` by the URL. No docker daemon: [`image_tar`] turns a
//! `docker save` tar into what is pushed, and a pulled image back into one.

pub mod image_tar;

use std::time::Duration;

use serde_json::Value;

/// The manifest media type pushed and asked for.
pub const MANIFEST_V2: &str = "application/vnd.docker.distribution.manifest.v2+json";

fn json(bytes: &[u8]) -> Result<Value, RegistryError> {
    serde_json::from_slice(bytes).map_err(|e| RegistryError::Malformed(e.to_string()))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("the image registry is unreachable: {0}")]
    Unreachable(String),
    #[error("the image registry refused the request ({status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("the image registry has no {0}")]
    NotFound(String),
    #[error("the image registry answered something unexpected: {0}")]
    Malformed(String),
}

/// Where the registry is and how to sign in.
#[derive(Debug, Clone, Default)]
pub struct RegistryConfig {
    /// `http[s]://host:port`.
    pub url: String,
    /// The project (Harbor) or namespace every repository is under.
    pub project: String,
    pub user: Option<String>,
    pub password: Option<String>,
}

#[derive(Clone)]
pub struct RegistryClient {
    client: reqwest::Client,
    config: RegistryConfig,
}

impl RegistryClient {
    pub fn new(config: RegistryConfig) -> Result<Self, reqwest::Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(600))
            .user_agent(concat!("edgedev/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let mut config = config;
        config.url = config.url.trim_end_matches('/').to_owned();
        Ok(Self { client, config })
    }

    /// The repository of an image name (under the project).
    pub fn repository(&self, name: &str) -> String {
        if self.config.project.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.config.project)
        }
    }

    /// `host:port` of the registry, as image references name it.
    pub fn host(&self) -> &str {
        self.config
            .url
            .split_once("://")
            .map_or(self.config.url.as_str(), |(_, h)| h)
    }

    /// `host:port/project/name:tag`, as `docker pull` would take it.
    pub fn reference(&self, name: &str, tag: &str) -> String {
        format!("{}/{}:{tag}", self.host(), self.repository(name))
    }

    /// Of `images`, those that name this registry and that it does not hold (images of other
    /// registries are not checked).
    pub async fn missing(&self, images: &[String]) -> Vec<String> {
        let prefix = format!("{}/", self.host());
        let mut missing = Vec::new();
        for image in images {
            let Some(rest) = image.strip_prefix(&prefix) else {
                continue;
            };
            let (repo, tag) = match rest.rsplit_once(':') {
                Some((repo, tag)) if !tag.contains('/') => (repo, tag),
                _ => (rest, "latest"),
            };
            if matches!(
                self.manifest(repo, tag).await,
                Err(RegistryError::NotFound(_))
            ) {
                missing.push(image.clone());
            }
        }
        missing
    }

    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let request = self.client.request(method, url);
        match &self.config.user {
            Some(user) => request.basic_auth(user, self.config.password.as_deref()),
            None => request,
        }
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<reqwest::Response, RegistryError> {
        let response = request
            .send()
            .await
            .map_err(|e| RegistryError::Unreachable(e.to_string()))?;
        match response.status().as_u16() {
            200..=299 => Ok(response),
            404 => Err(RegistryError::NotFound(what.to_owned())),
            status => Err(RegistryError::Rejected {
                status,
                body: response.text().await.unwrap_or_default(),
            }),
        }
    }

    /// Pushes a blob unless the repository has it.
    pub async fn push_blob(
        &self,
        repo: &str,
        digest: &str,
        bytes: Vec<u8>,
    ) -> Result<(), RegistryError> {
        let base = &self.config.url;
        let head = self.request(
            reqwest::Method::HEAD,
            &format!("{base}/v2/{repo}/blobs/{digest}"),
        );
        if self.send(head, "blob").await.is_ok() {
            return Ok(());
        }
        let start = self.request(
            reqwest::Method::POST,
            &format!("{base}/v2/{repo}/blobs/uploads/"),
        );
        let started = self.send(start, "repository").await?;
        let location = started
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .ok_or_else(|| RegistryError::Malformed("an upload without a Location".into()))?;
        let location = if location.starts_with("http") {
            location.to_owned()
        } else {
            format!("{base}{location}")
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let put = self
            .request(
                reqwest::Method::PUT,
                &format!("{location}{separator}digest={digest}"),
            )
            .header("content-type", "application/octet-stream")
            .body(bytes);
        self.send(put, "upload").await.map(drop)
    }

    /// Puts a manifest under `tag`; answers its digest.
    pub async fn put_manifest(
        &self,
        repo: &str,
        tag: &str,
        manifest: Vec<u8>,
    ) -> Result<String, RegistryError> {
        let url = format!("{}/v2/{repo}/manifests/{tag}", self.config.url);
        let put = self
            .request(reqwest::Method::PUT, &url)
            .header("content-type", MANIFEST_V2)
            .body(manifest);
        let response = self.send(put, "repository").await?;
        response
            .headers()
            .get("docker-content-digest")
            .and_then(|d| d.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| RegistryError::Malformed("a manifest put without its digest".into()))
    }

    /// The manifest of `reference` (a tag or a digest) and its digest.
    pub async fn manifest(
        &self,
        repo: &str,
        reference: &str,
    ) -> Result<(Value, String), RegistryError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.config.url);
        let get = self
            .request(reqwest::Method::GET, &url)
            .header("accept", MANIFEST_V2);
        let response = self.send(get, &format!("image {repo}:{reference}")).await?;
        let digest = response
            .headers()
            .get("docker-content-digest")
            .and_then(|d| d.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let manifest = response
            .bytes()
            .await
            .map_err(|e| RegistryError::Unreachable(e.to_string()))
            .and_then(|b| json(&b))?;
        Ok((manifest, digest))
    }

    /// What the registry holds as image `name:tag`: its manifest's digest, its size (config and
    /// layers) and `host/repository`. `name` is under the project, or names this registry's
    /// host first.
    pub async fn describe(
        &self,
        name: &str,
        tag: &str,
    ) -> Result<(String, i64, String), RegistryError> {
        let repo = match name.strip_prefix(&format!("{}/", self.host())) {
            Some(rest) => rest.to_owned(),
            None => self.repository(name),
        };
        let (manifest, digest) = self.manifest(&repo, tag).await?;
        let size = |v: &Value| v["size"].as_i64().unwrap_or(0);
        let layers: i64 = manifest["layers"]
            .as_array()
            .map_or(0, |layers| layers.iter().map(size).sum());
        Ok((
            digest,
            size(&manifest["config"]) + layers,
            format!("{}/{repo}", self.host()),
        ))
    }

    /// A blob's bytes.
    pub async fn blob(&self, repo: &str, digest: &str) -> Result<Vec<u8>, RegistryError> {
        let url = format!("{}/v2/{repo}/blobs/{digest}", self.config.url);
        let response = self
            .send(self.request(reqwest::Method::GET, &url), "blob")
            .await?;
        response
            .bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| RegistryError::Unreachable(e.to_string()))
    }

    /// Deletes the image `name:tag` (its manifest, by digest).
    pub async fn delete(&self, name: &str, tag: &str) -> Result<(), RegistryError> {
        let repo = self.repository(name);
        let (_, digest) = self.manifest(&repo, tag).await?;
        let url = format!("{}/v2/{repo}/manifests/{digest}", self.config.url);
        self.send(self.request(reqwest::Method::DELETE, &url), "manifest")
            .await
            .map(drop)
    }

    /// Every `(name, tag)` under the project.
    pub async fn images(&self) -> Result<Vec<(String, String)>, RegistryError> {
        let base = &self.config.url;
        let catalog: Value = self
            .send(
                self.request(reqwest::Method::GET, &format!("{base}/v2/_catalog")),
                "catalogue",
            )
            .await?
            .bytes()
            .await
            .map_err(|e| RegistryError::Unreachable(e.to_string()))
            .and_then(|b| json(&b))?;
        let prefix = if self.config.project.is_empty() {
            String::new()
        } else {
            format!("{}/", self.config.project)
        };
        let mut images = Vec::new();
        for repo in catalog["repositories"].as_array().into_iter().flatten() {
            let Some(repo) = repo.as_str() else { continue };
            let Some(name) = repo.strip_prefix(&prefix) else {
                continue;
            };
            let tags: Value = self
                .send(
                    self.request(reqwest::Method::GET, &format!("{base}/v2/{repo}/tags/list")),
                    "repository",
                )
                .await?
                .bytes()
                .await
                .map_err(|e| RegistryError::Unreachable(e.to_string()))
                .and_then(|b| json(&b))?;
            for tag in tags["tags"].as_array().into_iter().flatten() {
                if let Some(tag) = tag.as_str() {
                    images.push((name.to_owned(), tag.to_owned()));
                }
            }
        }
        Ok(images)
    }
}
