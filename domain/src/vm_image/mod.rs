//! The VmImage aggregate: a VM image of the catalogue (reference 1.9, 2.5; `tbl_vm_image`). A
//! user creates one (UPLOAD_WAIT) and uploads its file in chunks to the file server
//! (UPLOADING); a merge joins and checks them (UPLOADING_MERGING, then PUBLISHED with SLIM_WAIT,
//! or UPLOAD_FAILED with an `errorType`); slimming shrinks a qcow2 image. A VM export registers
//! the image it made (private, PUBLISHED, SLIM_SUCCEED). Merge and slim are operations (their
//! steps are recorded here by the workflow runner). Names are unique per owner.

mod command;
mod decide;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod values;

pub use command::{VmImageAction, VmImageCommand};
pub use error::VmImageError;
pub use event::{VmImageEvent, VmImageEventKind};
pub use values::{
    format_of, Chunk, ImageFile, ImageStatus, SlimStatus, Upload, VmImageFields, MAX_CHUNKS,
    MAX_DISK_SIZE, MAX_FILE_NAME, MAX_IDENTIFIER, MAX_NAME,
};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use crate::operation::Operations;
use crate::uniqueness::{HoldsUniqueKeys, UniqueKey};

/// Scope of the name reservation: key `[userId, name]`.
pub const OWNER_NAME: &str = "vm_image.owner_name";

/// One VM image as its events have left it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VmImage {
    pub id: Option<i32>,
    /// `None` before creation and after deletion.
    pub fields: Option<VmImageFields>,
    pub user_id: String,
    pub user_name: String,
    pub status: ImageStatus,
    pub slim_status: Option<SlimStatus>,
    pub file: Option<ImageFile>,
    pub upload: Option<Upload>,
    pub error_type: Option<String>,
    pub deleted: bool,
    pub operations: Operations,
}

impl Aggregate for VmImage {
    const TYPE: &'static str = "vm_image";
    type Command = VmImageCommand;
    type Event = VmImageEvent;
    type Error = VmImageError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            VmImageEvent::VmImageCreated {
                id,
                fields,
                user_id,
                user_name,
                ..
            } => {
                self.id = Some(id);
                self.fields = Some(fields);
                self.user_id = user_id;
                self.user_name = user_name;
                self.status = ImageStatus::UploadWait;
            }
            VmImageEvent::VmImageRegistered {
                id,
                name,
                file,
                user_id,
                user_name,
                ..
            } => {
                self.id = Some(id);
                self.fields = Some(VmImageFields {
                    name,
                    visible_type: "private".into(),
                    os_type: String::new(),
                    os_version: String::new(),
                    os_bit_type: String::new(),
                    system_disk_size: 0,
                    disk_bus: "virtio".into(),
                });
                self.user_id = user_id;
                self.user_name = user_name;
                self.status = ImageStatus::Published;
                self.slim_status = Some(SlimStatus::SlimSucceed);
                self.file = Some(file);
            }
            VmImageEvent::VmImageUpdated { fields, .. } => self.fields = Some(fields),
            VmImageEvent::VmImagePublished { .. } => {
                self.status = ImageStatus::Published;
                if let Some(fields) = &mut self.fields {
                    fields.visible_type = "public".into();
                }
            }
            VmImageEvent::VmImageReset { .. } => {
                self.status = ImageStatus::UploadWait;
                self.upload = None;
                self.file = None;
                self.slim_status = None;
                self.error_type = None;
            }
            VmImageEvent::VmImageUploadStarted {
                identifier,
                file_name,
                total_chunks,
                ..
            } => {
                self.status = ImageStatus::Uploading;
                self.error_type = None;
                self.upload = Some(Upload {
                    identifier,
                    file_name,
                    total_chunks,
                    ..Upload::default()
                });
            }
            VmImageEvent::VmImageChunkReceived { chunk_number } => {
                if let Some(upload) = &mut self.upload {
                    upload.received.insert(chunk_number);
                }
            }
            VmImageEvent::VmImageUploadCancelled { .. } => {
                self.status = ImageStatus::UploadCancelled;
                self.upload = None;
            }
            VmImageEvent::VmImageMerging { .. } => self.status = ImageStatus::UploadingMerging,
            VmImageEvent::VmImageMerged {
                file_server_image_id,
            } => {
                if let Some(upload) = &mut self.upload {
                    upload.merged_image_id = Some(file_server_image_id);
                }
            }
            VmImageEvent::VmImageUploaded { file, .. } => {
                self.status = ImageStatus::Published;
                self.slim_status = Some(SlimStatus::SlimWait);
                self.file = Some(file);
                self.upload = None;
            }
            VmImageEvent::VmImageUploadFailed { error_type, .. } => {
                self.status = ImageStatus::UploadFailed;
                self.error_type = Some(error_type);
            }
            VmImageEvent::VmImageSlimming { .. } => self.slim_status = Some(SlimStatus::Slimming),
            VmImageEvent::VmImageSlimmed { file, .. } => {
                self.slim_status = Some(SlimStatus::SlimSucceed);
                self.file = Some(file);
            }
            VmImageEvent::VmImageSlimFailed { .. } => {
                self.slim_status = Some(SlimStatus::SlimFailed)
            }
            VmImageEvent::VmImageDeleted { .. } => {
                self.fields = None;
                self.deleted = true;
            }
            VmImageEvent::VmImageSlimCancelled { .. } => {
                self.slim_status = Some(SlimStatus::SlimWait)
            }
            VmImageEvent::Operation(event) => self.operations.apply(&event),
        }
    }
}

impl HoldsUniqueKeys for VmImage {
    fn unique_keys(&self) -> Vec<UniqueKey> {
        self.fields
            .iter()
            .map(|fields| UniqueKey {
                scope: OWNER_NAME,
                key: owner_name_key(&self.user_id, &fields.name),
            })
            .collect()
    }
}

/// The reservation key of (owner, name): a JSON array, so no separator is ambiguous.
pub fn owner_name_key(user_id: &str, name: &str) -> String {
    serde_json::json!([user_id, name]).to_string()
}
