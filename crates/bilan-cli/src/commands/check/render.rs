//! The report of `bilan check`: the drifted figures as a table, each with its breakdown, or
//! every checked figure as JSON.

use std::fmt::Write as _;

use anyhow::Context as _;
use bilan_units::text::compact;
use serde::Serialize;

use super::{Allowed, Checked};
use crate::args::Format;
use crate::errors::Failure;
use crate::output::{Io, json_escape, to_stdout};

/// A number with its sign.
fn signed(x: f64) -> String {
    let s = compact(x, 4);
    if x > 0.0 { format!("+{s}") } else { s }
}

fn difference(c: &Checked) -> String {
    let d = c.got - c.expected;
    let relative = if c.expected == 0.0 {
        String::new()
    } else {
        format!(" ({}%)", signed(d / c.expected.abs() * 100.0))
    };
    format!("{} {}{relative}", signed(d), c.unit)
}

fn tolerance(c: &Checked) -> String {
    match c.allowed {
        Allowed::Within(t) if c.tolerance.trim().ends_with('%') => {
            format!("{} (±{} {})", c.tolerance, compact(t, 3), c.unit)
        }
        Allowed::Within(_) => c.tolerance.clone(),
        Allowed::Interval(low, high) => {
            format!("interval [{}, {}]", compact(low, 4), compact(high, 4))
        }
    }
}

/// Rows padded into columns.
fn table(rows: &[Vec<String>]) -> String {
    let n = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..n)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn text(checked: &[Checked], skipped: usize) -> String {
    let drifted: Vec<&Checked> = checked.iter().filter(|c| !c.holds).collect();
    let mut out = String::new();
    if drifted.is_empty() {
        let _ = writeln!(
            out,
            "all {} hold",
            bilan_units::text::count(checked.len(), "figure", "figures")
        );
    } else {
        let _ = writeln!(
            out,
            "{} of {} drifted:\n",
            drifted.len(),
            bilan_units::text::count(checked.len(), "figure", "figures")
        );
        let mut rows = vec![
            [
                "system",
                "method",
                "figure",
                "expected",
                "got",
                "difference",
                "tolerance",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        for c in &drifted {
            rows.push(vec![
                c.system.clone(),
                c.method.clone(),
                c.figure.clone(),
                format!("{} {}", compact(c.expected, 6), c.unit),
                format!("{} {}", compact(c.got, 6), c.unit),
                difference(c),
                tolerance(c),
            ]);
        }
        out.push_str(&table(&rows));
        for c in &drifted {
            let _ = writeln!(
                out,
                "\n{} {} {}: {}",
                c.system,
                c.method,
                c.figure,
                difference(c)
            );
            let Some(b) = &c.breakdown else { continue };
            if !b.recorded {
                out.push_str(
                    "  no contributions recorded for this figure (`bilan check --update` records them): all of it is residual\n",
                );
            }
            for i in &b.items {
                let _ = writeln!(
                    out,
                    "  {} {}: {} {}",
                    i.item,
                    i.change,
                    signed(i.amount),
                    c.unit
                );
                for t in &i.terms {
                    let _ = writeln!(
                        out,
                        "    {} [{}] {} → {}: {}",
                        t.term,
                        t.driver,
                        compact(t.old, 6),
                        compact(t.new, 6),
                        signed(t.amount)
                    );
                }
                if i.change == "reshaped" {
                    out.push_str("    its terms are not the same ones: not split by term\n");
                }
            }
            if !b.drivers.is_empty() {
                let drivers: Vec<String> = b
                    .drivers
                    .iter()
                    .map(|(d, a)| format!("{d} {}", signed(*a)))
                    .collect();
                let _ = writeln!(out, "  by driver: {}", drivers.join(", "));
            }
            let _ = writeln!(out, "  residual: {} {}", signed(b.residual), c.unit);
        }
    }
    if skipped > 0 {
        let _ = writeln!(
            out,
            "{} not checked: their method is not among --method",
            bilan_units::text::count(skipped, "figure", "figures")
        );
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Row<'a> {
    system: &'a str,
    method: &'a str,
    figure: &'a str,
    unit: &'a str,
    expected: f64,
    got: f64,
    difference: f64,
    tolerance: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<[f64; 2]>,
    holds: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    breakdown: Option<&'a super::breakdown::Breakdown>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Report<'a> {
    checked: usize,
    drifted: usize,
    skipped: usize,
    figures: Vec<Row<'a>>,
}

/// Prints the report in `format` (table or json).
pub(super) fn report(
    io: &mut Io<'_>,
    format: Format,
    checked: &[Checked],
    skipped: usize,
) -> Result<(), Failure> {
    if format == Format::Json {
        let report = Report {
            checked: checked.len(),
            drifted: checked.iter().filter(|c| !c.holds).count(),
            skipped,
            figures: checked
                .iter()
                .map(|c| Row {
                    system: &c.system,
                    method: &c.method,
                    figure: &c.figure,
                    unit: &c.unit,
                    expected: c.expected,
                    got: c.got,
                    difference: c.got - c.expected,
                    tolerance: &c.tolerance,
                    interval: match c.allowed {
                        Allowed::Interval(l, h) => Some([l, h]),
                        Allowed::Within(_) => None,
                    },
                    holds: c.holds,
                    breakdown: c.breakdown.as_ref(),
                })
                .collect(),
        };
        let text = serde_json::to_string_pretty(&report).context("cannot serialise")? + "\n";
        return to_stdout(io, &json_escape(&text));
    }
    to_stdout(io, &bilan_units::text::escape(&text(checked, skipped)))
}
