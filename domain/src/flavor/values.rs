//! A flavor's validated fields. Sizes are whole numbers: CPUs, memory in GiB, disks in GiB (the
//! seed's columns give no units; these are the units its catalogue rows use).

use serde::{Deserialize, Serialize};

use super::error::FlavorError;

/// Most CPUs, GiB of memory and GiB of disk a flavor may name.
pub const MAX_CPU: i64 = 1024;
pub const MAX_MEMORY: i64 = 65_536;
pub const MAX_DISK: i64 = 1_048_576;
/// Longest `description` (its column is varchar(255)) and extra-info text.
pub const MAX_DESCRIPTION: usize = 255;
pub const MAX_EXTRA_INFO: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlavorFields {
    pub name: String,
    pub description: Option<String>,
    pub architecture: String,
    pub cpu: i64,
    pub memory: i64,
    pub system_disk_size: i64,
    pub data_disk_size: i64,
    pub gpu_extra_info: Option<String>,
    pub other_extra_info: Option<String>,
}

impl FlavorFields {
    /// Checks every rule; the name is trimmed and the architecture kept in its canonical
    /// spelling.
    pub fn validated(mut self) -> Result<Self, FlavorError> {
        // At most 255 characters as sent, and not blank; kept without surrounding spaces.
        if self.name.chars().count() > 255 || self.name.trim().is_empty() {
            return Err(FlavorError::Name);
        }
        self.name = self.name.trim().to_owned();
        self.architecture = ["X86", "ARM"]
            .into_iter()
            .find(|a| a.eq_ignore_ascii_case(self.architecture.trim()))
            .ok_or(FlavorError::Architecture)?
            .to_owned();
        for (field, value, min, max) in [
            ("cpu", self.cpu, 1, MAX_CPU),
            ("memory", self.memory, 1, MAX_MEMORY),
            ("systemDiskSize", self.system_disk_size, 1, MAX_DISK),
            ("dataDiskSize", self.data_disk_size, 0, MAX_DISK),
        ] {
            if !(min..=max).contains(&value) {
                return Err(FlavorError::OutOfRange(field, min, max));
            }
        }
        for (field, value, max) in [
            ("description", &self.description, MAX_DESCRIPTION),
            ("gpuExtraInfo", &self.gpu_extra_info, MAX_EXTRA_INFO),
            ("otherExtraInfo", &self.other_extra_info, MAX_EXTRA_INFO),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                return Err(FlavorError::TooLong(field, max));
            }
        }
        Ok(self)
    }
}
