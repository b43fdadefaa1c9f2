//! Given/when/then specs of the UploadedFile aggregate.

use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};
use crate::plugin::StoredFile;

fn icon(shared: bool) -> UploadedFileFields {
    UploadedFileFields {
        file_name: "logo.png".into(),
        file_type: FileType::Icon,
        content: (!shared).then(|| StoredFile {
            sha256: "ab".repeat(32),
            size: 10,
            file_name: "logo.png".into(),
        }),
        file_path: "sha256/ab/abab".into(),
        uploaded_at: at(1_000),
        shared,
    }
}

fn at(micros: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

fn owner() -> Actor {
    Actor::new("u-1", "owner", vec![Role::Tenant])
}

fn other() -> Actor {
    Actor::new("u-2", "other", vec![Role::Tenant])
}

fn admin() -> Actor {
    Actor::new("a-1", "admin", vec![Role::Admin])
}

fn command(actor: Actor, action: UploadedFileAction) -> UploadedFileCommand {
    UploadedFileCommand { actor, action }
}

fn uploaded(shared: bool) -> UploadedFileEvent {
    UploadedFileEvent::FileUploaded {
        fields: icon(shared),
        user_id: "u-1".into(),
        user_name: "owner".into(),
    }
}

fn taken(holder: &str) -> UploadedFileEvent {
    UploadedFileEvent::FileTaken {
        holder: holder.into(),
        temporary: false,
    }
}

type Framework = TestFramework<UploadedFile>;

#[test]
fn a_tenant_uploads_a_file_it_owns() {
    Framework::with(())
        .given_no_previous_events()
        .when(command(owner(), UploadedFileAction::Upload(icon(false))))
        .then_expect_events(vec![uploaded(false)]);
}

#[test]
fn a_name_with_the_wrong_suffix_or_a_forbidden_character_is_refused() {
    let mut wrong_suffix = icon(false);
    wrong_suffix.file_name = "logo.gif".into();
    Framework::with(())
        .given_no_previous_events()
        .when(command(owner(), UploadedFileAction::Upload(wrong_suffix)))
        .then_expect_error(UploadedFileError::Suffix(
            "icon",
            "the extension .png or .jpg or .jpeg".into(),
        ));
    let mut forbidden = icon(false);
    forbidden.file_name = "a|b.png".into();
    Framework::with(())
        .given_no_previous_events()
        .when(command(owner(), UploadedFileAction::Upload(forbidden)))
        .then_expect_error(UploadedFileError::FileName);
}

#[test]
fn only_an_admin_records_a_shared_file() {
    Framework::with(())
        .given_no_previous_events()
        .when(command(owner(), UploadedFileAction::Upload(icon(true))))
        .then_expect_error(UploadedFileError::Forbidden);
}

#[test]
fn taking_makes_the_file_permanent_once_per_holder() {
    Framework::with(())
        .given(vec![uploaded(false)])
        .when(command(
            owner(),
            UploadedFileAction::Take {
                holder: "application/x".into(),
            },
        ))
        .then_expect_events(vec![taken("application/x")]);
    Framework::with(())
        .given(vec![uploaded(false), taken("application/x")])
        .when(command(
            owner(),
            UploadedFileAction::Take {
                holder: "application/x".into(),
            },
        ))
        .then_expect_events(vec![]);
}

#[test]
fn another_tenant_may_not_take_a_private_file_but_anyone_uses_a_shared_one() {
    Framework::with(())
        .given(vec![uploaded(false)])
        .when(command(
            other(),
            UploadedFileAction::Take {
                holder: "application/y".into(),
            },
        ))
        .then_expect_error(UploadedFileError::Forbidden);
    Framework::with(())
        .given(vec![uploaded(true)])
        .when(command(
            other(),
            UploadedFileAction::Take {
                holder: "application/y".into(),
            },
        ))
        .then_expect_events(vec![]);
}

#[test]
fn the_last_release_makes_the_file_temporary_again() {
    Framework::with(())
        .given(vec![
            uploaded(false),
            taken("application/x"),
            taken("application/y"),
        ])
        .when(command(
            owner(),
            UploadedFileAction::Release {
                holder: "application/x".into(),
                at: at(5),
            },
        ))
        .then_expect_events(vec![UploadedFileEvent::FileReleased {
            holder: "application/x".into(),
            temporary: false,
            at: at(5),
        }]);
    Framework::with(())
        .given(vec![uploaded(false), taken("application/x")])
        .when(command(
            owner(),
            UploadedFileAction::Release {
                holder: "application/x".into(),
                at: at(5),
            },
        ))
        .then_expect_events(vec![UploadedFileEvent::FileReleased {
            holder: "application/x".into(),
            temporary: true,
            at: at(5),
        }]);
}

#[test]
fn a_held_file_is_neither_deleted_nor_swept() {
    Framework::with(())
        .given(vec![uploaded(false), taken("application/x")])
        .when(command(owner(), UploadedFileAction::Delete))
        .then_expect_error(UploadedFileError::InUse("application/x".into()));
    Framework::with(())
        .given(vec![uploaded(false), taken("application/x")])
        .when(command(
            admin(),
            UploadedFileAction::Sweep { before: at(9_999) },
        ))
        .then_expect_error(UploadedFileError::NotTemporary);
}

#[test]
fn the_sweeper_removes_only_files_temporary_since_before_its_bound() {
    Framework::with(())
        .given(vec![uploaded(false)])
        .when(command(
            admin(),
            UploadedFileAction::Sweep { before: at(1_001) },
        ))
        .then_expect_events(vec![UploadedFileEvent::FileDeleted { swept: true }]);
    Framework::with(())
        .given(vec![uploaded(false)])
        .when(command(
            admin(),
            UploadedFileAction::Sweep { before: at(1_000) },
        ))
        .then_expect_error(UploadedFileError::NotTemporary);
    // Released at 50,000: temporary since then, not since the upload.
    Framework::with(())
        .given(vec![
            uploaded(false),
            taken("application/x"),
            UploadedFileEvent::FileReleased {
                holder: "application/x".into(),
                temporary: true,
                at: at(50_000),
            },
        ])
        .when(command(
            admin(),
            UploadedFileAction::Sweep { before: at(2_000) },
        ))
        .then_expect_error(UploadedFileError::NotTemporary);
}

#[test]
fn only_the_owner_or_an_admin_deletes_and_a_deleted_id_is_never_reused() {
    Framework::with(())
        .given(vec![uploaded(false)])
        .when(command(other(), UploadedFileAction::Delete))
        .then_expect_error(UploadedFileError::Forbidden);
    Framework::with(())
        .given(vec![uploaded(false)])
        .when(command(owner(), UploadedFileAction::Delete))
        .then_expect_events(vec![UploadedFileEvent::FileDeleted { swept: false }]);
    Framework::with(())
        .given(vec![
            uploaded(false),
            UploadedFileEvent::FileDeleted { swept: false },
        ])
        .when(command(owner(), UploadedFileAction::Upload(icon(false))))
        .then_expect_error(UploadedFileError::AlreadyExists);
}

#[test]
fn a_shared_file_is_deleted_by_an_admin_only() {
    Framework::with(())
        .given(vec![uploaded(true)])
        .when(command(owner(), UploadedFileAction::Delete))
        .then_expect_error(UploadedFileError::Forbidden);
}
