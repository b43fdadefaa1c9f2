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
//! - [`capability`]: the Capability aggregate (services of the ability centre).
//! - [`capability_group`]: the CapabilityGroup aggregate (groups of the ability centre).
//! - [`flavor`]: the Flavor aggregate (VM sizes of the catalogue).
//! - [`plugin`]: the Plugin aggregate (plugins and SDKs, downloads, ratings).
//! - [`profile`]: the Profile aggregate (industry templates a container application is made from).
//! - [`released_package`]: the ReleasedPackage aggregate (store packages synchronised, edited, released again).
//! - [`mephost`]: the MepHost aggregate (sandbox edge hosts, plane CIDRs).
//! - [`uploaded_file`]: the UploadedFile aggregate (icons, API files, guides, scripts).
//! - [`vm_catalogue`]: the older model's VM catalogue (regulations, networks, user data).
//! - [`vm`]: the Vm aggregate (a VM's launches, exports and instance facts).
//! - [`container_image`]: the ContainerImage aggregate (images pushed to the image registry).
//! - [`container`]: the Container aggregate (a container application's launch and instance).
//! - [`vm_image`]: the VmImage aggregate (VM images: chunked upload, merge, slimming).
//! - [`user`]: the User aggregate (the container platform's identities: login, lockout, role bindings).
//! - [`role`]: the Role aggregate (named sets of permissions).
//! - [`namespace`]: the Namespace aggregate (a Kubernetes namespace, its quota, what it holds).
//! - [`config_map`]: the ConfigMap aggregate (configuration data of a namespace).
//! - [`namespace_secret`]: the NamespaceSecret aggregate (a namespace's sealed secrets).
//! - [`image`]: the Image aggregate (container images the container platform's containers run).
//! - [`volume`]: the Volume aggregate (storage a namespace's containers mount).
//! - [`platform_container`]: the PlatformContainer aggregate (a container of the container platform and its lifecycle).
//! - [`quantity`]: Kubernetes quantities and DNS-1123 names.
//! - [`permission`]: `resource:verb` permissions and how role bindings grant them.
//! - [`operation_log`]: the record of one `/api/v1` request (the operation log's facts).
//! - [`operation`]: long-running operations: actions, progress slices, events, state.
//! - [`ports`]: traits for outside systems (the LCM controller of a host, the image file server).
//! - [`secret`]: sealed secrets (passwords never held in plain text).
//! - [`uniqueness`]: the keys an aggregate holds that must be unique across aggregates.
//! - [`wire`]: helpers shared by every event enum for stable type names and versions.
//! - [`upcast`]: older stored versions of an event read as the declared one.

pub mod application;
pub mod capability;
pub mod capability_group;
pub mod config_map;
pub mod container;
pub mod container_image;
pub mod flavor;
pub mod identity;
pub mod image;
pub mod json_integer;
pub mod mephost;
pub mod namespace;
pub mod namespace_secret;
pub mod operation;
pub mod operation_log;
pub mod permission;
pub mod platform_container;
pub mod plugin;
pub mod ports;
pub mod profile;
pub mod quantity;
pub mod released_package;
pub mod role;
pub mod secret;
pub mod uniqueness;
pub mod upcast;
pub mod uploaded_file;
pub mod user;
pub mod vm;
pub mod vm_catalogue;
pub mod vm_image;
pub mod volume;
pub mod wire;

pub use identity::{Actor, Role};
