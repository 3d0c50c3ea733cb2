//! The comparison on a terminal: every table within the terminal's width, the divergence
//! against one baseline method instead of every pair (the full pairwise matrix stays in md,
//! html, csv and json), and lines longer than the width wrapped.

use std::fmt::Write as _;

use bilan_core::assessment::Driver;
use bilan_core::indicator::Indicator;
use bilan_runner::{Comparison, Divergence};

use crate::lang::Lang;
use crate::table::{Pivot, Table};

/// How a comparison is laid out on a terminal.
#[derive(Clone, Debug)]
pub struct Terminal {
    /// The most columns a line takes.
    pub width: usize,
    /// The method every other one is compared with (`--baseline`); `None`: the first.
    pub baseline: Option<String>,
}

/// The fewest columns a terminal layout is given: below, tables wrap into illegibility.
pub const MIN_WIDTH: usize = 60;

impl Terminal {
    /// A layout `width` columns wide (at least [`MIN_WIDTH`]), against `baseline`.
    pub fn new(width: usize, baseline: Option<String>) -> Terminal {
        Terminal {
            width: width.max(MIN_WIDTH),
            baseline,
        }
    }

    /// `t` within the width (see [`Table::render_fit`]).
    pub(crate) fn table(&self, t: &Table, pivot: Option<Pivot<'_>>) -> String {
        t.render_fit(self.width, pivot)
    }

    /// The baseline's id: the one asked for, else the comparison's first method that did
    /// not fail.
    pub(crate) fn baseline<'c>(&'c self, c: &'c Comparison) -> Option<&'c str> {
        self.baseline.as_deref().or_else(|| {
            c.methods
                .iter()
                .find(|m| m.error.is_none())
                .map(|m| m.id.as_str())
        })
    }

    /// Every line of `text` longer than the width, outside tables, wrapped with its
    /// continuation indented.
    pub(crate) fn wrap_lines(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let body = line.strip_suffix('\n').unwrap_or(line);
            if body.starts_with('|') || body.chars().count() <= self.width {
                out.push_str(line);
                continue;
            }
            let indent = if body.starts_with("- ") { "  " } else { "    " };
            // Broken at spaces only: a path or a hash stays whole, to be copied.
            let options = textwrap::Options::new(self.width)
                .subsequent_indent(indent)
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .word_splitter(textwrap::WordSplitter::NoHyphenation)
                .break_words(false);
            // Nor between a number and its `%` (`95 %`): the space is held by a private-use
            // character meanwhile, which no text contains.
            let held = body.replace(" %", "\u{E002}%");
            for (n, part) in textwrap::wrap(&held, options).iter().enumerate() {
                if n > 0 {
                    out.push('\n');
                }
                out.push_str(&part.replace('\u{E002}', " "));
            }
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

/// A divergence seen from the baseline: the other method, its total, and its difference
/// from the baseline by driver.
struct FromBaseline {
    other: String,
    total: Option<f64>,
    difference: f64,
    drivers: Vec<(Driver, f64)>,
    residual: f64,
}

/// `d` seen from `baseline`: as it is when the baseline is its A, reversed (B − A negated)
/// when it is its B; `None` when the baseline is neither.
fn from_baseline(d: &Divergence, baseline: &str) -> Option<FromBaseline> {
    let (sign, other, total) = if d.a == baseline {
        (1.0, &d.b, d.b_total)
    } else if d.b == baseline {
        (-1.0, &d.a, d.a_total)
    } else {
        return None;
    };
    Some(FromBaseline {
        other: other.clone(),
        total,
        difference: sign * d.difference,
        drivers: d
            .drivers
            .iter()
            .map(|x| (x.driver, sign * x.amount))
            .collect(),
        residual: sign * d.residual_shown(),
    })
}

/// The divergence of every method from the baseline for `indicator`, by driver.
pub(crate) fn divergence(
    out: &mut String,
    c: &Comparison,
    (l, indicator): (Lang, Indicator),
    term: &Terminal,
) {
    let Some(baseline) = term.baseline(c) else {
        return;
    };
    let pairs: Vec<FromBaseline> = c
        .divergences
        .iter()
        .filter(|d| d.indicator == indicator)
        .filter_map(|d| from_baseline(d, baseline))
        .collect();
    if pairs.is_empty() {
        if c.methods
            .iter()
            .any(|m| m.id == baseline && m.error.is_some())
        {
            let _ = writeln!(
                out,
                "{}\n",
                l.msg("baseline-failed", &[("baseline", baseline)])
            );
        }
        return;
    }
    let drivers = super::active_drivers(c, indicator);
    let mut t = Table::new();
    let mut header = vec![
        l.msg("divergence-from", &[("baseline", baseline)]),
        l.t("col-total"),
        l.t("minus-baseline"),
    ];
    header.extend(super::driver_header(l, &drivers));
    t.set_header(header);
    for p in pairs {
        let mut cells = vec![
            p.other,
            p.total
                .map_or_else(|| l.t("not-covered"), |v| l.amount(v, indicator)),
            l.amount(p.difference, indicator),
        ];
        let by_driver = p.drivers.iter().copied();
        cells.extend(super::driver_cells(
            l, &drivers, by_driver, p.residual, indicator,
        ));
        t.add_row(cells);
    }
    let (driver, amount) = (l.t("col-driver"), l.t("col-amount"));
    let pivot = Pivot {
        keep: 3,
        names: (&driver, &amount),
    };
    let _ = writeln!(out, "{}\n", term.table(&t, Some(pivot)));
}

#[cfg(test)]
mod tests {
    use super::Terminal;

    #[test]
    fn long_lines_wrap_at_spaces_but_never_inside_a_percentage_or_a_path() {
        let term = Terminal::new(60, None);
        let line = format!(
            "{} the 95 % interval of <embedded>/a/b.toml",
            "word ".repeat(9)
        );
        let wrapped = term.wrap_lines(&format!("{line}\n"));
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 60),
            "{wrapped}"
        );
        assert!(
            !wrapped.lines().any(|l| l.trim_start().starts_with('%')),
            "{wrapped}"
        );
        assert!(wrapped.contains("95 %"), "{wrapped}");
        assert!(wrapped.contains("<embedded>/a/b.toml"), "{wrapped}");
        // Tables are left to their own layout.
        let table = format!("| {} |\n", "x".repeat(80));
        assert_eq!(term.wrap_lines(&table), table);
    }
}
