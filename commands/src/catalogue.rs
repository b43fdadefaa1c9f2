//! The catalogues seeded at first start (the original's seed data, `commands/catalogue/`), loaded
//! as events so they are read models like everything else (ADR 0011). Seeding is idempotent:
//! rows whose stream already has events (seeded earlier, or deleted by an admin since) are
//! skipped, and two processes seeding at once race on the streams' first append, which one wins
//! and the other then finds already done.

use db::Pool;
use domain::capability::{
    Capability, CapabilityAction, CapabilityCommand, CapabilityError, CapabilityFields,
};
use domain::capability_group::{
    CapabilityGroup, CapabilityGroupAction, CapabilityGroupCommand, CapabilityGroupError,
    CapabilityGroupFields,
};
use domain::flavor::{Flavor, FlavorAction, FlavorCommand, FlavorError, FlavorFields};
use domain::uploaded_file::{
    FileType, UploadedFile, UploadedFileAction, UploadedFileCommand, UploadedFileError,
    UploadedFileFields,
};
use domain::vm_catalogue::{
    VmCatalogue, VmCatalogueCommand, VmCatalogueEntry, VmCatalogueError, VmNetworkType,
    VmRegulation, VmUserData,
};
use domain::{Actor, Role};
use serde::Deserialize;

use crate::seeding::seed_streams;
pub use crate::seeding::{seeder, SeedError};
use crate::{CommandError, CommandExecutor, CommandMetadata, CommandOptions, StoredResponse};

/// The original's 16 VM flavors (its newer seed, `tbl_vm_flavor`).
const FLAVORS: &str = include_str!("../catalogue/tbl_vm_flavor.json");
/// The original's 9 capability groups (its newer seed, `tbl_capability_group`).
const CAPABILITY_GROUPS: &str = include_str!("../catalogue/tbl_capability_group.json");
/// The original's 134 uploaded-file rows (its newer seed, `tbl_uploaded_file`): the capability
/// documents' metadata; the seed carries no content.
const UPLOADED_FILES: &str = include_str!("../catalogue/tbl_uploaded_file.json");
/// The original's 52 capabilities (its newer seed, `tbl_capability`), in the groups above and
/// described by the files above.
const CAPABILITIES: &str = include_str!("../catalogue/tbl_capability.json");
/// The older model's VM catalogue (the Release-v1.3 seed): 17 size presets, 3 networks, and a
/// cloud-init template for each of 3 operating systems.
const VM_REGULATIONS: &str = include_str!("../catalogue/tbl_vm_regulation.json");
const VM_NETWORKS: &str = include_str!("../catalogue/tbl_vm_network.json");
const VM_USER_DATA: &str = include_str!("../catalogue/tbl_vm_user_data.json");

/// What one seeding created, by catalogue.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub flavors: usize,
    pub capability_groups: usize,
    pub uploaded_files: usize,
    pub capabilities: usize,
    pub vm_catalogue: usize,
    pub roles: usize,
}

/// Seeds every catalogue whose rows are missing.
pub async fn seed(executor: &CommandExecutor, pool: &Pool) -> Result<Seeded, SeedError> {
    let actor = seeder();
    let flavors = flavors()?
        .into_iter()
        .map(|(id, fields)| {
            let action = FlavorAction::Create(fields);
            let command = FlavorCommand {
                actor: actor.clone(),
                action,
            };
            (id, command)
        })
        .collect();
    let groups = capability_groups()?
        .into_iter()
        .map(|group| {
            let command = CapabilityGroupCommand {
                actor: actor.clone(),
                action: CapabilityGroupAction::Create {
                    fields: group.fields,
                    author: Some(group.author),
                    created_at: group.created_at,
                },
            };
            (group.id, command)
        })
        .collect();
    let files = uploaded_files()?
        .into_iter()
        .map(|file| {
            let command = UploadedFileCommand {
                actor: Actor::new(&file.user_id, &file.user_id, vec![Role::Admin]),
                action: UploadedFileAction::Upload(file.fields),
            };
            (file.id, command)
        })
        .collect();
    let seeded_capabilities = capabilities()?;
    let filed: Vec<(String, String)> = seeded_capabilities
        .iter()
        .map(|c| (c.id.clone(), c.fields.group_id.clone()))
        .collect();
    let capabilities = seeded_capabilities
        .into_iter()
        .map(|c| {
            let command = CapabilityCommand {
                actor: Actor::new(&c.user_id, &c.user_id, vec![Role::Admin]),
                action: CapabilityAction::Create {
                    fields: c.fields,
                    uploaded_at: c.uploaded_at,
                },
            };
            (c.id, command)
        })
        .collect();
    let entries = vm_catalogue()?
        .into_iter()
        .map(|entry| {
            let id = entry.stream_id();
            let command = VmCatalogueCommand {
                actor: actor.clone(),
                entry,
            };
            (id, command)
        })
        .collect();
    let seeded = Seeded {
        flavors: seed_streams::<Flavor>(executor, pool, "flavors", flavors, |e| {
            *e == FlavorError::AlreadyExists
        })
        .await?,
        capability_groups: seed_streams::<CapabilityGroup>(
            executor,
            pool,
            "capability groups",
            groups,
            |e| *e == CapabilityGroupError::AlreadyExists,
        )
        .await?,
        uploaded_files: seed_streams::<UploadedFile>(
            executor,
            pool,
            "uploaded files",
            files,
            |e| *e == UploadedFileError::AlreadyExists,
        )
        .await?,
        capabilities: seed_streams::<Capability>(
            executor,
            pool,
            "capabilities",
            capabilities,
            |e| *e == CapabilityError::AlreadyExists,
        )
        .await?,
        vm_catalogue: seed_streams::<VmCatalogue>(executor, pool, "VM catalogue", entries, |e| {
            *e == VmCatalogueError::AlreadyExists
        })
        .await?,
        roles: crate::system_roles::seed(executor, pool).await?,
    };
    file_capabilities(executor, &filed).await?;
    Ok(seeded)
}

/// Files every live catalogue capability under its group (a no-op for those already filed), so
/// a group with capabilities is never deleted; run at every start, so a start that stopped
/// between creating a capability and filing it completes the filing.
async fn file_capabilities(
    executor: &CommandExecutor,
    capabilities: &[(String, String)],
) -> Result<(), SeedError> {
    let actor = seeder();
    let metadata = CommandMetadata::system(&actor);
    for (id, group) in capabilities {
        let (capability, _) = executor
            .store()
            .load::<Capability>(id)
            .await
            .map_err(|e| SeedError::Command("capability groups", format!("{e:?}")))?;
        if capability.fields.as_ref().map(|f| &f.group_id) != Some(group) {
            continue; // deleted since, or moved by an admin (who filed it then)
        }
        let command = CapabilityGroupCommand {
            actor: actor.clone(),
            action: CapabilityGroupAction::Join {
                capability_id: id.clone(),
            },
        };
        let outcome = executor
            .execute::<CapabilityGroup, _>(
                group,
                command,
                &(),
                &metadata,
                &CommandOptions::default(),
                |_, _| StoredResponse {
                    status: 200,
                    body: serde_json::Value::Null,
                },
            )
            .await;
        match outcome {
            Ok(_) | Err(CommandError::Rejected(CapabilityGroupError::NotFound)) => {}
            Err(error) => return Err(SeedError::Command("capability groups", error.to_string())),
        }
    }
    Ok(())
}

/// How many events a first start appends: one per catalogue row, and one per capability filed
/// under its group.
pub fn row_count() -> Result<usize, SeedError> {
    Ok(flavors()?.len()
        + capability_groups()?.len()
        + uploaded_files()?.len()
        + 2 * capabilities()?.len()
        + vm_catalogue()?.len()
        + crate::system_roles::system_roles()?.len())
}

fn empty_is_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

#[derive(Deserialize)]
struct FlavorRow {
    id: String,
    name: String,
    description: Option<String>,
    architecture: String,
    cpu: i64,
    memory: i64,
    system_disk_size: i64,
    data_disk_size: i64,
    gpu_extra_info: Option<String>,
    other_extra_info: Option<String>,
}

/// The catalogue's flavors, as (id, fields).
pub fn flavors() -> Result<Vec<(String, FlavorFields)>, SeedError> {
    let rows: Vec<FlavorRow> =
        serde_json::from_str(FLAVORS).map_err(|e| SeedError::Data("flavors", e.to_string()))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let fields = FlavorFields {
                name: r.name,
                description: empty_is_none(r.description),
                architecture: r.architecture,
                cpu: r.cpu,
                memory: r.memory,
                system_disk_size: r.system_disk_size,
                data_disk_size: r.data_disk_size,
                gpu_extra_info: empty_is_none(r.gpu_extra_info),
                other_extra_info: empty_is_none(r.other_extra_info),
            };
            (r.id, fields)
        })
        .collect())
}

#[derive(Deserialize)]
struct CapabilityGroupRow {
    id: String,
    name: String,
    name_en: String,
    #[serde(rename = "type")]
    group_type: String,
    author: String,
    create_time: i64,
}

/// A capability group of the catalogue.
pub struct SeededGroup {
    pub id: String,
    pub fields: CapabilityGroupFields,
    pub author: String,
    /// Epoch milliseconds.
    pub created_at: i64,
}

/// The catalogue's capability groups.
pub fn capability_groups() -> Result<Vec<SeededGroup>, SeedError> {
    let rows: Vec<CapabilityGroupRow> = serde_json::from_str(CAPABILITY_GROUPS)
        .map_err(|e| SeedError::Data("capability groups", e.to_string()))?;
    Ok(rows
        .into_iter()
        .map(|r| SeededGroup {
            id: r.id,
            fields: CapabilityGroupFields {
                name: r.name,
                name_en: r.name_en,
                group_type: r.group_type,
                description: None,
                description_en: None,
                icon_file_id: None,
            },
            author: r.author,
            created_at: r.create_time,
        })
        .collect())
}

#[derive(Deserialize)]
struct UploadedFileRow {
    file_id: String,
    file_name: String,
    user_id: String,
    upload_date: String,
    file_path: String,
}

/// An uploaded file of the catalogue (metadata only).
pub struct SeededFile {
    pub id: String,
    pub user_id: String,
    pub fields: UploadedFileFields,
}

/// The catalogue's uploaded files: shared, typed by their names' suffixes, dated as the seed
/// writes them (`2020-01-01 00:00:00.000000`, `2021-4-3 ...`, `2021-02-05 11:50:28`; UTC).
pub fn uploaded_files() -> Result<Vec<SeededFile>, SeedError> {
    let rows: Vec<UploadedFileRow> = serde_json::from_str(UPLOADED_FILES)
        .map_err(|e| SeedError::Data("uploaded files", e.to_string()))?;
    rows.into_iter()
        .map(|r| {
            let bad =
                |what: &str| SeedError::Data("uploaded files", format!("{}: {what}", r.file_id));
            let file_type =
                FileType::of_name(&r.file_name).ok_or_else(|| bad("no known suffix"))?;
            let uploaded_at =
                chrono::NaiveDateTime::parse_from_str(&r.upload_date, "%Y-%m-%d %H:%M:%S%.f")
                    .map_err(|e| bad(&e.to_string()))?
                    .and_utc();
            Ok(SeededFile {
                fields: UploadedFileFields {
                    file_name: r.file_name.clone(),
                    file_type,
                    content: None,
                    file_path: r.file_path.clone(),
                    uploaded_at,
                    shared: true,
                },
                id: r.file_id,
                user_id: r.user_id,
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct CapabilityRow {
    id: String,
    name: String,
    name_en: String,
    version: String,
    description: Option<String>,
    description_en: Option<String>,
    provider: Option<String>,
    group_id: String,
    api_file_id: String,
    guide_file_id: String,
    guide_file_id_en: Option<String>,
    upload_time: i64,
    host: String,
    port: i32,
    protocol: String,
    user_id: String,
    icon_file_id: String,
}

/// A capability of the catalogue.
pub struct SeededCapability {
    pub id: String,
    pub user_id: String,
    pub fields: CapabilityFields,
    /// Epoch milliseconds.
    pub uploaded_at: i64,
}

/// The catalogue's capabilities, their text as the seed has it (trailing spaces included).
pub fn capabilities() -> Result<Vec<SeededCapability>, SeedError> {
    let rows: Vec<CapabilityRow> = serde_json::from_str(CAPABILITIES)
        .map_err(|e| SeedError::Data("capabilities", e.to_string()))?;
    Ok(rows
        .into_iter()
        .map(|r| SeededCapability {
            fields: CapabilityFields {
                name: r.name,
                name_en: r.name_en,
                version: r.version,
                description: empty_is_none(r.description),
                description_en: empty_is_none(r.description_en),
                provider: empty_is_none(r.provider),
                group_id: r.group_id,
                api_file_id: r.api_file_id,
                guide_file_id: r.guide_file_id,
                guide_file_id_en: empty_is_none(r.guide_file_id_en),
                icon_file_id: r.icon_file_id,
                host: r.host,
                port: r.port,
                protocol: r.protocol,
                author: None,
                experience_url: None,
            },
            id: r.id,
            user_id: r.user_id,
            uploaded_at: r.upload_time,
        })
        .collect())
}

#[derive(Deserialize)]
struct UserDataRow {
    operate_system: String,
    flavor_extra_specs: String,
    /// A quoted boolean in the seed (`"true"`).
    is_temp: String,
    contents: String,
    params: String,
}

/// The seed's rows with their column names in camelCase, the entries' field names.
fn camel_keys(rows: serde_json::Value) -> serde_json::Value {
    let camel = |key: &str| {
        let mut out = String::new();
        let mut upper = false;
        for c in key.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    };
    match rows {
        serde_json::Value::Array(rows) => rows.into_iter().map(camel_keys).collect(),
        serde_json::Value::Object(row) => row.into_iter().map(|(k, v)| (camel(&k), v)).collect(),
        other => other,
    }
}

/// The older model's VM catalogue: regulations, networks and user-data templates.
pub fn vm_catalogue() -> Result<Vec<VmCatalogueEntry>, SeedError> {
    let bad = |what: &'static str| move |e: serde_json::Error| SeedError::Data(what, e.to_string());
    let regulations: Vec<VmRegulation> = serde_json::from_value(camel_keys(
        serde_json::from_str(VM_REGULATIONS).map_err(bad("VM regulations"))?,
    ))
    .map_err(bad("VM regulations"))?;
    let networks: Vec<VmNetworkType> = serde_json::from_value(camel_keys(
        serde_json::from_str(VM_NETWORKS).map_err(bad("VM networks"))?,
    ))
    .map_err(bad("VM networks"))?;
    let user_data: Vec<UserDataRow> =
        serde_json::from_str(VM_USER_DATA).map_err(bad("VM user data"))?;
    Ok(regulations
        .into_iter()
        .map(VmCatalogueEntry::Regulation)
        .chain(networks.into_iter().map(VmCatalogueEntry::Network))
        .chain(user_data.into_iter().map(|u| {
            VmCatalogueEntry::UserData(VmUserData {
                operate_system: u.operate_system,
                flavor_extra_specs: u.flavor_extra_specs,
                is_temp: u.is_temp.eq_ignore_ascii_case("true"),
                contents: u.contents,
                params: u.params,
            })
        }))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_row_reads_with_its_type_and_date() {
        let files = uploaded_files().expect("uploaded files");
        assert_eq!(files.len(), 134);
        let icons = files
            .iter()
            .filter(|f| f.fields.file_type == FileType::Icon)
            .count();
        assert_eq!(icons, 51);
        let early = files
            .iter()
            .find(|f| f.id.starts_with("2099cd1"))
            .map(|f| f.fields.uploaded_at.to_rfc3339());
        assert!(early.is_some());
        assert!(files
            .iter()
            .all(|f| f.fields.shared && f.fields.content.is_none()));
        assert_eq!(flavors().expect("flavors").len(), 16);
        assert_eq!(capability_groups().expect("groups").len(), 9);
        let capabilities = capabilities().expect("capabilities");
        assert_eq!(capabilities.len(), 52);
        assert!(capabilities
            .into_iter()
            .all(|c| c.fields.validated().is_ok()));
        let vm = vm_catalogue().expect("VM catalogue");
        assert_eq!(vm.len(), 17 + 3 + 3);
        assert!(vm.into_iter().all(|e| e.validated().is_ok()));
    }
}
