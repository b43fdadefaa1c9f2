//! What a package describes: the TOSCA service template (`APPD/Definitions/
//! MainServiceTemplate.yaml`) and `Image/SwImageDesc.json`.
//!
//! A VM application's template has one VDU per VM (flavor as virtual compute and storage, image,
//! availability zone, cloud-init user data), one connection point per port bound to its VM and
//! its network's virtual link, and the networks. A container application's names its helm
//! charts as deployment artifacts. Both carry the app configuration (services produced and
//! required, traffic and DNS rules); the certificate's keys stay inputs (`get_input ak/sk`), as
//! in the original, and no password is written: a VM's login is set at instantiation.

use serde_json::{json, Map, Value};

use super::{ImageDescription, PackageSource};
use domain::application::AppClass;

/// Where the service template lives in the package.
pub const SERVICE_TEMPLATE: &str = "APPD/Definitions/MainServiceTemplate.yaml";
/// The image descriptions.
pub const SW_IMAGE_DESC: &str = "Image/SwImageDesc.json";
/// Where a helm chart goes in the package.
pub const CHARTS_DIR: &str = "Artifacts/Deployment/Charts";

/// The service template as a value (written as YAML).
pub fn service_template(source: &PackageSource<'_>) -> Value {
    let app = source.app;
    let fields = &app.fields;
    let name = fields.name.as_str();
    let mut nodes = Map::new();
    let mut vnf = json!({
        "type": "tosca.nodes.nfv.VNF",
        "properties": {
            "vnfd_id": name, "vnfd_version": fields.version.as_str(),
            "provider": fields.provider.as_str(), "product_name": name,
            "software_version": fields.version.as_str(), "flavour_id": "default",
            "flavour_description": fields.description.as_str(),
        },
    });
    match fields.app_class {
        AppClass::Vm => vm_nodes(source, &mut nodes),
        AppClass::Container => {
            vnf["artifacts"] = Value::Object(
                app.helm_charts
                    .iter()
                    .map(|chart| {
                        let artifact = json!({
                            "type": "tosca.artifacts.nfv.HelmChart",
                            "file": format!("{CHARTS_DIR}/{}", chart.name),
                        });
                        (chart.chart_name.clone(), artifact)
                    })
                    .collect(),
            );
        }
    }
    nodes.insert(name.to_owned(), vnf);
    nodes.insert("app_configuration".into(), app_configuration(source));
    json!({
        "tosca_definitions_version": "tosca_simple_profile_yaml_1_2",
        "description": fields.description.as_str(),
        "imports": ["nfv_vnfd_types_v1_0.yaml"],
        "metadata": {
            "template_name": name, "template_author": fields.provider.as_str(),
            "template_version": fields.version.as_str(), "vnfm_type": "MEPM",
            "vnfd_id": name, "vnfd_version": fields.version.as_str(), "vnfd_name": name,
            "vnfd_description": fields.description.as_str(),
            "app_class": fields.app_class.as_str(), "architecture": fields.architecture.as_str(),
            "app_type": fields.app_type.as_str(), "industry": fields.industry.as_str(),
        },
        "topology_template": {
            "inputs": {
                "ak": {"type": "string", "default": "", "description": "the application's access key"},
                "sk": {"type": "string", "default": "", "description": "the application's secret key"},
            },
            "node_templates": nodes,
        },
    })
}

/// The VDUs, their connection points and the virtual links of a VM application.
fn vm_nodes(source: &PackageSource<'_>, nodes: &mut Map<String, Value>) {
    let app = source.app;
    for network in &app.networks {
        nodes.insert(
            network.name.clone(),
            json!({
                "type": "tosca.nodes.nfv.VnfVirtualLink",
                "properties": {
                    "vl_profile": {"network_name": network.name},
                    "description": network.description,
                },
            }),
        );
    }
    for vm in &app.vms {
        let spec = &vm.spec;
        let flavor = source.flavors.get(&spec.flavor_id);
        let image = source.images.get(&spec.image_id);
        let mut compute = json!({
            "virtual_compute": {"properties": {
                "virtual_memory": {"virtual_mem_size": flavor.map(|f| f.memory)},
                "virtual_cpu": {"num_virtual_cpu": flavor.map(|f| f.cpu)},
                "virtual_local_storage": {"size_of_storage": flavor.map(|f| f.system_disk_size)},
            }},
        });
        if let Some(extra) = &spec.flavor_extra_specs {
            compute["virtual_compute"]["properties"]["flavor_extra_specs"] = json!(extra);
        }
        nodes.insert(
            spec.name.clone(),
            json!({
                "type": "tosca.nodes.nfv.Vdu.Compute",
                "properties": {
                    "name": spec.name,
                    "description": flavor.map(|f| f.name.clone()),
                    "vdu_profile": {"min_number_of_instances": 1, "max_number_of_instances": 1},
                    "nfvi_constraints": spec.area_zone,
                    "sw_image_data": {"name": image.map(|i| i.name.clone())},
                    "bootdata": {"user_data": {"contents": spec.user_data.clone().unwrap_or_default()}},
                },
                "capabilities": compute,
            }),
        );
        for (order, port) in spec.ports.iter().enumerate() {
            nodes.insert(
                format!("{}_{}", spec.name, port.name),
                json!({
                    "type": "tosca.nodes.nfv.VduCp",
                    "properties": {"description": port.description, "vnic_type": "normal", "order": order},
                    "requirements": [
                        {"virtual_binding": spec.name},
                        {"virtual_link": port.network_name},
                    ],
                }),
            );
        }
    }
}

/// The app configuration node: what the edge platform registers for the application.
fn app_configuration(source: &PackageSource<'_>) -> Value {
    let app = source.app;
    let produced: Vec<Value> = app
        .services_produced
        .iter()
        .map(|s| {
            json!({
                "serName": s.service_name, "version": s.version, "protocol": s.protocol,
                "internalPort": s.internal_port, "oneLevelName": s.one_level_name,
                "twoLevelName": s.two_level_name, "description": s.description,
                "dnsRuleIdList": s.dns_rule_id_list, "trafficRuleIdList": s.traffic_rule_id_list,
            })
        })
        .collect();
    let required: Vec<Value> = app
        .services_required
        .iter()
        .map(|s| {
            json!({
                "serName": s.ser_name, "version": s.version,
                "requestedPermissions": s.requested_permissions,
                "oneLevelName": s.one_level_name, "twoLevelName": s.two_level_name,
            })
        })
        .collect();
    json!({
        "type": "tosca.nodes.nfv.app.configuration",
        "properties": {
            "appName": app.fields.name.as_str(),
            "appSupportMp1": !produced.is_empty() || !required.is_empty(),
            "appServiceProduced": produced,
            "appServiceRequired": required,
            "appTrafficRule": app.traffic_rules,
            "appDNSRule": app.dns_rules,
            "certificate": {"ak": {"get_input": "ak"}, "sk": {"get_input": "sk"}},
        },
    })
}

/// `Image/SwImageDesc.json`: the VMs' images, or the container images the charts name.
pub fn sw_images(source: &PackageSource<'_>) -> Value {
    let app = source.app;
    let images: Vec<Value> = match app.fields.app_class {
        AppClass::Vm => app
            .vms
            .iter()
            .map(|vm| {
                vm_image(
                    source,
                    vm.spec.image_id,
                    source.images.get(&vm.spec.image_id),
                )
            })
            .collect(),
        AppClass::Container => {
            let mut named: Vec<&String> = app.helm_charts.iter().flat_map(|c| &c.images).collect();
            named.sort();
            named.dedup();
            named
                .into_iter()
                .map(|image| {
                    let (name, version) = match image.rsplit_once(':') {
                        Some((n, v)) if !v.contains('/') => (n, v),
                        _ => (image.as_str(), "latest"),
                    };
                    json!({
                        "name": name, "version": version, "swImage": image,
                        "containerFormat": "docker", "diskFormat": "raw",
                        "architecture": app.fields.architecture.as_str(),
                    })
                })
                .collect()
        }
    };
    Value::Array(images)
}

fn vm_image(source: &PackageSource<'_>, id: i32, image: Option<&ImageDescription>) -> Value {
    let architecture = source.app.fields.architecture.as_str();
    match image {
        Some(i) => json!({
            "id": id.to_string(), "name": i.name, "version": i.os_version,
            "checksum": i.checksum, "containerFormat": "bare",
            "diskFormat": i.format.clone().unwrap_or_else(|| "qcow2".into()),
            "minDisk": i.system_disk_size, "architecture": architecture,
            "size": i.size, "swImage": i.file_name,
            "operatingSystem": format!("{} {}", i.os_type, i.os_version),
            "hw_disk_bus": i.disk_bus,
        }),
        None => json!({"id": id.to_string(), "architecture": architecture}),
    }
}
