//! `bilan assess INVENTORY -m METHOD -f disclosure|disclosure-md|disclosure-html`: the
//! document a vendor publishes (`docs/disclosure.md`), as JSON, Markdown or one HTML page.
//!
//! `assess` checks that one method was chosen and that it did not fail; this writes that
//! method's disclosure. With `--uncertainty`, the figures get the intervals `assess`
//! propagated for that one method.

use anyhow::{Context as _, anyhow};
use bilan_core::assessment::Assessment;
use bilan_runner::uncertainty::UncertaintyReport;

use super::session::Session;
use crate::args::{AssessCommand, Format};
use crate::errors::Failure;
use crate::output::{Io, emit};

pub(crate) fn write(
    cmd: &AssessCommand,
    session: &Session,
    assessment: &Assessment,
    uncertainty: Option<&UncertaintyReport>,
    io: &mut Io<'_>,
) -> Result<(), Failure> {
    let entry = session
        .methods
        .iter()
        .find(|m| m.method.descriptor().id == assessment.method.id)
        .ok_or_else(|| {
            Failure::Other(anyhow!(
                "method `{}` is not among the session's methods",
                assessment.method.id
            ))
        })?;
    let descriptor = entry.method.descriptor();
    let document = bilan_report::disclosure::build(&bilan_report::disclosure::Source {
        inventory: &session.inventory,
        assessment,
        descriptor,
        stamp: &session.stamp,
        uncertainty,
    });
    let format = cmd.common.format;
    let text = match format {
        Format::DisclosureMd => bilan_report::disclosure::render_markdown(&document),
        Format::DisclosureHtml => bilan_report::disclosure::render_html(&document),
        _ => bilan_report::disclosure::render_json(&document)
            .context("cannot serialise the disclosure")?,
    };
    emit(io, cmd.common.output.as_deref(), &text, format)
}
