//! The audit tooling (docs/audit.md): histories with the state change of each event, states as
//! of a version or a time, who did what.

mod history;
