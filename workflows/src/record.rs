//! Recording an operation's steps as commands on its aggregate (the runner acts for the
//! operation's requester, with the operation id as correlation), and loading the aggregate a step
//! decides on.

use commands::{CommandError, CommandOptions};
use domain::application::{
    Application, ApplicationAction, ApplicationCommand, ApplicationError, ApplicationEvent,
};
use domain::container::{
    Container, ContainerAction, ContainerCommand, ContainerError, ContainerEvent,
};
use domain::operation::{OperationError, OperationState};
use domain::vm::{Vm, VmAction, VmCommand, VmError, VmEvent};
use domain::vm_image::{VmImage, VmImageAction, VmImageCommand, VmImageError, VmImageEvent};

use crate::runner::{RunError, Workflows};
use crate::steps::{actor_of, metadata_of, no_response};

impl Workflows {
    /// Whether the VM's operation `operation_id` is still ongoing (not cancelled meanwhile).
    pub async fn still_ongoing(&self, vm_id: &str, operation_id: &str) -> Result<bool, RunError> {
        let vm: Vm = self.load(vm_id).await?;
        Ok(vm.operations.check_ongoing(operation_id).is_ok())
    }

    /// Records a step of a VM operation; false when the operation has ended meanwhile (cancelled).
    pub async fn record_vm(
        &self,
        vm_id: &str,
        op: &OperationState,
        events: Vec<VmEvent>,
    ) -> Result<bool, RunError> {
        match self.try_record_vm(vm_id, op, events).await {
            Ok(()) => Ok(true),
            Err(CommandError::Rejected(VmError::Operation(_))) => Ok(false),
            Err(other) => Err(RunError::Command(other.to_string())),
        }
    }

    /// Records a step, reporting a reservation conflict as `Duplicate`.
    pub async fn try_record_vm(
        &self,
        vm_id: &str,
        op: &OperationState,
        events: Vec<VmEvent>,
    ) -> Result<(), CommandError<VmError>> {
        let command = VmCommand {
            actor: actor_of(op),
            action: VmAction::Step {
                operation_id: op.id.clone(),
                events,
            },
        };
        self.executor()
            .execute::<Vm, _>(
                vm_id,
                command,
                &(),
                &metadata_of(op),
                &CommandOptions::default(),
                no_response,
            )
            .await
            .map(|_| ())
    }

    /// Records a step of an application operation; false when it has ended meanwhile.
    pub async fn record_app(
        &self,
        app_id: &str,
        op: &OperationState,
        events: Vec<ApplicationEvent>,
    ) -> Result<bool, RunError> {
        let command = ApplicationCommand {
            actor: actor_of(op),
            action: ApplicationAction::OperationStep {
                operation_id: op.id.clone(),
                events,
            },
        };
        match self
            .executor()
            .execute::<Application, _>(
                app_id,
                command,
                &(),
                &metadata_of(op),
                &CommandOptions::default(),
                no_response,
            )
            .await
        {
            Ok(_) => Ok(true),
            Err(CommandError::Rejected(ApplicationError::Operation(
                OperationError::Finished | OperationError::Unknown,
            ))) => Ok(false),
            Err(other) => Err(RunError::Command(other.to_string())),
        }
    }

    /// Records a step of a container launch; false when it has ended meanwhile (cancelled).
    pub async fn record_container(
        &self,
        app_id: &str,
        op: &OperationState,
        events: Vec<ContainerEvent>,
    ) -> Result<bool, RunError> {
        let command = ContainerCommand {
            actor: actor_of(op),
            action: ContainerAction::Step {
                operation_id: op.id.clone(),
                events,
            },
        };
        match self
            .executor()
            .execute::<Container, _>(
                app_id,
                command,
                &(),
                &metadata_of(op),
                &CommandOptions::default(),
                no_response,
            )
            .await
        {
            Ok(_) => Ok(true),
            Err(CommandError::Rejected(ContainerError::Operation(_))) => Ok(false),
            Err(other) => Err(RunError::Command(other.to_string())),
        }
    }

    /// Whether the image's operation `operation_id` is still ongoing (not cancelled meanwhile).
    pub async fn image_still_ongoing(
        &self,
        image_id: &str,
        operation_id: &str,
    ) -> Result<bool, RunError> {
        let image: VmImage = self.load(image_id).await?;
        Ok(image.operations.check_ongoing(operation_id).is_ok())
    }

    /// Records a step of an image operation; false once it has ended (by these events, or
    /// cancelled meanwhile).
    pub async fn record_image(
        &self,
        image_id: &str,
        op: &OperationState,
        events: Vec<VmImageEvent>,
    ) -> Result<bool, RunError> {
        let ends = events.iter().any(|e| {
            matches!(
                e,
                VmImageEvent::Operation(
                    domain::operation::OperationEvent::OperationSucceeded { .. }
                        | domain::operation::OperationEvent::OperationFailed { .. }
                )
            )
        });
        let command = VmImageCommand {
            actor: actor_of(op),
            action: VmImageAction::Step {
                operation_id: op.id.clone(),
                events,
            },
        };
        match self
            .executor()
            .execute::<VmImage, _>(
                image_id,
                command,
                &(),
                &metadata_of(op),
                &CommandOptions::default(),
                no_response,
            )
            .await
        {
            Ok(_) => Ok(!ends),
            Err(CommandError::Rejected(VmImageError::Operation(_))) => Ok(false),
            Err(other) => Err(RunError::Command(other.to_string())),
        }
    }

    /// Registers the image an export made as a VmImage (again adds nothing). A name the owner
    /// has already (two exports in one minute) gets the id appended.
    pub async fn register_exported_image(
        &self,
        op: &OperationState,
        image: &domain::vm::ExportedImage,
    ) -> Result<(), RunError> {
        let file = domain::vm_image::ImageFile {
            file_server_image_id: None,
            image_file_name: image.image_file_name.clone(),
            image_format: image.image_format.clone(),
            download_url: image.download_url.clone(),
            file_md5: image.checksum.clone(),
            image_size: image.image_size,
            virtual_size: 0,
        };
        let names = [image.name.clone(), format!("{}-{}", image.name, image.id)];
        for name in names {
            let command = VmImageCommand {
                actor: actor_of(op),
                action: VmImageAction::Register {
                    id: image.id,
                    name,
                    file: file.clone(),
                    at: image.at,
                },
            };
            match self
                .executor()
                .execute::<VmImage, _>(
                    &image.id.to_string(),
                    command,
                    &(),
                    &metadata_of(op),
                    &CommandOptions::default(),
                    no_response,
                )
                .await
            {
                Ok(_) => return Ok(()),
                Err(CommandError::Duplicate { .. }) => continue,
                Err(other) => return Err(RunError::Command(other.to_string())),
            }
        }
        Err(RunError::Command(format!(
            "the exported image's name {} is taken",
            image.name
        )))
    }

    /// Loads an aggregate's current state from its events.
    pub async fn load<A: cqrs_es::Aggregate>(&self, id: &str) -> Result<A, RunError> {
        self.executor()
            .store()
            .load::<A>(id)
            .await
            .map(|(aggregate, _)| aggregate)
            .map_err(|e| RunError::Command(format!("cannot load {} {id}: {e:?}", A::TYPE)))
    }
}
