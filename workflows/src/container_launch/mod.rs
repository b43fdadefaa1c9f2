//! The container application launch ("ContainerApp launch", reference section 3): "Build
//! Application Package" (0-20: the CSAR with every helm chart under
//! `Artifacts/Deployment/Charts/`), "Distribute Application Package" (20-50, the LCM
//! conversation the VM launch has too), "Instantiate Application" (50-100, [`instantiate`]).
//! Which call comes next is read from the recorded instantiate info, so a resumed launch
//! repeats at most the one call that was in flight when the process died.

mod instantiate;

use domain::container::{Container, ContainerEvent, ContainerInstance, ContainerLaunchPlan};
use domain::operation::{OperationEvent, OperationState};
use domain::uploaded_file::UploadedFile;
use serde_json::json;

use crate::launch::distribute::{
    next_call, uploaded_log, Distributed, Distributing, DONE_LOG, REQUESTED_LOG,
};
use crate::launch::{
    PACKAGE_DISTRIBUTE_FAILED, PACKAGE_DISTRIBUTE_SUCCESS, PACKAGE_GENERATE_SUCCESS,
};
use crate::lcm::simulator::k8s::CHARTS_DIR;
use crate::runner::{RunError, Workflows};
use crate::steps::{failed, progressed, succeeded, Advance};

pub(crate) fn ops(events: Vec<OperationEvent>) -> impl Iterator<Item = ContainerEvent> {
    events.into_iter().map(ContainerEvent::Operation)
}

/// What every action of a launch works with.
pub(crate) struct Step<'a> {
    pub workflows: &'a Workflows,
    pub op: &'a OperationState,
    pub index: usize,
    pub plan: &'a ContainerLaunchPlan,
    pub info: &'a ContainerInstance,
}

impl Step<'_> {
    /// The info with `change` applied, as an event.
    pub fn info_event(&self, change: impl FnOnce(&mut ContainerInstance)) -> ContainerEvent {
        let mut next = self.info.clone();
        change(&mut next);
        ContainerEvent::ContainerInstanceRecorded { info: next }
    }

    /// Fails this action and the launch, recording `status` and the error on the info.
    pub fn fail(&self, status: &str, error: &str) -> Advance<ContainerEvent> {
        let mut events = vec![self.info_event(|i| {
            i.status = Some(status.to_owned());
            i.log = Some(error.to_owned());
        })];
        events.extend(ops(failed(self.op, self.index, error)));
        Advance::Record(events)
    }

    fn progressed(&self, progress: i32, log: &str) -> ContainerEvent {
        ContainerEvent::Operation(progressed(self.op, self.index, progress, log))
    }
}

/// The package's name on LCM (also the app name instantiate uses).
pub(crate) fn package_name(plan: &ContainerLaunchPlan) -> String {
    plan.app_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The CSAR of the application: a descriptor and every chart archive, read from the store.
pub(crate) async fn build_package(
    workflows: &Workflows,
    plan: &ContainerLaunchPlan,
) -> Result<Vec<u8>, String> {
    let mut files = Vec::with_capacity(plan.charts.len() + 1);
    for chart in &plan.charts {
        let file: UploadedFile = workflows
            .load(&chart.helm_chart_file_id)
            .await
            .map_err(|e| e.to_string())?;
        let content = file
            .fields
            .and_then(|f| f.content)
            .ok_or_else(|| format!("the archive of helm chart {} is gone", chart.name))?;
        let bytes = tokio::fs::read(workflows.stored_file(&content))
            .await
            .map_err(|e| format!("cannot read helm chart {}: {e}", chart.name))?;
        files.push((format!("{CHARTS_DIR}{}", chart.name), bytes));
    }
    let descriptor = json!({
        "name": plan.app_name, "version": plan.app_version, "provider": plan.app_provider,
        "deploymentType": "container",
        "helmCharts": plan.charts.iter().map(|c| format!("{CHARTS_DIR}{}", c.name)).collect::<Vec<_>>(),
    });
    files.push(("APPD/vnfd.json".into(), descriptor.to_string().into_bytes()));
    let named: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|(path, bytes)| (path.as_str(), bytes.clone()))
        .collect();
    Ok(crate::lcm::csar::build(&package_name(plan), &named))
}

/// "Build Application Package": the charts packed into a CSAR, built to check it can be (it is
/// built again for the upload, so nothing large is kept in the log).
async fn build(step: &Step<'_>) -> Advance<ContainerEvent> {
    if let Err(error) = build_package(step.workflows, step.plan).await {
        return step.fail("PACKAGE_GENERATE_FAILED", &error);
    }
    let charts = step.plan.charts.len();
    Advance::Record(vec![
        step.progressed(50, &format!("{charts} helm chart(s) packed into the CSAR")),
        step.info_event(|i| {
            i.app_package_id = Some(uuid::Uuid::new_v4().to_string());
            i.status = Some(PACKAGE_GENERATE_SUCCESS.into());
        }),
        ContainerEvent::Operation(succeeded(step.op, step.index, "instantiate info updated")),
    ])
}

/// "Distribute Application Package": the next call to LCM, recorded on the instantiate info.
async fn distribute(step: &Step<'_>) -> Advance<ContainerEvent> {
    let (plan, info) = (step.plan, step.info);
    let host_ip = plan.host.mec_host_ip.as_str();
    let d = Distributing {
        workflows: step.workflows,
        at: &plan.host.lcm,
        tenant: &plan.tenant,
        host_ip,
        package_id: info.mepm_package_id.as_deref(),
        requested: info.distributed_mec_host.is_some(),
        started_at: step.op.actions[step.index].started_at,
    };
    let file = format!("{}.csar", package_name(plan));
    match next_call(&d, &file, build_package(step.workflows, plan)).await {
        Distributed::Uploaded(package) => Advance::Record(vec![
            step.info_event(|i| {
                i.mepm_package_id = Some(package.clone());
                i.status = Some(PACKAGE_DISTRIBUTE_SUCCESS.into());
            }),
            step.progressed(25, &uploaded_log(&package)),
        ]),
        Distributed::Requested => Advance::Record(vec![
            step.info_event(|i| i.distributed_mec_host = Some(host_ip.to_owned())),
            step.progressed(50, REQUESTED_LOG),
        ]),
        Distributed::Done => Advance::Record(vec![ContainerEvent::Operation(succeeded(
            step.op, step.index, DONE_LOG,
        ))]),
        Distributed::Pending => Advance::Poll,
        Distributed::Failed(error) => step.fail(PACKAGE_DISTRIBUTE_FAILED, &error),
    }
}

/// Takes the next step of action `index` of the launch.
pub async fn advance(
    workflows: &Workflows,
    container: &Container,
    op: &OperationState,
    index: usize,
) -> Result<Advance<ContainerEvent>, RunError> {
    let (Some(plan), Some(info)) = (&container.plan, &container.instance) else {
        return Ok(Advance::Record(
            ops(failed(op, index, "the launch plan is missing")).collect(),
        ));
    };
    let step = Step {
        workflows,
        op,
        index,
        plan,
        info,
    };
    Ok(match index {
        0 => build(&step).await,
        1 => distribute(&step).await,
        _ => instantiate::instantiate(&step).await,
    })
}
