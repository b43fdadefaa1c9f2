//! The app store port over HTTP: the real store's REST API (reference section 4, AppStore):
//! upload (`POST /mec/appstore/v1/apps?userId&userName`, multipart `file`, `icon`, `type`,
//! `shortDesc`, `affinity`, `industry`, `testTaskId`), publish (`POST .../apps/{appId}/packages/
//! {packageId}/action/publish`, JSON `{isFree, price}`), metadata (`GET /mec/appstore/v2/apps/
//! {appId}/packages/{packageId}`, `{data: {...}}`) and download (`GET .../action/download`).

use domain::ports::{AppStore, AppStoreError, StoreFuture, StorePackage, StoreUpload, StoredApp};
use serde_json::{json, Value};

use crate::rest::{json_body, text, RestClient, RestError};

pub struct HttpAppStore {
    rest: RestClient,
}

impl HttpAppStore {
    pub fn new(base: &str, access_token: Option<String>) -> Result<Self, reqwest::Error> {
        Ok(Self {
            rest: RestClient::new(base, access_token)?,
        })
    }
}

fn error(e: RestError) -> AppStoreError {
    match e {
        RestError::Unreachable(m) => AppStoreError::Unreachable(m),
        RestError::Rejected {
            status,
            ret_code,
            message,
        } => AppStoreError::Rejected {
            status,
            ret_code,
            message,
        },
        RestError::Malformed(m) => AppStoreError::Malformed(m),
    }
}

/// An id that is safe as one path segment.
fn segment(id: &str) -> Result<&str, AppStoreError> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    ok.then_some(id)
        .ok_or_else(|| AppStoreError::Malformed(format!("an id {id:?}")))
}

fn package_path(version: &str, app: &StoredApp) -> Result<String, AppStoreError> {
    Ok(format!(
        "/mec/appstore/{version}/apps/{}/packages/{}",
        segment(&app.app_id)?,
        segment(&app.package_id)?
    ))
}

/// A query string value.
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

/// The store's metadata of a package (`data` of its answer, or the answer itself).
pub fn parse_package(value: &Value) -> StorePackage {
    let data = value.get("data").unwrap_or(value);
    StorePackage {
        app_id: text(data, "appId"),
        package_id: text(data, "packageId"),
        name: text(data, "name"),
        version: text(data, "version"),
        provider: text(data, "provider"),
        industry: text(data, "industry"),
        app_type: text(data, "type"),
        short_desc: text(data, "shortDesc"),
        affinity: text(data, "affinity"),
        test_task_id: text(data, "testTaskId"),
    }
}

impl AppStore for HttpAppStore {
    fn upload<'a>(&'a self, upload: StoreUpload) -> StoreFuture<'a, StoredApp> {
        Box::pin(async move {
            let path = format!(
                "/mec/appstore/v1/apps?userId={}&userName={}",
                encode(&upload.user_id),
                encode(&upload.user_name)
            );
            let body = crate::multipart::form_with_files(
                &[
                    ("type", &upload.app_type),
                    ("shortDesc", &upload.short_desc),
                    ("affinity", &upload.affinity),
                    ("industry", &upload.industry),
                    ("testTaskId", &upload.test_task_id),
                ],
                &[
                    ("file", &upload.file_name, &upload.package),
                    ("icon", &upload.icon.0, &upload.icon.1),
                ],
            );
            let answer = self
                .rest
                .json(reqwest::Method::POST, &path, Some(body))
                .await
                .map_err(error)?;
            let stored = StoredApp {
                app_id: text(&answer, "appId"),
                package_id: text(&answer, "packageId"),
            };
            segment(&stored.app_id)?;
            segment(&stored.package_id)?;
            Ok(stored)
        })
    }

    fn publish<'a>(
        &'a self,
        app: &'a StoredApp,
        is_free: bool,
        price_cents: i64,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let path = format!("{}/action/publish", package_path("v1", app)?);
            let body = json!({"isFree": is_free, "price": price_cents as f64 / 100.0});
            self.rest
                .send(reqwest::Method::POST, &path, Some(json_body(&body)))
                .await
                .map(drop)
                .map_err(error)
        })
    }

    fn package<'a>(&'a self, app: &'a StoredApp) -> StoreFuture<'a, StorePackage> {
        Box::pin(async move {
            let path = package_path("v2", app)?;
            let answer = self
                .rest
                .json(reqwest::Method::GET, &path, None)
                .await
                .map_err(error)?;
            Ok(parse_package(&answer))
        })
    }

    fn download<'a>(&'a self, app: &'a StoredApp) -> StoreFuture<'a, Vec<u8>> {
        Box::pin(async move {
            let path = format!("{}/action/download", package_path("v1", app)?);
            self.rest
                .send(reqwest::Method::GET, &path, None)
                .await
                .map_err(error)
        })
    }
}
