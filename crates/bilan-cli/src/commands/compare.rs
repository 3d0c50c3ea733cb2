//! `bilan compare`: every method side by side, with the divergence explained by driver.

use anyhow::Context as _;

use super::session::{Session, Timings, item_count, report_failures};
use crate::args::{CompareCommand, Format};
use crate::errors::Failure;
use crate::output::{Io, emit, stream_json};

pub(crate) fn compare(
    cmd: CompareCommand,
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    cmd.common.format.not_export("compare")?;
    let [inventory] = cmd.inventories.as_slice() else {
        return super::systems::compare(&cmd, io, timings);
    };
    let session = Session::open(inventory, &cmd.common, io, timings)?;
    let mut outcomes = session.run();
    timings.phase(
        "assess",
        item_count(&session.inventory) * session.methods.len(),
        "item-assessments",
    );
    let mut comparison = bilan_runner::compare(&session.inventory, &mut outcomes);
    timings.phase(
        "compare",
        item_count(&session.inventory) * session.methods.len(),
        "item-assessments",
    );
    comparison.uncertainty =
        super::uncertainty::report(&cmd.common.uncertainty, &session, &outcomes, &[])?;
    if comparison.uncertainty.is_some() {
        let (count, what) = super::uncertainty::timed(&cmd.common.uncertainty);
        timings.phase("uncertainty", count, what);
    }
    let assessments: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    let report = bilan_report::compare::Report::new(
        &session.stamp,
        &session.inventory,
        &comparison,
        assessments,
    );
    let written = if cmd.common.format == Format::Json {
        // Streamed: with the full audit trail of a large inventory the report is large.
        stream_json(io, cmd.common.output.as_deref(), &report)?
    } else {
        let text = match cmd.common.format {
            Format::Md => bilan_report::compare::render_text(&report, true),
            Format::Csv => {
                bilan_report::compare::render_csv(&report).context("cannot write CSV")?
            }
            Format::Html => bilan_report::render_html(&report),
            Format::Table
            | Format::Json
            | Format::ModelCard
            | Format::Boamps
            | Format::IfManifest
            | Format::Disclosure
            | Format::DisclosureMd
            | Format::DisclosureHtml => bilan_report::compare::render_text(&report, false),
        };
        emit(io, cmd.common.output.as_deref(), &text, cmd.common.format)?;
        text.len()
    };
    timings.phase("render", written, "bytes");
    let failures: Vec<(String, String)> = comparison
        .methods
        .iter()
        .filter_map(|m| {
            m.error
                .clone()
                .map(|e| (format!("{}@{}", m.id, m.version), e))
        })
        .collect();
    drop(report);
    io.release((session, outcomes, comparison));
    report_failures(io, &failures)
}
