//! The older model's VM catalogue: `tbl_vm_regulation`, `tbl_vm_network` and `tbl_vm_user_data`,
//! one row per recorded entry (entries are recorded once and never change).

pub mod query;

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::vm_catalogue::{VmCatalogue, VmCatalogueEntry, VmCatalogueEvent};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct VmCatalogueProjection;

const INSERT_REGULATIONS: &str = "INSERT INTO tbl_vm_regulation (regulation_id, architecture, \
    name_zh, name_en, scene_zh, scene_en, memory, cpu, system_disk, data_disk, gpu, other_ability) \
    SELECT * FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
        $7::int4[], $8::int4[], $9::int4[], $10::int4[], $11::text[], $12::text[]) \
    ON CONFLICT (regulation_id) DO NOTHING";
const INSERT_NETWORKS: &str = "INSERT INTO tbl_vm_network (network_type, description_zh, \
    description_en, network_name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])";
const INSERT_USER_DATA: &str = "INSERT INTO tbl_vm_user_data (operate_system, flavor_extra_specs, \
    is_temp, contents, params) SELECT * FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::text[]) \
    ON CONFLICT (operate_system) DO NOTHING";

impl Projection for VmCatalogueProjection {
    fn name(&self) -> &'static str {
        "vm_catalogue"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[VmCatalogue::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_vm_regulation", "tbl_vm_network", "tbl_vm_user_data"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut regulations = Vec::new();
            let mut networks = Vec::new();
            let mut user_data = Vec::new();
            for event in events
                .iter()
                .filter(|e| e.aggregate_type == VmCatalogue::TYPE)
            {
                let VmCatalogueEvent::VmCatalogueEntryRecorded { entry } = event.decode()?;
                match entry {
                    VmCatalogueEntry::Regulation(r) => regulations.push(r),
                    VmCatalogueEntry::Network(n) => networks.push(n),
                    VmCatalogueEntry::UserData(u) => user_data.push(u),
                }
            }
            if !regulations.is_empty() {
                let text = |f: fn(&domain::vm_catalogue::VmRegulation) -> &str| -> Vec<&str> {
                    regulations.iter().map(f).collect()
                };
                let number = |f: fn(&domain::vm_catalogue::VmRegulation) -> i32| -> Vec<i32> {
                    regulations.iter().map(f).collect()
                };
                conn.execute(
                    INSERT_REGULATIONS,
                    &[
                        &number(|r| r.regulation_id),
                        &text(|r| &r.architecture),
                        &text(|r| &r.name_zh),
                        &text(|r| &r.name_en),
                        &text(|r| &r.scene_zh),
                        &text(|r| &r.scene_en),
                        &number(|r| r.memory),
                        &number(|r| r.cpu),
                        &number(|r| r.system_disk),
                        &number(|r| r.data_disk),
                        &text(|r| &r.gpu),
                        &text(|r| &r.other_ability),
                    ],
                )
                .await?;
            }
            if !networks.is_empty() {
                let text = |f: fn(&domain::vm_catalogue::VmNetworkType) -> &str| -> Vec<&str> {
                    networks.iter().map(f).collect()
                };
                conn.execute(
                    INSERT_NETWORKS,
                    &[
                        &text(|n| &n.network_type),
                        &text(|n| &n.description_zh),
                        &text(|n| &n.description_en),
                        &text(|n| &n.network_name),
                    ],
                )
                .await?;
            }
            if !user_data.is_empty() {
                let text = |f: fn(&domain::vm_catalogue::VmUserData) -> &str| -> Vec<&str> {
                    user_data.iter().map(f).collect()
                };
                let temp: Vec<bool> = user_data.iter().map(|u| u.is_temp).collect();
                conn.execute(
                    INSERT_USER_DATA,
                    &[
                        &text(|u| &u.operate_system),
                        &text(|u| &u.flavor_extra_specs),
                        &temp,
                        &text(|u| &u.contents),
                        &text(|u| &u.params),
                    ],
                )
                .await?;
            }
            Ok(())
        })
    }
}
