//! `bilan assess`: each method on its own.

use anyhow::{Context as _, anyhow};
use bilan_report::assess::Outcome;

use super::session::{Session, Timings, item_count, report_failures, stamp_lines};
use crate::args::{AssessCommand, Format};
use crate::errors::Failure;
use crate::output::{Io, emit};

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
            return report_failures(io, &[(method.to_string(), error.clone())]);
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
    let ran = session.run();
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
    let text = match cmd.common.format {
        Format::Json => {
            let json = bilan_report::assess::render_json_with_estimates(
                &session.stamp,
                &session.inventory,
                &outcomes,
                uncertainty.as_ref(),
                &bilan_report::estimated::collect(&session.inventory),
            );
            let mut s =
                serde_json::to_string_pretty(&json).context("cannot serialise the report")?;
            s.push('\n');
            s
        }
        _ => {
            let mut s = String::new();
            for o in &outcomes {
                match o {
                    Outcome::Assessed(a) => {
                        s.push_str(&bilan_report::assess::render_table(&session.inventory, a))
                    }
                    Outcome::Failed { method, error } => {
                        s.push_str(&format!("{method}: FAILED: {error}\n"))
                    }
                }
                s.push('\n');
            }
            if let Some(u) = &uncertainty {
                s.push_str(&bilan_report::uncertainty::render_text(
                    u,
                    cmd.common.format == Format::Md,
                ));
                s.push('\n');
            }
            s.push_str(&format!(
                "bilan {} · factor database {} · inventory sha256 {}\n",
                session.stamp.bilan, session.stamp.factor_database, session.stamp.inventory.sha256
            ));
            s.push_str(&stamp_lines(&session.stamp));
            s
        }
    };
    emit(io, cmd.common.output.as_deref(), &text, cmd.common.format)?;
    timings.phase("render", text.len(), "bytes");
    let failures: Vec<(String, String)> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed { method, error } => Some((method.to_string(), error.clone())),
            Outcome::Assessed(_) => None,
        })
        .collect();
    io.release((session, outcomes));
    report_failures(io, &failures)
}
