//! The package: generate it (nothing changes the status, as the original), edit a file inside
//! it, and re-pack it (the application becomes PACKAGED).

use super::Decision;
use crate::application::package::{AppPackage, PackageArchive};
use crate::application::Transition;
use crate::application::{
    AppClass, Application, ApplicationCommand, ApplicationError, ApplicationEvent, LiveApplication,
};

impl LiveApplication {
    /// Whether a package can be built from the application now: not released, and with a VM
    /// (VM application) or a helm chart (container application).
    pub fn packageable(&self) -> Result<(), ApplicationError> {
        self.writable()?;
        let empty = match self.fields.app_class {
            AppClass::Vm => self.vms.is_empty(),
            AppClass::Container => self.helm_charts.is_empty(),
        };
        if empty {
            return Err(ApplicationError::NothingToPackage);
        }
        Ok(())
    }
}

impl Application {
    pub(super) fn generate_package(
        &self,
        command: &ApplicationCommand,
        package: &AppPackage,
    ) -> Decision {
        let live = self.live_for(command)?;
        live.packageable()?;
        if live.package.as_ref().is_some_and(|p| p.id == package.id) {
            return Ok(Vec::new());
        }
        Ok(vec![ApplicationEvent::PackageGenerated {
            package: package.clone(),
        }])
    }

    pub(super) fn update_package_file(
        &self,
        command: &ApplicationCommand,
        package_id: &str,
        from_file_id: &str,
        file_path: &str,
        archive: &PackageArchive,
    ) -> Decision {
        let live = self.live_for(command)?;
        let package = Self::package_to_change(live, package_id, from_file_id, archive)?;
        if package.is_none() {
            return Ok(Vec::new());
        }
        Ok(vec![ApplicationEvent::PackageFileUpdated {
            package_id: package_id.to_owned(),
            file_path: file_path.to_owned(),
            archive: archive.clone(),
        }])
    }

    pub(super) fn zip_package(
        &self,
        command: &ApplicationCommand,
        package_id: &str,
        from_file_id: &str,
        archive: &PackageArchive,
    ) -> Decision {
        let live = self.live_for(command)?;
        if Self::package_to_change(live, package_id, from_file_id, archive)?.is_none() {
            return Ok(Vec::new());
        }
        let mut events = vec![ApplicationEvent::PackageZipped {
            package_id: package_id.to_owned(),
            archive: archive.clone(),
        }];
        if let Some(to) = Self::transition(live, Transition::Package)? {
            events.push(ApplicationEvent::ApplicationStatusChanged {
                from: live.status,
                to,
            });
        }
        Ok(events)
    }

    /// The package a change replaces the archive of; `None` when the change is already made
    /// (a repeat), refused when the package is another or its archive changed meanwhile.
    fn package_to_change<'a>(
        live: &'a LiveApplication,
        package_id: &str,
        from_file_id: &str,
        archive: &PackageArchive,
    ) -> Result<Option<&'a AppPackage>, ApplicationError> {
        live.writable()?;
        let package = live
            .package
            .as_ref()
            .filter(|p| p.id == package_id)
            .ok_or(ApplicationError::PackageNotFound)?;
        if package.archive.file_id == archive.file_id {
            return Ok(None);
        }
        if package.archive.file_id != from_file_id {
            return Err(ApplicationError::PackageChanged);
        }
        Ok(Some(package))
    }
}
