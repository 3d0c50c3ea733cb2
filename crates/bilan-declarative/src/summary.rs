//! What a declarative methodology's descriptor says it covers, derived from what the file
//! does, so that the comparison's rule rows and boundary match what the method computes: a
//! file that keeps only `gwp` is "carbon only", not the base's "multi-criteria"; a file that
//! excludes stages says so in its boundary.

use bilan_core::Indicator;
use bilan_core::assessment::Driver;
use bilan_core::method::RuleSpec as DriverRule;

use crate::spec::{Match, OneOrMany, RuleKind, Spec};

/// The indicator-coverage rule for a file that selects `selected` indicators.
pub(crate) fn coverage_rule(selected: &[Indicator], file: &str) -> DriverRule {
    let names: Vec<&str> = selected.iter().map(|i| i.id()).collect();
    let left_out: Vec<&str> = Indicator::ALL
        .iter()
        .filter(|i| !selected.contains(i))
        .map(|i| i.id())
        .collect();
    let treatment = match selected {
        [Indicator::Gwp] => "carbon only".to_owned(),
        [only] => format!("{} only", only.id()),
        _ if left_out.is_empty() => "multi-criteria".to_owned(),
        _ => format!("{} indicators", selected.len()),
    };
    let mut description = format!("{} (selected by {file})", names.join(", "));
    if !left_out.is_empty() {
        description.push_str(&format!(
            "; {} reported as not covered, not as zeros",
            left_out.join(", ")
        ));
    }
    DriverRule {
        driver: Driver::IndicatorCoverage,
        treatment,
        description,
    }
}

/// The base's boundary, with what the file's unconditional exclusions and indicator
/// selection take out of it.
pub(crate) fn boundary(base: &str, spec: &Spec, file: &str) -> String {
    let mut out: Vec<String> = spec
        .rules
        .iter()
        .filter(|r| r.kind == RuleKind::Exclude)
        .map(|r| format!("excludes {} (rule `{}`)", describe(&r.matcher), r.id))
        .collect();
    if let Some(selected) = &spec.indicators {
        out.push(format!(
            "indicators: {}",
            selected
                .iter()
                .map(|i| i.id())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if out.is_empty() {
        format!("{base} — as adjusted by {file}")
    } else {
        format!("{base} — as adjusted by {file}: {}", out.join("; "))
    }
}

fn list<T>(v: &OneOrMany<T>, id: impl Fn(&T) -> String) -> String {
    match v {
        OneOrMany::One(x) => id(x),
        OneOrMany::Many(xs) => xs.iter().map(id).collect::<Vec<_>>().join(", "),
    }
}

fn describe(m: &Match) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &m.item_kind {
        parts.push(format!("items {}", list(k, |x| x.key().to_owned())));
    }
    if let Some(item) = &m.item {
        parts.push(format!("item `{item}`"));
    }
    if let Some(a) = &m.aspect {
        parts.push(format!("aspect {}", list(a, |x| x.id().to_owned())));
    }
    if let Some(s) = &m.stage {
        parts.push(format!("stage {}", list(s, |x| x.id().to_owned())));
    }
    if let Some(p) = &m.phase {
        parts.push(format!("phase {}", p.id()));
    }
    if let Some(c) = &m.category {
        parts.push(format!("category `{c}`"));
    }
    if let Some(i) = &m.indicator {
        parts.push(format!("indicator {}", i.id()));
    }
    if parts.is_empty() {
        "everything".to_owned()
    } else {
        parts.join(" and ")
    }
}
