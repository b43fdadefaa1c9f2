//! The catalogue of error codes: every `code` the API answers with, its HTTP status and the
//! original platform's `retCode` where it had one (a call may name a more specific `retCode`, as
//! the original did per field). `docs/api.md` lists the same table; a test keeps them equal.

use actix_web::http::StatusCode;

macro_rules! error_codes {
    ($($variant:ident = ($code:literal, $status:ident, $ret:expr, $meaning:literal),)*) => {
        /// A stable, machine-readable error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $meaning] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in catalogue order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as the JSON body carries it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The HTTP status every answer with this code has.
            pub const fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status,)*
                }
            }

            /// The original platform's `retCode`, where it had one.
            pub const fn ret_code(self) -> Option<u32> {
                match self {
                    $(ErrorCode::$variant => $ret,)*
                }
            }

            /// What the code means, for the catalogue in the docs.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning,)*
                }
            }
        }
    };
}

error_codes! {
    // Requests that are malformed or break a rule (400).
    MalformedJson = ("MALFORMED_JSON", BAD_REQUEST, Some(20002), "the body is not JSON of the expected shape"),
    MalformedBody = ("MALFORMED_BODY", BAD_REQUEST, Some(20002), "the body could not be read"),
    MalformedMultipart = ("MALFORMED_MULTIPART", BAD_REQUEST, Some(20002), "the multipart form is malformed or misses a part"),
    InvalidField = ("INVALID_FIELD", BAD_REQUEST, Some(20002), "a field breaks its rule; `params` names it"),
    InvalidText = ("INVALID_TEXT", BAD_REQUEST, Some(20002), "text holds a character the platform cannot store (NUL)"),
    InvalidFile = ("INVALID_FILE", BAD_REQUEST, Some(20024), "an uploaded file is not what its part must hold"),
    InvalidId = ("INVALID_ID", BAD_REQUEST, Some(20002), "a path id is not a valid id"),
    InvalidPath = ("INVALID_PATH", BAD_REQUEST, Some(20002), "the path cannot be read"),
    InvalidQuery = ("INVALID_QUERY", BAD_REQUEST, Some(20002), "a query parameter cannot be read"),
    NoStateModel = ("NO_STATE_MODEL", BAD_REQUEST, None, "the aggregate type records facts only (request_log): it has a history but no state to fold"),
    InvalidPaging = ("INVALID_PAGING", BAD_REQUEST, Some(20002), "limit or offset is out of range"),
    InvalidPosition = ("INVALID_POSITION", BAD_REQUEST, Some(20002), "X-Edgedev-Position is not '<transaction id>:<position>'"),
    InvalidIfMatch = ("INVALID_IF_MATCH", BAD_REQUEST, Some(20002), "If-Match is not a version as given in ETag"),
    InvalidIdempotencyKey = ("INVALID_IDEMPOTENCY_KEY", BAD_REQUEST, Some(20002), "Idempotency-Key is empty or longer than 255 characters"),
    UnknownFlavor = ("UNKNOWN_FLAVOR", BAD_REQUEST, Some(20002), "a VM names a flavor the catalogue does not have"),
    UnknownVmImage = ("UNKNOWN_VM_IMAGE", BAD_REQUEST, Some(20002), "a VM names an image that does not exist or is not the caller's to use"),
    InvalidFileReference = ("INVALID_FILE_REFERENCE", BAD_REQUEST, Some(20016), "a field names an uploaded file that does not exist, is not the caller's to use, or is not of the type the field needs"),
    UnknownCapabilityGroup = ("UNKNOWN_CAPABILITY_GROUP", BAD_REQUEST, Some(20002), "a capability names a group that does not exist"),
    TestNotPassed = ("TEST_NOT_PASSED", BAD_REQUEST, Some(20002), "the newest test task of the application has not passed (its status is in the message); nothing was released"),
    ServiceCapabilityExists = ("SERVICE_CAPABILITY_EXISTS", BAD_REQUEST, Some(20002), "a service the application produces has the name of an existing capability; nothing was released"),
    UnknownCapability = ("UNKNOWN_CAPABILITY", BAD_REQUEST, Some(20002), "a service required names a capability that does not exist"),
    UnknownNetwork = ("UNKNOWN_NETWORK", BAD_REQUEST, Some(20002), "a VM port names a network the application does not have"),
    NoSandboxHost = ("NO_SANDBOX_HOST", BAD_REQUEST, Some(20002), "the application has no usable sandbox host selected"),
    VmInstantiated = ("VM_INSTANTIATED", BAD_REQUEST, Some(20002), "the VM is instantiated; clean the sandbox first"),
    Rejected = ("REJECTED", BAD_REQUEST, Some(20002), "the command was refused by a rule"),
    WeakPassword = ("WEAK_PASSWORD", BAD_REQUEST, None, "a password must be 8-128 characters with a letter and a digit"),
    UnknownRole = ("UNKNOWN_ROLE", BAD_REQUEST, None, "a role binding names a role that does not exist"),
    UnknownNamespace = ("UNKNOWN_NAMESPACE", BAD_REQUEST, None, "a request names a namespace that does not exist"),
    // Authentication and permission (401, 403).
    Unauthorized = ("UNAUTHORIZED", UNAUTHORIZED, Some(20014), "no valid token"),
    Forbidden = ("FORBIDDEN", FORBIDDEN, Some(20015), "the caller may not do this"),
    InvalidCredentials = ("INVALID_CREDENTIALS", UNAUTHORIZED, None, "the username or password is wrong (which one is not said)"),
    PermissionDenied = ("PERMISSION_DENIED", FORBIDDEN, None, "the caller lacks the permission `params` names, in the scope the message names"),
    UserLocked = ("USER_LOCKED", FORBIDDEN, None, "the user is locked (by an administrator or by failed logins); an administrator can unlock it"),
    WrongPassword = ("WRONG_PASSWORD", FORBIDDEN, None, "the current password given with a password change is wrong"),
    // Missing resources (404).
    RouteNotFound = ("ROUTE_NOT_FOUND", NOT_FOUND, Some(20007), "no endpoint has this path and method"),
    ApplicationNotFound = ("APPLICATION_NOT_FOUND", NOT_FOUND, Some(20007), "no application has this id"),
    NetworkNotFound = ("NETWORK_NOT_FOUND", NOT_FOUND, Some(20007), "the application has no network with this id"),
    VmNotFound = ("VM_NOT_FOUND", NOT_FOUND, Some(20007), "the application has no VM with this id"),
    RuleNotFound = ("RULE_NOT_FOUND", NOT_FOUND, Some(20007), "the application has no traffic or DNS rule with this id"),
    ServiceNotFound = ("SERVICE_NOT_FOUND", NOT_FOUND, Some(20007), "the application has no such service required or produced"),
    CertificateNotFound = ("CERTIFICATE_NOT_FOUND", NOT_FOUND, Some(20007), "the application has no certificate"),
    ScriptNotFound = ("SCRIPT_NOT_FOUND", NOT_FOUND, Some(20007), "the application has no script with this id"),
    HelmChartNotFound = ("HELM_CHART_NOT_FOUND", NOT_FOUND, None, "the application has no helm chart with this id"),
    ProfileNotFound = ("PROFILE_NOT_FOUND", NOT_FOUND, None, "no profile has this id"),
    ContainerImageNotFound = ("CONTAINER_IMAGE_NOT_FOUND", NOT_FOUND, None, "no container image the caller may see has this id"),
    ProfileFileNotFound = ("PROFILE_FILE_NOT_FOUND", NOT_FOUND, None, "the profile has no such app or config file"),
    HelmChartFileNotFound = ("HELM_CHART_FILE_NOT_FOUND", NOT_FOUND, None, "the helm chart has no text file at this path"),
    PackageNotFound = ("PACKAGE_NOT_FOUND", NOT_FOUND, None, "no package has this id (a package generated again has a new id)"),
    PackageFileNotFound = ("PACKAGE_FILE_NOT_FOUND", NOT_FOUND, None, "the package has no file at this path"),
    TestTaskNotFound = ("TEST_TASK_NOT_FOUND", NOT_FOUND, Some(20007), "the application has no test task with this id"),
    ReleasedPackageNotFound = ("RELEASED_PACKAGE_NOT_FOUND", NOT_FOUND, Some(20007), "no released package has this id"),
    StorePackageNotFound = ("STORE_PACKAGE_NOT_FOUND", NOT_FOUND, Some(20007), "the app store has no package with these ids"),
    VmImageNotFound = ("VM_IMAGE_NOT_FOUND", NOT_FOUND, Some(20007), "no VM image the caller may see has this id"),
    CapabilityGroupNotFound = ("CAPABILITY_GROUP_NOT_FOUND", NOT_FOUND, Some(20007), "no capability group has this id"),
    CapabilityNotFound = ("CAPABILITY_NOT_FOUND", NOT_FOUND, Some(20007), "no capability has this id"),
    FlavorNotFound = ("FLAVOR_NOT_FOUND", NOT_FOUND, Some(20007), "no flavor has this id"),
    FileNotFound = ("FILE_NOT_FOUND", NOT_FOUND, Some(20016), "no uploaded file has this id"),
    FileContentUnavailable = ("FILE_CONTENT_UNAVAILABLE", NOT_FOUND, Some(20016), "the catalogue describes this file but does not hold its content"),
    MephostNotFound = ("MEPHOST_NOT_FOUND", NOT_FOUND, Some(20007), "no sandbox host has this id"),
    OperationNotFound = ("OPERATION_NOT_FOUND", NOT_FOUND, Some(20007), "no operation has this id"),
    PluginNotFound = ("PLUGIN_NOT_FOUND", NOT_FOUND, Some(20007), "no plugin has this id"),
    ProjectionNotFound = ("PROJECTION_NOT_FOUND", NOT_FOUND, Some(20007), "no projection has this name"),
    UserNotFound = ("USER_NOT_FOUND", NOT_FOUND, None, "no user has this id"),
    RoleNotFound = ("ROLE_NOT_FOUND", NOT_FOUND, None, "no role has this id"),
    BindingNotFound = ("BINDING_NOT_FOUND", NOT_FOUND, None, "the user has no role binding with this id"),
    ApiKeyNotFound = ("API_KEY_NOT_FOUND", NOT_FOUND, None, "the user has no API key with this id"),
    NamespaceNotFound = ("NAMESPACE_NOT_FOUND", NOT_FOUND, None, "no namespace has this id"),
    ConfigMapNotFound = ("CONFIG_MAP_NOT_FOUND", NOT_FOUND, None, "the namespace has no config map with this id"),
    SecretNotFound = ("SECRET_NOT_FOUND", NOT_FOUND, None, "the namespace has no secret with this id"),
    VolumeNotFound = ("VOLUME_NOT_FOUND", NOT_FOUND, None, "the namespace has no volume with this id"),
    PlatformImageNotFound = ("PLATFORM_IMAGE_NOT_FOUND", NOT_FOUND, None, "no container-platform image has this id"),
    ContainerNotFound = ("CONTAINER_NOT_FOUND", NOT_FOUND, None, "the namespace has no container with this id"),
    AggregateNotFound = ("AGGREGATE_NOT_FOUND", NOT_FOUND, None, "no aggregate of this type has this id"),
    NoStateYet = ("NO_STATE_YET", NOT_FOUND, None, "the aggregate had no event yet at the `asOf` version or time"),
    MethodNotAllowed = ("METHOD_NOT_ALLOWED", METHOD_NOT_ALLOWED, None, "the path exists, but not with this method"),
    // Conflicts with the resource's state (409).
    ApplicationExists = ("APPLICATION_EXISTS", CONFLICT, None, "an application with this id exists"),
    RebuildRunning = ("REBUILD_RUNNING", CONFLICT, None, "a blue-green rebuild of this projection is running"),
    DuplicateApplication = ("DUPLICATE_APPLICATION", CONFLICT, Some(20002), "another application has this name, version and provider"),
    DuplicateNetwork = ("DUPLICATE_NETWORK", CONFLICT, Some(20002), "the application has a network of this name"),
    DuplicateVm = ("DUPLICATE_VM", CONFLICT, Some(20002), "the application has a VM of this name"),
    DuplicateRule = ("DUPLICATE_RULE", CONFLICT, Some(20002), "the application has a traffic or DNS rule with this id"),
    RuleInUse = ("RULE_IN_USE", CONFLICT, None, "a service produced names the rule"),
    DuplicateService = ("DUPLICATE_SERVICE", CONFLICT, Some(20002), "the application already requires the capability or has a service of this name"),
    CapabilityInUse = ("CAPABILITY_IN_USE", CONFLICT, None, "applications require the capability"),
    DuplicateMecHostIp = ("DUPLICATE_MEC_HOST_IP", CONFLICT, Some(20002), "a host with this mecHostIp is registered"),
    DuplicatePlugin = ("DUPLICATE_PLUGIN", CONFLICT, None, "another plugin shares the same package"),
    Duplicate = ("DUPLICATE", CONFLICT, None, "a unique value is taken by another resource"),
    VmExists = ("VM_EXISTS", CONFLICT, None, "a VM with this id exists"),
    CapabilityGroupExists = ("CAPABILITY_GROUP_EXISTS", CONFLICT, None, "a capability group with this id exists"),
    DuplicateCapabilityGroup = ("DUPLICATE_CAPABILITY_GROUP", CONFLICT, None, "another capability group has this name or nameEn"),
    CapabilityGroupInUse = ("CAPABILITY_GROUP_IN_USE", CONFLICT, None, "capabilities are filed under the group"),
    CapabilityExists = ("CAPABILITY_EXISTS", CONFLICT, None, "a capability with this id exists"),
    DuplicateCapability = ("DUPLICATE_CAPABILITY", CONFLICT, None, "another capability has this name or nameEn"),
    FlavorExists = ("FLAVOR_EXISTS", CONFLICT, None, "a flavor with this id exists"),
    VmImageExists = ("VM_IMAGE_EXISTS", CONFLICT, None, "a VM image with this id exists"),
    DuplicateVmImage = ("DUPLICATE_VM_IMAGE", CONFLICT, Some(20002), "another image of the owner has this name"),
    VmImageStatus = ("VM_IMAGE_STATUS", CONFLICT, None, "the image's status does not allow this; the message names the status"),
    UploadInProgress = ("UPLOAD_IN_PROGRESS", CONFLICT, None, "another upload of the image is in progress; cancel or reset it first"),
    ChunksMissing = ("CHUNKS_MISSING", CONFLICT, None, "a merge was asked before every chunk of the upload arrived"),
    DuplicateUsername = ("DUPLICATE_USERNAME", CONFLICT, None, "another user has this username (any case; deleted users keep theirs)"),
    DuplicateEmail = ("DUPLICATE_EMAIL", CONFLICT, None, "another user has this email (any case)"),
    DuplicateRole = ("DUPLICATE_ROLE", CONFLICT, None, "another role has this name"),
    SystemRole = ("SYSTEM_ROLE", CONFLICT, None, "system roles cannot be changed or deleted"),
    RoleAlreadyBound = ("ROLE_ALREADY_BOUND", CONFLICT, None, "the user already has this role in this scope"),
    UserNotLocked = ("USER_NOT_LOCKED", CONFLICT, None, "the user is not locked"),
    UsersExist = ("USERS_EXIST", CONFLICT, None, "the first administrator is created only on a system without users"),
    TooManyApiKeys = ("TOO_MANY_API_KEYS", CONFLICT, None, "the user holds as many API keys as allowed (20); revoke one first"),
    DuplicateNamespace = ("DUPLICATE_NAMESPACE", CONFLICT, None, "another namespace has this name, or this kubernetesName in the cluster"),
    NamespaceNotEmpty = ("NAMESPACE_NOT_EMPTY", CONFLICT, None, "the namespace still holds config maps, secrets, containers or volumes; the message counts them"),
    NamespaceInactive = ("NAMESPACE_INACTIVE", CONFLICT, None, "the namespace is inactive; activate it first"),
    DuplicateConfigMap = ("DUPLICATE_CONFIG_MAP", CONFLICT, None, "the namespace has a config map of this name"),
    DuplicateSecret = ("DUPLICATE_SECRET", CONFLICT, None, "the namespace has a secret of this name"),
    DuplicateVolume = ("DUPLICATE_VOLUME", CONFLICT, None, "the namespace has a volume of this name"),
    DuplicatePlatformImage = ("DUPLICATE_PLATFORM_IMAGE", CONFLICT, None, "an image with this name and tag is registered"),
    DuplicateContainer = ("DUPLICATE_CONTAINER", CONFLICT, None, "the namespace has a container of this name"),
    ContainerAlreadyInState = ("CONTAINER_ALREADY_IN_STATE", CONFLICT, None, "the container is already in the status the action leads to; params: the status, then the actions it allows"),
    ContainerActionNotAllowed = ("CONTAINER_ACTION_NOT_ALLOWED", CONFLICT, None, "the container's status does not allow the action; params: the status, then the actions it allows"),
    ContainerRunning = ("CONTAINER_RUNNING", CONFLICT, None, "the container runs (running, paused or crash_loop_back_off): delete it with force=true"),
    PlatformImageInUse = ("PLATFORM_IMAGE_IN_USE", CONFLICT, None, "a container runs this image"),
    ImageNotSlimmable = ("IMAGE_NOT_SLIMMABLE", CONFLICT, None, "an ISO image cannot be slimmed"),
    ImageFileUnavailable = ("IMAGE_FILE_UNAVAILABLE", CONFLICT, None, "the image has no file the file server can serve here"),
    FileExists = ("FILE_EXISTS", CONFLICT, None, "an uploaded file with this id exists"),
    FileInUse = ("FILE_IN_USE", CONFLICT, None, "an application (or another holder) uses the file"),
    MephostExists = ("MEPHOST_EXISTS", CONFLICT, None, "a host with this id exists"),
    PluginExists = ("PLUGIN_EXISTS", CONFLICT, None, "a plugin with this id exists"),
    InvalidStatus = ("INVALID_STATUS", CONFLICT, None, "the application's status does not allow this"),
    NotAVmApplication = ("NOT_A_VM_APPLICATION", CONFLICT, None, "this needs a VM application"),
    NotAContainerApplication = ("NOT_A_CONTAINER_APPLICATION", CONFLICT, None, "this needs a container application"),
    DuplicateHelmChart = ("DUPLICATE_HELM_CHART", CONFLICT, None, "the application already has a helm chart of this name"),
    TooManyHelmCharts = ("TOO_MANY_HELM_CHARTS", CONFLICT, None, "the application has as many helm charts as it may"),
    HelmChartChanged = ("HELM_CHART_CHANGED", CONFLICT, None, "the helm chart was changed since the edit was read"),
    NothingToPackage = ("NOTHING_TO_PACKAGE", CONFLICT, None, "the application has no VM (VM application) or helm chart (container application) to package yet"),
    PackageChanged = ("PACKAGE_CHANGED", CONFLICT, None, "the package was changed (edited, re-packed or generated again) since the change was read"),
    NoPackage = ("NO_PACKAGE", CONFLICT, None, "the application has no package yet: generate one and re-pack it"),
    PackageEdited = ("PACKAGE_EDITED", CONFLICT, None, "the package was edited since it was re-packed: re-pack it first"),
    PackageNotTested = ("PACKAGE_NOT_TESTED", CONFLICT, None, "the package changed since its newest test: test it again"),
    DuplicateReleasedPackage = ("DUPLICATE_RELEASED_PACKAGE", CONFLICT, None, "this store package is synchronised already"),
    NoHelmChart = ("NO_HELM_CHART", CONFLICT, None, "the container application has no helm chart to launch"),
    DuplicateContainerImage = ("DUPLICATE_CONTAINER_IMAGE", CONFLICT, Some(20002), "the caller has an image of this name and version"),
    NoChunks = ("NO_CHUNKS", CONFLICT, None, "no chunk of the upload has arrived"),
    AppInstantiated = ("APP_INSTANTIATED", CONFLICT, None, "the application is launched on its sandbox; clean the environment first"),
    AppNotInstantiated = ("APP_NOT_INSTANTIATED", CONFLICT, None, "the application has no running instance on its sandbox"),
    NetworkInUse = ("NETWORK_IN_USE", CONFLICT, Some(20006), "VM ports use this network"),
    HostInUse = ("HOST_IN_USE", CONFLICT, None, "instances still run on the host"),
    SandboxNotClean = ("SANDBOX_NOT_CLEAN", CONFLICT, None, "the sandbox still holds instances; clean it first"),
    VmNotInstantiated = ("VM_NOT_INSTANTIATED", CONFLICT, None, "the VM has no running instance"),
    OperationRunning = ("OPERATION_RUNNING", CONFLICT, None, "another operation runs on the resource"),
    OperationFinished = ("OPERATION_FINISHED", CONFLICT, None, "the operation has already finished"),
    SimulatorNotInUse = ("SIMULATOR_NOT_IN_USE", CONFLICT, None, "the LCM simulator is not the configured LCM"),
    ConcurrentModification = ("CONCURRENT_MODIFICATION", CONFLICT, None, "concurrent commands kept changing the resource; retry"),
    // Preconditions and repeated requests (412, 422).
    VersionMismatch = ("VERSION_MISMATCH", PRECONDITION_FAILED, None, "the resource is not at the If-Match version"),
    IdempotencyKeyReused = ("IDEMPOTENCY_KEY_REUSED", UNPROCESSABLE_ENTITY, None, "the Idempotency-Key was used for a different request"),
    // Too many requests at once (429, with Retry-After).
    TooManyRequests = ("TOO_MANY_REQUESTS", TOO_MANY_REQUESTS, None, "too many requests (beyond a rate limit, or too many uploads at once); retry after the given seconds"),
    // Bodies the server will not take (408, 413, 415).
    RequestTimeout = ("REQUEST_TIMEOUT", REQUEST_TIMEOUT, None, "the request body was not received in time"),
    PayloadTooLarge = ("PAYLOAD_TOO_LARGE", PAYLOAD_TOO_LARGE, None, "the body is larger than allowed"),
    FileTooLarge = ("FILE_TOO_LARGE", PAYLOAD_TOO_LARGE, None, "an uploaded file is larger than allowed"),
    UnsupportedMediaType = ("UNSUPPORTED_MEDIA_TYPE", UNSUPPORTED_MEDIA_TYPE, None, "the body's content type is not accepted"),
    // The server's side (500, 503).
    Internal = ("INTERNAL", INTERNAL_SERVER_ERROR, None, "a bug or an unexpected failure; it is logged, not described"),
    ServiceUnavailable = ("SERVICE_UNAVAILABLE", SERVICE_UNAVAILABLE, None, "a dependency (database, LCM) is unavailable; retry later"),
    FileServerRejected = ("FILE_SERVER_REJECTED", BAD_GATEWAY, None, "the image file server refused the request; the message has its answer"),
    RegistryRejected = ("REGISTRY_REJECTED", BAD_GATEWAY, None, "the image registry refused the request; the message has its answer"),
    TestPlatformRejected = ("TEST_PLATFORM_REJECTED", BAD_GATEWAY, Some(28888), "the test platform refused the request; retCode and message are its own (28888 when it gave none)"),
    AppStoreRejected = ("APP_STORE_REJECTED", BAD_GATEWAY, Some(28888), "the app store refused the request; retCode and message are its own (28888 when it gave none)"),
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    /// The rows of the catalogue table in docs/api.md: `| CODE | status | retCode | meaning |`.
    fn documented() -> Vec<(String, u16, Option<u32>)> {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/api.md"))
            .expect("docs/api.md");
        let start = doc
            .find("<!-- error-codes -->")
            .expect("catalogue start marker");
        let end = doc
            .find("<!-- /error-codes -->")
            .expect("catalogue end marker");
        doc[start..end]
            .lines()
            .filter(|line| line.starts_with("| `"))
            .map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                (
                    cells[1].trim_matches('`').to_owned(),
                    cells[2].parse().expect("status"),
                    cells[3].parse().ok(),
                )
            })
            .collect()
    }

    #[test]
    fn the_documented_catalogue_equals_the_code() {
        let in_code: Vec<(String, u16, Option<u32>)> = ErrorCode::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), c.status().as_u16(), c.ret_code()))
            .collect();
        assert_eq!(documented(), in_code);
    }

    #[test]
    fn codes_are_unique_and_shouted() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert!(code
                .as_str()
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_'));
        }
    }
}
