//! Given/when/then specs of released packages: admins only, one per store package, edits made
//! on the archive they read.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};

type Spec = TestFramework<ReleasedPackage>;

fn admin() -> Actor {
    Actor::new("u-admin", "admin", vec![Role::Admin])
}

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time")
}

fn archive(file_id: &str) -> PackageArchive {
    PackageArchive {
        file_id: file_id.into(),
        files: vec!["demo.mf".into()],
        signed: false,
    }
}

fn metadata() -> StoreMetadata {
    StoreMetadata {
        app_id: "s-app".into(),
        package_id: "s-pkg".into(),
        name: "demo".into(),
        ..StoreMetadata::default()
    }
}

fn synchronized() -> ReleasedPackageEvent {
    ReleasedPackageEvent::ReleasedPackageSynchronized {
        metadata: Box::new(metadata()),
        package_file_name: "demo.csar".into(),
        archive: archive("f1"),
        user_id: "u-admin".into(),
        user_name: "admin".into(),
        at: at(),
    }
}

fn edit(from: &str, to: &str) -> ReleasedPackageAction {
    ReleasedPackageAction::EditFile {
        from_file_id: from.into(),
        file_path: "demo.mf".into(),
        archive: archive(to),
    }
}

fn cmd(actor: Actor, action: ReleasedPackageAction) -> ReleasedPackageCommand {
    ReleasedPackageCommand { actor, action }
}

#[test]
fn an_admin_synchronizes_a_store_package() {
    Spec::with(())
        .given_no_previous_events()
        .when(cmd(
            admin(),
            ReleasedPackageAction::Synchronize {
                metadata: Box::new(metadata()),
                package_file_name: "demo.csar".into(),
                archive: archive("f1"),
                at: at(),
            },
        ))
        .then_expect_events(vec![synchronized()]);
}

#[test]
fn a_tenant_manages_no_released_package() {
    Spec::with(())
        .given(vec![synchronized()])
        .when(cmd(
            Actor::new("u-1", "tenant", vec![Role::Tenant]),
            ReleasedPackageAction::Delete,
        ))
        .then_expect_error(ReleasedPackageError::Forbidden);
}

#[test]
fn an_edit_replaces_the_archive_it_was_made_from_and_no_other() {
    Spec::with(())
        .given(vec![synchronized()])
        .when(cmd(admin(), edit("f1", "f2")))
        .then_expect_events(vec![ReleasedPackageEvent::ReleasedPackageEdited {
            file_path: "demo.mf".into(),
            archive: archive("f2"),
        }]);
    Spec::with(())
        .given(vec![
            synchronized(),
            ReleasedPackageEvent::ReleasedPackageEdited {
                file_path: "demo.mf".into(),
                archive: archive("f2"),
            },
        ])
        .when(cmd(admin(), edit("f1", "f3")))
        .then_expect_error(ReleasedPackageError::Changed);
}

#[test]
fn a_deleted_package_is_gone_and_keeps_its_id() {
    let deleted = vec![
        synchronized(),
        ReleasedPackageEvent::ReleasedPackageDeleted {},
    ];
    Spec::with(())
        .given(deleted.clone())
        .when(cmd(admin(), ReleasedPackageAction::Delete))
        .then_expect_error(ReleasedPackageError::NotFound);
    Spec::with(())
        .given(deleted)
        .when(cmd(
            admin(),
            ReleasedPackageAction::Synchronize {
                metadata: Box::new(metadata()),
                package_file_name: "demo.csar".into(),
                archive: archive("f1"),
                at: at(),
            },
        ))
        .then_expect_error(ReleasedPackageError::AlreadyExists);
}
