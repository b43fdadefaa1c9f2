//! Folding a batch of application events into one net change per application, so the read models
//! fed by them write a whole batch with a few set-based statements instead of one statement per
//! event. Events of one aggregate arrive in sequence order within a batch; changes to different
//! applications commute, so the net change per application is all a batch needs.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::application::{AppStatus, Application, ApplicationEvent, ApplicationFields};

use crate::runtime::{LogEvent, ProjectionError};

/// A new row: everything the read models store about an application.
#[derive(Debug, Clone)]
pub struct NewRow {
    pub fields: ApplicationFields,
    pub owner_id: String,
    pub owner_name: String,
    pub created_at: DateTime<Utc>,
    pub status: AppStatus,
    pub mep_host_id: Option<String>,
}

/// Parts of an existing row that changed.
#[derive(Debug, Clone, Default)]
pub struct Patch {
    pub fields: Option<ApplicationFields>,
    pub status: Option<AppStatus>,
    pub mep_host_id: Option<String>,
}

/// The net effect of a batch on one application.
#[derive(Debug, Clone)]
pub enum Change {
    Insert(Box<NewRow>),
    Update(Box<Patch>),
    Delete,
}

/// The net changes of `events`, in first-seen order of the applications.
pub fn fold(events: &[LogEvent]) -> Result<Vec<(String, Change)>, ProjectionError> {
    let mut order: Vec<String> = Vec::new();
    let mut changes: HashMap<String, Change> = HashMap::new();
    for event in events
        .iter()
        .filter(|e| e.aggregate_type == Application::TYPE)
    {
        let decoded: ApplicationEvent = event.decode()?;
        let id = &event.aggregate_id;
        let current = changes.remove(id);
        if current.is_none() {
            order.push(id.clone());
        }
        let next = match (current, decoded) {
            (
                _,
                ApplicationEvent::ApplicationCreated {
                    fields,
                    owner_id,
                    owner_name,
                    created_at,
                },
            ) => Change::Insert(Box::new(NewRow {
                fields,
                owner_id,
                owner_name,
                created_at,
                status: AppStatus::Created,
                mep_host_id: None,
            })),
            (_, ApplicationEvent::ApplicationDeleted {}) => Change::Delete,
            (Some(Change::Delete), _) => Change::Delete,
            (Some(Change::Insert(mut row)), event) => {
                match event {
                    ApplicationEvent::ApplicationUpdated { fields } => row.fields = fields,
                    ApplicationEvent::SandboxHostSelected { mep_host_id } => {
                        row.mep_host_id = Some(mep_host_id)
                    }
                    ApplicationEvent::ApplicationStatusChanged { to, .. } => row.status = to,
                    _ => {}
                }
                Change::Insert(row)
            }
            (current, event) => {
                let mut patch = match current {
                    Some(Change::Update(patch)) => patch,
                    _ => Box::default(),
                };
                match event {
                    ApplicationEvent::ApplicationUpdated { fields } => patch.fields = Some(fields),
                    ApplicationEvent::SandboxHostSelected { mep_host_id } => {
                        patch.mep_host_id = Some(mep_host_id)
                    }
                    ApplicationEvent::ApplicationStatusChanged { to, .. } => {
                        patch.status = Some(to)
                    }
                    _ => {}
                }
                Change::Update(patch)
            }
        };
        changes.insert(id.clone(), next);
    }
    Ok(order
        .into_iter()
        .filter_map(|id| changes.remove(&id).map(|change| (id, change)))
        .collect())
}

/// Column arrays of the basic fields, for `unnest` binds.
#[derive(Debug, Default)]
pub struct FieldColumns {
    pub name: Vec<String>,
    pub description: Vec<String>,
    pub version: Vec<String>,
    pub provider: Vec<String>,
    pub architecture: Vec<String>,
    pub app_class: Vec<String>,
    pub app_type: Vec<String>,
    pub industry: Vec<String>,
    pub icon_file_id: Vec<String>,
    pub guide_file_id: Vec<Option<String>>,
    pub app_create_type: Vec<String>,
}

impl FieldColumns {
    pub fn push(&mut self, f: &ApplicationFields) {
        self.name.push(f.name.as_str().to_owned());
        self.description.push(f.description.as_str().to_owned());
        self.version.push(f.version.as_str().to_owned());
        self.provider.push(f.provider.as_str().to_owned());
        self.architecture.push(f.architecture.as_str().to_owned());
        self.app_class.push(f.app_class.as_str().to_owned());
        self.app_type.push(f.app_type.as_str().to_owned());
        self.industry.push(f.industry.as_str().to_owned());
        self.icon_file_id.push(f.icon_file_id.as_str().to_owned());
        self.guide_file_id
            .push(f.guide_file_id.as_ref().map(|g| g.as_str().to_owned()));
        self.app_create_type
            .push(f.app_create_type.as_str().to_owned());
    }

    /// A placeholder row for patches that do not change the fields (ignored by the SQL).
    pub fn push_none(&mut self) {
        for column in [
            &mut self.name,
            &mut self.description,
            &mut self.version,
            &mut self.provider,
            &mut self.architecture,
            &mut self.app_class,
            &mut self.app_type,
            &mut self.industry,
            &mut self.icon_file_id,
            &mut self.app_create_type,
        ] {
            column.push(String::new());
        }
        self.guide_file_id.push(None);
    }
}
