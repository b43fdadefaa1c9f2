//! Ports: the traits through which edgedev reaches outside systems (DESIGN.md §5). Each has an
//! in-process simulator and an HTTP client, both outside the domain.

pub mod app_store;
pub mod file_server;
pub mod lcm;
pub mod orchestrator;
pub mod reverse_proxy;
pub mod test_platform;

pub use app_store::{AppStore, AppStoreError, StoreFuture, StorePackage, StoreUpload, StoredApp};
pub use file_server::{ByteSource, FileServer, FileServerError, FsFuture, StoredImage};
pub use lcm::{
    Distribution, HostRegistration, ImageFileCheck, ImageStatus, InstantiateRequest, Lcm,
    LcmEndpoint, LcmError, MetricsUsage, PodEvents, PortFuture, UploadedPackage, Workload,
    WorkloadContainer, WorkloadNetwork, WorkloadPod, WorkloadService, WorkloadServicePort,
    WorkloadVm,
};
pub use orchestrator::{
    Deployment, Orchestrator, OrchestratorError, OrchestratorFuture, PodVolume, UsageSample,
    VolumeSource,
};
pub use reverse_proxy::{ProxyError, ProxyFuture, ProxyRoute, ReverseProxy};
pub use test_platform::{CreatedTask, TestFuture, TestPlatform, TestPlatformError};
