//! What a VmImage command decides: the rules of each action over the image's state (owner,
//! status, the upload in progress, running operations), as the events it appends.

use super::values::Chunk;
use super::{
    ImageStatus, SlimStatus, VmImage, VmImageAction, VmImageCommand, VmImageError, VmImageEvent,
    VmImageFields,
};
use crate::identity::Actor;
use crate::operation::{OperationEvent, OperationKind};

impl VmImage {
    fn live(&self) -> Result<&VmImageFields, VmImageError> {
        self.fields.as_ref().ok_or(VmImageError::NotFound)
    }

    fn check_owner(&self, actor: &Actor) -> Result<(), VmImageError> {
        self.live()?;
        if actor.may_write() && actor.may_act_on(&self.user_id) {
            Ok(())
        } else {
            Err(VmImageError::Forbidden)
        }
    }

    fn refuse_if_running(&self) -> Result<(), VmImageError> {
        match self.operations.ongoing() {
            Some(op) => Err(VmImageError::OperationRunning(op.id.clone())),
            None => Ok(()),
        }
    }

    fn wrong(&self, action: &'static str) -> VmImageError {
        VmImageError::WrongStatus {
            status: self.status.as_str(),
            action,
        }
    }

    fn requested(
        &self,
        actor: &Actor,
        operation_id: String,
        kind: OperationKind,
        at: chrono::DateTime<chrono::Utc>,
    ) -> VmImageEvent {
        VmImageEvent::Operation(OperationEvent::OperationRequested {
            operation_id,
            kind,
            object_id: self.id.unwrap_or_default().to_string(),
            object_name: self
                .fields
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_default(),
            user_id: actor.user_id.clone(),
            user_name: actor.user_name.clone(),
            at,
        })
    }

    pub(super) fn decide(
        &self,
        command: VmImageCommand,
    ) -> Result<Vec<VmImageEvent>, VmImageError> {
        let actor = &command.actor;
        Ok(match command.action {
            VmImageAction::Create { id, fields, at } => {
                if self.id.is_some() || self.deleted {
                    return Err(VmImageError::AlreadyExists);
                }
                if !actor.may_write() {
                    return Err(VmImageError::Forbidden);
                }
                vec![VmImageEvent::VmImageCreated {
                    id,
                    fields: fields.validated()?,
                    user_id: actor.user_id.clone(),
                    user_name: actor.user_name.clone(),
                    at,
                }]
            }
            VmImageAction::Register { id, name, file, at } => {
                if self.id.is_some() {
                    return Ok(Vec::new());
                }
                vec![VmImageEvent::VmImageRegistered {
                    id,
                    name,
                    file,
                    user_id: actor.user_id.clone(),
                    user_name: actor.user_name.clone(),
                    at,
                }]
            }
            VmImageAction::Update { fields, at } => {
                self.check_owner(actor)?;
                vec![VmImageEvent::VmImageUpdated {
                    fields: fields.validated()?,
                    at,
                }]
            }
            VmImageAction::Publish { at } => {
                self.live()?;
                if !actor.is_admin() {
                    return Err(VmImageError::AdminOnly);
                }
                if self.file.is_none() {
                    return Err(self.wrong("publishing"));
                }
                vec![VmImageEvent::VmImagePublished { at }]
            }
            VmImageAction::Reset { at } => {
                self.check_owner(actor)?;
                self.refuse_if_running()?;
                vec![VmImageEvent::VmImageReset { at }]
            }
            VmImageAction::ReceiveChunk { chunk, at } => {
                self.check_owner(actor)?;
                self.receive(chunk.validated()?, at)?
            }
            VmImageAction::CancelUpload { at } => {
                self.check_owner(actor)?;
                match self.status {
                    ImageStatus::Uploading => vec![VmImageEvent::VmImageUploadCancelled { at }],
                    ImageStatus::UploadCancelled => Vec::new(),
                    ImageStatus::UploadingMerging => return Err(VmImageError::MergeNotCancellable),
                    _ => return Err(self.wrong("cancelling the upload")),
                }
            }
            VmImageAction::FailUpload { error_type, at } => {
                self.check_owner(actor)?;
                if !matches!(
                    self.status,
                    ImageStatus::UploadWait | ImageStatus::UploadCancelled | ImageStatus::Uploading
                ) {
                    return Err(self.wrong("failing the upload"));
                }
                vec![VmImageEvent::VmImageUploadFailed { error_type, at }]
            }
            VmImageAction::RequestMerge {
                operation_id,
                identifier,
                file_name,
                at,
            } => {
                self.check_owner(actor)?;
                self.refuse_if_running()?;
                let upload = match (&self.status, &self.upload) {
                    (ImageStatus::Uploading, Some(upload)) => upload,
                    _ => return Err(self.wrong("merging")),
                };
                if upload.identifier != identifier || upload.file_name != file_name {
                    return Err(VmImageError::OtherUpload(upload.identifier.clone()));
                }
                if let Some(&missing) = upload.missing(1).first() {
                    return Err(VmImageError::ChunksMissing {
                        total: upload.total_chunks,
                        missing,
                    });
                }
                vec![
                    self.requested(actor, operation_id, OperationKind::VmImageMerge, at),
                    VmImageEvent::VmImageMerging { at },
                ]
            }
            VmImageAction::RequestSlim { operation_id, at } => {
                self.check_owner(actor)?;
                self.refuse_if_running()?;
                let Some(file) = self
                    .file
                    .as_ref()
                    .filter(|_| self.status == ImageStatus::Published)
                else {
                    return Err(self.wrong("slimming"));
                };
                if file.image_format.eq_ignore_ascii_case("iso") {
                    return Err(VmImageError::IsoNotSlimmable);
                }
                if self.slim_status == Some(SlimStatus::SlimSucceed)
                    || file.file_server_image_id.is_none()
                {
                    return Err(VmImageError::AlreadySlim);
                }
                vec![
                    self.requested(actor, operation_id, OperationKind::VmImageSlim, at),
                    VmImageEvent::VmImageSlimming { at },
                ]
            }
            VmImageAction::Step {
                operation_id,
                events,
            } => {
                self.operations.check_ongoing(&operation_id)?;
                events
            }
            VmImageAction::CancelOperation { operation_id, at } => {
                self.check_owner(actor)?;
                let op = self.operations.check_ongoing(&operation_id)?;
                if op.kind == OperationKind::VmImageMerge {
                    return Err(VmImageError::MergeNotCancellable);
                }
                vec![
                    VmImageEvent::Operation(OperationEvent::OperationCancelled {
                        operation_id,
                        by: actor.user_name.clone(),
                        at,
                    }),
                    VmImageEvent::VmImageSlimCancelled { at },
                ]
            }
            VmImageAction::Delete { at } => {
                self.check_owner(actor)?;
                self.refuse_if_running()?;
                vec![VmImageEvent::VmImageDeleted { at }]
            }
        })
    }

    /// A chunk the file server holds: the first starts the upload, a repeated one adds nothing.
    fn receive(
        &self,
        chunk: Chunk,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<VmImageEvent>, VmImageError> {
        let received = VmImageEvent::VmImageChunkReceived {
            chunk_number: chunk.chunk_number,
        };
        match (&self.status, &self.upload) {
            (ImageStatus::UploadWait | ImageStatus::UploadCancelled, _) => Ok(vec![
                VmImageEvent::VmImageUploadStarted {
                    identifier: chunk.identifier,
                    file_name: chunk.file_name,
                    total_chunks: chunk.total_chunks,
                    at,
                },
                received,
            ]),
            (ImageStatus::Uploading, Some(upload)) => {
                if upload.identifier != chunk.identifier {
                    return Err(VmImageError::OtherUpload(upload.identifier.clone()));
                }
                if upload.total_chunks != chunk.total_chunks {
                    return Err(VmImageError::TotalChunks(upload.total_chunks));
                }
                if upload.file_name != chunk.file_name {
                    return Err(VmImageError::Field("filename"));
                }
                if upload.received.contains(&chunk.chunk_number) {
                    return Ok(Vec::new());
                }
                Ok(vec![received])
            }
            _ => Err(self.wrong("uploading")),
        }
    }

    /// Whether upload `identifier` may take a chunk now (the early check before its bytes are
    /// relayed; the command decides again).
    pub fn accepts_chunk_of(&self, identifier: &str) -> Result<(), VmImageError> {
        match (&self.status, &self.upload) {
            (ImageStatus::UploadWait | ImageStatus::UploadCancelled, _) => Ok(()),
            (ImageStatus::Uploading, Some(upload)) if upload.identifier == identifier => Ok(()),
            (ImageStatus::Uploading, Some(upload)) => {
                Err(VmImageError::OtherUpload(upload.identifier.clone()))
            }
            _ => Err(self.wrong("uploading")),
        }
    }
}
