//! Recording an operation's steps as commands on its aggregate (the runner acts for the
//! operation's requester, with the operation id as correlation), and loading the aggregate a step
//! decides on.

use commands::{CommandError, CommandOptions};
use domain::application::{
    Application, ApplicationAction, ApplicationCommand, ApplicationError, ApplicationEvent,
};
use domain::operation::{OperationError, OperationState};
use domain::vm::{Vm, VmAction, VmCommand, VmError, VmEvent};

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
