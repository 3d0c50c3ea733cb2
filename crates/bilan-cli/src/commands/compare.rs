//! `bilan compare`: every method side by side, with the divergence explained by driver.

use bilan_report::lang::Lang;

use super::session::{Session, Timings, item_count, report_failures};
use crate::args::{CompareCommand, Format};
use crate::errors::Failure;
use crate::notices::Spinner;
use crate::output::{Io, stream, stream_json};

pub(crate) fn compare(
    cmd: CompareCommand,
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    cmd.common.format.not_export("compare")?;
    let lang = cmd.lang.map_or_else(Lang::default, |l| l.0);
    let [inventory] = cmd.inventories.as_slice() else {
        if cmd.baseline.is_some() {
            return Err(Failure::Usage(anyhow::anyhow!(
                "--baseline compares methods on one inventory; several inventories compare systems under each method"
            )));
        }
        return super::systems::compare(&cmd, io, timings);
    };
    let session = Session::open(inventory, &cmd.common, io, timings)?;
    if let Some(baseline) = &cmd.baseline
        && !session
            .methods
            .iter()
            .any(|m| &m.method.descriptor().id == baseline)
    {
        let ids: Vec<String> = session
            .methods
            .iter()
            .map(|m| m.method.descriptor().id.clone())
            .collect();
        return Err(Failure::Usage(anyhow::anyhow!(
            "--baseline: `{}` is not one of the methods compared ({})",
            bilan_units::text::clip(baseline),
            ids.join(", ")
        )));
    }
    let items = bilan_runner::Items::of(&session.inventory);
    let format = cmd.common.format;
    let trail = cmd.common.trail.trail();
    // Each method's audit trail is dropped as soon as the comparison has what it needs of
    // it; the JSON report runs the methods again, one at a time, to write their trails. The
    // HTML page (whose audit trail sections read the contributions) and the propagation of
    // uncertainty keep them.
    let figures_only = cmd.common.uncertainty.mode.is_none()
        && matches!(
            format,
            Format::Table | Format::Md | Format::Csv | Format::Json
        );
    let spinner = Spinner::start(io, session.assessing());
    let mut outcomes = if figures_only {
        session.run_figures(&items)
    } else {
        session.run()
    };
    drop(spinner);
    timings.phase(
        "assess",
        item_count(&session.inventory) * session.methods.len(),
        "item-assessments",
    );
    // With figures only, the pairs' divergences are walked while the last methods run, so
    // `--timings` counts most of the comparison under `assess`.
    let mut comparison = bilan_runner::compare_with(&items, &mut outcomes);
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
    // The methods whose assessments the report lists, for rebuilding their trails.
    let runs = session.method_runs();
    let listed: Vec<usize> = (0..outcomes.len())
        .filter(|&k| outcomes[k].result.is_ok())
        .collect();
    // Each listed method's totals as compared: a rebuilt trail must give them again (a
    // plugin whose results change from one run to the next is refused, not reported with a
    // trail that is not the one behind its figures).
    let rebuild = |n: usize| {
        // On rayon's threads, which assessed the methods: their allocator heaps hold the
        // memory the compared assessments freed, which a fresh thread's would not reuse.
        let (a, ()) = rayon::join(
            || bilan_runner::rerun(&items, &session.factors, &runs[listed[n]]),
            || (),
        );
        let a = a?;
        // Totals as the comparison computed them: from the breakdowns.
        let breakdowns = a.breakdowns();
        let same = comparison.indicators.iter().all(|i| {
            let total = breakdowns[i.indicator.index()].as_ref().map(|b| b.total);
            let compared = i.rows.get(n).and_then(|r| r.total);
            total.map(f64::to_bits) == compared.map(f64::to_bits)
        });
        if same {
            Ok(a)
        } else {
            Err("run again, the method gave other figures than those compared: its results change from one run to the next (a table, or `--trail none`, runs it once)".to_owned())
        }
    };
    let mut report = bilan_report::compare::Report::new(
        &session.stamp,
        &session.inventory,
        &comparison,
        assessments,
    )
    .with_trail(trail)
    .with_lang(lang);
    if figures_only {
        report = report.with_rebuild(&rebuild);
    }
    let output = cmd.common.output.as_deref();
    if format == Format::Table {
        report = report.with_terminal(bilan_report::compare::Terminal::new(
            table_width(io, output),
            cmd.baseline.clone(),
        ));
    }
    // Every format is written as it is rendered: with the full audit trail of a large
    // inventory the report is large.
    let written = match format {
        Format::Json => stream_json(io, output, &report)?,
        Format::Md => stream(io, output, format, |w| {
            bilan_report::compare::write_text(&report, true, w)
        })?,
        Format::Csv => stream(io, output, format, |w| {
            bilan_report::compare::write_csv(&report, w).map_err(crate::output::csv_io)
        })?,
        Format::Html => stream(io, output, format, |w| bilan_report::write_html(&report, w))?,
        Format::Table
        | Format::ModelCard
        | Format::Boamps
        | Format::IfManifest
        | Format::Disclosure
        | Format::DisclosureMd
        | Format::DisclosureHtml => stream(io, output, format, |w| {
            bilan_report::compare::write_text(&report, false, w)
        })?,
    };
    timings.phase("render", written, "bytes");
    let failures: Vec<_> = comparison
        .methods
        .iter()
        .filter_map(|m| {
            m.error
                .clone()
                .map(|e| session.failed(&m.id, format!("{}@{}", m.id, m.version), e))
        })
        .collect();
    drop(report);
    drop(runs);
    io.release(items);
    io.release((session, outcomes, comparison));
    report_failures(io, &failures)
}

/// The width the table is laid out in: the terminal's when the table goes to one, else 100
/// columns (a file, a pipe, a test: the same text wherever it is made).
fn table_width(io: &Io<'_>, output: Option<&std::path::Path>) -> usize {
    use std::io::IsTerminal as _;
    const DEFAULT: usize = 100;
    if !io.exiting || output.is_some() || !std::io::stdout().is_terminal() {
        return DEFAULT;
    }
    terminal_size::terminal_size().map_or(DEFAULT, |(w, _)| usize::from(w.0))
}
