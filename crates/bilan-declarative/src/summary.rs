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
        [Indicator::Gwp, Indicator::Energy] | [Indicator::Energy, Indicator::Gwp] => {
            "carbon and energy".to_owned()
        }
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
    if let Some(p) = &spec.profile {
        let ids = |v: Vec<&str>| v.join(", ");
        if !p.required_stages.is_empty() {
            out.push(format!(
                "requires {}",
                ids(p.required_stages.iter().map(|s| s.id()).collect())
            ));
        }
        if !p.functional_units.is_empty() {
            out.push(format!(
                "reported per {}",
                ids(p.functional_units.iter().map(|k| k.id()).collect())
            ));
        }
        if let Some(basis) = p.grid_basis {
            out.push(format!("{}-based grid", basis.id()));
        }
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

/// The drivers whose every contribution an unconditional exclusion rule of the file takes
/// out (a rule on stages or aspects only, for every indicator), with the rule's id: the
/// base's treatment of them ("included") no longer describes this method.
pub(crate) fn excluded_drivers(spec: &Spec) -> Vec<(Driver, String)> {
    use bilan_core::assessment::{Aspect, Stage};
    let mut out: Vec<(Driver, String)> = Vec::new();
    for rule in spec.rules.iter().filter(|r| r.kind == RuleKind::Exclude) {
        let m = &rule.matcher;
        if m.item.is_some()
            || m.item_kind.is_some()
            || m.phase.is_some()
            || m.category.is_some()
            || m.indicator.is_some()
        {
            continue;
        }
        let mut drivers: Vec<Driver> = Vec::new();
        if let Some(stages) = &m.stage {
            let all: &[Stage] = match stages {
                OneOrMany::One(s) => std::slice::from_ref(s),
                OneOrMany::Many(v) => v,
            };
            for s in all {
                drivers.extend(match s {
                    Stage::Manufacturing => &[Driver::CapitalGoods, Driver::HostEmbodied][..],
                    Stage::Transport => &[Driver::Transport][..],
                    Stage::Infrastructure => &[Driver::Building][..],
                    Stage::EndOfLife => &[Driver::EndOfLife][..],
                    Stage::Use => &[][..],
                });
            }
        }
        if m.stage.is_none()
            && let Some(aspects) = &m.aspect
        {
            let all: &[Aspect] = match aspects {
                OneOrMany::One(a) => std::slice::from_ref(a),
                OneOrMany::Many(v) => v,
            };
            for a in all {
                drivers.extend(match a {
                    Aspect::HostEmbodied => &[Driver::HostEmbodied][..],
                    Aspect::Building => &[Driver::Building][..],
                    Aspect::Transport => &[Driver::Transport][..],
                    Aspect::EndOfLife => &[Driver::EndOfLife][..],
                    _ => &[][..],
                });
            }
        }
        for d in drivers {
            if !out.iter().any(|(x, _)| *x == d) {
                out.push((d, rule.id.clone()));
            }
        }
    }
    out
}
