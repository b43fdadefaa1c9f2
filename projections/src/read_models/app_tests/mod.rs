//! `tbl_atp_test_task`: one row per test task of an application, its status as last reported;
//! and the older model's `tbl_project_test_config` from the same facts (`test_id` the task,
//! `platform` KUBERNETES or VIRTUALMACHINE, `image_file_id` the archive tested, `work_load_id`
//! the polling operation, `deploy_status` DEPLOYING until the status is final, then SUCCESS or
//! FAILED, `stage_status` the platform's status). An application's deletion removes its rows.

pub mod query;

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::Aggregate;
use db::{Conn, Sql};
use domain::application::testing::TestTask;
use domain::application::{AppClass, Application, ApplicationEvent, ApplicationEventKind as Kind};

use crate::runtime::{BoxFuture, LogEvent, Projection, ProjectionError};

pub struct AppTestsProjection;

const EVENTS: &[Kind] = &[
    Kind::TestTaskCreated,
    Kind::TestTaskStatusChanged,
    Kind::ApplicationDeleted,
];
const DELETE_APPS: &str = "WITH tasks AS (DELETE FROM tbl_atp_test_task WHERE app_id = ANY($1)) \
    DELETE FROM tbl_project_test_config WHERE project_id = ANY($1)";
const INSERT_TASKS: &str = "INSERT INTO tbl_atp_test_task \
    (id, app_id, app_name, status, create_time, package_id, package_file_id, operation_id, created_at) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
    $7::text[], $8::text[], $9::timestamptz[])";
const INSERT_CONFIGS: &str = "INSERT INTO tbl_project_test_config \
    (test_id, project_id, image_file_id, platform, deploy_date, work_load_id, deploy_status, \
    stage_status, package_id) \
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], \
    $6::text[], $7::text[], $8::text[], $9::text[])";
const UPDATE_STATUS: &str = "WITH tasks AS (UPDATE tbl_atp_test_task t SET status = u.status \
    FROM unnest($1::text[], $2::text[]) AS u(id, status) WHERE t.id = u.id AND t.id = ANY($1)) \
    UPDATE tbl_project_test_config c SET stage_status = u.status, deploy_status = u.deploy \
    FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, status, deploy) \
    WHERE c.test_id = u.id AND c.test_id = ANY($1)";

/// The older model's deploy status of a task status.
fn deploy_status(task_status: &str) -> &'static str {
    use domain::ports::test_platform::{is_final, passed};
    if passed(task_status) {
        "SUCCESS"
    } else if is_final(task_status) {
        "FAILED"
    } else {
        "DEPLOYING"
    }
}

impl Projection for AppTestsProjection {
    fn name(&self) -> &'static str {
        "app_tests"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Application::TYPE]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tbl_atp_test_task", "tbl_project_test_config"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a Conn,
        events: &'a [LogEvent],
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let mut deleted = BTreeSet::new();
            let mut created: BTreeMap<String, (String, TestTask)> = BTreeMap::new();
            let mut statuses: BTreeMap<String, String> = BTreeMap::new();
            for event in events.iter().filter(|e| {
                e.aggregate_type == Application::TYPE
                    && EVENTS.iter().any(|k| k.name() == e.event_type)
            }) {
                let app = event.aggregate_id.clone();
                match event.decode::<ApplicationEvent>()? {
                    ApplicationEvent::TestTaskCreated { task } => {
                        created.insert(task.id.clone(), (app, task));
                    }
                    ApplicationEvent::TestTaskStatusChanged { task_id, status } => {
                        match created.get_mut(&task_id) {
                            Some((_, task)) => task.status = status,
                            None => {
                                statuses.insert(task_id, status);
                            }
                        }
                    }
                    ApplicationEvent::ApplicationDeleted {} => {
                        created.retain(|_, (a, _)| *a != app);
                        deleted.insert(app);
                    }
                    _ => {}
                }
            }
            write(conn, &deleted, &created, &statuses).await
        })
    }
}

async fn write(
    conn: &Conn,
    deleted: &BTreeSet<String>,
    created: &BTreeMap<String, (String, TestTask)>,
    statuses: &BTreeMap<String, String>,
) -> Result<(), ProjectionError> {
    if !deleted.is_empty() {
        let apps: Vec<&str> = deleted.iter().map(String::as_str).collect();
        conn.execute(DELETE_APPS, &[&apps]).await?;
    }
    if !created.is_empty() {
        let rows: Vec<&(String, TestTask)> = created.values().collect();
        let ids: Vec<&str> = rows.iter().map(|(_, t)| t.id.as_str()).collect();
        let apps: Vec<&str> = rows.iter().map(|(a, _)| a.as_str()).collect();
        let names: Vec<&str> = rows.iter().map(|(_, t)| t.app_name.as_str()).collect();
        let status: Vec<&str> = rows.iter().map(|(_, t)| t.status.as_str()).collect();
        let create_time: Vec<&str> = rows.iter().map(|(_, t)| t.create_time.as_str()).collect();
        let packages: Vec<&str> = rows.iter().map(|(_, t)| t.package_id.as_str()).collect();
        let files: Vec<&str> = rows
            .iter()
            .map(|(_, t)| t.package_file_id.as_str())
            .collect();
        let operations: Vec<&str> = rows.iter().map(|(_, t)| t.operation_id.as_str()).collect();
        let at: Vec<chrono::DateTime<chrono::Utc>> =
            rows.iter().map(|(_, t)| t.created_at).collect();
        conn.execute(
            INSERT_TASKS,
            &[
                &ids,
                &apps,
                &names,
                &status,
                &create_time,
                &packages,
                &files,
                &operations,
                &at,
            ],
        )
        .await?;
        let platforms: Vec<&str> = rows
            .iter()
            .map(|(_, t)| match t.app_class {
                AppClass::Vm => "VIRTUALMACHINE",
                AppClass::Container => "KUBERNETES",
            })
            .collect();
        let deploy: Vec<&str> = rows.iter().map(|(_, t)| deploy_status(&t.status)).collect();
        conn.execute(
            INSERT_CONFIGS,
            &[
                &ids,
                &apps,
                &files,
                &platforms,
                &at,
                &operations,
                &deploy,
                &status,
                &packages,
            ],
        )
        .await?;
    }
    if !statuses.is_empty() {
        let ids: Vec<&str> = statuses.keys().map(String::as_str).collect();
        let status: Vec<&str> = statuses.values().map(String::as_str).collect();
        let deploy: Vec<&str> = statuses.values().map(|s| deploy_status(s)).collect();
        conn.execute(UPDATE_STATUS, &[&ids, &status, &deploy])
            .await?;
    }
    Ok(())
}
