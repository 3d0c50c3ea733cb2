//! Rendering bilan results for people (tables) and machines (JSON).
//!
//! Pure formatting, no computation beyond sums of what methods returned. Ordering and number
//! formatting are deterministic so snapshot tests of reports are stable: indicators, stages
//! and phases in their declared order, everything else sorted.

pub mod assess;
pub mod compare;
pub mod diff;
pub mod disclosure;
pub mod estimated;
pub mod explain;
mod html;
pub mod lang;
pub mod number;
pub mod quality;
pub mod systems;
pub mod table;
pub mod trail;
pub mod uncertainty;
mod uncovered;

pub use number::{amount, count, significant};

/// The comparison as one self-contained HTML file (inline SVG charts, browsable trail).
///
/// Here rather than in [`compare`]: the HTML page renders a [`compare::Report`], so `html`
/// depends on `compare` and not the other way round.
pub fn render_html(report: &compare::Report<'_>) -> String {
    to_string(|w| html::write(report, w))
}

/// Writes the comparison's HTML page (see [`render_html`]) into `w`, one section at a time.
pub fn write_html(report: &compare::Report<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    html::write(report, w)
}

/// Writes `out` into `w` and empties it: how the text renderers hand each finished section
/// on instead of holding the whole report.
pub(crate) fn drain(out: &mut String, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(out.as_bytes())?;
    out.clear();
    Ok(())
}

/// The text `write` writes, as one string (for callers that want the whole report).
pub(crate) fn to_string(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> String {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(&mut bytes);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
