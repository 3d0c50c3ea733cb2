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
pub mod number;
pub mod quality;
pub mod systems;
pub mod table;
pub mod uncertainty;

pub use number::{amount, count, significant};

/// The comparison as one self-contained HTML file (inline SVG charts, browsable trail).
///
/// Here rather than in [`compare`]: the HTML page renders a [`compare::Report`], so `html`
/// depends on `compare` and not the other way round.
pub fn render_html(report: &compare::Report<'_>) -> String {
    html::render(report)
}
