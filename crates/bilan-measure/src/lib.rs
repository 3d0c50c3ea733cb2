//! Measuring the energy a command draws, for `bilan measure`: NVIDIA GPUs through NVML's
//! cumulative energy counters, CPU package and DRAM through Linux powercap (RAPL), written
//! as a *measured* workload of an inventory.
//!
//! The parts, in the order a measurement uses them:
//!
//! * [`Backend`] is what the GPUs are read through: [`Nvml`], the NVIDIA management library
//!   loaded at run time (nothing is linked, so bilan builds and runs without the driver),
//!   or [`Simulated`], a scripted backend that tests and the CLI's hidden `--simulate`
//!   option use on machines without a GPU.
//! * [`Rapl`] finds the RAPL zones under a powercap directory (`/sys/class/powercap`) and
//!   reads their counters.
//! * [`Sampler`] reads every counter at each sample and accumulates what they counted
//!   ([`counter::advance`] handles wrap-around and restarts); a device that stops answering
//!   keeps the energy of its last good reading. [`run`] runs the command while sampling,
//!   stops it on an interrupt ([`Interrupt`]) and gives its exit code.
//! * [`record::workload`] turns what was measured into an inventory
//!   [`bilan_core::inventory::Workload`] with its
//!   [`bilan_core::inventory::Measurement`], and [`target`] checks the inventory it goes to
//!   (before the command runs) and renders the new file: TOML edited in place (comments and
//!   layout kept) or JSON. Writing the file is left to the caller.
//!
//! Nothing here estimates: energy comes from counters, and a component that cannot be read
//! is reported missing, in the measurement's notes.

mod backend;
pub mod counter;
mod interrupt;
mod nvml;
pub mod rapl;
pub mod record;
mod run;
mod sampler;
mod simulated;
pub mod target;

pub use backend::{Backend, DeviceInfo, ReadError, ReadErrorKind};
pub use interrupt::Interrupt;
pub use nvml::Nvml;
pub use rapl::{Rapl, RaplError};
pub use run::{Exit, Finished, RunConfig, run, shell_words};
pub use sampler::{DeviceReading, DomainReading, Readings, Sampler};
pub use simulated::Simulated;

/// Why a measurement could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    /// The GPUs cannot be read at all (library missing, driver not loaded, no device…).
    #[error("{0}")]
    Gpu(String),
    /// `--gpus` names a device that is not there.
    #[error("no GPU with index {asked} (the GPUs here are {available})")]
    NoSuchGpu {
        /// The index asked for.
        asked: u32,
        /// The indices present, in words.
        available: String,
    },
    /// A counter could not be read before the command started.
    #[error("{0}")]
    Counter(String),
    /// RAPL cannot be read.
    #[error(transparent)]
    Rapl(#[from] RaplError),
    /// The command could not be started.
    #[error("cannot run `{command}`: {source}")]
    Spawn {
        /// The command, as shown.
        command: String,
        /// Why.
        source: std::io::Error,
    },
    /// Waiting for the command failed.
    #[error("cannot wait for the command: {0}")]
    Wait(std::io::Error),
    /// A simulation script is malformed.
    #[error("{0}")]
    Simulation(String),
}

#[cfg(test)]
mod tests;
