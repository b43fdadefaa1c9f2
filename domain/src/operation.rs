//! Long-running operations (reference section 3, DESIGN.md §5): what an operation is, its fixed
//! action list with progress slices, the events that record every step, and the state those events
//! fold into. The events live on the aggregate the operation works on (a VM's launch and export on
//! the Vm aggregate, clean-env on the Application); `tbl_operation_status` and `tbl_action_status`
//! are projected from them alone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OperationKind {
    VmLaunch,
    VmExportImage,
    CleanEnv,
    VmImageMerge,
    VmImageSlim,
    ContainerLaunch,
    ContainerStart,
    ContainerStop,
    ContainerPause,
    ContainerResume,
    ContainerRestart,
    ContainerRemove,
    AppTest,
}

/// One action of an operation's fixed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionDef {
    pub name: &'static str,
    pub object_type: &'static str,
    /// The slice of the operation's progress this action fills.
    pub range: (i32, i32),
}

pub const BUILD_PACKAGE: &str = "Build Application Package";
pub const DISTRIBUTE_PACKAGE: &str = "Distribute Application Package";
pub const INSTANTIATE: &str = "Instantiate Application";
pub const CREATE_IMAGE: &str = "Create Image";
pub const DOWNLOAD_IMAGE: &str = "Download Image";
pub const CLEAN_SANDBOX: &str = "Clean Sandbox Environment";
pub const MERGE_IMAGE: &str = "Merge Image";
pub const SLIM_IMAGE: &str = "Slim Image";
pub const CALL_ORCHESTRATOR: &str = "Call Orchestrator";
pub const OBSERVE_STATUS: &str = "Observe Status";
pub const REMOVE_WORKLOAD: &str = "Remove Workload";
pub const POLL_TEST_TASK: &str = "Poll Test Task";

const LAUNCH_ACTIONS: &[ActionDef] = &[
    ActionDef {
        name: BUILD_PACKAGE,
        object_type: "VM",
        range: (0, 20),
    },
    ActionDef {
        name: DISTRIBUTE_PACKAGE,
        object_type: "APPLICATION_PACKAGE",
        range: (20, 50),
    },
    ActionDef {
        name: INSTANTIATE,
        object_type: "APPLICATION_PACKAGE",
        range: (50, 100),
    },
];
const CONTAINER_LAUNCH_ACTIONS: &[ActionDef] = &[
    ActionDef {
        name: BUILD_PACKAGE,
        object_type: "HELM_CHART",
        range: (0, 20),
    },
    ActionDef {
        name: DISTRIBUTE_PACKAGE,
        object_type: "APPLICATION_PACKAGE",
        range: (20, 50),
    },
    ActionDef {
        name: INSTANTIATE,
        object_type: "APPLICATION_PACKAGE",
        range: (50, 100),
    },
];
const EXPORT_ACTIONS: &[ActionDef] = &[
    ActionDef {
        name: CREATE_IMAGE,
        object_type: "VM_IMAGE_INSTANCE",
        range: (0, 50),
    },
    ActionDef {
        name: DOWNLOAD_IMAGE,
        object_type: "VM_IMAGE_INSTANCE",
        range: (50, 100),
    },
];
const CLEAN_ACTIONS: &[ActionDef] = &[ActionDef {
    name: CLEAN_SANDBOX,
    object_type: "APPLICATION_INSTANCE",
    range: (0, 100),
}];

const TEST_ACTIONS: &[ActionDef] = &[ActionDef {
    name: POLL_TEST_TASK,
    object_type: "APPLICATION_PACKAGE",
    range: (0, 100),
}];

const MERGE_ACTIONS: &[ActionDef] = &[ActionDef {
    name: MERGE_IMAGE,
    object_type: "VM",
    range: (0, 100),
}];
const SLIM_ACTIONS: &[ActionDef] = &[ActionDef {
    name: SLIM_IMAGE,
    object_type: "VM",
    range: (0, 100),
}];

const CONTAINER_ACTION_ACTIONS: &[ActionDef] = &[
    ActionDef {
        name: CALL_ORCHESTRATOR,
        object_type: "CONTAINER",
        range: (0, 50),
    },
    ActionDef {
        name: OBSERVE_STATUS,
        object_type: "CONTAINER",
        range: (50, 100),
    },
];
const CONTAINER_REMOVE_ACTIONS: &[ActionDef] = &[ActionDef {
    name: REMOVE_WORKLOAD,
    object_type: "CONTAINER",
    range: (0, 100),
}];

impl OperationKind {
    pub const ALL: [OperationKind; 13] = [
        OperationKind::VmLaunch,
        OperationKind::VmExportImage,
        OperationKind::CleanEnv,
        OperationKind::VmImageMerge,
        OperationKind::VmImageSlim,
        OperationKind::ContainerLaunch,
        OperationKind::ContainerStart,
        OperationKind::ContainerStop,
        OperationKind::ContainerPause,
        OperationKind::ContainerResume,
        OperationKind::ContainerRestart,
        OperationKind::ContainerRemove,
        OperationKind::AppTest,
    ];

    /// The kind whose `operationName` this is.
    pub fn from_operation_name(name: &str) -> Option<OperationKind> {
        Self::ALL.into_iter().find(|k| k.operation_name() == name)
    }

    /// `operationName` as the original shows it.
    pub fn operation_name(self) -> &'static str {
        match self {
            OperationKind::VmLaunch => "VirtualMachine launch",
            OperationKind::VmExportImage => "VirtualMachine Export Image",
            OperationKind::CleanEnv => "Clean Sandbox Environment",
            OperationKind::VmImageMerge => "vm image merge",
            OperationKind::VmImageSlim => "vm image slim",
            OperationKind::ContainerLaunch => "ContainerApp launch",
            OperationKind::ContainerStart => "container start",
            OperationKind::ContainerStop => "container stop",
            OperationKind::ContainerPause => "container pause",
            OperationKind::ContainerResume => "container resume",
            OperationKind::ContainerRestart => "container restart",
            OperationKind::ContainerRemove => "container remove",
            OperationKind::AppTest => "Application Test",
        }
    }

    /// `objectType` of the operation.
    pub fn object_type(self) -> &'static str {
        match self {
            OperationKind::VmLaunch | OperationKind::ContainerLaunch => "APPLICATION_INSTANCE",
            OperationKind::VmExportImage => "VM_IMAGE_INSTANCE",
            OperationKind::CleanEnv => "APPLICATION",
            OperationKind::VmImageMerge | OperationKind::VmImageSlim => "VM",
            OperationKind::ContainerStart
            | OperationKind::ContainerStop
            | OperationKind::ContainerPause
            | OperationKind::ContainerResume
            | OperationKind::ContainerRestart
            | OperationKind::ContainerRemove => "CONTAINER",
            OperationKind::AppTest => "APPLICATION_PACKAGE",
        }
    }

    pub fn actions(self) -> &'static [ActionDef] {
        match self {
            OperationKind::VmLaunch => LAUNCH_ACTIONS,
            OperationKind::VmExportImage => EXPORT_ACTIONS,
            OperationKind::CleanEnv => CLEAN_ACTIONS,
            OperationKind::VmImageMerge => MERGE_ACTIONS,
            OperationKind::VmImageSlim => SLIM_ACTIONS,
            OperationKind::ContainerLaunch => CONTAINER_LAUNCH_ACTIONS,
            OperationKind::ContainerStart
            | OperationKind::ContainerStop
            | OperationKind::ContainerPause
            | OperationKind::ContainerResume
            | OperationKind::ContainerRestart => CONTAINER_ACTION_ACTIONS,
            OperationKind::ContainerRemove => CONTAINER_REMOVE_ACTIONS,
            OperationKind::AppTest => TEST_ACTIONS,
        }
    }
}

/// `ONGOING`, `SUCCESS` or `FAILED` (a cancelled operation shows as FAILED, so clients that stop
/// polling on SUCCESS or FAILED stop; its error says it was cancelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepStatus {
    #[serde(rename = "ONGOING")]
    Ongoing,
    #[serde(rename = "SUCCESS")]
    Success,
    #[serde(rename = "FAILED")]
    Failed,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Ongoing => "ONGOING",
            StepStatus::Success => "SUCCESS",
            StepStatus::Failed => "FAILED",
        }
    }
}

/// The events of an operation. Every one names its operation; action events name the action by
/// its index in the kind's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all_fields = "camelCase")]
pub enum OperationEvent {
    /// Requested by `user_name`; the runner picks it up from here.
    OperationRequested {
        operation_id: String,
        kind: OperationKind,
        object_id: String,
        object_name: String,
        user_id: String,
        user_name: String,
        at: DateTime<Utc>,
    },
    ActionStarted {
        operation_id: String,
        action: usize,
        at: DateTime<Utc>,
    },
    /// The action reached `progress` (below 100); `log` is appended to its status log.
    ActionProgressed {
        operation_id: String,
        action: usize,
        progress: i32,
        log: String,
        at: DateTime<Utc>,
    },
    ActionSucceeded {
        operation_id: String,
        action: usize,
        log: String,
        at: DateTime<Utc>,
    },
    ActionFailed {
        operation_id: String,
        action: usize,
        error: String,
        at: DateTime<Utc>,
    },
    OperationSucceeded {
        operation_id: String,
        at: DateTime<Utc>,
    },
    OperationFailed {
        operation_id: String,
        error: String,
        at: DateTime<Utc>,
    },
    OperationCancelled {
        operation_id: String,
        by: String,
        at: DateTime<Utc>,
    },
}

crate::wire_names!(OperationEvent => OperationEventKind {
    OperationRequested = "1",
    ActionStarted = "1",
    ActionProgressed = "1",
    ActionSucceeded = "1",
    ActionFailed = "1",
    OperationSucceeded = "1",
    OperationFailed = "1",
    OperationCancelled = "1",
});

impl OperationEvent {
    pub fn is_operation_event(event_type: &str) -> bool {
        OperationEventKind::from_name(event_type).is_some()
    }

    pub fn operation_id(&self) -> &str {
        match self {
            OperationEvent::OperationRequested { operation_id, .. }
            | OperationEvent::ActionStarted { operation_id, .. }
            | OperationEvent::ActionProgressed { operation_id, .. }
            | OperationEvent::ActionSucceeded { operation_id, .. }
            | OperationEvent::ActionFailed { operation_id, .. }
            | OperationEvent::OperationSucceeded { operation_id, .. }
            | OperationEvent::OperationFailed { operation_id, .. }
            | OperationEvent::OperationCancelled { operation_id, .. } => operation_id,
        }
    }
}

/// The state of one action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionState {
    pub status: StepStatus,
    pub progress: i32,
    pub started_at: DateTime<Utc>,
}

/// An operation as its events have left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationState {
    pub id: String,
    pub kind: OperationKind,
    pub user_id: String,
    pub user_name: String,
    pub requested_at: DateTime<Utc>,
    pub status: StepStatus,
    pub cancelled: bool,
    pub error: Option<String>,
    /// The actions started so far, in order.
    pub actions: Vec<ActionState>,
}

impl OperationState {
    pub fn is_finished(&self) -> bool {
        self.status != StepStatus::Ongoing
    }

    /// The operation's progress from its actions: `start + (end - start) * progress / 100` of the
    /// last action started.
    pub fn progress(&self) -> i32 {
        operation_progress(self.kind, self.actions.len(), self.last_progress())
    }

    fn last_progress(&self) -> i32 {
        self.actions.last().map_or(0, |a| a.progress)
    }

    /// The action to work on next: (index, whether it is already started). `None` when every
    /// action has succeeded.
    pub fn next_action(&self) -> Option<(usize, bool)> {
        match self.actions.last() {
            Some(last) if last.status == StepStatus::Ongoing => {
                Some((self.actions.len() - 1, true))
            }
            _ if self.actions.len() < self.kind.actions().len() => {
                Some((self.actions.len(), false))
            }
            _ => None,
        }
    }

    /// Folds one event of this operation into the state.
    pub fn apply(&mut self, event: &OperationEvent) {
        match event {
            OperationEvent::OperationRequested { .. } => {}
            OperationEvent::ActionStarted { at, .. } => self.actions.push(ActionState {
                status: StepStatus::Ongoing,
                progress: 0,
                started_at: *at,
            }),
            OperationEvent::ActionProgressed {
                action, progress, ..
            } => {
                if let Some(a) = self.actions.get_mut(*action) {
                    a.progress = *progress;
                }
            }
            OperationEvent::ActionSucceeded { action, .. } => {
                if let Some(a) = self.actions.get_mut(*action) {
                    a.progress = 100;
                    a.status = StepStatus::Success;
                }
            }
            OperationEvent::ActionFailed { action, error, .. } => {
                if let Some(a) = self.actions.get_mut(*action) {
                    a.status = StepStatus::Failed;
                }
                self.error = Some(error.clone());
            }
            OperationEvent::OperationSucceeded { .. } => self.status = StepStatus::Success,
            OperationEvent::OperationFailed { error, .. } => {
                self.status = StepStatus::Failed;
                self.error = Some(error.clone());
            }
            OperationEvent::OperationCancelled { by, .. } => {
                self.status = StepStatus::Failed;
                self.cancelled = true;
                self.error = Some(cancelled_message(by));
            }
        }
    }

    /// A new operation from its request event.
    pub fn requested(event: &OperationEvent) -> Option<OperationState> {
        match event {
            OperationEvent::OperationRequested {
                operation_id,
                kind,
                user_id,
                user_name,
                at,
                ..
            } => Some(OperationState {
                id: operation_id.clone(),
                kind: *kind,
                user_id: user_id.clone(),
                user_name: user_name.clone(),
                requested_at: *at,
                status: StepStatus::Ongoing,
                cancelled: false,
                error: None,
                actions: Vec::new(),
            }),
            _ => None,
        }
    }
}

/// The operation's progress when action `count - 1` is at `action_progress`.
pub fn operation_progress(kind: OperationKind, count: usize, action_progress: i32) -> i32 {
    match count.checked_sub(1).and_then(|i| kind.actions().get(i)) {
        None => 0,
        Some(def) => {
            let (start, end) = def.range;
            start + (end - start) * action_progress.clamp(0, 100) / 100
        }
    }
}

/// The error a cancelled operation shows.
pub fn cancelled_message(by: &str) -> String {
    format!("Operation cancelled by {by}")
}

/// Why an operation step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperationError {
    #[error("no operation with this id runs here")]
    Unknown,
    #[error("the operation has already finished")]
    Finished,
}

/// The set of operations an aggregate has seen: the ongoing one and the ids of finished ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Operations {
    pub current: Option<OperationState>,
    pub finished: Vec<String>,
}

impl Operations {
    pub fn ongoing(&self) -> Option<&OperationState> {
        self.current.as_ref().filter(|op| !op.is_finished())
    }

    pub fn get(&self, id: &str) -> Option<&OperationState> {
        self.current.as_ref().filter(|op| op.id == id)
    }

    /// Checks that `id` is this aggregate's unfinished operation.
    pub fn check_ongoing(&self, id: &str) -> Result<&OperationState, OperationError> {
        match self.get(id) {
            Some(op) if !op.is_finished() => Ok(op),
            Some(_) => Err(OperationError::Finished),
            None if self.finished.iter().any(|f| f == id) => Err(OperationError::Finished),
            None => Err(OperationError::Unknown),
        }
    }

    pub fn apply(&mut self, event: &OperationEvent) {
        if let Some(new) = OperationState::requested(event) {
            if let Some(old) = self.current.take() {
                self.finished.push(old.id);
            }
            self.current = Some(new);
            return;
        }
        if let Some(op) = self
            .current
            .as_mut()
            .filter(|op| op.id == event.operation_id())
        {
            op.apply(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).expect("valid time")
    }

    #[test]
    fn progress_follows_the_slices_of_the_reference() {
        assert_eq!(operation_progress(OperationKind::VmLaunch, 0, 0), 0);
        assert_eq!(operation_progress(OperationKind::VmLaunch, 1, 50), 10);
        assert_eq!(operation_progress(OperationKind::VmLaunch, 2, 50), 35);
        assert_eq!(operation_progress(OperationKind::VmLaunch, 3, 30), 65);
        assert_eq!(operation_progress(OperationKind::VmLaunch, 3, 100), 100);
        assert_eq!(operation_progress(OperationKind::VmExportImage, 2, 60), 80);
    }

    #[test]
    fn the_next_action_resumes_a_started_one_before_starting_another() {
        let requested = OperationEvent::OperationRequested {
            operation_id: "op".into(),
            kind: OperationKind::VmLaunch,
            object_id: "vm".into(),
            object_name: "vm".into(),
            user_id: "u".into(),
            user_name: "n".into(),
            at: at(),
        };
        let mut ops = Operations::default();
        ops.apply(&requested);
        assert_eq!(
            ops.ongoing().and_then(|o| o.next_action()),
            Some((0, false))
        );
        ops.apply(&OperationEvent::ActionStarted {
            operation_id: "op".into(),
            action: 0,
            at: at(),
        });
        assert_eq!(ops.ongoing().and_then(|o| o.next_action()), Some((0, true)));
        ops.apply(&OperationEvent::ActionSucceeded {
            operation_id: "op".into(),
            action: 0,
            log: String::new(),
            at: at(),
        });
        assert_eq!(
            ops.ongoing().and_then(|o| o.next_action()),
            Some((1, false))
        );
        ops.apply(&OperationEvent::OperationCancelled {
            operation_id: "op".into(),
            by: "n".into(),
            at: at(),
        });
        assert!(ops.ongoing().is_none());
        assert_eq!(ops.check_ongoing("op"), Err(OperationError::Finished));
        assert_eq!(ops.check_ongoing("other"), Err(OperationError::Unknown));
    }
}
