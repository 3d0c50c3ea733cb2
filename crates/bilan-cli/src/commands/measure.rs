//! `bilan measure -- CMD`: runs a command, measures the energy its machine drew (GPUs
//! through NVML's counters, CPU package and DRAM through RAPL), and adds it to an inventory
//! as a measured workload (docs/measure.md).
//!
//! Everything that can be checked is checked before the command starts (the inventory
//! loads, the site and the workload id, the reporting period, the counters answer), so a
//! long run is never lost to a late error. After it, the inventory is read again, the
//! workload added and the file replaced atomically; if that fails, the workload is printed
//! so the measurement is not lost.

use std::path::Path;
use std::time::Duration;

use anyhow::anyhow;
use bilan_core::inventory::{Ownership, Phase, Workload};
use bilan_core::region::Region;
use bilan_measure::record::{self, Context};
use bilan_measure::target::{Plan, Request, Target, TargetError};
use bilan_measure::{
    Backend, DeviceInfo, Exit, Interrupt, MeasureError, Nvml, Rapl, RunConfig, Sampler, Simulated,
    shell_words,
};

use crate::args::MeasureCommand;
use crate::errors::Failure;
use crate::output::{Io, write_file};

fn usage(message: impl std::fmt::Display) -> Failure {
    Failure::Usage(anyhow!("{message}"))
}

fn measure_failure(e: MeasureError) -> Failure {
    Failure::Other(anyhow!("{e}"))
}

fn target_failure(e: TargetError, io: &mut Io<'_>) -> Failure {
    match e {
        TargetError::Usage(message) => usage(message),
        TargetError::Invalid(errors) => Failure::Input(errors),
        TargetError::WouldBeInvalid(errors) => {
            crate::errors::print(
                io.stderr,
                "error: with the measured workload in it, the inventory would not be valid \
                 (the lines below are those of the file as it would be written):",
            );
            Failure::Input(errors)
        }
    }
}

/// `value` seconds, within `min..=max`.
fn seconds(flag: &str, value: f64, min: f64, max: f64) -> Result<Duration, Failure> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(usage(format!(
            "{flag} {value}: expected a number of seconds from {min} to {max}"
        )))
    }
}

/// A kebab-case word clap already checked, read as the inventory's type.
fn word<T: serde::de::DeserializeOwned>(flag: &str, value: &str) -> Result<T, Failure> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|e| usage(format!("{flag} {value}: {e}")))
}

/// The GPUs measured: every one, or those `--gpus` names.
fn select(all: &[DeviceInfo], asked: &[u32]) -> Result<Vec<DeviceInfo>, Failure> {
    if asked.is_empty() {
        return Ok(all.to_vec());
    }
    let mut chosen: Vec<DeviceInfo> = Vec::new();
    for &index in asked {
        let Some(info) = all.iter().find(|d| d.index == index) else {
            let available: Vec<String> = all.iter().map(|d| d.index.to_string()).collect();
            return Err(measure_failure(MeasureError::NoSuchGpu {
                asked: index,
                available: available.join(", "),
            }));
        };
        if !chosen.contains(info) {
            chosen.push(info.clone());
        }
    }
    Ok(chosen)
}

/// The hardware catalogue id of a GPU from the name its driver gives.
fn catalogue_id(driver_name: &str) -> Option<String> {
    let catalogue = bilan_hardware::Catalogue::embedded().ok()?;
    catalogue.identify(driver_name).map(|d| d.id.clone())
}

/// Fails unless a file can be created in the directory of `path` (the measured inventory
/// is written there, through a temporary file, once the command has ended).
fn writable(path: &Path) -> Result<(), Failure> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".bilan-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| {
            usage(format!(
                "cannot write in `{}`, where the inventory is written after the run: {e}",
                bilan_units::text::escape(&dir.display().to_string())
            ))
        })
}

pub(crate) fn measure(cmd: &MeasureCommand, io: &mut Io<'_>) -> Result<(), Failure> {
    let interval = seconds("--interval", cmd.interval, 0.01, 3600.0)?;
    let grace = seconds("--grace", cmd.grace, 0.0, 3600.0)?;
    let phase: Phase = word("--phase", &cmd.phase)?;
    let ownership: Ownership = word("--ownership", &cmd.ownership)?;
    let region = cmd
        .region
        .as_deref()
        .map(Region::parse)
        .transpose()
        .map_err(|e| usage(format!("--region: {e}")))?;
    if cmd.cpu_only && !cmd.gpus.is_empty() {
        return Err(usage("--gpus selects GPUs, and --cpu-only measures none"));
    }
    crate::inputs::regular_file("--inventory", &cmd.inventory)?;

    // The counters: an error here names what is missing, before anything runs.
    let mut backend: Option<Box<dyn Backend>> = None;
    let mut gpus = Vec::new();
    if !cmd.cpu_only {
        let mut b: Box<dyn Backend> = match &cmd.simulate {
            Some(script) => {
                let text = std::fs::read_to_string(script)
                    .map_err(|e| usage(format!("cannot read `{}`: {e}", script.display())))?;
                Box::new(
                    Simulated::from_json(&script.display().to_string(), &text)
                        .map_err(measure_failure)?,
                )
            }
            None => Box::new(Nvml::open().map_err(measure_failure)?),
        };
        let all = b.devices().map_err(measure_failure)?;
        gpus = select(&all, &cmd.gpus)?;
        backend = Some(b);
    }
    let mut notes = Vec::new();
    let rapl = match Rapl::discover(&cmd.powercap) {
        Ok(rapl) if interval > rapl.longest_interval() => {
            return Err(usage(format!(
                "--interval {} s is too long for the RAPL counters here: the smallest wraps \
                 after {:.0} J, so it must be read at least every {:.1} s",
                cmd.interval,
                rapl.longest_interval().as_secs_f64() * 2.0 * bilan_measure::rapl::MAX_DOMAIN_WATTS,
                rapl.longest_interval().as_secs_f64()
            )));
        }
        Ok(rapl) => Some(rapl),
        Err(e) if cmd.cpu_only => return Err(measure_failure(e.into())),
        Err(e) => {
            notes.push(format!("host CPU and DRAM energy not measured: {e}"));
            None
        }
    };

    // The inventory.
    let mut request = Request {
        workload: cmd.workload.clone(),
        phase,
        site: cmd.site.clone(),
        region,
        ownership,
        fleet: cmd.fleet.clone(),
        gpus: gpus.len(),
        now: jiff::Timestamp::now(),
    };
    let target = Target::open(&cmd.inventory).map_err(|e| target_failure(e, io))?;
    let plan = target.plan(&request).map_err(|e| target_failure(e, io))?;
    writable(&cmd.inventory)?;
    announce(
        io,
        &gpus,
        rapl.as_ref(),
        &notes,
        &plan,
        &cmd.inventory,
        interval,
    );

    let interrupt =
        Interrupt::register().map_err(|e| Failure::Other(anyhow!("cannot catch Ctrl-C: {e}")))?;
    let sampler = Sampler::start(backend, &gpus, rapl).map_err(measure_failure)?;
    let (program, args) = cmd
        .command
        .split_first()
        .ok_or_else(|| usage("no command to measure: give it after `--`"))?;
    let mut command = std::process::Command::new(program);
    command.args(args);
    let config = RunConfig {
        interval,
        grace,
        ..RunConfig::default()
    };
    let finished =
        bilan_measure::run(&mut command, sampler, &interrupt, &config).map_err(measure_failure)?;

    let context = Context {
        tool: format!("bilan measure {}", env!("CARGO_PKG_VERSION")),
        command: shell_words(&cmd.command),
        host: record::host_name(),
        interval,
        model: &catalogue_id,
        notes,
    };
    // The inventory as it is now (it may have changed during the run), checked again.
    request.workload = Some(plan.identity.id.clone());
    request.site = Some(plan.identity.site.clone());
    request.now = finished.readings.started;
    let written = Target::open(&cmd.inventory).and_then(|target| {
        let plan = target.plan(&request)?;
        let workload = record::workload(&plan.identity, &context, &finished, &plan.reporting);
        let text = target.render(&plan, &workload)?;
        Ok((workload, text))
    });
    let workload = match written {
        Ok((workload, text)) => {
            if let Err(e) = write_file(&cmd.inventory, |w| w.write_all(text.as_bytes())) {
                let workload =
                    record::workload(&plan.identity, &context, &finished, &plan.reporting);
                keep(io, &workload);
                return Err(Failure::Other(e));
            }
            workload
        }
        Err(e) => {
            let workload = record::workload(&plan.identity, &context, &finished, &plan.reporting);
            keep(io, &workload);
            return Err(target_failure(e, io));
        }
    };
    drop(interrupt);
    report(io, &workload, finished.exit, &cmd.inventory);
    pass_through(finished.exit, io)
}

/// What will be measured, on stderr.
fn announce(
    io: &mut Io<'_>,
    gpus: &[DeviceInfo],
    rapl: Option<&Rapl>,
    notes: &[String],
    plan: &Plan,
    inventory: &Path,
    interval: Duration,
) {
    let mut parts: Vec<String> = gpus
        .iter()
        .map(|g| format!("GPU {} ({})", g.index, g.name))
        .collect();
    if let Some(rapl) = rapl {
        let domains: Vec<&str> = rapl.domains.iter().map(|d| d.name.as_str()).collect();
        parts.push(format!("RAPL {}", domains.join(", ")));
    }
    let line = format!(
        "bilan measure: {} every {} s, into workload `{}` ({}, site `{}`) of {}",
        parts.join(", "),
        interval.as_secs_f64(),
        plan.identity.id,
        plan.identity.phase,
        plan.identity.site,
        inventory.display()
    );
    crate::notices::note(io, &line);
    for note in notes {
        crate::notices::note(io, &format!("bilan measure: {note}"));
    }
}

/// A measured workload that could not be written, on stderr, so it is not lost.
fn keep(io: &mut Io<'_>, workload: &Workload) {
    let wrapped = std::collections::BTreeMap::from([("workload", [workload])]);
    if let Ok(text) = toml::to_string(&wrapped) {
        crate::errors::print(
            io.stderr,
            &format!(
                "bilan measure: the inventory was not written; the measurement, to add to an \
                 inventory by hand:\n\n{text}"
            ),
        );
    }
}

/// What was measured, on stderr.
fn report(io: &mut Io<'_>, workload: &Workload, exit: Exit, inventory: &Path) {
    let shown = |q: &Option<bilan_units::Quantity>| q.as_ref().map(ToString::to_string);
    let mut parts = Vec::new();
    if workload.devices.is_some()
        && let Some(e) = shown(&workload.energy)
    {
        parts.push(format!("GPUs {e}"));
    }
    if let Some(e) = shown(&workload.host_overhead) {
        parts.push(format!("CPU and DRAM {e}"));
    } else if workload.devices.is_none()
        && let Some(e) = shown(&workload.energy)
    {
        parts.push(format!("CPU and DRAM {e}"));
    }
    let notes = workload.measurement.as_ref().map_or(0, |m| m.notes.len());
    let line = format!(
        "bilan measure: the command {exit} after {}; {}; workload `{}` added to {}{}",
        shown(&workload.duration).unwrap_or_default(),
        parts.join(", "),
        workload.id,
        inventory.display(),
        match notes {
            0 => String::new(),
            1 => " (1 note in its measurement)".to_owned(),
            n => format!(" ({n} notes in its measurement)"),
        }
    );
    crate::notices::note(io, &line);
}

/// bilan's exit code is the command's (128 + the signal that killed it).
///
/// `Failure` has no variant for an arbitrary exit code yet, so the `bilan` process itself
/// ends here with the command's code (its streams flushed); called in process (the
/// end-to-end tests), a failing command is an error naming its exit.
fn pass_through(exit: Exit, io: &mut Io<'_>) -> Result<(), Failure> {
    let code = exit.code();
    if code == 0 {
        return Ok(());
    }
    let _ = writeln!(
        io.stderr,
        "bilan: the command {exit} (bilan exits with code {code})"
    );
    Err(Failure::Exit(code))
}
