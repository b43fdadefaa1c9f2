//! # edgedev domain
//!
//! The pure model of edgedev: aggregates with their commands, events (stable wire names and
//! versions), typed rejections and invariants. No database, HTTP or broker code lives here; the
//! write side (`commands`) persists what these aggregates decide and the read side (`projections`)
//! turns the events into tables.
//!
//! # Layout
//! - [`identity`]: who is acting (`Actor`, roles) and the ownership rule.
//! - [`application`]: the Application (our "Project") aggregate.
//! - [`plugin`]: the Plugin aggregate (plugins and SDKs, downloads, ratings).
//! - [`uniqueness`]: the keys an aggregate holds that must be unique across aggregates.
//! - [`wire`]: helpers shared by every event enum for stable type names and versions.

pub mod application;
pub mod identity;
pub mod plugin;
pub mod uniqueness;
pub mod wire;

pub use identity::{Actor, Role};
