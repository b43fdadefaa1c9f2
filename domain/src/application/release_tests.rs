//! Given/when/then specs of releasing: only a tested application whose newest test passed on
//! the package as it is.

use super::package_tests::{generated, packaged, task};
use super::release::{Release, ReleasedCapability};
use super::tests::{at, cmd, moved, other_tenant, owner, Spec};
use super::*;

fn tested(status: &str) -> Vec<ApplicationEvent> {
    let mut given = packaged();
    given.extend([
        ApplicationEvent::TestTaskCreated { task: task("t1") },
        moved(AppStatus::Packaged, AppStatus::Tested),
        ApplicationEvent::TestTaskStatusChanged {
            task_id: "t1".into(),
            status: status.into(),
        },
    ]);
    given
}

fn release() -> Release {
    Release {
        id: "r1".into(),
        store_app_id: "s-app".into(),
        store_package_id: "s-pkg".into(),
        is_free: false,
        price_cents: 999,
        package_id: "p1".into(),
        test_task_id: "t1".into(),
        guide_file_id: None,
        capabilities: vec![ReleasedCapability {
            id: "c1".into(),
            name: "Locate".into(),
            group_id: "g1".into(),
            service_name: "locate".into(),
        }],
        released_at: at(),
    }
}

#[test]
fn a_passed_test_releases_the_application() {
    Spec::with(())
        .given(tested("success"))
        .when(cmd(owner(), ApplicationAction::ReleaseApp(release())))
        .then_expect_events(vec![
            ApplicationEvent::ApplicationReleased { release: release() },
            moved(AppStatus::Tested, AppStatus::Released),
        ]);
}

#[test]
fn a_failed_or_unfinished_newest_test_keeps_it_unreleased() {
    for status in ["failed", "running"] {
        Spec::with(())
            .given(tested(status))
            .when(cmd(owner(), ApplicationAction::ReleaseApp(release())))
            .then_expect_error(ApplicationError::TestNotPassed(status.into()));
    }
}

#[test]
fn a_package_generated_again_after_its_test_is_not_released() {
    let mut given = tested("success");
    given.push(generated("p2", "f9"));
    Spec::with(())
        .given(given)
        .when(cmd(owner(), ApplicationAction::ReleaseApp(release())))
        .then_expect_error(ApplicationError::PackageNotTested);
}

#[test]
fn only_a_tested_application_of_the_owner_is_released_and_only_once() {
    Spec::with(())
        .given(packaged())
        .when(cmd(owner(), ApplicationAction::ReleaseApp(release())))
        .then_expect_error(ApplicationError::transition("release", AppStatus::Packaged));
    Spec::with(())
        .given(tested("success"))
        .when(cmd(
            other_tenant(),
            ApplicationAction::ReleaseApp(release()),
        ))
        .then_expect_error(ApplicationError::Forbidden);
    let mut released = tested("success");
    released.extend([
        ApplicationEvent::ApplicationReleased { release: release() },
        moved(AppStatus::Tested, AppStatus::Released),
    ]);
    Spec::with(())
        .given(released.clone())
        .when(cmd(owner(), ApplicationAction::ReleaseApp(release())))
        .then_expect_events(vec![]);
    let mut again = release();
    again.id = "r2".into();
    Spec::with(())
        .given(released)
        .when(cmd(owner(), ApplicationAction::ReleaseApp(again)))
        .then_expect_error(ApplicationError::Released);
}

#[test]
fn a_configuration_change_after_a_test_sends_the_application_back_to_configured() {
    let rule = rules::DnsRule {
        dns_rule_id: "dns-1".into(),
        domain_name: "svc.example.com".into(),
        ip_address_type: "IP_V4".into(),
        ip_address: "10.0.0.9".into(),
        ttl: 30,
    };
    Spec::with(())
        .given(tested("success"))
        .when(cmd(owner(), ApplicationAction::AddDnsRule(rule.clone())))
        .then_expect_events(vec![
            ApplicationEvent::DnsRuleAdded { rule: rule.clone() },
            moved(AppStatus::Tested, AppStatus::Configured),
        ]);
}
