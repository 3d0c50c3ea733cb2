//! `bilan check EXPECTATIONS INVENTORY…`: the figures of an expectations file checked against
//! the current run, for CI (docs/check.md). Exit 0 when every figure holds; exit 3 with the
//! figures that drifted, each explained by item, term and driver; `--update` rewrites the
//! file from the current run. The expectations file is the only file it writes.

mod breakdown;
mod file;
mod render;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::anyhow;
use bilan_core::assessment::Assessment;
use bilan_core::figure::{FigurePath, Selector};
use bilan_core::indicator::Indicator;
use bilan_io::{FileError, FileErrors, Locator, SourceFile};

use super::session::{Session, Timings, item_count, report_failures};
use crate::args::{CheckCommand, Format};
use crate::errors::Failure;
use crate::output::Io;
use breakdown::{Breakdown, Item};
use file::{Entry, Tolerance, Written};

/// One expectation against the current run.
struct Checked {
    system: String,
    method: String,
    figure: String,
    unit: String,
    expected: f64,
    got: f64,
    tolerance: String,
    /// The tolerance in the figure's unit (for `interval`: the interval's half-width
    /// around the current value is not symmetric, so the interval itself).
    allowed: Allowed,
    holds: bool,
    breakdown: Option<Breakdown>,
}

/// What a tolerance allowed.
#[derive(Clone, Copy, Debug)]
enum Allowed {
    /// At most this far from the expected value.
    Within(f64),
    /// The current run's 95 % interval.
    Interval(f64, f64),
}

/// The current value of one figure, with its contributions by item.
struct Current {
    value: f64,
    unit: String,
    items: BTreeMap<String, Item>,
}

/// The unit a figure's value is in.
fn unit_of(path: &FigurePath, a: &Assessment) -> String {
    match &path.selector {
        Selector::Disclosure(d) => a
            .disclosure(d, path.indicator)
            .map_or_else(|| path.indicator.unit().to_owned(), |x| x.unit.to_string()),
        _ => path.indicator.unit().to_owned(),
    }
}

fn current(path: &FigurePath, a: &Assessment) -> Option<Current> {
    let value = path.value(a)?;
    value.is_finite().then(|| Current {
        value,
        unit: unit_of(path, a),
        items: breakdown::record(path, a),
    })
}

/// The system an inventory is: its file stem.
fn system_of(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

pub(crate) fn check(
    mut cmd: CheckCommand,
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    if !matches!(cmd.common.format, Format::Table | Format::Json) {
        return Err(Failure::Usage(anyhow!(
            "`bilan check` writes table or json, not {}",
            cmd.common.format.id()
        )));
    }
    if cmd.common.output.is_some() {
        return Err(Failure::Usage(anyhow!(
            "`bilan check` prints its report on standard output and writes no file but the expectations file (with --update): drop -o"
        )));
    }
    let path = cmd.expectations.clone();
    crate::inputs::regular_file("the expectations file", &path)?;
    let mut inputs = cmd.inventories.clone();
    inputs.extend(cmd.common.factors.iter().cloned());
    inputs.extend(cmd.common.hardware.iter().cloned());
    inputs.extend(cmd.common.config_file.iter().cloned());
    crate::inputs::output_not_among(&path, "an input", &inputs)?;

    let exists = path.exists();
    let file = if exists || !cmd.update {
        Some(SourceFile::read(&path)?)
    } else {
        None
    };
    let entries = match &file {
        Some(f) => file::read(f)?,
        None => Vec::new(),
    };

    // Systems: the inventories' file stems, each once.
    let systems: Vec<String> = cmd.inventories.iter().map(|p| system_of(p)).collect();
    for (n, s) in systems.iter().enumerate() {
        if systems[..n].contains(s) {
            return Err(Failure::Usage(anyhow!(
                "two inventories are system `{}` (a system is its inventory's file stem): rename one",
                bilan_units::text::escape(s)
            )));
        }
    }
    let known: Vec<String> = crate::catalogue::Catalogue::load(&cmd.common.sources)?
        .into_entries()
        .iter()
        .map(|e| e.method.descriptor().id.clone())
        .collect();
    if let Some(f) = &file {
        let locator = Locator::new(f);
        let mut errors = Vec::new();
        for e in &entries {
            if !systems.contains(&e.system) {
                errors.push(locator.error(
                    &e.key("system"),
                    format!(
                        "unknown system `{}`: the inventories given are {} (a system is its inventory's file stem)",
                        e.system,
                        systems.join(", ")
                    ),
                ));
            }
            if !known.contains(&e.method) {
                errors.push(locator.error(
                    &e.key("method"),
                    format!(
                        "unknown method `{}`; available: {}",
                        e.method,
                        known.join(", ")
                    ),
                ));
            }
        }
        // An inventory with no entry would be reported as holding while nothing of it was
        // checked.
        if !cmd.update {
            for (system, inventory) in systems.iter().zip(&cmd.inventories) {
                if !entries.iter().any(|e| &e.system == system) {
                    errors.push(FileError::plain(
                        &f.name,
                        format!(
                            "no figure of system `{}` ({}): nothing of it would be checked; add its figures with --update",
                            bilan_units::text::escape(system),
                            inventory.display()
                        ),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(FileErrors { errors }.into());
        }
    }
    // Without --method, a check runs the methods the file names (an update, every method).
    let named_methods = !cmd.common.methods.is_empty();
    if !named_methods && !cmd.update && !entries.is_empty() {
        let mut methods: Vec<String> = Vec::new();
        for e in &entries {
            if !methods.contains(&e.method) {
                methods.push(e.method.clone());
            }
        }
        cmd.common.methods = methods;
    }

    let mut checked: Vec<Checked> = Vec::new();
    let mut errors: Vec<FileError> = Vec::new();
    let mut failures: Vec<super::session::Failed> = Vec::new();
    let mut skipped = 0usize;
    // For --update: each entry's new text (None: the figure is gone), and the figures of
    // (system, method) pairs the file has none of.
    let mut decided: BTreeMap<usize, Option<Written>> = BTreeMap::new();
    let mut added: Vec<Written> = Vec::new();
    let mut not_added: Vec<String> = Vec::new();
    let locator = file.as_ref().map(Locator::new);
    for (inventory, system) in cmd.inventories.iter().zip(&systems) {
        let session = Session::open(inventory, &cmd.common, io, timings)?;
        let outcomes = session.run();
        timings.phase(
            "assess",
            item_count(&session.inventory) * session.methods.len(),
            "item-assessments",
        );
        let ok: Vec<(&str, &Assessment)> = outcomes
            .iter()
            .filter_map(|o| {
                o.result
                    .as_ref()
                    .ok()
                    .map(|a| (o.descriptor.id.as_str(), a))
            })
            .collect();
        for o in &outcomes {
            if let Err(e) = &o.result {
                failures.push(session.failed(
                    &o.descriptor.id,
                    format!("{}: {}", system, o.descriptor.method_ref()),
                    e.clone(),
                ));
            }
        }
        let mine: Vec<&Entry> = entries.iter().filter(|e| &e.system == system).collect();
        let extra: Vec<(usize, FigurePath)> = mine
            .iter()
            .filter(|e| matches!(e.tolerance, Tolerance::Interval))
            .filter(|e| e.figure.selector != Selector::Total)
            .filter_map(|e| {
                let n = ok.iter().position(|(id, _)| *id == e.method)?;
                Some((n, e.figure.clone()))
            })
            .collect();
        let uncertainty = if mine
            .iter()
            .any(|e| matches!(e.tolerance, Tolerance::Interval))
            && !cmd.update
        {
            super::uncertainty::report(&cmd.common.uncertainty, &session, &outcomes, &extra)?
        } else {
            None
        };
        for e in &mine {
            let loc = |key: &str, message: String| match &locator {
                Some(l) => l.error(&e.key(key), message),
                None => FileError::plain(&path.display().to_string(), message),
            };
            let Some((_, a)) = ok.iter().find(|(id, _)| *id == e.method) else {
                if !outcomes.iter().any(|o| o.descriptor.id == e.method) {
                    skipped += 1;
                }
                // With --update, kept as written: its method did not run or could not assess.
                continue;
            };
            let Some(now) = current(&e.figure, a) else {
                if cmd.update {
                    decided.insert(e.index, None);
                } else {
                    errors.push(loc(
                        "figure",
                        format!(
                            "unknown figure `{}` for system `{}` under method `{}`: the method does not cover its indicator, or nothing matches it (see docs/figures.md)",
                            e.figure, e.system, e.method
                        ),
                    ));
                }
                continue;
            };
            let expected = match e.value.to_str_unit(&now.unit) {
                Ok(v) => v,
                Err(m) => {
                    errors.push(loc(
                        "value",
                        format!("{m}; figure `{}` is in {}", e.figure, now.unit),
                    ));
                    continue;
                }
            };
            if cmd.update {
                decided.insert(
                    e.index,
                    Some(Written {
                        system: e.system.clone(),
                        method: e.method.clone(),
                        figure: e.figure.to_string(),
                        value: format!("{:?} {}", now.value, now.unit),
                        tolerance: e.tolerance_text.clone(),
                        by_item: now.items.clone(),
                    }),
                );
            }
            let allowed = match &e.tolerance {
                Tolerance::Relative(r) => Allowed::Within(r * expected.abs()),
                Tolerance::Absolute(q) => match q.to_str_unit(&now.unit) {
                    Ok(v) => Allowed::Within(v),
                    Err(m) => {
                        errors.push(loc(
                            "tolerance",
                            format!("{m}; figure `{}` is in {}", e.figure, now.unit),
                        ));
                        continue;
                    }
                },
                Tolerance::Interval => {
                    if cmd.update {
                        Allowed::Within(f64::INFINITY)
                    } else {
                        let found = uncertainty.as_ref().and_then(|u| {
                            u.figures
                                .iter()
                                .find(|f| f.method == e.method && f.figure == e.figure.to_string())
                        });
                        match found {
                            Some(f) => Allowed::Interval(f.interval.low, f.interval.high),
                            None => {
                                let why = if cmd.common.uncertainty.mode.is_none() {
                                    "a tolerance of `interval` needs --uncertainty analytic or mc"
                                        .to_owned()
                                } else {
                                    format!("no interval was computed for `{}`", e.figure)
                                };
                                errors.push(loc("tolerance", why));
                                continue;
                            }
                        }
                    }
                }
            };
            let difference = now.value - expected;
            let holds = match allowed {
                Allowed::Within(t) => difference.abs() <= t,
                Allowed::Interval(low, high) => (low..=high).contains(&expected),
            };
            let breakdown =
                (!holds).then(|| breakdown::explain(&e.by_item, &now.items, difference));
            checked.push(Checked {
                system: e.system.clone(),
                method: e.method.clone(),
                figure: e.figure.to_string(),
                unit: now.unit,
                expected,
                got: now.value,
                tolerance: e.tolerance_text.clone(),
                allowed,
                holds,
                breakdown,
            });
        }
        if cmd.update {
            for (id, a) in &ok {
                if mine.iter().any(|e| e.method == *id) {
                    continue;
                }
                let (written, missing) = defaults(system, id, a);
                added.extend(written);
                not_added.extend(missing);
            }
        }
        io.release((session, outcomes));
    }
    timings.phase("check", checked.len(), "figures");
    if !errors.is_empty() {
        return Err(FileErrors { errors }.into());
    }
    if !failures.is_empty() {
        if !cmd.update {
            render::report(io, cmd.common.format, &checked, skipped)?;
        }
        return report_failures(io, &failures);
    }
    if cmd.update {
        return update(io, &path, &entries, decided, added, &not_added);
    }
    // Every figure under a method --method leaves out: "all 0 figures hold" would pass a
    // pipeline that checked nothing.
    if checked.is_empty() && skipped > 0 {
        let mut under: Vec<&str> = entries.iter().map(|e| e.method.as_str()).collect();
        under.sort_unstable();
        under.dedup();
        return Err(Failure::Usage(anyhow!(
            "nothing checked: the {} of {} are under {}, which --method leaves out; name one of them, or leave --method out",
            bilan_units::text::count(skipped, "figure", "figures"),
            path.display(),
            under.join(", ")
        )));
    }
    render::report(io, cmd.common.format, &checked, skipped)?;
    if checked.iter().any(|c| !c.holds) {
        return Err(Failure::Exit(3));
    }
    Ok(())
}

/// The figures `--update` writes for a (system, method) pair the file has none of: the
/// totals of GWP and energy and every functional unit's GWP and energy; and a line for
/// each of those totals that has no value to write (not covered or not computed).
fn defaults(system: &str, method: &str, a: &Assessment) -> (Vec<Written>, Vec<String>) {
    let mut paths = vec![
        FigurePath {
            indicator: Indicator::Gwp,
            selector: Selector::Total,
        },
        FigurePath {
            indicator: Indicator::Energy,
            selector: Selector::Total,
        },
    ];
    for indicator in [Indicator::Gwp, Indicator::Energy] {
        for r in a
            .functional_units
            .iter()
            .filter(|r| r.indicator == indicator)
        {
            paths.push(FigurePath {
                indicator,
                selector: Selector::Unit(r.functional_unit.clone()),
            });
        }
    }
    let mut written = Vec::new();
    let mut missing = Vec::new();
    for p in paths {
        match current(&p, a) {
            Some(now) => written.push(Written {
                system: system.to_owned(),
                method: method.to_owned(),
                figure: p.to_string(),
                value: format!("{:?} {}", now.value, now.unit),
                tolerance: file::DEFAULT_TOLERANCE.to_owned(),
                by_item: now.items,
            }),
            None => {
                let why = a
                    .coverage
                    .iter()
                    .find(|c| c.indicator == p.indicator)
                    .and_then(|c| c.note.clone())
                    .unwrap_or_else(|| "the method does not cover it".to_owned());
                missing.push(format!("not added {system} {method} {p}: {why}"));
            }
        }
    }
    (written, missing)
}

/// Rewrites the expectations file (atomically) and prints what changed: `decided` holds the
/// new text of each entry rewritten (`None`: its figure is gone); the others are kept as
/// written.
fn update(
    io: &mut Io<'_>,
    path: &Path,
    entries: &[Entry],
    mut decided: BTreeMap<usize, Option<Written>>,
    added: Vec<Written>,
    not_added: &[String],
) -> Result<(), Failure> {
    let mut lines = Vec::new();
    let mut out = Vec::new();
    for e in entries {
        let name = format!("{} {} {}", e.system, e.method, e.figure);
        match decided.remove(&e.index) {
            Some(Some(w)) => {
                if w.value != e.value_text || w.by_item != e.by_item {
                    lines.push(format!("changed {name}: {} → {}", e.value_text, w.value));
                }
                out.push(w);
            }
            Some(None) => lines.push(format!("removed {name}: the figure has no value any more")),
            None => out.push(as_written(e)),
        }
    }
    for w in added {
        lines.push(format!(
            "added {} {} {}: {}",
            w.system, w.method, w.figure, w.value
        ));
        out.push(w);
    }
    let text = file::render(&out);
    crate::output::write_file(path, |w| w.write_all(text.as_bytes())).map_err(Failure::Other)?;
    let mut report = String::new();
    if lines.is_empty() {
        report.push_str("no figure changed\n");
    }
    for l in lines.iter().chain(not_added) {
        report.push_str(l);
        report.push('\n');
    }
    report.push_str(&format!(
        "wrote {} ({})\n",
        path.display(),
        bilan_units::text::count(out.len(), "figure", "figures")
    ));
    crate::output::to_stdout(io, &bilan_units::text::escape(&report))
}

/// An entry kept as written (its method did not run or could not assess).
fn as_written(e: &Entry) -> Written {
    Written {
        system: e.system.clone(),
        method: e.method.clone(),
        figure: e.figure.to_string(),
        value: e.value_text.clone(),
        tolerance: e.tolerance_text.clone(),
        by_item: e.by_item.clone(),
    }
}
