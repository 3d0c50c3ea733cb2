//! What was measured, as an inventory workload with its measurement
//! ([`bilan_core::inventory::Measurement`]): one shape for every file bilan writes.
//!
//! With GPUs, `energy` is their energy (IT energy: methods apply the site's PUE),
//! `host-overhead` the CPU package and DRAM energy when RAPL was read, `devices` and
//! `device-hours` the GPUs measured for the whole run. With `--cpu-only`, `energy` is the
//! CPU package and DRAM energy and no device is given. Nothing is estimated: what was not
//! measured is said in the notes.

use std::time::Duration;

use bilan_core::inventory::{
    Date, MeasuredDevice, Measurement, OutsidePeriod, Period, Phase, RaplDomain, Workload,
};
use bilan_units::{Quantity, Unit};

use crate::Finished;

/// What the workload is, decided before the command ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The workload's id.
    pub id: String,
    /// Its phase.
    pub phase: Phase,
    /// The site it ran on.
    pub site: String,
    /// The fleet it ran on, if any.
    pub fleet: Option<String>,
}

/// How the measurement was made.
pub struct Context<'a> {
    /// The tool and its version, e.g. `bilan measure 0.1.0`.
    pub tool: String,
    /// The command, as a shell would take it ([`crate::run::shell_words`]).
    pub command: String,
    /// The host's name.
    pub host: Option<String>,
    /// Time between samples.
    pub interval: Duration,
    /// The hardware catalogue id of a GPU from the name its driver gives.
    pub model: &'a dyn Fn(&str) -> Option<String>,
    /// What the measurement could not cover, found before it ran (e.g. RAPL unreadable).
    pub notes: Vec<String>,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("tool", &self.tool)
            .field("command", &self.command)
            .finish_non_exhaustive()
    }
}

/// `value` in `unit`, rounded to `digits` significant digits. A reading is always finite
/// (counters and clocks give finite numbers); one that is not is a bug, and panics rather
/// than being written as some other number.
pub fn quantity(value: f64, unit: &str, digits: usize) -> Quantity {
    assert!(
        value.is_finite(),
        "a measured {unit} is not finite: {value}"
    );
    let value = format!("{:.*e}", digits.saturating_sub(1), value)
        .parse()
        .unwrap_or(value);
    let unit = Unit::parse(unit).expect("bilan's own units parse");
    Quantity::new(value, unit).expect("a finite value")
}

/// An energy in joules, in kWh.
pub fn energy(joules: f64) -> Quantity {
    quantity(joules / 3.6e6, "kWh", 7)
}

/// A power in watts.
pub fn power(watts: f64) -> Quantity {
    quantity(watts, "W", 5)
}

/// A time: seconds to the millisecond under an hour, hours beyond.
pub fn time(d: Duration) -> Quantity {
    let s = d.as_secs_f64();
    if s < 3600.0 {
        quantity((s * 1e3).round() / 1e3, "s", 12)
    } else {
        quantity(s / 3600.0, "h", 7)
    }
}

/// The UTC calendar date of `t`.
pub fn utc_date(t: jiff::Timestamp) -> Date {
    let d = t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    Date::new(d.year(), d.month(), d.day()).expect("a calendar date")
}

/// `t` in RFC 3339, UTC, to the second (`2026-12-02T09:30:00Z`).
pub fn rfc3339(t: jiff::Timestamp) -> String {
    jiff::Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

/// The days measured (UTC dates of the first and last readings).
pub fn period(finished: &Finished) -> Period {
    let started = finished.readings.started;
    let span = jiff::SignedDuration::try_from(finished.readings.duration).unwrap_or_default();
    let ended = started.checked_add(span).unwrap_or(started);
    Period {
        start: utc_date(started),
        end: utc_date(ended),
    }
}

/// A workload with only `identity` given. Built by reading the minimal workload, so that
/// every key this code does not set keeps the default an inventory file gives it.
pub fn new_workload(identity: &Identity) -> Workload {
    let minimal = serde_json::json!({
        "id": identity.id,
        "phase": identity.phase,
        "site": identity.site,
    });
    let mut w: Workload =
        serde_json::from_value(minimal).expect("a workload needs only its id, phase and site");
    w.fleet = identity.fleet.clone();
    w
}

/// Over at least this long, a GPU whose counter counted nothing while it drew power has a
/// counter that does not work.
const STUCK_AFTER: Duration = Duration::from_secs(1);

/// A note for each GPU that drew power (sampled above 0 W) while its energy counter counted
/// nothing over [`STUCK_AFTER`] or more: its energy is unknown, so no `energy` is written.
fn stuck_counters(devices: &[crate::sampler::DeviceReading]) -> Vec<(u32, String)> {
    devices
        .iter()
        .filter(|d| d.energy_j == 0.0 && d.measured_for >= STUCK_AFTER)
        .filter_map(|d| {
            let watts = d.peak_sampled_w.filter(|w| *w > 0.0)?;
            Some((d.index, format!(
                "GPU {} ({}): its energy counter did not advance over {:.1} s while it drew up to {watts} W, so its energy is unknown, not 0: `energy` is left out (give it, or measure again); each GPU's reading is under `devices`",
                d.index,
                d.name,
                d.measured_for.as_secs_f64()
            )))
        })
        .collect()
}

/// The workload `identity`, as `finished` measured it. A measurement whose days reach
/// beyond `reporting` (a run across the new year) is prorated, and says so.
pub fn workload(
    identity: &Identity,
    context: &Context<'_>,
    finished: &Finished,
    reporting: &Period,
) -> Workload {
    let r = &finished.readings;
    let duration = r.duration;
    let hours = duration.as_secs_f64() / 3600.0;
    let gpu_j: f64 = r.devices.iter().map(|d| d.energy_j).sum();
    let rapl_j: f64 = r.rapl.iter().map(|d| d.energy_j).sum();
    let mut notes = r.notes.clone();
    notes.extend(context.notes.iter().cloned());
    let gpus = !r.devices.is_empty();
    if !gpus {
        notes.push(
            "CPU-only measurement: `energy` is the CPU package and DRAM energy read from RAPL; \
             no accelerator was measured"
                .to_owned(),
        );
    }
    if finished.interrupted {
        notes.push(format!(
            "interrupted: the command was asked to stop (Ctrl-C or SIGTERM) and {}; what was \
             measured until it ended is recorded",
            finished.exit
        ));
    } else if let crate::Exit::Signal(_) = finished.exit {
        notes.push(format!("the command {}", finished.exit));
    }
    // A GPU that drew power while its counter did not move has an unknown energy, not 0:
    // the workload's energy is then left out (bilan never integrates power), and the notes
    // give what each GPU counted.
    let stuck = stuck_counters(&r.devices);
    notes.extend(stuck.iter().map(|(_, note)| note.clone()));
    let measured = period(finished);
    let outside_period = (!measured.within(reporting)).then(|| {
        notes.push(format!(
            "measured {measured}, beyond the reporting period {reporting}: only the days inside \
             it are counted (outside-period = \"prorate\")"
        ));
        OutsidePeriod::Prorate
    });
    let mut methods = Vec::new();
    if gpus {
        methods.push("nvml-energy-counter");
    }
    if !r.rapl.is_empty() {
        methods.push("rapl-powercap");
    }
    let devices = r
        .devices
        .iter()
        .map(|d| {
            let secs = d.measured_for.as_secs_f64();
            // A stuck counter's energy is unknown: neither it nor a mean power is written.
            let known = !stuck.iter().any(|(index, _)| *index == d.index);
            let peak = d.peak_sampled_w.unwrap_or(0.0).max(d.peak_interval_w);
            MeasuredDevice {
                index: d.index,
                name: d.name.clone(),
                model: (context.model)(&d.name),
                energy: known.then(|| energy(d.energy_j)),
                mean_power: (known && secs > 0.0).then(|| power(d.energy_j / secs)),
                peak_power: (d.peak_sampled_w.is_some() || peak > 0.0).then(|| power(peak)),
                measured_for: (d.measured_for < duration).then(|| time(d.measured_for)),
            }
        })
        .collect();
    let rapl = r
        .rapl
        .iter()
        .map(|d| RaplDomain {
            domain: d.name.clone(),
            energy: energy(d.energy_j),
        })
        .collect();
    let measurement = Measurement {
        tool: context.tool.clone(),
        method: methods.join(", "),
        command: Some(context.command.clone()),
        started: Some(rfc3339(r.started)),
        duration: time(duration),
        interval: time(context.interval),
        samples: Some(r.samples),
        host: context.host.clone(),
        driver_version: if gpus { r.driver_version.clone() } else { None },
        exit_code: finished.exit.exit_code(),
        interrupted: finished.interrupted || r.incomplete,
        devices,
        rapl,
        notes,
    };
    let count = r.devices.len();
    let mut w = new_workload(identity);
    w.period = Some(measured);
    w.outside_period = outside_period;
    w.energy = stuck
        .is_empty()
        .then(|| energy(if gpus { gpu_j } else { rapl_j }));
    w.device_hours = gpus.then(|| quantity(count as f64 * hours, "GPU·h", 7));
    w.devices = gpus.then_some(count as f64);
    w.duration = Some(time(duration));
    w.host_overhead = (gpus && !r.rapl.is_empty()).then(|| energy(rapl_j));
    w.measurement = Some(Box::new(measurement));
    w
}

/// The host's name, as the kernel has it.
pub fn host_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}
