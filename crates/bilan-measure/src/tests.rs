//! Unit tests of the measurement, on simulated GPUs and fake powercap trees: no GPU and no
//! RAPL needed.

mod counter;
mod rapl;
mod record;
mod run;
mod sampler;
mod target;

use std::time::Duration;

use crate::simulated::SimulatedDevice;

pub(crate) fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// A scripted GPU named `name` with these energy readings (mJ).
pub(crate) fn gpu(name: &str, energy_mj: &[u64]) -> SimulatedDevice {
    SimulatedDevice {
        name: name.to_owned(),
        energy_mj: energy_mj.to_vec(),
        ..SimulatedDevice::default()
    }
}

/// A measurement of two GPUs (the second lost after 40 s of 60) and RAPL, started at
/// `started` (RFC 3339).
pub(crate) fn finished(started: &str) -> crate::Finished {
    use crate::{DeviceReading, DomainReading, Exit, Finished, Readings};
    Finished {
        exit: Exit::Code(0),
        interrupted: false,
        readings: Readings {
            duration: secs(60.0),
            samples: 61,
            devices: vec![
                DeviceReading {
                    index: 0,
                    name: "NVIDIA H100 80GB HBM3".to_owned(),
                    energy_j: 18_000.0,
                    measured_for: secs(60.0),
                    peak_sampled_w: Some(412.0),
                    peak_interval_w: 400.0,
                },
                DeviceReading {
                    index: 1,
                    name: "NVIDIA H100 80GB HBM3".to_owned(),
                    energy_j: 12_000.0,
                    measured_for: secs(40.0),
                    peak_sampled_w: None,
                    peak_interval_w: 330.0,
                },
            ],
            rapl: vec![
                DomainReading {
                    name: "package-0".to_owned(),
                    energy_j: 5_400.0,
                    measured_for: secs(60.0),
                },
                DomainReading {
                    name: "dram".to_owned(),
                    energy_j: 720.0,
                    measured_for: secs(60.0),
                },
            ],
            notes: vec![
                "GPU 1 (NVIDIA H100 80GB HBM3) could not be read from 41.0 s on".to_owned(),
            ],
            incomplete: true,
            driver_version: Some("550.54.15".to_owned()),
            started: started.parse().expect("a timestamp"),
        },
    }
}

/// What `bilan measure` would say of `finished`, on a host named `gpu-box`.
pub(crate) fn context() -> crate::record::Context<'static> {
    fn model(name: &str) -> Option<String> {
        (name == "NVIDIA H100 80GB HBM3").then(|| "nvidia-h100-sxm-80gb".to_owned())
    }
    crate::record::Context {
        tool: "bilan measure 0.1.0".to_owned(),
        command: "python train.py".to_owned(),
        host: Some("gpu-box".to_owned()),
        interval: secs(1.0),
        model: &model,
        notes: Vec::new(),
    }
}
