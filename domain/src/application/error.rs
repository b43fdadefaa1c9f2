//! Typed rejections of application commands. The HTTP layer maps each to a status and a stable
//! code; tests assert these variants, never message strings.

use thiserror::Error;

use super::values::AppStatus;
pub use super::values::FieldError;

/// Why an application command was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApplicationError {
    #[error("{0}")]
    InvalidField(FieldError),
    #[error("the application does not exist")]
    NotFound,
    #[error("an application with this id already exists")]
    AlreadyExists,
    #[error("only the application's owner or an admin may do this")]
    Forbidden,
    #[error("cannot {action} an application in status {from}")]
    InvalidTransition {
        action: &'static str,
        from: &'static str,
    },
    #[error("a released application cannot be changed")]
    Released,
    #[error("the application has no network with this id")]
    NetworkNotFound,
    #[error("the application already has a network named {0}")]
    NetworkNameTaken(String),
    #[error("Network is used by vm port: {0}")]
    NetworkInUse(String),
    #[error("port {port} is on network {network}, which the application does not have")]
    UnknownNetwork { port: String, network: String },
    #[error("the application has no virtual machine with this id")]
    VmNotFound,
    #[error("a virtual machine with this id already exists")]
    VmExists,
    #[error("the application already has a virtual machine named {0}")]
    VmNameTaken(String),
    #[error("only VM applications have networks and virtual machines")]
    NotAVmApplication,
    #[error("only container applications have helm charts and containers")]
    NotAContainerApplication,
    #[error("the application has no helm chart with this id")]
    HelmChartNotFound,
    #[error("the application already has a helm chart named {0}")]
    HelmChartNameTaken(String),
    #[error("the helm chart was changed meanwhile; read it again and repeat the change")]
    HelmChartChanged,
    #[error("an application has at most {0} helm charts")]
    TooManyHelmCharts(usize),
    #[error("select a sandbox host (action/sel-mephost) first")]
    NoSandboxHost,
    #[error("operation {0} is still running; wait for it or cancel it")]
    OperationRunning(String),
    #[error("{0}")]
    Operation(#[from] crate::operation::OperationError),
    #[error("{0}")]
    InvalidRule(super::rules::RuleError),
    #[error("the application has no {kind} rule {id}")]
    RuleNotFound { kind: &'static str, id: String },
    #[error("the application already has a {kind} rule {id}")]
    RuleExists { kind: &'static str, id: String },
    #[error("rule {id} is used by the service {service}; remove it there first")]
    RuleInUse { id: String, service: String },
    #[error("the application has no {0} with this id")]
    ServiceNotFound(&'static str),
    #[error("the application has no certificate")]
    NoCertificate,
    #[error("the application has no script with this id")]
    ScriptNotFound,
    #[error("the application has nothing to package yet: a VM application needs a VM, a container application a helm chart")]
    NothingToPackage,
    #[error("the application has no package yet: generate one (action/generate-package) and re-pack it (zip-package)")]
    NoPackage,
    #[error("the package was edited since it was re-packed: re-pack it (zip-package) first")]
    PackageEdited,
    #[error("atp test status is {0}, can not be released")]
    TestNotPassed(String),
    #[error("the package changed since its test (generated or re-packed again): test it again")]
    PackageNotTested,
    #[error("the application has no package with this id")]
    PackageNotFound,
    #[error("the package was changed meanwhile; read it again and repeat the change")]
    PackageChanged,
    #[error("the application already has a {kind} {name}")]
    ServiceExists { kind: &'static str, name: String },
}

impl From<FieldError> for ApplicationError {
    fn from(e: FieldError) -> Self {
        ApplicationError::InvalidField(e)
    }
}

impl ApplicationError {
    pub(crate) fn transition(action: &'static str, from: AppStatus) -> Self {
        ApplicationError::InvalidTransition {
            action,
            from: from.as_str(),
        }
    }
}
