//! The OpenAPI document, generated from the handlers' annotations and completed by the
//! conventions every handler shares (`conventions`), and its UI (Swagger UI with its assets
//! compiled in, so it works offline).

mod conventions;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ErrorBody;
use crate::routes::applications::{self, dto};
use crate::routes::{
    app_configuration, app_packages, app_release, app_scripts, app_tests, audit_trail,
    capabilities, capability_groups, config_maps, containerimages, containers, flavors, health,
    helm_charts, images, login, mephosts, namespaces, operation_logs, operations, pkg_specs,
    platform_containers, plugins, profiles, projections, released_packages, roles, sandbox,
    secrets, upload_files, users, vmimages, volumes,
};
use conventions::{Links, ParameterRules, SharedAnswers, TextRule, UniqueOperationIds};

#[derive(OpenApi)]
#[openapi(
    info(title = "edgedev", description = "Event-sourced backend of the edge-application developer platform."),
    paths(
        applications::create, applications::list, applications::get, applications::update,
        applications::delete, applications::select_host, app_scripts::list, app_scripts::upload,
        app_scripts::delete,
        helm_charts::list, helm_charts::get, helm_charts::upload, helm_charts::delete,
        helm_charts::files::download, helm_charts::files::inner_file, helm_charts::files::modify_inner_file,
        app_packages::generate, app_packages::files::get, app_packages::files::structure,
        app_packages::files::file_content, app_packages::files::update_file_content,
        app_packages::files::zip_package, app_packages::files::download,
        app_tests::create, app_tests::list, app_tests::get, app_release::release,
        released_packages::synchronize, released_packages::list, released_packages::delete,
        released_packages::files::structure, released_packages::files::file_content,
        released_packages::files::edit_file_content, released_packages::files::release,
        containers::launch, containers::ssh, applications::detail::detail,
        containerimages::list, containerimages::get, containerimages::set_type, containerimages::delete, containerimages::download, containerimages::synchronize,
        containerimages::upload::chunk, containerimages::upload::cancel, containerimages::upload::merge,
        profiles::create, profiles::update, profiles::delete, profiles::list, profiles::get, profiles::download, profiles::create_application::create_application,
        plugins::upload, plugins::list, plugins::update, plugins::delete, plugins::downloads::download, plugins::downloads::logo,
        plugins::downloads::api_file, plugins::downloads::content, plugins::score,
        projections::list, projections::rebuild, projections::resume,
        audit_trail::history, audit_trail::state_as_of, audit_trail::events,
        health::health, health::livez, health::readyz, health::metrics,
        mephosts::create, mephosts::update, mephosts::delete, mephosts::list, mephosts::get, mephosts::logs,
        sandbox::create_network, sandbox::update_network, sandbox::delete_network, sandbox::list_networks,
        sandbox::get_network, sandbox::create_vm, sandbox::update_vm, sandbox::delete_vm, sandbox::list_vms,
        sandbox::get_vm,
        operations::start::launch, operations::start::export_image, operations::start::clean_env,
        operations::status::get, operations::status::cancel, operations::set_simulator_plan,
        operations::start::vnc,
        vmimages::get, vmimages::list, vmimages::create, vmimages::update, vmimages::publish, vmimages::slim,
        vmimages::upload::upload_chunk, vmimages::upload::received, vmimages::upload::cancel, vmimages::upload::merge,
        vmimages::files::download, vmimages::files::reset, vmimages::files::delete, operations::set_file_server_plan, operations::set_test_platform_plan, operations::set_app_store_plan, mephosts::outside::upload_config_file,
        flavors::create, flavors::list, flavors::get, flavors::delete,
        capability_groups::create, capability_groups::list, capability_groups::get, capability_groups::delete,
        capability_groups::list_by_type, pkg_specs::list, pkg_specs::use_scenes, pkg_specs::user_datas,
        upload_files::upload, upload_files::get, upload_files::delete, upload_files::stream,
        upload_files::sample_code::download, upload_files::sample_code::structure,
        upload_files::sample_code::content,
        capabilities::create, capabilities::update, capabilities::delete, capabilities::queries::list,
        capabilities::queries::get, capabilities::queries::by_group, capabilities::queries::by_name,
        capabilities::queries::by_name_en, capabilities::queries::by_application, capabilities::queries::by_type,
        capabilities::queries::group_stats, capabilities::queries::group_stats_by_type,
        app_configuration::list_traffic_rules, app_configuration::add_traffic_rule,
        app_configuration::update_traffic_rule, app_configuration::delete_traffic_rule,
        app_configuration::list_dns_rules, app_configuration::add_dns_rule,
        app_configuration::update_dns_rule, app_configuration::delete_dns_rule,
        app_configuration::certificate::get_configuration, app_configuration::certificate::get_certificate,
        app_configuration::certificate::put_configuration,
        app_configuration::certificate::set_certificate, app_configuration::certificate::delete_certificate,
        app_configuration::services::required::list_services_required, app_configuration::services::required::add_service_required,
        app_configuration::services::required::update_service_required, app_configuration::services::required::delete_service_required,
        app_configuration::services::produced::list_services_produced, app_configuration::services::produced::add_service_produced,
        app_configuration::services::produced::update_service_produced, app_configuration::services::produced::delete_service_produced,
        login::login, users::create, users::list, users::get, users::update, users::delete, users::lock, users::unlock,
        users::password::change_password, users::bindings::bind, users::bindings::list, users::bindings::unbind, users::api_keys::create, users::api_keys::list, users::api_keys::revoke,
        roles::create, roles::list, roles::get, roles::update, roles::delete,
        namespaces::create, namespaces::list, namespaces::get, namespaces::update, namespaces::delete,
        namespaces::activate, namespaces::deactivate,
        config_maps::create, config_maps::list, config_maps::get, config_maps::update, config_maps::delete,
        secrets::create, secrets::list, secrets::get, secrets::update, secrets::delete, secrets::reveal::reveal,
        operation_logs::list, operation_logs::stats,
        images::create, images::list, images::get, images::delete,
        volumes::create, volumes::list, volumes::get, volumes::update, volumes::delete,
        platform_containers::create, platform_containers::reads::list, platform_containers::reads::get, platform_containers::update,
        platform_containers::delete, platform_containers::actions::act, platform_containers::reads::history,
        platform_containers::usage::ingest::ingest, platform_containers::usage::query::container_usage, platform_containers::reads::summary,
        operations::set_orchestrator_plan,
    ),
    components(schemas(
        ErrorBody, dto::ApplicationRequest, dto::ApplicationResponse, dto::SelectHostRequest,
        projections::ProjectionStatusDto, projections::RebuildProgressDto, audit_trail::AuditEventBody, audit_trail::HistoryBody, audit_trail::StateBody, audit_trail::EventPageBody, plugins::dto::PluginResponse, plugins::dto::PluginUpload,
        mephosts::MepHostBody, mephosts::MepHostLog, sandbox::NetworkBody, sandbox::VmBody, sandbox::PortBody,
        sandbox::CertificateBody, sandbox::PasswordBody, sandbox::KeyPairBody, operations::Started,
        operations::OperationStatus, operations::ActionStatus, operations::Console, workflows::lcm::SimPlan, vmimages::VmImageBody, vmimages::VmImageRequest, vmimages::ChunkForm, vmimages::ReceivedChunks, workflows::file_server::FileServerPlan, workflows::test_platform::TestPlatformPlan, workflows::app_store::AppStorePlan,
        vmimages::ListRequest, vmimages::QueryCtrl, vmimages::ImageList, flavors::FlavorBody,
        capability_groups::CapabilityGroupBody, pkg_specs::PkgSpec, pkg_specs::PkgSpecifications,
        pkg_specs::AppdSpecs, pkg_specs::NetworkNameSpecs, upload_files::UploadedFileResponse,
        upload_files::UploadForm, upload_files::sample_code::SampleNode, capabilities::CapabilityRequest, capabilities::CapabilityResponse,
        capabilities::GroupStats, app_configuration::TrafficRuleBody, app_configuration::TrafficFilterBody,
        app_configuration::DstInterfaceBody, app_configuration::TunnelInfoBody, app_configuration::DnsRuleBody,
        app_configuration::services::ServiceRequiredRequest, app_configuration::services::ServiceRequiredBody,
        app_configuration::services::ServiceProducedBody, app_configuration::certificate::AppCertificateBody,
        app_configuration::certificate::AppConfigurationBody, app_configuration::certificate::ConfigurationUpdateBody, app_scripts::ScriptBody,
        helm_charts::HelmChartBody, helm_charts::ChartFileNode, helm_charts::ModifyInnerFile,
        app_packages::AppPackageBody, app_packages::FilePathBody, app_packages::FileContentBody, app_packages::FileContent, workflows::package::TreeNode, app_tests::TestTaskBody, app_release::ReleaseRequest, app_release::ReleaseBody, app_release::ReleasedCapabilityBody, released_packages::SyncItem, released_packages::ReleasedPackageBody,
        containerimages::ContainerImageBody, containerimages::ImageQuery, containerimages::ImageTypeUpdate, containerimages::ContainerImageChunkForm, containerimages::Synchronized,
        login::LoginBody, login::TokenBody, users::UserBody, users::NewUserBody, users::UserProfileBody, users::PasswordChangeBody,
        users::BindingBody, users::NewBindingBody, users::api_keys::ApiKeyBody, users::api_keys::NewApiKey, users::api_keys::NewApiKeyBody, roles::RoleBody, roles::RoleInput,
        namespaces::NamespaceBody, namespaces::NamespaceInput, namespaces::QuotaValue,
        config_maps::ConfigMapBody, config_maps::ConfigMapInput, secrets::SecretBody, secrets::SecretInput, secrets::RevealedSecret,
        operation_logs::OperationLogBody, operation_logs::OperationStatsBody,
        images::PlatformImageBody, images::PlatformImageInput, volumes::VolumeBody, volumes::VolumeInput,
        platform_containers::ContainerBody, platform_containers::ContainerInput, platform_containers::PortInput, platform_containers::EnvInput,
        platform_containers::ValueFromInput, platform_containers::MountInput, platform_containers::ContainerPortBody, platform_containers::ContainerEnvBody,
        platform_containers::ContainerMountBody, platform_containers::StatusChangeBody, workflows::orchestrator::OrchestratorPlan,
        platform_containers::usage::UsageInput, platform_containers::usage::UsageBatch, platform_containers::usage::RejectedSample,
        platform_containers::usage::IngestAnswer, platform_containers::usage::UsageBucket, platform_containers::usage::UsageBody,
        platform_containers::reads::NamespaceSummaryBody,
        profiles::ProfileBody, profiles::ProfileForm, profiles::IconForm, containers::WebSsh, applications::detail::ApplicationDetail, applications::detail::VmAppBody, applications::detail::ContainerAppBody,
    )),
    modifiers(&Security, &SharedAnswers, &ParameterRules, &TextRule, &UniqueOperationIds, &Links),
    tags(
        (name = "applications", description = "Applications (projects) of the developer platform"),
        (name = "plugins", description = "Plugins and SDKs: upload, catalogue, downloads, ratings"),
        (name = "mephosts", description = "Sandbox edge hosts"),
        (name = "flavors", description = "VM flavors of the catalogue"),
        (name = "app-configuration", description = "An application's MEC traffic and DNS rules"),
        (name = "upload-files", description = "Icons, API descriptions, guides and scripts applications name"),
        (name = "capabilities", description = "The ability centre: capabilities and their groups"),
        (name = "containerimages", description = "Container images: chunked upload pushed to the image registry, download, sharing"),
        (name = "profiles", description = "Industry templates a container application is made from"),
        (name = "containers", description = "The container platform's containers: lifecycle on the orchestrator, status history"),
        (name = "container-apps", description = "Helm charts and containers of container applications"),
        (name = "app-packages", description = "An application's package (CSAR): generated, edited, re-packed, downloaded"),
        (name = "vms", description = "Networks and virtual machines of VM applications"),
        (name = "vmimages", description = "VM images: chunked upload, merge and check, slimming, download"),
        (name = "operations", description = "Long-running operations, health, metrics and projections"),
        (name = "audit", description = "The log read for people: histories with state changes, states as of a moment, who did what"),
        (name = "auth", description = "Container platform: logins of its users"),
        (name = "users", description = "Container platform: users, their passwords, locks and role bindings"),
        (name = "roles", description = "Container platform: roles, named sets of resource:verb permissions"),
        (name = "namespaces", description = "Container platform: namespaces, their quotas and status"),
        (name = "configmaps", description = "Container platform: a namespace's config maps"),
        (name = "secrets", description = "Container platform: a namespace's secrets, sealed; reveals recorded"),
        (name = "volumes", description = "Container platform: a namespace's volumes"),
        (name = "images", description = "Container platform: the container images containers run"),
        (name = "operation-logs", description = "Container platform: every request to /api/v1 and how it ended; counts per user"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "access_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("access_token"))),
        );
        components.add_security_scheme(
            "ingest_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "EDGEDEV_METRICS_TOKEN: the metrics ingest's own token",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The methods a documented path takes (`GET, PUT`), for the `Allow` header of a 405; `pattern`
/// is the route's pattern as the router matched it.
pub fn allowed_methods(pattern: &str) -> Option<&'static str> {
    static ALLOWED: std::sync::OnceLock<std::collections::HashMap<String, String>> =
        std::sync::OnceLock::new();
    let allowed = ALLOWED.get_or_init(|| {
        let document = ApiDoc::openapi();
        document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods: Vec<&str> = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
                (path.clone(), methods.join(", "))
            })
            .collect()
    });
    let pattern = pattern
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(pattern);
    allowed.get(pattern).map(String::as_str)
}

/// The UI at `/api-docs/ui/` serving the document at `/api-docs/openapi.json`.
pub fn swagger_ui() -> SwaggerUi {
    SwaggerUi::new("/api-docs/ui/{_:.*}").url("/api-docs/openapi.json", ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    /// The container platform's path ids are its tables' integers (`routes::parse_int_id`): a
    /// new one missing from the conventions would be documented as a UUID.
    #[test]
    fn the_container_platforms_path_ids_are_integers() {
        let document = serde_json::to_value(super::ApiDoc::openapi()).expect("document");
        let mut wrong = Vec::new();
        for (path, item) in document["paths"].as_object().expect("paths") {
            let platform = path.starts_with("/api/v1/")
                && !path.starts_with("/api/v1/simulators")
                && !path.starts_with("/api/v1/projections")
                && !path.starts_with("/api/v1/operations");
            for (method, operation) in item
                .as_object()
                .expect("operations")
                .iter()
                .filter(|_| platform)
            {
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap_or_default();
                    if parameter["in"] == "path"
                        && name.ends_with("Id")
                        && parameter["schema"]["type"] != "integer"
                    {
                        wrong.push(format!("{method} {path} {name}"));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "not documented as integers: {wrong:?}");
    }

    /// A required parameter is never documented as nullable: a client (or the fuzzing gate)
    /// would send `null` for it as a valid value.
    #[test]
    fn no_required_parameter_may_be_null() {
        let document = serde_json::to_value(super::ApiDoc::openapi()).expect("document");
        let mut nullable = Vec::new();
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("operations") {
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let types = &parameter["schema"]["type"];
                    let null = types
                        .as_array()
                        .is_some_and(|t| t.iter().any(|t| t == "null"));
                    if parameter["required"] == true && null {
                        nullable.push(format!("{method} {path} {}", parameter["name"]));
                    }
                }
            }
        }
        assert!(nullable.is_empty(), "required but nullable: {nullable:?}");
    }
}
