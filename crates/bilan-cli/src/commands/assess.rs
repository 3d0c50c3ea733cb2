//! `bilan assess`: each method on its own.

use anyhow::anyhow;
use bilan_report::assess::Outcome;

use super::session::{Session, Timings, item_count, report_failures, stamp_lines};
use crate::args::{AssessCommand, Format};
use crate::errors::Failure;
use crate::output::{Io, emit, stream, stream_json};

/// `-f model-card|boamps|if-manifest`: one method's assessment in another tool's format.
fn export(
    cmd: &AssessCommand,
    session: &Session,
    outcomes: &[Outcome],
    uncertainty: Option<&bilan_runner::uncertainty::UncertaintyReport>,
    io: &mut Io<'_>,
) -> Result<(), Failure> {
    let format = cmd.common.format;
    let [outcome] = outcomes else {
        return Err(Failure::Usage(anyhow!(
            "`-f {}` writes one method's figures: choose it with -m (e.g. -m ademe-lca)",
            format.id()
        )));
    };
    let assessment = match outcome {
        Outcome::Assessed(a) => a,
        Outcome::Failed { method, error } => {
            let failed = session.failed(&method.id, method.to_string(), error.clone());
            return report_failures(io, &[failed]);
        }
    };
    let source = bilan_interop::export::Source {
        inventory: &session.inventory,
        assessment,
        bilan_version: &session.stamp.bilan,
        inventory_file: &session.file.name,
    };
    let written = match format {
        Format::ModelCard => bilan_interop::export::model_card::write(&source),
        Format::Boamps => bilan_interop::export::boamps::write(&source),
        Format::Disclosure | Format::DisclosureMd | Format::DisclosureHtml => {
            return super::disclosure::write(cmd, session, assessment, uncertainty, io);
        }
        _ => bilan_interop::export::if_manifest::write(&source),
    }
    .map_err(|e| Failure::Other(anyhow!("cannot write {}: {e}", format.id())))?;
    emit(io, cmd.common.output.as_deref(), &written, format)
}

pub(crate) fn assess(
    cmd: AssessCommand,
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    if matches!(cmd.common.format, Format::Csv | Format::Html) {
        return Err(Failure::Usage(anyhow!(
            "`bilan assess` writes table, md or json; use `bilan compare` for csv and html"
        )));
    }
    let session = Session::open(&cmd.inventory, &cmd.common, io, timings)?;
    let spinner = crate::notices::Spinner::start(io, session.assessing());
    let ran = session.run();
    drop(spinner);
    timings.phase(
        "assess",
        item_count(&session.inventory) * session.methods.len(),
        "item-assessments",
    );
    let uncertainty = super::uncertainty::report(&cmd.common.uncertainty, &session, &ran, &[])?;
    if uncertainty.is_some() {
        let (count, what) = super::uncertainty::timed(&cmd.common.uncertainty);
        timings.phase("uncertainty", count, what);
    }
    let outcomes: Vec<Outcome> = ran
        .into_iter()
        .map(|o| {
            let method = o.method();
            match o.result {
                Ok(a) => Outcome::Assessed(Box::new(a)),
                Err(error) => Outcome::Failed { method, error },
            }
        })
        .collect();
    if cmd.common.format.is_export() {
        return export(&cmd, &session, &outcomes, uncertainty.as_ref(), io);
    }
    let output = cmd.common.output.as_deref();
    let format = cmd.common.format;
    // Written as it is rendered, never held whole: with the full audit trail of a large
    // inventory the JSON report is large.
    let written = if format == Format::Json {
        let estimated = bilan_report::estimated::collect(&session.inventory);
        let report = bilan_report::assess::report(
            &session.stamp,
            &session.inventory,
            &outcomes,
            uncertainty.as_ref(),
            &estimated,
            cmd.common.trail.trail(),
        );
        stream_json(io, output, &report)?
    } else {
        stream(io, output, format, |w| {
            for o in &outcomes {
                match o {
                    Outcome::Assessed(a) => w.write_all(
                        bilan_report::assess::render_table(&session.inventory, a).as_bytes(),
                    )?,
                    Outcome::Failed { method, error } => writeln!(w, "{method}: FAILED: {error}")?,
                }
                w.write_all(b"\n")?;
            }
            if let Some(u) = &uncertainty {
                w.write_all(
                    bilan_report::uncertainty::render_text(
                        u,
                        format == Format::Md,
                        (bilan_report::lang::Lang::En, None),
                    )
                    .as_bytes(),
                )?;
                w.write_all(b"\n")?;
            }
            writeln!(
                w,
                "bilan {} · factor database {} · inventory sha256 {}",
                session.stamp.bilan, session.stamp.factor_database, session.stamp.inventory.sha256
            )?;
            w.write_all(stamp_lines(&session.stamp).as_bytes())
        })?
    };
    timings.phase("render", written, "bytes");
    let failures: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed { method, error } => {
                Some(session.failed(&method.id, method.to_string(), error.clone()))
            }
            Outcome::Assessed(_) => None,
        })
        .collect();
    io.release((session, outcomes));
    report_failures(io, &failures)
}
