//! The OpenAPI document, generated from the handlers' annotations, and its UI (Swagger UI with
//! its assets compiled in, so it works offline).

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ErrorBody;
use crate::routes::applications::{self, dto};
use crate::routes::{health, mephosts, operations, plugins, projections, sandbox, vmimages};

#[derive(OpenApi)]
#[openapi(
    info(title = "edgedev", description = "Event-sourced backend of the edge-application developer platform."),
    paths(
        applications::create, applications::list, applications::get, applications::update,
        applications::delete, applications::select_host,
        plugins::upload, plugins::list, plugins::update, plugins::delete, plugins::downloads::download, plugins::downloads::logo,
        plugins::downloads::api_file, plugins::downloads::content, plugins::score,
        projections::list, projections::rebuild, projections::resume,
        health::health, health::livez, health::readyz, health::metrics,
        mephosts::create, mephosts::update, mephosts::delete, mephosts::list, mephosts::get, mephosts::logs,
        sandbox::create_network, sandbox::update_network, sandbox::delete_network, sandbox::list_networks,
        sandbox::get_network, sandbox::create_vm, sandbox::update_vm, sandbox::delete_vm, sandbox::list_vms,
        sandbox::get_vm,
        operations::start::launch, operations::start::export_image, operations::start::clean_env,
        operations::status::get, operations::status::cancel, operations::set_simulator_plan,
        operations::start::vnc,
        vmimages::get, vmimages::list,
    ),
    components(schemas(
        ErrorBody, dto::ApplicationRequest, dto::ApplicationResponse, dto::SelectHostRequest,
        projections::ProjectionStatusDto, plugins::dto::PluginResponse, plugins::dto::PluginUpload,
        mephosts::MepHostBody, mephosts::MepHostLog, sandbox::NetworkBody, sandbox::VmBody, sandbox::PortBody,
        sandbox::CertificateBody, sandbox::PasswordBody, sandbox::KeyPairBody, operations::Started,
        operations::OperationStatus, operations::ActionStatus, operations::Console, workflows::lcm::SimPlan, vmimages::VmImage,
        vmimages::ListRequest, vmimages::QueryCtrl, vmimages::ImageList,
    )),
    modifiers(&Security, &SharedAnswers),
    tags(
        (name = "applications", description = "Applications (projects) of the developer platform"),
        (name = "plugins", description = "Plugins and SDKs: upload, catalogue, downloads, ratings"),
        (name = "mephosts", description = "Sandbox edge hosts"),
        (name = "vms", description = "Networks, virtual machines and VM images of VM applications"),
        (name = "operations", description = "Long-running operations, health, metrics and projections"),
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

/// The answers every endpoint of a kind gives, added to each operation that does not document
/// them itself: 400 for a path id that is not valid, 401 where a token is needed, 400/413/415 for
/// a JSON body, 503 when the database is down. The document then says what the handlers answer.
struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_path_parameter = path.contains('{');
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let json_body = matches!(
                    &operation.request_body,
                    Some(utoipa::openapi::RefOr::T(body)) if body.content.contains_key("application/json")
                );
                let mut answers = vec![("503", "a dependency (the database) is unavailable")];
                if has_path_parameter {
                    answers.push(("400", "a path parameter is not valid (INVALID_ID)"));
                }
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    answers.push(("401", "no valid token"));
                }
                if json_body {
                    answers.extend([
                        ("400", "the body is not valid JSON for this endpoint"),
                        ("413", "the body is larger than allowed"),
                        ("415", "the body is not JSON"),
                    ]);
                }
                for (status, description) in answers {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description).into());
                }
            }
        }
    }
}

/// The UI at `/api-docs/ui/` serving the document at `/api-docs/openapi.json`.
pub fn swagger_ui() -> SwaggerUi {
    SwaggerUi::new("/api-docs/ui/{_:.*}").url("/api-docs/openapi.json", ApiDoc::openapi())
}
