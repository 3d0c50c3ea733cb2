//! The Markdown form of a [`Disclosure`].

use std::fmt::Write as _;

use super::{Disclosure, Figure, IndicatorFigures, Status, item_text};

/// Text for a Markdown table cell: no line break, `|` escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

fn header(out: &mut String, cells: &[&str]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(cells.len()));
}

/// The figure's text, with its interval when there is one.
fn with_interval(f: &Figure) -> String {
    match &f.interval {
        Some(i) => format!("{} ({})", f.display, i.display),
        None => f.display.clone(),
    }
}

/// What a table shows for an indicator that has no total.
fn absent(i: &IndicatorFigures) -> String {
    let label = i.status.label();
    match i.note.as_deref().filter(|_| i.status != Status::Covered) {
        // A note that starts with the status says it in full.
        Some(n) if n.starts_with(label) => cell(n),
        Some(n) => format!("{label} ({})", cell(n)),
        None => label.to_owned(),
    }
}

/// The Markdown document.
pub fn render(d: &Disclosure) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let s = &d.system;
    let version = s
        .version
        .as_deref()
        .map_or(String::new(), |v| format!(" {v}"));
    let _ = writeln!(
        out,
        "# Environmental footprint disclosure: {}{version}\n",
        s.name
    );
    if let Some(o) = &s.organisation {
        let _ = writeln!(out, "- Organisation: {o}");
    }
    let _ = writeln!(out, "- Reporting period: {}", d.period);
    let m = &d.method;
    let _ = writeln!(out, "- Method: {} ({} {})", m.name, m.id, m.version);
    if let Some(q) = &d.quality.grade {
        let _ = writeln!(out, "- Data-quality grade: {}", q.display);
    }
    if let Some(desc) = &s.description {
        let _ = writeln!(out, "\n{desc}");
    }

    let _ = writeln!(out, "\n## Method\n\n{}\n", m.description);
    if !m.follows.is_empty() {
        let _ = writeln!(out, "Follows: {}.\n", m.follows.join("; "));
    }
    if !m.parameters.is_empty() {
        let params: Vec<String> = m
            .parameters
            .iter()
            .map(|(k, v)| format!("`{k}` = {v}"))
            .collect();
        let _ = writeln!(out, "Parameters: {}.", params.join(", "));
    }

    let b = &d.boundary;
    let _ = writeln!(out, "\n## Boundary\n\n{}\n", b.description);
    if b.profile {
        header(&mut out, &["required stage", "status"]);
        for r in &b.required_stages {
            let status = match &r.reason {
                Some(reason) => format!("missing: {}", cell(reason)),
                None => "covered".to_owned(),
            };
            row(&mut out, &[r.stage.id().to_owned(), status]);
        }
        out.push('\n');
    }
    if let Some(g) = b.grid_basis {
        let _ = writeln!(out, "Grid basis: {}-based.\n", g.id());
    }
    let stages: Vec<&str> = b.stages_covered.iter().map(|s| s.id()).collect();
    let _ = writeln!(
        out,
        "Life-cycle stages with figures: {}.",
        if stages.is_empty() {
            "none".to_owned()
        } else {
            stages.join(", ")
        }
    );

    let _ = writeln!(out, "\n## Functional units\n");
    if d.functional_units.units.is_empty() && d.functional_units.missing.is_empty() {
        let _ = writeln!(out, "None defined.");
    } else {
        header(&mut out, &["unit", "kind", "count", "status"]);
        for u in &d.functional_units.units {
            row(
                &mut out,
                &[
                    cell(&u.id),
                    u.kind.map_or("-", |k| k.id()).to_owned(),
                    u.count.display.clone(),
                    "figures given".to_owned(),
                ],
            );
        }
        for u in &d.functional_units.missing {
            row(
                &mut out,
                &[
                    cell(&u.id),
                    u.kind.map_or("-", |k| k.id()).to_owned(),
                    "-".to_owned(),
                    format!("missing: {}", cell(&u.reason)),
                ],
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## Indicators\n\nUncertainty: {}.\n",
        d.uncertainty.statement
    );
    header(&mut out, &["indicator", "total", "grade"]);
    for i in &d.indicators {
        let total = i.total.as_ref().map_or_else(|| absent(i), with_interval);
        let grade = d
            .quality
            .indicators
            .iter()
            .find(|q| q.indicator == i.indicator)
            .map_or("-", |q| q.grade.display.as_str());
        row(
            &mut out,
            &[format!("{} ({})", i.name, i.unit), total, grade.to_owned()],
        );
    }
    let covered: Vec<&IndicatorFigures> =
        d.indicators.iter().filter(|i| i.total.is_some()).collect();
    if covered.iter().any(|i| !i.by_stage.is_empty()) {
        let _ = writeln!(out, "\n### By life-cycle stage\n");
        header(&mut out, &["indicator", "stage", "value"]);
        for i in &covered {
            for f in &i.by_stage {
                row(
                    &mut out,
                    &[
                        i.indicator.id().to_owned(),
                        f.label.clone(),
                        with_interval(f),
                    ],
                );
            }
        }
    }
    if covered.iter().any(|i| !i.per_unit.is_empty()) {
        let _ = writeln!(out, "\n### Per functional unit\n");
        header(&mut out, &["indicator", "per", "value", "numerator covers"]);
        for i in &covered {
            for f in &i.per_unit {
                row(
                    &mut out,
                    &[
                        i.indicator.id().to_owned(),
                        cell(&f.label),
                        with_interval(f),
                        cell(f.note.as_deref().unwrap_or("")),
                    ],
                );
            }
        }
    }
    if !d.uncertainty.notes.is_empty() {
        let _ = writeln!(out, "\nNot propagated:\n");
        for n in &d.uncertainty.notes {
            let _ = writeln!(out, "- {n}");
        }
    }

    if !d.method_figures.is_empty() {
        let _ = writeln!(out, "\n## The method's own figures\n");
        header(&mut out, &["figure", "indicator", "value", "note"]);
        for f in &d.method_figures {
            row(
                &mut out,
                &[
                    cell(&f.label),
                    f.indicator.map_or("-", |i| i.id()).to_owned(),
                    f.display.clone(),
                    cell(f.note.as_deref().unwrap_or("")),
                ],
            );
        }
    }

    let q = &d.quality;
    let _ = writeln!(out, "\n## Data quality\n");
    if q.indicators.is_empty() {
        let _ = writeln!(out, "No figure to grade.\n");
    } else {
        header(&mut out, &["indicator", "grade", "shares of the total"]);
        for i in &q.indicators {
            row(
                &mut out,
                &[
                    i.indicator.id().to_owned(),
                    i.grade.display.clone(),
                    i.display.clone(),
                ],
            );
        }
        out.push('\n');
    }
    for m in &q.missing_stages {
        let _ = writeln!(
            out,
            "- Mandatory stage not covered: {} ({})",
            m.stage,
            m.reason.as_deref().unwrap_or("")
        );
    }
    if !q.missing_stages.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", q.rule);

    let _ = writeln!(out, "\n## Exclusions\n");
    if d.exclusions.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        header(&mut out, &["item", "aspect", "indicator", "reason"]);
        for e in &d.exclusions {
            row(
                &mut out,
                &[
                    cell(&item_text(&e.item)),
                    e.aspect.map_or("all", |a| a.id()).to_owned(),
                    e.indicator.map_or("all", |i| i.id()).to_owned(),
                    cell(&e.reason),
                ],
            );
        }
    }

    let _ = writeln!(out, "\n## Assumptions and defaults\n");
    if d.assumptions.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for x in &d.assumptions {
        let items: Vec<String> = x.items.iter().map(item_text).collect();
        let applied = if items.is_empty() {
            String::new()
        } else {
            format!(" (applied to {})", items.join(", "))
        };
        let _ = writeln!(out, "- `{}`: {}{applied}", x.topic, x.text);
    }
    if !d.warnings.is_empty() {
        let _ = writeln!(out, "\n## Warnings\n");
        for w in &d.warnings {
            let _ = writeln!(out, "- {w}");
        }
    }

    let st = &d.stamp;
    let _ = writeln!(out, "\n## Reproducibility\n");
    let _ = writeln!(out, "- bilan {}", st.bilan);
    let _ = writeln!(
        out,
        "- inventory {} sha256 `{}`",
        st.inventory.path, st.inventory.sha256
    );
    let _ = writeln!(out, "- factor database {}", st.factor_database);
    for f in &st.factor_files {
        let _ = writeln!(out, "- factor file {} sha256 `{}`", f.path, f.sha256);
    }
    for f in &st.data_files {
        let _ = writeln!(out, "- data file {} sha256 `{}`", f.path, f.sha256);
    }
    for m in &st.methods {
        let _ = writeln!(
            out,
            "- method {} {} ({})",
            m.id,
            m.version,
            crate::assess::origin_text(&m.origin, crate::lang::Lang::En)
        );
    }
    out
}
