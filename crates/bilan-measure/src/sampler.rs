//! Reading every counter at each sample, and what they counted at the end.
//!
//! The energy comes from cumulative counters, so sampling does not integrate anything: the
//! energy of a device is its counter's advance from the first reading to the last good one
//! (wraps included), whatever the interval. A failed reading loses nothing as long as a
//! later one succeeds; a device lost for good keeps the energy of its last good reading,
//! and the notes say from when it is missing. Sampling gives the peak power, and the time
//! a device stopped answering.
//!
//! Times are passed in (time since the first reading), so the logic is tested without a
//! clock.

use std::time::{Duration, Instant};

use crate::MeasureError;
use crate::backend::{Backend, DeviceInfo, ReadError, ReadErrorKind};
use crate::counter::{NVML_RANGE, Track};
use crate::rapl::Rapl;

struct Gpu {
    info: DeviceInfo,
    track: Track,
    peak_mw: Option<u32>,
}

/// The counters of one measurement, read at each sample.
pub struct Sampler {
    backend: Option<Box<dyn Backend>>,
    gpus: Vec<Gpu>,
    rapl: Option<(Rapl, Vec<Track>)>,
    samples: u64,
    driver_version: Option<String>,
    origin: Instant,
    started: jiff::Timestamp,
}

impl std::fmt::Debug for Sampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sampler")
            .field("gpus", &self.gpus.len())
            .field("samples", &self.samples)
            .finish_non_exhaustive()
    }
}

/// What one GPU counted.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceReading {
    /// Its index on the host.
    pub index: u32,
    /// The name the driver gives.
    pub name: String,
    /// Energy counted, in joules.
    pub energy_j: f64,
    /// From the first reading to the last good one.
    pub measured_for: Duration,
    /// Highest power sampled, in watts (`None` when it gave no power reading).
    pub peak_sampled_w: Option<f64>,
    /// Highest mean power between two consecutive readings of its counter, in watts.
    pub peak_interval_w: f64,
}

/// What one RAPL domain counted.
#[derive(Clone, Debug, PartialEq)]
pub struct DomainReading {
    /// `package-0`, `dram`…
    pub name: String,
    /// Energy counted, in joules.
    pub energy_j: f64,
    /// From the first reading to the last good one.
    pub measured_for: Duration,
}

/// Everything a measurement counted.
#[derive(Clone, Debug, PartialEq)]
pub struct Readings {
    /// From the first reading to the last.
    pub duration: Duration,
    /// Samples taken, the first and the last included.
    pub samples: u64,
    /// The GPUs, in the order measured.
    pub devices: Vec<DeviceReading>,
    /// The RAPL domains (empty when RAPL was not read).
    pub rapl: Vec<DomainReading>,
    /// What the measurement could not cover, in words.
    pub notes: Vec<String>,
    /// Whether a counter stopped answering before the end (the measurement is incomplete).
    pub incomplete: bool,
    /// The GPU driver's version.
    pub driver_version: Option<String>,
    /// When the first reading was taken.
    pub started: jiff::Timestamp,
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn first_reading_error(info: &DeviceInfo, e: &ReadError) -> MeasureError {
    let gpu = format!("GPU {} ({})", info.index, info.name);
    MeasureError::Counter(match e.kind {
        ReadErrorKind::NotSupported => format!(
            "{gpu} has no energy counter ({e}): NVML's total energy counter needs a Volta or \
             later GPU; --gpus selects the others"
        ),
        ReadErrorKind::NoPermission => {
            format!("{gpu}: permission denied reading its energy counter ({e})")
        }
        ReadErrorKind::Lost | ReadErrorKind::Other => {
            format!("{gpu}: cannot read its energy counter ({e})")
        }
    })
}

impl Sampler {
    /// Takes the first reading of the `gpus` of `backend` and of every `rapl` domain. Any
    /// counter that cannot be read now is an error, before the command starts.
    pub fn start(
        backend: Option<Box<dyn Backend>>,
        gpus: &[DeviceInfo],
        rapl: Option<Rapl>,
    ) -> Result<Sampler, MeasureError> {
        let mut sampler = Sampler {
            backend,
            gpus: Vec::new(),
            rapl: None,
            samples: 1,
            driver_version: None,
            origin: Instant::now(),
            started: jiff::Timestamp::now(),
        };
        if let Some(backend) = sampler.backend.as_mut() {
            sampler.driver_version = backend.driver_version();
            for info in gpus {
                let first = backend
                    .energy_mj(info.index)
                    .map_err(|e| first_reading_error(info, &e))?;
                let peak_mw = backend.power_mw(info.index).ok();
                sampler.gpus.push(Gpu {
                    info: info.clone(),
                    track: Track::new(first, Duration::ZERO, NVML_RANGE),
                    peak_mw,
                });
            }
        }
        if let Some(rapl) = rapl {
            let tracks = rapl
                .domains
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    rapl.read(i)
                        .map(|first| Track::new(first, Duration::ZERO, d.range))
                        .map_err(|e| MeasureError::Counter(format!("RAPL {}: {e}", d.name)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            sampler.rapl = Some((rapl, tracks));
        }
        Ok(sampler)
    }

    /// Reads every counter still answering, `at` after the first reading.
    pub fn sample(&mut self, at: Duration) {
        self.samples += 1;
        if let Some(backend) = self.backend.as_mut() {
            for gpu in self.gpus.iter_mut().filter(|g| !g.track.lost) {
                match backend.energy_mj(gpu.info.index) {
                    Ok(value) => {
                        gpu.track.read(value, at);
                        if let Ok(mw) = backend.power_mw(gpu.info.index) {
                            gpu.peak_mw = Some(gpu.peak_mw.map_or(mw, |p| p.max(mw)));
                        }
                    }
                    Err(e) => gpu.track.fail(at, e.message, e.kind == ReadErrorKind::Lost),
                }
            }
        }
        if let Some((rapl, tracks)) = self.rapl.as_mut() {
            for (i, track) in tracks.iter_mut().enumerate() {
                match rapl.read(i) {
                    Ok(value) => track.read(value, at),
                    Err(e) => track.fail(at, e, false),
                }
            }
        }
    }

    /// When the first reading was taken: the origin of the times passed to
    /// [`Sampler::sample`].
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// How many GPUs are measured.
    pub fn gpu_count(&self) -> usize {
        self.gpus.len()
    }

    /// Takes the last reading, `at` after the first, and gives what was counted.
    pub fn finish(mut self, at: Duration) -> Readings {
        self.sample(at);
        let mut notes = Vec::new();
        let mut incomplete = false;
        let mut devices = Vec::new();
        for gpu in &self.gpus {
            let what = format!("GPU {} ({})", gpu.info.index, gpu.info.name);
            incomplete |= note_track(&mut notes, &what, &gpu.track, at, "mJ");
            if gpu.peak_mw.is_none() {
                notes.push(format!(
                    "{what} gave no power reading: its peak power is the highest mean power \
                     between two readings of its energy counter"
                ));
            }
            devices.push(DeviceReading {
                index: gpu.info.index,
                name: gpu.info.name.clone(),
                energy_j: gpu.track.total as f64 / 1e3,
                measured_for: gpu.track.last_good,
                peak_sampled_w: gpu.peak_mw.map(|mw| f64::from(mw) / 1e3),
                peak_interval_w: gpu.track.peak_rate / 1e3,
            });
        }
        let mut rapl = Vec::new();
        if let Some((domains, tracks)) = &self.rapl {
            notes.extend(domains.notes.iter().cloned());
            for (d, track) in domains.domains.iter().zip(tracks) {
                incomplete |= note_track(&mut notes, &format!("RAPL {}", d.name), track, at, "µJ");
                rapl.push(DomainReading {
                    name: d.name.clone(),
                    energy_j: track.total as f64 / 1e6,
                    measured_for: track.last_good,
                });
            }
        }
        Readings {
            duration: at,
            samples: self.samples,
            devices,
            rapl,
            notes,
            incomplete,
            driver_version: self.driver_version,
            started: self.started,
        }
    }
}

/// Adds the notes a counter calls for; returns whether it stopped answering before `end`.
fn note_track(
    notes: &mut Vec<String>,
    what: &str,
    track: &Track,
    end: Duration,
    unit: &str,
) -> bool {
    for (at, before, after) in &track.restarts {
        notes.push(format!(
            "{what}: its energy counter went back from {before} to {after} {unit} at {} (the \
             driver or the counter was reset): what it counted between the reading before and \
             the reset is missing",
            seconds(*at)
        ));
    }
    let stopped = track.last_good < end;
    match &track.first_failure {
        Some((at, why)) if stopped => notes.push(format!(
            "{what} could not be read from {} on ({why}): its energy is counted up to its last \
             good reading, over {} of the {} measured; the rest is missing",
            seconds(*at),
            seconds(track.last_good),
            seconds(end)
        )),
        Some((at, why)) => notes.push(format!(
            "{what}: {} reading{} failed (the first at {}: {why}); its counter is cumulative, \
             so the next good reading counted that time too",
            track.failures,
            if track.failures == 1 { "" } else { "s" },
            seconds(*at)
        )),
        None => {}
    }
    stopped
}
