//! Given/when/then specs of an application's package: generate, edit, re-pack.

use super::helm_charts::HelmChart;
use super::package::{AppPackage, PackageArchive};
use super::tests::{at, cmd, created, guest, moved, other_tenant, owner, Spec};
use super::*;

fn chart_added() -> ApplicationEvent {
    ApplicationEvent::HelmChartAdded {
        chart: HelmChart {
            id: "c1".into(),
            name: "web-0.1.0.tgz".into(),
            helm_chart_file_id: "file-c1".into(),
            chart_name: "web".into(),
            chart_version: "0.1.0".into(),
            files: vec!["web/Chart.yaml".into()],
            images: vec!["nginx:1.25".into()],
            created_at: at(),
        },
        content: None,
    }
}

fn archive(file_id: &str) -> PackageArchive {
    PackageArchive {
        file_id: file_id.into(),
        files: vec!["APPD/Definitions/MainServiceTemplate.yaml".into()],
        signed: false,
    }
}

pub(super) fn package(id: &str, file_id: &str) -> AppPackage {
    AppPackage {
        id: id.into(),
        package_file_name: "camera-app_v1.0.csar".into(),
        archive: archive(file_id),
        edited: false,
        created_at: at(),
    }
}

pub(super) fn configured() -> Vec<ApplicationEvent> {
    vec![
        created(),
        chart_added(),
        moved(AppStatus::Created, AppStatus::Configured),
    ]
}

pub(super) fn generated(id: &str, file_id: &str) -> ApplicationEvent {
    ApplicationEvent::PackageGenerated {
        package: package(id, file_id),
    }
}

fn zip(from: &str, to: &str) -> ApplicationAction {
    ApplicationAction::ZipPackage {
        package_id: "p1".into(),
        from_file_id: from.into(),
        archive: archive(to),
    }
}

fn edit(from: &str, to: &str) -> ApplicationAction {
    ApplicationAction::UpdatePackageFile {
        package_id: "p1".into(),
        from_file_id: from.into(),
        file_path: "APPD/Definitions/MainServiceTemplate.yaml".into(),
        archive: archive(to),
    }
}

#[test]
fn a_configured_application_gets_a_package_and_keeps_its_status() {
    Spec::with(())
        .given(configured())
        .when(cmd(
            owner(),
            ApplicationAction::GeneratePackage(package("p1", "f1")),
        ))
        .then_expect_events(vec![generated("p1", "f1")]);
}

#[test]
fn an_application_with_nothing_configured_has_nothing_to_package() {
    Spec::with(())
        .given(vec![created()])
        .when(cmd(
            owner(),
            ApplicationAction::GeneratePackage(package("p1", "f1")),
        ))
        .then_expect_error(ApplicationError::NothingToPackage);
}

#[test]
fn only_the_owner_or_an_admin_packages_and_a_guest_never() {
    for actor in [other_tenant(), guest()] {
        Spec::with(())
            .given(configured())
            .when(cmd(
                actor,
                ApplicationAction::GeneratePackage(package("p1", "f1")),
            ))
            .then_expect_error(ApplicationError::Forbidden);
    }
}

#[test]
fn an_edit_replaces_the_archive_it_was_made_from() {
    let mut given = configured();
    given.push(generated("p1", "f1"));
    Spec::with(())
        .given(given)
        .when(cmd(owner(), edit("f1", "f2")))
        .then_expect_events(vec![ApplicationEvent::PackageFileUpdated {
            package_id: "p1".into(),
            file_path: "APPD/Definitions/MainServiceTemplate.yaml".into(),
            archive: archive("f2"),
        }]);
}

#[test]
fn an_edit_made_on_an_older_archive_is_refused() {
    let mut given = configured();
    given.extend([
        generated("p1", "f1"),
        ApplicationEvent::PackageFileUpdated {
            package_id: "p1".into(),
            file_path: "x".into(),
            archive: archive("f2"),
        },
    ]);
    Spec::with(())
        .given(given)
        .when(cmd(owner(), edit("f1", "f3")))
        .then_expect_error(ApplicationError::PackageChanged);
}

#[test]
fn an_edit_of_another_package_is_not_found() {
    let mut given = configured();
    given.push(generated("p0", "f1"));
    Spec::with(())
        .given(given)
        .when(cmd(owner(), edit("f1", "f2")))
        .then_expect_error(ApplicationError::PackageNotFound);
}

#[test]
fn re_packing_makes_the_application_packaged_and_a_repeat_changes_nothing() {
    let mut given = configured();
    given.push(generated("p1", "f1"));
    Spec::with(())
        .given(given.clone())
        .when(cmd(owner(), zip("f1", "f2")))
        .then_expect_events(vec![
            ApplicationEvent::PackageZipped {
                package_id: "p1".into(),
                archive: archive("f2"),
            },
            moved(AppStatus::Configured, AppStatus::Packaged),
        ]);
    given.extend([
        ApplicationEvent::PackageZipped {
            package_id: "p1".into(),
            archive: archive("f2"),
        },
        moved(AppStatus::Configured, AppStatus::Packaged),
    ]);
    Spec::with(())
        .given(given)
        .when(cmd(owner(), zip("f1", "f2")))
        .then_expect_events(vec![]);
}

#[test]
fn a_released_application_keeps_its_package() {
    let mut given = configured();
    given.extend([
        generated("p1", "f1"),
        moved(AppStatus::Configured, AppStatus::Packaged),
        moved(AppStatus::Packaged, AppStatus::Tested),
        moved(AppStatus::Tested, AppStatus::Released),
    ]);
    Spec::with(())
        .given(given)
        .when(cmd(owner(), zip("f1", "f2")))
        .then_expect_error(ApplicationError::Released);
}

#[test]
fn the_state_follows_edits_and_re_packs() {
    let mut app = Application::default();
    for event in configured() {
        app.apply(event);
    }
    app.apply(generated("p1", "f1"));
    app.apply(ApplicationEvent::PackageFileUpdated {
        package_id: "p1".into(),
        file_path: "x".into(),
        archive: archive("f2"),
    });
    let package = app.state.as_ref().and_then(|l| l.package.clone());
    assert_eq!(
        package
            .as_ref()
            .map(|p| (p.archive.file_id.as_str(), p.edited)),
        Some(("f2", true))
    );
    app.apply(ApplicationEvent::PackageZipped {
        package_id: "p1".into(),
        archive: archive("f3"),
    });
    let package = app.state.as_ref().and_then(|l| l.package.clone());
    assert_eq!(
        package
            .as_ref()
            .map(|p| (p.archive.file_id.as_str(), p.edited)),
        Some(("f3", false))
    );
}

pub(super) fn task(id: &str) -> super::testing::TestTask {
    super::testing::TestTask {
        id: id.into(),
        app_name: "camera-app".into(),
        status: "created".into(),
        create_time: "2026-12-06 10:00:00".into(),
        package_id: "p1".into(),
        package_file_id: "f2".into(),
        app_class: AppClass::Container,
        operation_id: format!("op-{id}"),
        created_at: at(),
    }
}

pub(super) fn packaged() -> Vec<ApplicationEvent> {
    let mut given = configured();
    given.extend([
        generated("p1", "f1"),
        ApplicationEvent::PackageZipped {
            package_id: "p1".into(),
            archive: archive("f2"),
        },
        moved(AppStatus::Configured, AppStatus::Packaged),
    ]);
    given
}

fn start(id: &str) -> ApplicationAction {
    ApplicationAction::StartTest {
        task: task(id),
        at: at(),
    }
}

#[test]
fn a_test_task_makes_the_application_tested_and_starts_its_polling() {
    Spec::with(())
        .given(packaged())
        .when(cmd(owner(), start("t1")))
        .then_expect_events(vec![
            ApplicationEvent::TestTaskCreated { task: task("t1") },
            moved(AppStatus::Packaged, AppStatus::Tested),
            ApplicationEvent::Operation(crate::operation::OperationEvent::OperationRequested {
                operation_id: "op-t1".into(),
                kind: crate::operation::OperationKind::AppTest,
                object_id: "t1".into(),
                object_name: "camera-app".into(),
                user_id: "u-owner".into(),
                user_name: "owner".into(),
                at: at(),
            }),
        ]);
}

#[test]
fn only_a_re_packed_package_is_tested() {
    Spec::with(())
        .given(configured())
        .when(cmd(owner(), start("t1")))
        .then_expect_error(ApplicationError::NoPackage);
    let mut generated_only = configured();
    generated_only.push(generated("p1", "f1"));
    Spec::with(())
        .given(generated_only)
        .when(cmd(owner(), start("t1")))
        .then_expect_error(ApplicationError::transition("test", AppStatus::Configured));
    let mut edited = packaged();
    edited.push(ApplicationEvent::PackageFileUpdated {
        package_id: "p1".into(),
        file_path: "x".into(),
        archive: archive("f3"),
    });
    Spec::with(())
        .given(edited)
        .when(cmd(owner(), start("t1")))
        .then_expect_error(ApplicationError::PackageEdited);
    Spec::with(())
        .given(packaged())
        .when(cmd(other_tenant(), start("t1")))
        .then_expect_error(ApplicationError::Forbidden);
}

#[test]
fn a_status_report_updates_the_task() {
    let mut app = Application::default();
    for event in packaged() {
        app.apply(event);
    }
    app.apply(ApplicationEvent::TestTaskCreated { task: task("t1") });
    app.apply(ApplicationEvent::TestTaskStatusChanged {
        task_id: "t1".into(),
        status: "success".into(),
    });
    let tasks = app.state.map(|l| l.test_tasks).unwrap_or_default();
    assert_eq!(tasks.len(), 1);
    assert!(tasks[0].is_final() && tasks[0].passed());
}
