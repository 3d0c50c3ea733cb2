//! What the GPUs are read through: NVML on a real machine, a script in tests.

use std::fmt;

/// One GPU as the backend lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Index on the host, as `nvidia-smi` numbers it.
    pub index: u32,
    /// The name the driver gives, e.g. `NVIDIA H100 80GB HBM3`.
    pub name: String,
}

/// What kind of failure a reading is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// The device is gone (fell off the bus, needs a reset): it is not read again.
    Lost,
    /// The device has no such reading (an energy counter needs a Volta or later GPU).
    NotSupported,
    /// The user may not read it.
    NoPermission,
    /// Anything else; the next sample tries again.
    Other,
}

/// A reading that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// What kind of failure.
    pub kind: ReadErrorKind,
    /// In words, as the backend says it.
    pub message: String,
}

impl ReadError {
    /// A failure of `kind`.
    pub fn new(kind: ReadErrorKind, message: impl Into<String>) -> ReadError {
        ReadError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A source of GPU readings. Indices are the host's (those of [`Backend::devices`]).
pub trait Backend {
    /// The GPUs present, in index order.
    fn devices(&mut self) -> Result<Vec<DeviceInfo>, crate::MeasureError>;
    /// The device's cumulative energy counter, in millijoules (since the driver loaded).
    fn energy_mj(&mut self, index: u32) -> Result<u64, ReadError>;
    /// The device's power draw now, in milliwatts.
    fn power_mw(&mut self, index: u32) -> Result<u32, ReadError>;
    /// The driver's version, if the backend knows it.
    fn driver_version(&mut self) -> Option<String>;
    /// What this backend reads energy with, as the measurement's `method` says it.
    fn method(&self) -> &'static str {
        "nvml-energy-counter"
    }
}
