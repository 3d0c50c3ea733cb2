//! `bilan explain`: how one figure was computed, down to the inventory lines.

use std::fmt::Write as _;

use bilan_core::assessment::{Assessment, Contribution, Exclusion, ItemRef, TermSource};
use bilan_core::figure::{FigurePath, Selector};

use crate::estimated::{self, EstimatedValue};
use crate::number::amount;

/// Where an inventory key was read: its line and the line's text.
pub type Locator<'a> = dyn Fn(&ItemRef, &str) -> Option<(usize, String)> + 'a;
/// Where a full inventory key path was read.
pub type PathLocator<'a> = dyn Fn(&str) -> Option<(usize, String)> + 'a;

/// At most this many contributions are detailed; the rest are summed.
pub const DETAIL_LIMIT: usize = 50;

fn line(found: Option<(usize, String)>) -> String {
    found.map_or(String::new(), |(n, text)| {
        format!(" (line {n}: {})", text.trim())
    })
}

/// Where the explanation finds inventory lines and estimated values.
struct Sources<'s, 'l> {
    item_line: &'s Locator<'l>,
    path_line: &'s PathLocator<'l>,
    estimated: &'s [EstimatedValue],
}

fn contribution(
    out: &mut String,
    n: usize,
    a: &Assessment,
    c: &Contribution,
    path: &FigurePath,
    sources: &Sources<'_, '_>,
) {
    let (item_line, path_line) = (sources.item_line, sources.path_line);
    let indicator = path.indicator;
    let share = path.share(c);
    let value = c.value(indicator).unwrap_or(0.0);
    let _ = writeln!(
        out,
        "[{n}] {} · {} · stage {}{}{}{}",
        c.item,
        c.aspect,
        c.stage,
        c.phase.map_or(String::new(), |p| format!(" · phase {p}")),
        c.category
            .as_ref()
            .map_or(String::new(), |k| format!(" · category {k}")),
        if c.memo {
            " · memo (not in totals)"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "    formula: {}", c.formula);
    // A term that applies to another indicator only has no part in this figure.
    for t in c.terms.iter().filter(|t| t.applies_to(indicator)) {
        let origin = match &t.source {
            TermSource::Item { key } => format!(
                "inventory {}{}",
                c.item.path(key),
                line(item_line(&c.item, key))
            ),
            TermSource::Inventory { path } => format!("inventory {path}{}", line(path_line(path))),
            TermSource::Factor { id } => format!("factor database `{id}`"),
            TermSource::Parameter { name } => format!("parameter `{name}` (given or default)"),
            TermSource::Rule { rule } => format!("rule: {rule}"),
            TermSource::Derived { formula } => format!("derived: {formula}"),
        };
        let op = if t.power < 0 { "÷ " } else { "× " };
        let driver = t.driver.map_or(String::new(), |d| format!(" [{d}]"));
        let only = t
            .indicator
            .map_or(String::new(), |i| format!(" ({i} only)"));
        let unit = if t.unit == "1" {
            String::new()
        } else {
            format!(" {}", t.unit)
        };
        let _ = writeln!(
            out,
            "    {op}{} = {}{unit}{driver}{only} ← {origin}{}",
            t.symbol,
            t.value,
            estimated::term_mark(t)
        );
        for v in estimated::behind(sources.estimated, c, t) {
            let _ = writeln!(out, "      estimate: {}", estimated::detail(v));
        }
    }
    if let Some(v) = c.values.iter().find(|v| v.indicator == indicator) {
        match a.factor(&v.factor) {
            Some(f) => {
                let _ = writeln!(
                    out,
                    "    × {} = {} {}{} ← factor `{}`: {} (value as published: {}; boundary {}{}{}{})",
                    f.symbol,
                    f.canonical,
                    f.canonical_unit,
                    f.driver.map_or(String::new(), |d| format!(" [{d}]")),
                    f.id,
                    f.source,
                    f.value,
                    f.boundary,
                    f.region
                        .as_ref()
                        .map_or(String::new(), |r| format!("; region {r}")),
                    if f.fallback.is_empty() {
                        String::new()
                    } else {
                        format!("; fell back from {}", f.fallback.join(" → "))
                    },
                    f.year.map_or(String::new(), |y| format!("; year {y}")),
                );
                if let Some(licence) = &f.licence {
                    let _ = writeln!(out, "      licence: {licence}");
                }
                if !f.alternatives.is_empty() {
                    let _ = writeln!(
                        out,
                        "      alternatives not chosen: {}",
                        f.alternatives.join(", ")
                    );
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    "    × factor `{}` (not listed in the assessment)",
                    v.factor
                );
            }
        }
    }
    if share == 1.0 {
        let _ = writeln!(
            out,
            "    = {} ({value} {})",
            amount(value, indicator),
            indicator.unit()
        );
    } else {
        let _ = writeln!(
            out,
            "    = {} × share {share} of this figure = {} ({} {})",
            amount(value, indicator),
            amount(value * share, indicator),
            value * share,
            indicator.unit()
        );
    }
}

/// Explains `path` in assessment `a`. `item_line` and `path_line` find inventory lines.
/// Estimated terms are marked `estimated by <estimator>`; see [`render_with_estimates`] for
/// their formulas too.
pub fn render(
    a: &Assessment,
    path: &FigurePath,
    item_line: &Locator<'_>,
    path_line: &PathLocator<'_>,
) -> Result<String, String> {
    render_with_estimates(a, path, item_line, path_line, &[])
}

/// As [`render`], with, under each estimated term, the value its estimator put in the
/// inventory and the formula it used (`estimated` from [`estimated::collect`] on the
/// inventory assessed).
pub fn render_with_estimates(
    a: &Assessment,
    path: &FigurePath,
    item_line: &Locator<'_>,
    path_line: &PathLocator<'_>,
    estimated: &[EstimatedValue],
) -> Result<String, String> {
    let sources = Sources {
        item_line,
        path_line,
        estimated,
    };
    let indicator = path.indicator;
    let mut out = String::new();
    if !a.covers(indicator) {
        let coverage = a.coverage.iter().find(|c| c.indicator == indicator);
        let note = coverage.and_then(|c| c.note.clone()).unwrap_or_default();
        if coverage.is_some_and(|c| c.not_computed) {
            return Ok(format!("{path} in {}: {note}\n", a.method));
        }
        return Ok(format!(
            "{path} in {}: not covered by this method ({note})\n",
            a.method
        ));
    }
    match &path.selector {
        Selector::Unit(fu) => {
            let r = a
                .functional_units
                .iter()
                .find(|r| &r.functional_unit == fu && r.indicator == indicator)
                .ok_or_else(|| {
                    format!("{} has no functional unit `{fu}` for {indicator}", a.method)
                })?;
            let _ = writeln!(
                out,
                "{path} in {} = {} per {fu}",
                a.method,
                amount(r.value, indicator)
            );
            let _ = writeln!(
                out,
                "= impact {} ÷ R = {}",
                amount(r.impact, indicator),
                r.count
            );
            let _ = writeln!(out, "  impact: {}", r.scope);
            return Ok(out);
        }
        Selector::Disclosure(id) => {
            let d = a.disclosure(id, indicator).ok_or_else(|| {
                let known: Vec<&str> = a.disclosures.iter().map(|d| &*d.id).collect();
                format!(
                    "{} has no disclosure `{id}` for {indicator} (its disclosures: {})",
                    a.method,
                    known.join(", ")
                )
            })?;
            let value = d
                .value
                .map_or("not computable".to_owned(), |v| format!("{v} {}", d.unit));
            let _ = writeln!(out, "{path} in {} ({}) = {value}", a.method, d.label);
            let _ = writeln!(out, "  formula: {}", d.formula);
            if let Some(note) = &d.note {
                let _ = writeln!(out, "  note: {note}");
            }
            return Ok(out);
        }
        _ => {}
    }
    let selected: Vec<&Contribution> = a.contributions.iter().filter(|c| path.selects(c)).collect();
    let Some(value) = path.value(a) else {
        return excluded_item(a, path);
    };
    let _ = writeln!(
        out,
        "{path} in {} = {} ({value} {}), the sum of {}:\n",
        a.method,
        amount(value, indicator),
        indicator.unit(),
        bilan_units::text::count(selected.len(), "contribution", "contributions")
    );
    for (n, c) in selected.iter().take(DETAIL_LIMIT).enumerate() {
        contribution(&mut out, n + 1, a, c, path, &sources);
        out.push('\n');
    }
    if selected.len() > DETAIL_LIMIT {
        let rest: f64 = selected[DETAIL_LIMIT..]
            .iter()
            .filter_map(|c| c.value(indicator).map(|v| v * path.share(c)))
            .sum();
        let _ = writeln!(
            out,
            "… and {} more contributions totalling {} (use --format json for all)\n",
            selected.len() - DETAIL_LIMIT,
            amount(rest, indicator)
        );
    }
    let items: std::collections::HashSet<&ItemRef> = selected.iter().map(|c| &c.item).collect();
    let exclusions: Vec<_> = a
        .exclusions
        .iter()
        .filter(|e| e.indicator.is_none_or(|i| i == indicator))
        .filter(|e| matches!(path.selector, Selector::Total) || items.contains(&e.item))
        .collect();
    if !exclusions.is_empty() {
        let _ = writeln!(out, "excluded ({}):", exclusions.len());
        exclusion_lines(&mut out, &exclusions);
    }
    let assumptions: Vec<_> = a
        .assumptions
        .iter()
        .filter(|x| {
            x.items.is_empty()
                || x.items.iter().any(|i| items.contains(i))
                || matches!(path.selector, Selector::Total)
        })
        .collect();
    if !assumptions.is_empty() {
        let _ = writeln!(out, "assumptions:");
        for x in assumptions {
            let _ = writeln!(out, "  - {}", x.text);
        }
    }
    Ok(out)
}

/// Why a figure of an item the method excluded has no value.
pub const EXCLUDED: &str = "not computed: the method excluded it";

/// The exclusions of the item (or the item's aspect) `path` selects, for its indicator;
/// none for a path that selects no one item.
pub fn exclusions_of<'a>(a: &'a Assessment, path: &FigurePath) -> Vec<&'a Exclusion> {
    let (id, aspect) = match &path.selector {
        Selector::Item(id) => (id, None),
        Selector::ItemAspect(id, aspect) => (id, Some(*aspect)),
        _ => return Vec::new(),
    };
    a.exclusions
        .iter()
        .filter(|e| &*e.item.id == id.as_str())
        .filter(|e| e.indicator.is_none_or(|i| i == path.indicator))
        .filter(|e| aspect.is_none() || e.aspect.is_none() || e.aspect == aspect)
        .collect()
}

/// An item (or one aspect of it) with no contribution: not computed when the method
/// excluded it, with each reason; else the path matches nothing.
fn excluded_item(a: &Assessment, path: &FigurePath) -> Result<String, String> {
    let reasons = exclusions_of(a, path);
    if reasons.is_empty() {
        return Err(format!("{path} matches nothing in {}", a.method));
    }
    let mut out = format!(
        "{path} in {}: {EXCLUDED} ({}):\n",
        a.method,
        bilan_units::text::count(reasons.len(), "exclusion", "exclusions")
    );
    exclusion_lines(&mut out, &reasons);
    Ok(out)
}

/// One line per exclusion (the first [`DETAIL_LIMIT`]): the item, its aspect, the reason.
fn exclusion_lines(out: &mut String, exclusions: &[&Exclusion]) {
    for e in exclusions.iter().take(DETAIL_LIMIT) {
        let _ = writeln!(
            out,
            "  - {}{}: {}",
            e.item,
            e.aspect.map_or(String::new(), |x| format!(" {x}")),
            e.reason
        );
    }
}
