//! Given/when/then specs of the VmImage aggregate.

use chrono::{DateTime, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::identity::{Actor, Role};
use crate::operation::{OperationError, OperationEvent, OperationKind};

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("valid time")
}

fn fields() -> VmImageFields {
    VmImageFields {
        name: "ubuntu-base".into(),
        visible_type: "private".into(),
        os_type: "ubuntu".into(),
        os_version: "20.04".into(),
        os_bit_type: "64".into(),
        system_disk_size: 40,
        disk_bus: "virtio".into(),
    }
}

fn owner() -> Actor {
    Actor::new("u-1", "owner", vec![Role::Tenant])
}

fn command(actor: Actor, action: VmImageAction) -> VmImageCommand {
    VmImageCommand { actor, action }
}

fn created() -> VmImageEvent {
    VmImageEvent::VmImageCreated {
        id: 100_001,
        fields: fields(),
        user_id: "u-1".into(),
        user_name: "owner".into(),
        at: at(),
    }
}

fn chunk(number: u32, total: u32) -> Chunk {
    Chunk {
        identifier: "abc-123".into(),
        file_name: "disk.qcow2".into(),
        chunk_number: number,
        total_chunks: total,
    }
}

fn started(total: u32) -> VmImageEvent {
    VmImageEvent::VmImageUploadStarted {
        identifier: "abc-123".into(),
        file_name: "disk.qcow2".into(),
        total_chunks: total,
        at: at(),
    }
}

fn received(n: u32) -> VmImageEvent {
    VmImageEvent::VmImageChunkReceived { chunk_number: n }
}

type Framework = TestFramework<VmImage>;

#[test]
fn the_first_chunk_starts_the_upload_and_a_repeated_chunk_adds_nothing() {
    Framework::with(())
        .given(vec![created()])
        .when(command(
            owner(),
            VmImageAction::ReceiveChunk {
                chunk: chunk(1, 3),
                at: at(),
            },
        ))
        .then_expect_events(vec![started(3), received(1)]);
    Framework::with(())
        .given(vec![created(), started(3), received(1)])
        .when(command(
            owner(),
            VmImageAction::ReceiveChunk {
                chunk: chunk(1, 3),
                at: at(),
            },
        ))
        .then_expect_events(vec![]);
}

#[test]
fn chunks_are_refused_for_another_upload_a_bad_suffix_or_a_stranger() {
    let mut other = chunk(2, 3);
    other.identifier = "other".into();
    Framework::with(())
        .given(vec![created(), started(3), received(1)])
        .when(command(
            owner(),
            VmImageAction::ReceiveChunk {
                chunk: other,
                at: at(),
            },
        ))
        .then_expect_error(VmImageError::OtherUpload("abc-123".into()));
    let mut zip = chunk(1, 3);
    zip.file_name = "disk.zip".into();
    Framework::with(())
        .given(vec![created()])
        .when(command(
            owner(),
            VmImageAction::ReceiveChunk {
                chunk: zip,
                at: at(),
            },
        ))
        .then_expect_error(VmImageError::Suffix);
    Framework::with(())
        .given(vec![created()])
        .when(command(
            Actor::new("u-2", "stranger", vec![Role::Tenant]),
            VmImageAction::ReceiveChunk {
                chunk: chunk(1, 1),
                at: at(),
            },
        ))
        .then_expect_error(VmImageError::Forbidden);
}

#[test]
fn a_merge_needs_every_chunk() {
    let merge = || {
        command(
            owner(),
            VmImageAction::RequestMerge {
                operation_id: "op-1".into(),
                identifier: "abc-123".into(),
                file_name: "disk.qcow2".into(),
                at: at(),
            },
        )
    };
    Framework::with(())
        .given(vec![created(), started(3), received(1), received(3)])
        .when(merge())
        .then_expect_error(VmImageError::ChunksMissing {
            total: 3,
            missing: 2,
        });
    Framework::with(())
        .given(vec![created(), started(2), received(2), received(1)])
        .when(merge())
        .then_expect_events(vec![
            VmImageEvent::Operation(OperationEvent::OperationRequested {
                operation_id: "op-1".into(),
                kind: OperationKind::VmImageMerge,
                object_id: "100001".into(),
                object_name: "ubuntu-base".into(),
                user_id: "u-1".into(),
                user_name: "owner".into(),
                at: at(),
            }),
            VmImageEvent::VmImageMerging { at: at() },
        ]);
}

fn uploaded(format: &str) -> VmImageEvent {
    VmImageEvent::VmImageUploaded {
        file: ImageFile {
            file_server_image_id: Some("fs-1".into()),
            image_format: format.into(),
            ..ImageFile::default()
        },
        at: at(),
    }
}

#[test]
fn only_an_uploaded_qcow2_image_is_slimmed_and_only_once() {
    let slim = || {
        command(
            owner(),
            VmImageAction::RequestSlim {
                operation_id: "op-2".into(),
                at: at(),
            },
        )
    };
    Framework::with(())
        .given(vec![created()])
        .when(slim())
        .then_expect_error(VmImageError::WrongStatus {
            status: "UPLOAD_WAIT",
            action: "slimming",
        });
    Framework::with(())
        .given(vec![created(), uploaded("iso")])
        .when(slim())
        .then_expect_error(VmImageError::IsoNotSlimmable);
    Framework::with(())
        .given(vec![
            created(),
            uploaded("qcow2"),
            VmImageEvent::VmImageSlimmed {
                file: ImageFile::default(),
                at: at(),
            },
        ])
        .when(slim())
        .then_expect_error(VmImageError::AlreadySlim);
}

#[test]
fn a_merge_is_not_cancellable_and_blocks_reset_and_delete() {
    let merging = vec![
        created(),
        started(1),
        received(1),
        VmImageEvent::Operation(OperationEvent::OperationRequested {
            operation_id: "op-1".into(),
            kind: OperationKind::VmImageMerge,
            object_id: "100001".into(),
            object_name: "ubuntu-base".into(),
            user_id: "u-1".into(),
            user_name: "owner".into(),
            at: at(),
        }),
        VmImageEvent::VmImageMerging { at: at() },
    ];
    Framework::with(())
        .given(merging.clone())
        .when(command(owner(), VmImageAction::CancelUpload { at: at() }))
        .then_expect_error(VmImageError::MergeNotCancellable);
    Framework::with(())
        .given(merging.clone())
        .when(command(owner(), VmImageAction::Delete { at: at() }))
        .then_expect_error(VmImageError::OperationRunning("op-1".into()));
    Framework::with(())
        .given(merging)
        .when(command(
            owner(),
            VmImageAction::Step {
                operation_id: "op-9".into(),
                events: vec![],
            },
        ))
        .then_expect_error(VmImageError::Operation(OperationError::Unknown));
}

#[test]
fn publishing_is_for_admins_and_needs_a_file() {
    Framework::with(())
        .given(vec![created(), uploaded("qcow2")])
        .when(command(owner(), VmImageAction::Publish { at: at() }))
        .then_expect_error(VmImageError::AdminOnly);
    Framework::with(())
        .given(vec![created()])
        .when(command(
            Actor::new("a-1", "admin", vec![Role::Admin]),
            VmImageAction::Publish { at: at() },
        ))
        .then_expect_error(VmImageError::WrongStatus {
            status: "UPLOAD_WAIT",
            action: "publishing",
        });
}

#[test]
fn registering_an_exported_image_twice_adds_nothing() {
    let register = || {
        command(
            owner(),
            VmImageAction::Register {
                id: 100_002,
                name: "vm-export".into(),
                file: ImageFile::default(),
                at: at(),
            },
        )
    };
    Framework::with(())
        .given(vec![VmImageEvent::VmImageRegistered {
            id: 100_002,
            name: "vm-export".into(),
            file: ImageFile::default(),
            user_id: "u-1".into(),
            user_name: "owner".into(),
            at: at(),
        }])
        .when(register())
        .then_expect_events(vec![]);
}

#[test]
fn fields_are_checked() {
    let mut bad = fields();
    bad.system_disk_size = 10_000;
    assert_eq!(bad.validated(), Err(VmImageError::Field("systemDiskSize")));
    let mut bad = fields();
    bad.disk_bus = "usb".into();
    assert_eq!(bad.validated(), Err(VmImageError::Field("diskBus")));
    let mut bad = fields();
    bad.name = "x".repeat(129);
    assert_eq!(bad.validated(), Err(VmImageError::Name));
}
