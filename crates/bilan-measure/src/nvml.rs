//! The real GPUs: the NVIDIA management library, loaded when a measurement starts (by the
//! `nvml-wrapper` crate, through `libloading`), so bilan neither links nor needs it to build.

use nvml_wrapper::error::NvmlError;

use crate::MeasureError;
use crate::backend::{Backend, DeviceInfo, ReadError, ReadErrorKind};

/// NVML, initialised.
pub struct Nvml {
    nvml: nvml_wrapper::Nvml,
}

impl std::fmt::Debug for Nvml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Nvml")
    }
}

impl Nvml {
    /// Loads `libnvidia-ml.so.1` and initialises it; the error says what is missing.
    pub fn open() -> Result<Nvml, MeasureError> {
        nvml_wrapper::Nvml::init()
            .map(|nvml| Nvml { nvml })
            .map_err(|e| MeasureError::Gpu(init_error(&e)))
    }
}

/// Why NVML could not start, in words a user can act on.
fn init_error(e: &NvmlError) -> String {
    let advice = "--cpu-only measures the CPU and DRAM alone (RAPL)";
    match e {
        NvmlError::LibloadingError(inner) => format!(
            "the NVIDIA management library (libnvidia-ml.so.1) cannot be loaded ({inner}): \
             no NVIDIA driver is installed, or it is not on the library path; {advice}"
        ),
        NvmlError::DriverNotLoaded => {
            format!("the NVIDIA driver is installed but not loaded (NVML: {e}); {advice}")
        }
        NvmlError::NoPermission => format!(
            "NVML refused access to the GPUs (permission denied: {e}); check the permissions \
             of /dev/nvidia*; {advice}"
        ),
        NvmlError::FailedToLoadSymbol(_) | NvmlError::FunctionNotFound => {
            format!("the NVIDIA management library is too old for bilan ({e}); update the driver")
        }
        other => format!("NVML could not be initialised: {other}; {advice}"),
    }
}

fn read_error(e: NvmlError, what: &str) -> ReadError {
    let kind = match e {
        NvmlError::GpuLost | NvmlError::ResetRequired | NvmlError::NotFound => ReadErrorKind::Lost,
        NvmlError::NotSupported | NvmlError::FailedToLoadSymbol(_) => ReadErrorKind::NotSupported,
        NvmlError::NoPermission => ReadErrorKind::NoPermission,
        _ => ReadErrorKind::Other,
    };
    ReadError::new(kind, format!("NVML, {what}: {e}"))
}

impl Backend for Nvml {
    fn devices(&mut self) -> Result<Vec<DeviceInfo>, MeasureError> {
        let count = self
            .nvml
            .device_count()
            .map_err(|e| MeasureError::Gpu(format!("NVML cannot count the GPUs: {e}")))?;
        if count == 0 {
            return Err(MeasureError::Gpu(
                "NVML is loaded but finds no NVIDIA GPU; --cpu-only measures the CPU and DRAM \
                 alone (RAPL)"
                    .to_owned(),
            ));
        }
        (0..count)
            .map(|index| {
                let name = self
                    .nvml
                    .device_by_index(index)
                    .and_then(|d| d.name())
                    .map_err(|e| MeasureError::Gpu(format!("NVML cannot name GPU {index}: {e}")))?;
                Ok(DeviceInfo { index, name })
            })
            .collect()
    }

    fn energy_mj(&mut self, index: u32) -> Result<u64, ReadError> {
        self.nvml
            .device_by_index(index)
            .and_then(|d| d.total_energy_consumption())
            .map_err(|e| read_error(e, "total energy consumption"))
    }

    fn power_mw(&mut self, index: u32) -> Result<u32, ReadError> {
        self.nvml
            .device_by_index(index)
            .and_then(|d| d.power_usage())
            .map_err(|e| read_error(e, "power usage"))
    }

    fn driver_version(&mut self) -> Option<String> {
        self.nvml.sys_driver_version().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_is_named_with_what_to_do() {
        // Whatever this machine has, the message for a library that cannot be loaded names
        // the library and the CPU-only alternative.
        let text = init_error(&NvmlError::DriverNotLoaded);
        assert!(
            text.contains("driver is installed but not loaded"),
            "{text}"
        );
        assert!(text.contains("--cpu-only"), "{text}");
        let e = read_error(NvmlError::GpuLost, "total energy consumption");
        assert_eq!(e.kind, ReadErrorKind::Lost);
        assert!(e.message.contains("fell off the bus"), "{e}");
        let e = read_error(NvmlError::NotSupported, "total energy consumption");
        assert_eq!(e.kind, ReadErrorKind::NotSupported);
    }

    #[test]
    fn opening_without_a_driver_fails_with_a_clear_error() {
        // On a machine with an NVIDIA driver this opens; elsewhere it must say what is
        // missing, never panic.
        if let Err(e) = Nvml::open() {
            let text = e.to_string();
            assert!(
                text.contains("libnvidia-ml.so.1")
                    || text.contains("driver")
                    || text.contains("NVML"),
                "{text}"
            );
        }
    }
}
