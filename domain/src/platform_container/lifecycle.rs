//! The published lifecycle of a container: its six statuses, the five actions, which action
//! each status allows, and the status an orchestrator's report means.
//!
//! | status | allows |
//! |---|---|
//! | pending | start, stop |
//! | running | stop, pause, restart |
//! | paused | resume, stop |
//! | stopped | start |
//! | failed | restart, stop |
//! | crash_loop_back_off | restart, stop |
//!
//! An action whose target is the current status (start or resume when running, stop when
//! stopped, pause when paused) is "already there", answered the same way for every verb.

use serde::{Deserialize, Serialize};

use super::report::WorkloadReport;
use crate::operation::OperationKind;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerStatus {
    #[default]
    Pending,
    Running,
    Paused,
    Stopped,
    Failed,
    CrashLoopBackOff,
}

impl ContainerStatus {
    pub const ALL: [ContainerStatus; 6] = [
        ContainerStatus::Pending,
        ContainerStatus::Running,
        ContainerStatus::Paused,
        ContainerStatus::Stopped,
        ContainerStatus::Failed,
        ContainerStatus::CrashLoopBackOff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContainerStatus::Pending => "pending",
            ContainerStatus::Running => "running",
            ContainerStatus::Paused => "paused",
            ContainerStatus::Stopped => "stopped",
            ContainerStatus::Failed => "failed",
            ContainerStatus::CrashLoopBackOff => "crash_loop_back_off",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The actions this status allows, in the table's order.
    pub fn allowed(self) -> &'static [Verb] {
        use Verb::*;
        match self {
            ContainerStatus::Pending => &[Start, Stop],
            ContainerStatus::Running => &[Stop, Pause, Restart],
            ContainerStatus::Paused => &[Resume, Stop],
            ContainerStatus::Stopped => &[Start],
            ContainerStatus::Failed | ContainerStatus::CrashLoopBackOff => &[Restart, Stop],
        }
    }

    /// Whether a delete needs `force` in this status (its workload runs or may run).
    pub fn needs_force(self) -> bool {
        matches!(
            self,
            ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::CrashLoopBackOff
        )
    }
}

/// A lifecycle action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verb {
    Start,
    Stop,
    Pause,
    Resume,
    Restart,
}

impl Verb {
    pub const ALL: [Verb; 5] = [
        Verb::Start,
        Verb::Stop,
        Verb::Pause,
        Verb::Resume,
        Verb::Restart,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Start => "start",
            Verb::Stop => "stop",
            Verb::Pause => "pause",
            Verb::Resume => "resume",
            Verb::Restart => "restart",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// The past tense a history row's reason reads.
    pub fn past(self) -> &'static str {
        match self {
            Verb::Start => "Started",
            Verb::Stop => "Stopped",
            Verb::Pause => "Paused",
            Verb::Resume => "Resumed",
            Verb::Restart => "Restarted",
        }
    }

    /// The status the action leads to.
    pub fn target(self) -> ContainerStatus {
        match self {
            Verb::Start | Verb::Resume | Verb::Restart => ContainerStatus::Running,
            Verb::Stop => ContainerStatus::Stopped,
            Verb::Pause => ContainerStatus::Paused,
        }
    }

    /// The operation that carries it out.
    pub fn operation(self) -> OperationKind {
        match self {
            Verb::Start => OperationKind::ContainerStart,
            Verb::Stop => OperationKind::ContainerStop,
            Verb::Pause => OperationKind::ContainerPause,
            Verb::Resume => OperationKind::ContainerResume,
            Verb::Restart => OperationKind::ContainerRestart,
        }
    }

    /// The action an operation kind carries out, if it is a lifecycle one.
    pub fn of_operation(kind: OperationKind) -> Option<Verb> {
        Self::ALL.into_iter().find(|v| v.operation() == kind)
    }

    /// The replicas and pause flag the workload has once the action is done.
    pub fn desired(self) -> (u32, bool) {
        match self {
            Verb::Start | Verb::Resume | Verb::Restart => (1, false),
            Verb::Stop => (0, false),
            Verb::Pause => (0, true),
        }
    }
}

/// How an action stands against a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Allowed,
    /// The status is already the action's target.
    AlreadyThere,
    NotAllowed,
}

pub fn transition(status: ContainerStatus, verb: Verb) -> Transition {
    if verb != Verb::Restart && verb.target() == status {
        Transition::AlreadyThere
    } else if status.allowed().contains(&verb) {
        Transition::Allowed
    } else {
        Transition::NotAllowed
    }
}

/// The status an orchestrator's report means (`None`: no workload yet, nothing to say).
pub fn status_of(report: &WorkloadReport) -> Option<ContainerStatus> {
    if !report.exists {
        return None;
    }
    if report.replicas == 0 {
        return Some(if report.paused {
            ContainerStatus::Paused
        } else {
            ContainerStatus::Stopped
        });
    }
    let Some(pod) = &report.pod else {
        return Some(ContainerStatus::Pending);
    };
    if pod.reason.as_deref() == Some("CrashLoopBackOff") {
        return Some(ContainerStatus::CrashLoopBackOff);
    }
    Some(match pod.phase.as_deref() {
        Some("Running") => ContainerStatus::Running,
        Some("Failed") => ContainerStatus::Failed,
        Some("Succeeded") => ContainerStatus::Stopped,
        _ => ContainerStatus::Pending,
    })
}
