//! The app store (reference section 4, AppStore): a released package is uploaded with its icon
//! and descriptive fields, then published with its terms; the admin toolbox reads a stored
//! package's metadata and downloads it again.

use std::future::Future;
use std::pin::Pin;

/// A call to the app store: a boxed future, so the port can live behind `dyn`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppStoreError>> + Send + 'a>>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppStoreError {
    #[error("the app store is unreachable: {0}")]
    Unreachable(String),
    /// Its error answer, with its `retCode` when it gave one.
    #[error("the app store refused the request ({status}): {message}")]
    Rejected {
        status: u16,
        ret_code: Option<i64>,
        message: String,
    },
    #[error("the app store answered something unexpected: {0}")]
    Malformed(String),
}

/// `POST /mec/appstore/v1/apps`: the package and what the store shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreUpload {
    pub file_name: String,
    pub package: Vec<u8>,
    /// The icon's file name and bytes.
    pub icon: (String, Vec<u8>),
    pub app_type: String,
    pub short_desc: String,
    /// The architecture.
    pub affinity: String,
    pub industry: String,
    pub test_task_id: String,
    pub user_id: String,
    pub user_name: String,
}

/// The store's ids of an uploaded package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredApp {
    pub app_id: String,
    pub package_id: String,
}

/// A stored package's metadata (`GET /mec/appstore/v2/apps/{appId}/packages/{packageId}`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorePackage {
    pub app_id: String,
    pub package_id: String,
    pub name: String,
    pub version: String,
    pub provider: String,
    pub industry: String,
    pub app_type: String,
    pub short_desc: String,
    pub affinity: String,
    pub test_task_id: String,
}

pub trait AppStore: Send + Sync {
    /// Uploads a package; the store answers its ids.
    fn upload<'a>(&'a self, upload: StoreUpload) -> StoreFuture<'a, StoredApp>;
    /// Publishes an uploaded package, free or at `price_cents`.
    fn publish<'a>(
        &'a self,
        app: &'a StoredApp,
        is_free: bool,
        price_cents: i64,
    ) -> StoreFuture<'a, ()>;
    /// A stored package's metadata.
    fn package<'a>(&'a self, app: &'a StoredApp) -> StoreFuture<'a, StorePackage>;
    /// A stored package's bytes.
    fn download<'a>(&'a self, app: &'a StoredApp) -> StoreFuture<'a, Vec<u8>>;
}
