//! What every handler of a kind does, written into the document once instead of on each
//! operation: the answers shared by all (400, 401, 413, 415, 503; 429 for writes; 202, 412 and
//! 422 for commands), the rules of path ids, paging and request headers (the same rules
//! `routes::parse_uuid`, `routes::paging` and `commanding::options` apply), no NUL in any text,
//! operation ids unique across the document, and links from creates to what takes their id.

use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{OpenApi, RefOr, Schema};
use utoipa::Modify;

use crate::routes::{self, commanding};

fn operations(
    openapi: &mut OpenApi,
) -> impl Iterator<Item = (&String, &'static str, &mut Operation)> {
    openapi.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ]
        .into_iter()
        .filter_map(move |(method, operation)| operation.as_mut().map(|o| (path, method, o)))
    })
}

/// The answers every endpoint of a kind gives, added to each operation that does not document
/// them itself: 400 for a path id that is not valid, 401 where a token is needed, 400/413/415 for
/// a JSON body, 429 for a write, 202/412/422 where the command headers are read, 503 when the
/// database is down. The document then says what the handlers answer.
pub struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, openapi: &mut OpenApi) {
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
        for (path, method, operation) in operations(openapi) {
            let has_path_parameter = path.contains('{');
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
                let takes = |name: &str| {
                    operation
                        .parameters
                        .iter()
                        .flatten()
                        .any(|p| matches!(p, RefOr::T(p) if p.name == name))
                };
                if method != "get" {
                    answers.push((
                        "429",
                        "writes beyond the caller's or the address's rate (Retry-After says when to retry)",
                    ));
                }
                if takes("Idempotency-Key") {
                    answers.push(("422", "the Idempotency-Key was used for another request"));
                    answers.push((
                        "202",
                        "done; the read models had not shown it within the read-your-writes bound",
                    ));
                }
                if takes("If-Match") {
                    answers.push(("412", "If-Match names another version than the current one"));
                }
                if json_body {
                    answers.extend([
                        ("400", "the body is not valid JSON for this endpoint"),
                        ("413", "the body is larger than allowed"),
                        ("415", "the body is not JSON"),
                    ]);
                }
                for (status, description) in answers {
                    let answer = if status == "202" {
                        // The same body the operation's success answer carries.
                        ResponseBuilder::new()
                            .description(description)
                            .content("application/json", any_json())
                            .build()
                    } else {
                        error(description)
                    };
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| answer.into());
                }
            }
        }
    }
}

fn any_json() -> utoipa::openapi::Content {
    use utoipa::openapi::schema::SchemaType;
    utoipa::openapi::ContentBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .build(),
        ))
        .build()
}

/// The rules the shared parsers apply, as schemas: path ids (UUIDs; plugin ids are 32 hex digits;
/// image ids numbers), paging bounds, `Idempotency-Key` and `If-Match`.
pub struct ParameterRules;

impl Modify for ParameterRules {
    fn modify(&self, openapi: &mut OpenApi) {
        for (_, _, operation) in operations(openapi) {
            for parameter in operation.parameters.iter_mut().flatten() {
                let RefOr::T(parameter) = parameter else {
                    continue;
                };
                if let Some(schema) = parameter_schema(parameter) {
                    parameter.schema = Some(RefOr::T(schema));
                }
            }
        }
    }
}

fn parameter_schema(parameter: &Parameter) -> Option<Schema> {
    let text = || ObjectBuilder::new().schema_type(Type::String);
    let integer = |min: i64, max: i64, default: i64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(min as f64))
            .maximum(Some(max as f64))
            .default(Some(default.into()))
    };
    let schema = match (&parameter.parameter_in, parameter.name.as_str()) {
        (ParameterIn::Path, "pluginId") => text().pattern(Some("^[0-9a-fA-F]{32}$")),
        (ParameterIn::Path, "imageId") => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1.0))
            .maximum(Some(f64::from(i32::MAX))),
        (
            ParameterIn::Path,
            "userId" | "roleId" | "bindingId" | "namespaceId" | "configMapId" | "secretId"
            | "apiKeyId" | "platformImageId" | "volumeId" | "containerId",
        ) => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1.0))
            .maximum(Some(routes::MAX_INT_ID as f64)),
        (ParameterIn::Path, "trafficRuleId" | "dnsRuleId") => {
            text().pattern(Some(routes::app_configuration::RULE_ID_PATTERN))
        }
        (ParameterIn::Path, name) if name.ends_with("Id") => {
            text().format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        }
        (ParameterIn::Query, "limit") => integer(1, routes::MAX_LIMIT, routes::DEFAULT_LIMIT),
        (ParameterIn::Query, "offset") => integer(0, i64::MAX, 0),
        (ParameterIn::Header, "Idempotency-Key") => text()
            .min_length(Some(1))
            .max_length(Some(commanding::MAX_IDEMPOTENCY_KEY))
            .pattern(Some(commanding::IDEMPOTENCY_KEY_PATTERN)),
        (ParameterIn::Header, "If-Match") => text().pattern(Some(commanding::IF_MATCH_PATTERN)),
        _ => return None,
    };
    Some(schema.build().into())
}

/// Operation ids are handler names, which repeat across resources (`get`, `delete`): each becomes
/// `<tag>.<handler>`, unique in the document, so generated clients and fuzzers can name them.
pub struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut OpenApi) {
        let mut seen = std::collections::HashSet::new();
        for (path, method, operation) in operations(openapi) {
            let tag = operation
                .tags
                .as_ref()
                .and_then(|t| t.first())
                .cloned()
                .unwrap_or_default();
            let handler = operation
                .operation_id
                .clone()
                .unwrap_or_else(|| method.to_owned());
            let mut id = format!("{tag}.{handler}");
            if !seen.insert(id.clone()) {
                id = format!("{method} {path}");
                seen.insert(id.clone());
            }
            operation.operation_id = Some(id);
        }
    }
}

/// No text the server takes may hold NUL (PostgreSQL cannot store it; `request_rules` answers
/// 400 `INVALID_TEXT` before any handler runs). Every string of a request — parameter, or property of a body
/// schema, nested ones included — that has no rule of its own says so with a pattern.
pub struct TextRule;

const NO_NUL: &str = "^[^\\u0000]*$";

impl Modify for TextRule {
    fn modify(&self, openapi: &mut OpenApi) {
        let mut bodies = Vec::new();
        for (_, _, operation) in operations(openapi) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if let RefOr::T(Parameter {
                    schema: Some(RefOr::T(Schema::Object(object))),
                    ..
                }) = parameter
                {
                    add_text_rule(object);
                }
            }
            if let Some(RefOr::T(body)) = &operation.request_body {
                for content in body.content.values() {
                    if let RefOr::T(utoipa::openapi::Content {
                        schema: Some(schema),
                        ..
                    }) = content
                    {
                        referenced(schema, &mut bodies);
                    }
                }
            }
        }
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let mut done = std::collections::HashSet::new();
        while let Some(name) = bodies.pop() {
            if !done.insert(name.clone()) {
                continue;
            }
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(&name) {
                for property in object.properties.values_mut() {
                    referenced(property, &mut bodies);
                    if let RefOr::T(Schema::Object(field)) = property {
                        add_text_rule(field);
                    }
                }
            }
        }
    }
}

fn add_text_rule(object: &mut utoipa::openapi::schema::Object) {
    use utoipa::openapi::schema::SchemaType;
    let text = match &object.schema_type {
        SchemaType::Type(Type::String) => true,
        SchemaType::Array(types) => types.contains(&Type::String),
        _ => false,
    };
    if text && object.pattern.is_none() && object.format.is_none() && object.enum_values.is_none() {
        object.pattern = Some(NO_NUL.to_owned());
    }
}

/// The component names a schema refers to (directly, through arrays, or through `oneOf` with
/// null for an optional field).
fn referenced(schema: &RefOr<Schema>, names: &mut Vec<String>) {
    use utoipa::openapi::schema::ArrayItems;
    match schema {
        RefOr::Ref(r) => {
            if let Some(name) = r.ref_location.rsplit('/').next() {
                names.push(name.to_owned());
            }
        }
        RefOr::T(Schema::Array(array)) => {
            if let ArrayItems::RefOrSchema(items) = &array.items {
                referenced(items, names);
            }
        }
        RefOr::T(Schema::OneOf(one_of)) => one_of.items.iter().for_each(|s| referenced(s, names)),
        RefOr::T(Schema::AllOf(all_of)) => all_of.items.iter().for_each(|s| referenced(s, names)),
        _ => {}
    }
}

/// Links from each operation that creates something to every operation that takes its id, so a
/// client (or the fuzzing gate's stateful phase) can follow create -> read/update/act/delete.
/// The other path parameters a target needs come from the creating request's own path.
pub struct Links;

/// (path of the creating POST, field of its answer holding the id, path parameter it fills)
const CREATORS: &[(&str, &str, &str)] = &[
    ("/api/v1/users", "id", "userId"),
    ("/api/v1/roles", "id", "roleId"),
    ("/api/v1/namespaces", "id", "namespaceId"),
    (
        "/api/v1/namespaces/{namespaceId}/configmaps",
        "id",
        "configMapId",
    ),
    ("/api/v1/users/{userId}/roles", "id", "bindingId"),
    ("/api/v1/users/{userId}/api-keys", "id", "apiKeyId"),
    ("/api/v1/images", "id", "platformImageId"),
    ("/api/v1/namespaces/{namespaceId}/volumes", "id", "volumeId"),
    (
        "/api/v1/namespaces/{namespaceId}/containers",
        "id",
        "containerId",
    ),
    ("/mec/developer/v2/applications", "id", "applicationId"),
    (
        "/mec/developer/v2/applications/{applicationId}/networks",
        "id",
        "networkId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/vms",
        "id",
        "vmId",
    ),
    ("/mec/developer/v2/mephosts", "id", "mephostId"),
    ("/mec/developer/v2/flavors", "id", "flavorId"),
    ("/mec/developer/v2/profiles", "id", "profileId"),
    ("/mec/developer/v2/vmimages", "id", "imageId"),
    ("/mec/developer/v2/upload-files", "fileId", "fileId"),
    ("/mec/developer/v2/capability-groups", "id", "groupId"),
    ("/mec/developer/v2/capabilities", "id", "capabilityId"),
    (
        "/mec/developer/v2/applications/{applicationId}/scripts",
        "id",
        "scriptId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/helmcharts",
        "id",
        "helmchartId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/appconfiguration/trafficrules",
        "trafficRuleId",
        "trafficRuleId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/appconfiguration/dnsrules",
        "dnsRuleId",
        "dnsRuleId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/appconfiguration/servicerequireds",
        "id",
        "serviceRequiredId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/appconfiguration/serviceproduceds",
        "appServiceProducedId",
        "appServiceProducedId",
    ),
    ("/mec/developer/v1/plugins", "pluginId", "pluginId"),
    (
        "/mec/developer/v2/applications/{applicationId}/vms/{vmId}/action/launch",
        "operationId",
        "operationId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/vms/{vmId}/action/export-image",
        "operationId",
        "operationId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/action/clean-env",
        "operationId",
        "operationId",
    ),
    (
        "/mec/developer/v2/applications/{applicationId}/action/generate-package",
        "id",
        "packageId",
    ),
];

fn path_parameters(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|p| p.split('}').next())
        .collect()
}

impl Modify for Links {
    fn modify(&self, openapi: &mut OpenApi) {
        use utoipa::openapi::link::LinkBuilder;
        let targets: Vec<(String, String)> = operations(openapi)
            .filter_map(|(path, _, o)| o.operation_id.clone().map(|id| (path.clone(), id)))
            .collect();
        for (creator, field, parameter) in CREATORS {
            let Some(operation) = openapi
                .paths
                .paths
                .get_mut(*creator)
                .and_then(|i| i.post.as_mut())
            else {
                continue;
            };
            let known = path_parameters(creator);
            let placeholder = format!("{{{parameter}}}");
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                if !status.starts_with('2') {
                    continue;
                }
                for (path, operation_id) in &targets {
                    let needed = path_parameters(path);
                    if !path.contains(&placeholder)
                        || needed.iter().any(|p| p != parameter && !known.contains(p))
                    {
                        continue;
                    }
                    let mut link = LinkBuilder::new()
                        .operation_id(operation_id.clone())
                        .parameter(*parameter, format!("$response.body#/{field}"));
                    for name in needed.iter().filter(|p| *p != parameter) {
                        link = link.parameter(*name, format!("$request.path.{name}"));
                    }
                    response.links.insert(
                        operation_id.replace(['.', ' ', '/', '{', '}'], "_"),
                        RefOr::T(link.build()),
                    );
                }
            }
        }
    }
}
