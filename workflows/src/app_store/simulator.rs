//! The simulated app store: an upload must be a readable CSAR with an icon; its manifest's
//! `app_product_name`, `app_package_version` and `app_provider_id` are the package's name,
//! version and provider. An application keeps its id across versions (same name and provider);
//! each upload is a new package. At most [`MAX_PACKAGES`] are kept (the oldest go first).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use domain::ports::{AppStore, AppStoreError, StoreFuture, StorePackage, StoreUpload, StoredApp};
use serde::{Deserialize, Serialize};

/// The most packages the simulator keeps.
pub const MAX_PACKAGES: usize = 64;

/// How the simulated app store behaves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct AppStorePlan {
    /// The call that fails: `upload`, `publish`, `package` or `download`.
    pub fail: Option<String>,
    /// The `retCode` a failing call answers with.
    #[serde(deserialize_with = "domain::json_integer::optional_integer")]
    pub fail_ret_code: Option<i64>,
    /// Delay before every answer, in milliseconds.
    #[serde(deserialize_with = "domain::json_integer::integer")]
    #[schema(maximum = 60000)]
    pub delay_ms: u64,
}

/// One stored package.
#[derive(Debug, Clone)]
pub struct Stored {
    pub meta: StorePackage,
    pub bytes: Vec<u8>,
    /// Set once published: (free, price in cents).
    pub published: Option<(bool, i64)>,
    order: u64,
}

#[derive(Default)]
struct State {
    next: u64,
    /// (name, provider) -> app id.
    apps: HashMap<(String, String), String>,
    /// (app id, package id) -> the package.
    packages: HashMap<(String, String), Stored>,
}

#[derive(Default)]
pub struct SimulatedAppStore {
    state: Mutex<State>,
    plan: Mutex<AppStorePlan>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn rejected(status: u16, ret_code: Option<i64>, message: String) -> AppStoreError {
    AppStoreError::Rejected {
        status,
        ret_code,
        message,
    }
}

/// `key: value` of the manifest's metadata block.
fn metadata(package: &[u8]) -> Result<HashMap<String, String>, AppStoreError> {
    let csar = crate::package::Csar::read(package)
        .map_err(|e| rejected(400, Some(20030), format!("not an application package: {e}")))?;
    let manifest = csar
        .manifest_path()
        .ok()
        .and_then(|p| csar.text(&p).ok().map(str::to_owned))
        .ok_or_else(|| rejected(400, Some(20031), "the package has no manifest".into()))?;
    Ok(manifest
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect())
}

impl SimulatedAppStore {
    pub fn set_plan(&self, plan: AppStorePlan) {
        *lock(&self.plan) = plan;
    }

    /// A stored package (for tests and the HTTP face).
    pub fn stored(&self, app: &StoredApp) -> Option<Stored> {
        lock(&self.state)
            .packages
            .get(&(app.app_id.clone(), app.package_id.clone()))
            .cloned()
    }

    async fn before(&self, call: &str) -> Result<(), AppStoreError> {
        let plan = lock(&self.plan).clone();
        if plan.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(plan.delay_ms)).await;
        }
        if plan.fail.as_deref() == Some(call) {
            return Err(rejected(
                500,
                plan.fail_ret_code,
                format!("simulated {call} failure"),
            ));
        }
        Ok(())
    }

    fn find(&self, app: &StoredApp) -> Result<Stored, AppStoreError> {
        self.stored(app).ok_or_else(|| {
            rejected(
                404,
                Some(20007),
                format!("no package {} of app {}", app.package_id, app.app_id),
            )
        })
    }
}

impl AppStore for SimulatedAppStore {
    fn upload<'a>(&'a self, upload: StoreUpload) -> StoreFuture<'a, StoredApp> {
        Box::pin(async move {
            self.before("upload").await?;
            if upload.icon.1.is_empty() {
                return Err(rejected(400, Some(20016), "the icon is required".into()));
            }
            let meta = metadata(&upload.package)?;
            let field = |k: &str| meta.get(k).cloned().unwrap_or_default();
            let (name, provider) = (field("app_product_name"), field("app_provider_id"));
            if name.is_empty() {
                return Err(rejected(
                    400,
                    Some(20002),
                    "the manifest has no app_product_name".into(),
                ));
            }
            let mut state = lock(&self.state);
            let app_id = state
                .apps
                .entry((name.clone(), provider.clone()))
                .or_insert_with(|| uuid::Uuid::new_v4().simple().to_string())
                .clone();
            let package_id = uuid::Uuid::new_v4().simple().to_string();
            state.next += 1;
            let order = state.next;
            if state.packages.len() >= MAX_PACKAGES {
                if let Some(oldest) = state
                    .packages
                    .iter()
                    .min_by_key(|(_, p)| p.order)
                    .map(|(k, _)| k.clone())
                {
                    state.packages.remove(&oldest);
                }
            }
            let stored = StoredApp {
                app_id: app_id.clone(),
                package_id: package_id.clone(),
            };
            state.packages.insert(
                (app_id.clone(), package_id.clone()),
                Stored {
                    meta: StorePackage {
                        app_id,
                        package_id,
                        name,
                        version: field("app_package_version"),
                        provider,
                        industry: upload.industry,
                        app_type: upload.app_type,
                        short_desc: upload.short_desc,
                        affinity: upload.affinity,
                        test_task_id: upload.test_task_id,
                    },
                    bytes: upload.package,
                    published: None,
                    order,
                },
            );
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
            self.before("publish").await?;
            self.find(app)?;
            if let Some(p) = lock(&self.state)
                .packages
                .get_mut(&(app.app_id.clone(), app.package_id.clone()))
            {
                p.published = Some((is_free, price_cents));
            }
            Ok(())
        })
    }

    fn package<'a>(&'a self, app: &'a StoredApp) -> StoreFuture<'a, StorePackage> {
        Box::pin(async move {
            self.before("package").await?;
            Ok(self.find(app)?.meta)
        })
    }

    fn download<'a>(&'a self, app: &'a StoredApp) -> StoreFuture<'a, Vec<u8>> {
        Box::pin(async move {
            self.before("download").await?;
            Ok(self.find(app)?.bytes)
        })
    }
}
