//! `bilan compare A B C…`: several systems side by side under each method (a league table).
//!
//! Each inventory is opened as `bilan compare A` would open it, with the same options,
//! assessed and reconciled; [`bilan_runner::systems::compare`] then lays the systems side by
//! side, the first being the baseline the others' differences are explained against.

use anyhow::anyhow;
use bilan_runner::systems::{Pairs, SystemRun};

use super::session::{Failed, Session, Timings, item_count, report_failures};
use crate::args::{CompareCommand, Format};
use crate::errors::Failure;
use crate::output::{Io, stream, stream_json};

/// The names reports use: each inventory's system name, followed by its file name where two
/// systems share a name (and by its position where the files' names are the same too).
fn names(sessions: &[Session]) -> Vec<String> {
    let plain: Vec<&str> = sessions
        .iter()
        .map(|s| s.inventory.system.name.as_str())
        .collect();
    let with_file: Vec<String> = sessions
        .iter()
        .zip(&plain)
        .map(|(s, name)| {
            if plain.iter().filter(|n| *n == name).count() > 1 {
                let file = std::path::Path::new(&s.file.name)
                    .file_name()
                    .map_or(s.file.name.clone(), |f| f.to_string_lossy().into_owned());
                format!("{name} ({file})")
            } else {
                (*name).to_owned()
            }
        })
        .collect();
    with_file
        .iter()
        .enumerate()
        .map(|(n, name)| {
            if with_file.iter().filter(|x| *x == name).count() > 1 {
                format!("{name} #{}", n + 1)
            } else {
                name.clone()
            }
        })
        .collect()
}

pub(crate) fn compare(
    cmd: &CompareCommand,
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    if cmd.common.uncertainty.mode.is_some() {
        return Err(Failure::Usage(anyhow!(
            "--uncertainty compares the methods of one inventory; give one inventory, or leave it out to compare {} systems",
            cmd.inventories.len()
        )));
    }
    let mut sessions = Vec::with_capacity(cmd.inventories.len());
    let mut runs = Vec::with_capacity(cmd.inventories.len());
    for path in &cmd.inventories {
        let session = Session::open(path, &cmd.common, io, timings)?;
        let mut outcomes = session.run();
        let comparison = bilan_runner::compare(&session.inventory, &mut outcomes);
        timings.phase(
            "assess",
            item_count(&session.inventory) * session.methods.len(),
            "item-assessments",
        );
        sessions.push(session);
        runs.push((outcomes, comparison));
    }
    let names = names(&sessions);
    // Each system's name with the ids of the methods the engine made not applicable on it.
    let not_applicable: Vec<(String, &[String])> = names
        .iter()
        .cloned()
        .zip(sessions.iter().map(|s| s.not_applicable.as_slice()))
        .collect();
    let systems: Vec<SystemRun<'_>> = sessions
        .iter()
        .zip(&runs)
        .zip(names)
        .map(|((s, (outcomes, comparison)), name)| SystemRun {
            name,
            inventory: &s.inventory,
            outcomes,
            comparison,
        })
        .collect();
    // The JSON report is for machines: it holds every pair; the others show each system
    // against the baseline.
    let pairs = if cmd.common.format == Format::Json {
        Pairs::All
    } else {
        Pairs::Baseline
    };
    let league = bilan_runner::systems::compare(&systems, pairs);
    timings.phase("compare", systems.len(), "systems");
    let stamps: Vec<_> = sessions.iter().map(|s| &s.stamp).collect();
    let lang = cmd.lang.map_or_else(Default::default, |l| l.0);
    let report = bilan_report::systems::Report::new(&league, &stamps).with_lang(lang);
    let output = cmd.common.output.as_deref();
    let format = cmd.common.format;
    let written = match format {
        Format::Json => stream_json(io, output, &report)?,
        Format::Md => stream(io, output, format, |w| {
            bilan_report::systems::write_text(&report, true, w)
        })?,
        Format::Csv => stream(io, output, format, |w| {
            bilan_report::systems::write_csv(&report, w).map_err(crate::output::csv_io)
        })?,
        Format::Html => stream(io, output, format, |w| {
            bilan_report::systems::write_html(&report, w)
        })?,
        Format::Table
        | Format::ModelCard
        | Format::Boamps
        | Format::IfManifest
        | Format::Disclosure
        | Format::DisclosureMd
        | Format::DisclosureHtml => stream(io, output, format, |w| {
            bilan_report::systems::write_text(&report, false, w)
        })?,
    };
    timings.phase("render", written, "bytes");
    let failures: Vec<Failed> = league
        .errors()
        .map(|f| Failed {
            method: format!("{} on {}", f.method, f.system),
            error: f.reason.clone(),
            not_applicable: not_applicable
                .iter()
                .any(|(system, ids)| *system == f.system && ids.contains(&f.method)),
        })
        .collect();
    report_failures(io, &failures)
}
