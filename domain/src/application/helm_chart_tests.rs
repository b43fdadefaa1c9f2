//! Given/when/then specs of a container application's helm charts.

use super::helm_charts::{ChartArchive, HelmChart, MAX_CHARTS};
use super::tests::{at, cmd, created, guest, moved, other_tenant, owner, Spec};
use super::*;

fn chart(id: &str, name: &str) -> HelmChart {
    HelmChart {
        id: id.into(),
        name: name.into(),
        helm_chart_file_id: format!("file-{id}"),
        chart_name: "web".into(),
        chart_version: "0.1.0".into(),
        files: vec!["web/Chart.yaml".into()],
        images: vec!["nginx:1.25".into()],
        created_at: at(),
    }
}

fn add(id: &str, name: &str) -> ApplicationAction {
    ApplicationAction::AddHelmChart {
        chart: chart(id, name),
        content: None,
    }
}

fn added(id: &str, name: &str) -> ApplicationEvent {
    ApplicationEvent::HelmChartAdded {
        chart: chart(id, name),
        content: None,
    }
}

fn vm_app_created() -> ApplicationEvent {
    let ApplicationEvent::ApplicationCreated {
        mut fields,
        owner_id,
        owner_name,
        created_at,
    } = created()
    else {
        unreachable!()
    };
    fields.app_class = AppClass::Vm;
    ApplicationEvent::ApplicationCreated {
        fields,
        owner_id,
        owner_name,
        created_at,
    }
}

#[test]
fn the_first_chart_configures_the_application() {
    Spec::with(())
        .given(vec![created()])
        .when(cmd(owner(), add("c1", "web.tgz")))
        .then_expect_events(vec![
            added("c1", "web.tgz"),
            moved(AppStatus::Created, AppStatus::Configured),
        ]);
}

#[test]
fn only_a_container_application_takes_charts() {
    Spec::with(())
        .given(vec![vm_app_created()])
        .when(cmd(owner(), add("c1", "web.tgz")))
        .then_expect_error(ApplicationError::NotAContainerApplication);
}

#[test]
fn a_container_application_has_no_virtual_machines() {
    let vm = sandbox::VmConfig {
        id: "vm-1".into(),
        spec: sandbox::VmSpec {
            name: "vm".into(),
            flavor_id: "flavor".into(),
            image_id: 1,
            user_data: None,
            area_zone: None,
            flavor_extra_specs: None,
            ports: vec![],
            certificate: None,
        },
    };
    Spec::with(())
        .given(vec![created()])
        .when(cmd(owner(), ApplicationAction::CreateVm(vm)))
        .then_expect_error(ApplicationError::NotAVmApplication);
}

#[test]
fn chart_names_are_unique_in_the_application() {
    Spec::with(())
        .given(vec![created(), added("c1", "web.tgz")])
        .when(cmd(owner(), add("c2", "web.tgz")))
        .then_expect_error(ApplicationError::HelmChartNameTaken("web.tgz".into()));
}

#[test]
fn an_application_has_a_bounded_number_of_charts() {
    let mut given = vec![created()];
    given.extend((0..MAX_CHARTS).map(|i| added(&format!("c{i}"), &format!("c{i}.tgz"))));
    Spec::with(())
        .given(given)
        .when(cmd(owner(), add("last", "last.tgz")))
        .then_expect_error(ApplicationError::TooManyHelmCharts(MAX_CHARTS));
}

#[test]
fn only_the_owner_or_an_admin_adds_charts() {
    for actor in [other_tenant(), guest()] {
        Spec::with(())
            .given(vec![created()])
            .when(cmd(actor, add("c1", "web.tgz")))
            .then_expect_error(ApplicationError::Forbidden);
    }
}

#[test]
fn a_new_archive_replaces_the_chart_and_unknown_charts_are_refused() {
    let archive = ChartArchive {
        helm_chart_file_id: "file-new".into(),
        files: vec!["web/Chart.yaml".into(), "web/values.yaml".into()],
        images: vec![],
    };
    let replace = |id: &str| ApplicationAction::ReplaceHelmChart {
        helm_chart_id: id.into(),
        from_file_id: format!("file-{id}"),
        archive: archive.clone(),
        content: Some("kind: Pod".into()),
    };
    Spec::with(())
        .given(vec![
            created(),
            added("c1", "web.tgz"),
            moved(AppStatus::Created, AppStatus::Configured),
        ])
        .when(cmd(owner(), replace("c1")))
        .then_expect_events(vec![ApplicationEvent::HelmChartReplaced {
            helm_chart_id: "c1".into(),
            archive: archive.clone(),
            content: Some("kind: Pod".into()),
        }]);
    let stale = ApplicationAction::ReplaceHelmChart {
        helm_chart_id: "c1".into(),
        from_file_id: "file-older".into(),
        archive: archive.clone(),
        content: None,
    };
    Spec::with(())
        .given(vec![created(), added("c1", "web.tgz")])
        .when(cmd(owner(), stale))
        .then_expect_error(ApplicationError::HelmChartChanged);
    Spec::with(())
        .given(vec![created()])
        .when(cmd(owner(), replace("nope")))
        .then_expect_error(ApplicationError::HelmChartNotFound);
    Spec::with(())
        .given(vec![created(), added("c1", "web.tgz")])
        .when(cmd(
            owner(),
            ApplicationAction::DeleteHelmChart {
                helm_chart_id: "c1".into(),
            },
        ))
        .then_expect_events(vec![ApplicationEvent::HelmChartDeleted {
            helm_chart_id: "c1".into(),
        }]);
}
