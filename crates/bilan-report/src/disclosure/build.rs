//! Building the [`Disclosure`] of one method's assessment.

use std::collections::BTreeSet;

use bilan_core::assessment::{Assessment, Stage};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::Descriptor;
use bilan_core::quality::{Grade, RequiredStage};
use bilan_runner::uncertainty::{Propagation, UncertaintyReport};

use super::{
    Assumption, Boundary, Disclosure, Exclusion, Figure, FigureGrade, FunctionalUnit,
    FunctionalUnits, IndicatorFigures, IndicatorQuality, Interval, Method, MethodFigure,
    MissingUnit, QUALITY_RULE, Quality, RequiredStageStatus, SCHEMA_VERSION, Status, System,
    Uncertainty,
};
use crate::assess::Stamp;
use crate::number::{amount, amount_range, count, significant};

/// What a disclosure is built from.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The inventory assessed.
    pub inventory: &'a Inventory,
    /// The method's assessment of it.
    pub assessment: &'a Assessment,
    /// The method's descriptor.
    pub descriptor: &'a Descriptor,
    /// The run's stamp (its methods other than this one are left out).
    pub stamp: &'a Stamp,
    /// The propagation of uncertainty, when it was asked for.
    pub uncertainty: Option<&'a UncertaintyReport>,
}

/// The disclosure of `source`'s assessment.
pub fn build(source: &Source<'_>) -> Disclosure {
    let a = source.assessment;
    let inv = source.inventory;
    let d = source.descriptor;
    let mut stamp = source.stamp.clone();
    stamp.methods.retain(|m| m.id == a.method.id);
    let (units, missing) = functional_units(source);
    let indicators = indicators(source, &missing);
    Disclosure {
        schema: SCHEMA_VERSION,
        system: System {
            name: inv.system.name.clone(),
            version: inv.system.version.clone(),
            organisation: inv.system.organisation.clone(),
            description: inv.system.description.clone(),
        },
        period: inv.system.period,
        method: Method {
            id: a.method.id.clone(),
            version: a.method.version.to_string(),
            name: d.name.clone(),
            description: d.summary.clone(),
            follows: d.references.clone(),
            parameters: a.parameters.clone(),
        },
        boundary: boundary(a, &d.boundary),
        functional_units: FunctionalUnits { units, missing },
        indicators,
        method_figures: method_figures(a),
        uncertainty: uncertainty(source.uncertainty),
        quality: quality(inv, a),
        exclusions: a
            .exclusions
            .iter()
            .map(|e| Exclusion {
                item: e.item.clone(),
                aspect: e.aspect,
                indicator: e.indicator,
                reason: e.reason.to_string(),
            })
            .collect(),
        assumptions: a
            .assumptions
            .iter()
            .map(|x| Assumption {
                topic: x.topic.to_string(),
                text: x.text.clone(),
                items: x.items.clone(),
            })
            .collect(),
        warnings: a.warnings.clone(),
        stamp,
    }
}

fn boundary(a: &Assessment, description: &str) -> Boundary {
    let required = a
        .profile
        .as_ref()
        .map_or(&[][..], |p| &p.required_stages[..]);
    let stages: BTreeSet<Stage> = a
        .contributions
        .iter()
        .filter(|c| !c.memo && c.values.iter().any(|v| v.value != 0.0))
        .map(|c| c.stage)
        .collect();
    Boundary {
        description: description.to_owned(),
        profile: a.profile.is_some(),
        required_stages: required.iter().map(|s| stage_status(a, *s)).collect(),
        grid_basis: a.profile.as_ref().and_then(|p| p.grid_basis),
        stages_covered: Stage::ALL
            .into_iter()
            .filter(|s| stages.contains(s))
            .collect(),
    }
}

fn stage_status(a: &Assessment, stage: RequiredStage) -> RequiredStageStatus {
    let missing = a.missing_stages.iter().find(|m| m.stage == stage);
    RequiredStageStatus {
        stage,
        covered: missing.is_none(),
        reason: missing.map(|m| m.reason.clone()),
    }
}

/// A figure, or `None` when `value` is not a finite number.
fn figure(path: String, label: &str, value: f64, unit: String, display: String) -> Option<Figure> {
    value.is_finite().then(|| Figure {
        figure: path,
        label: label.to_owned(),
        value,
        unit,
        display,
        note: None,
        interval: None,
    })
}

/// The interval of `figure` for `method` in `u`, when every bound is a finite number.
fn interval(
    u: Option<&UncertaintyReport>,
    method: &str,
    path: &str,
    show: &dyn Fn(f64) -> String,
    range: &dyn Fn(f64, f64) -> String,
) -> Option<Interval> {
    let f = u?
        .figures
        .iter()
        .find(|f| f.method == method && f.figure == path)?;
    let i = f.interval;
    [i.median, i.low, i.high, i.p95]
        .iter()
        .all(|v| v.is_finite())
        .then(|| Interval {
            figure: format!("{path}:interval"),
            median: i.median,
            low: i.low,
            high: i.high,
            p95: i.p95,
            display: format!("median {}; 95 %: {}", show(i.median), range(i.low, i.high)),
        })
}

fn functional_units(source: &Source<'_>) -> (Vec<FunctionalUnit>, Vec<MissingUnit>) {
    let a = source.assessment;
    let mut units: Vec<FunctionalUnit> = Vec::new();
    let mut missing: Vec<MissingUnit> = Vec::new();
    for r in &a.functional_units {
        if units.iter().any(|u| u.id == r.functional_unit)
            || missing.iter().any(|m| m.id == r.functional_unit)
        {
            continue;
        }
        let unit = r.kind.map_or("unit", |k| k.id()).to_owned();
        match figure(
            format!("unit.{}:count", r.functional_unit),
            "count",
            r.count,
            unit,
            count(r.count),
        ) {
            Some(c) if r.count > 0.0 => units.push(FunctionalUnit {
                id: r.functional_unit.clone(),
                kind: r.kind,
                count: c,
            }),
            _ => missing.push(MissingUnit {
                id: r.functional_unit.clone(),
                kind: r.kind,
                reason: format!("its count R is {}, not a positive number", r.count),
            }),
        }
    }
    for m in &a.missing_units {
        if !missing.iter().any(|x| x.id == m.functional_unit) {
            missing.push(MissingUnit {
                id: m.functional_unit.clone(),
                kind: Some(m.kind),
                reason: m.reason.clone(),
            });
        }
    }
    // A unit the inventory defines and the method gives no figure for is shown as missing.
    for fu in &source.inventory.functional_units {
        if !units.iter().any(|u| u.id == fu.id) && !missing.iter().any(|m| m.id == fu.id) {
            missing.push(MissingUnit {
                id: fu.id.clone(),
                kind: Some(fu.kind),
                reason: format!(
                    "{} gives no figure per this unit (see its warnings)",
                    a.method.id
                ),
            });
        }
    }
    (units, missing)
}

fn indicators(source: &Source<'_>, missing: &[MissingUnit]) -> Vec<IndicatorFigures> {
    let a = source.assessment;
    let method = a.method.id.as_str();
    let u = source.uncertainty;
    Indicator::ALL
        .into_iter()
        .zip(a.breakdowns())
        .map(|(indicator, breakdown)| {
            let coverage = a.coverage.iter().find(|c| c.indicator == indicator);
            let mut out = IndicatorFigures {
                indicator,
                name: indicator.name().to_owned(),
                unit: indicator.unit().to_owned(),
                status: match coverage {
                    Some(c) if c.covered => Status::Covered,
                    Some(c) if c.not_computed => Status::NotComputed,
                    _ => Status::NotCovered,
                },
                note: coverage.and_then(|c| c.note.clone()),
                total: None,
                by_stage: Vec::new(),
                per_unit: Vec::new(),
            };
            let Some(b) = breakdown else {
                return out;
            };
            let show = |v: f64| amount(v, indicator);
            let range = |l: f64, h: f64| amount_range(l, h, indicator);
            let with_interval = |mut f: Figure| {
                f.interval = interval(u, method, &f.figure, &show, &range);
                f
            };
            let unit = indicator.unit().to_owned();
            let total = figure(
                format!("{}.total", indicator.id()),
                "total",
                b.total,
                unit.clone(),
                show(b.total),
            );
            let Some(total) = total else {
                out.status = Status::NotComputed;
                out.note = Some("the total is not a finite number".to_owned());
                return out;
            };
            out.total = Some(with_interval(total));
            out.by_stage = b
                .by_stage
                .iter()
                .filter_map(|(stage, v)| {
                    figure(
                        format!("{}.stage.{}", indicator.id(), stage.id()),
                        stage.id(),
                        *v,
                        unit.clone(),
                        show(*v),
                    )
                })
                .map(with_interval)
                .collect();
            out.per_unit = a
                .functional_units
                .iter()
                .filter(|r| r.indicator == indicator)
                .filter(|r| !missing.iter().any(|m| m.id == r.functional_unit))
                .filter_map(|r| {
                    let per = r.kind.map_or("unit", |k| k.id());
                    let mut f = figure(
                        format!("{}.unit.{}", indicator.id(), r.functional_unit),
                        &r.functional_unit,
                        r.value,
                        format!("{}/{per}", indicator.unit()),
                        show(r.value),
                    )?;
                    f.note = Some(r.scope.clone());
                    Some(with_interval(f))
                })
                .collect();
            out
        })
        .collect()
}

fn method_figures(a: &Assessment) -> Vec<MethodFigure> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    a.disclosures
        .iter()
        .map(|d| {
            let base = match d.indicator {
                Some(i) => format!("{}.disclosure.{}", i.id(), d.id),
                None => format!("disclosure.{}", d.id),
            };
            let mut path = base.clone();
            let mut n = 2;
            while !seen.insert(path.clone()) {
                path = format!("{base}#{n}");
                n += 1;
            }
            let value = d.value.filter(|v| v.is_finite());
            let display = match value {
                Some(v) => method_figure_text(v, &d.unit, d.indicator),
                None => "not computed".to_owned(),
            };
            let note = match (d.value, value) {
                (Some(_), None) => Some("the figure is not a finite number".to_owned()),
                _ => d.note.clone(),
            };
            MethodFigure {
                figure: path,
                id: d.id.to_string(),
                label: d.label.to_string(),
                indicator: d.indicator,
                value,
                unit: d.unit.to_string(),
                display,
                formula: d.formula.to_string(),
                note,
            }
        })
        .collect()
}

/// A method's figure as printed: a ratio as a percentage, an amount of its indicator (or of
/// it per something) scaled like the totals, anything else with its own unit.
pub(super) fn method_figure_text(v: f64, unit: &str, indicator: Option<Indicator>) -> String {
    if unit == "1" {
        return format!("{} %", significant(v * 100.0, 3));
    }
    let squash = |s: &str| s.replace(' ', "");
    if let Some(i) = indicator {
        let (amount_unit, per) = unit.split_once('/').unwrap_or((unit, ""));
        if squash(amount_unit) == squash(i.unit()) {
            return match per {
                "" => amount(v, i),
                per => format!("{} per {per}", amount(v, i)),
            };
        }
    }
    format!("{} {unit}", significant(v, 4))
}

fn uncertainty(u: Option<&UncertaintyReport>) -> Uncertainty {
    let Some(u) = u else {
        return Uncertainty {
            propagated: false,
            propagation: None,
            iterations: None,
            seed: None,
            statement: "not propagated: no interval is given (write the disclosure with --uncertainty analytic or --uncertainty mc to give them)".to_owned(),
            notes: Vec::new(),
        };
    };
    let how = match u.propagation {
        Propagation::Analytic => "first-order (analytic) propagation".to_owned(),
        Propagation::MonteCarlo => format!(
            "Monte Carlo propagation, {} iterations{}",
            u.iterations.map_or("?".to_owned(), |n| count(n as f64)),
            u.seed.map_or(String::new(), |s| format!(", seed {s}"))
        ),
    };
    Uncertainty {
        propagated: true,
        propagation: Some(u.propagation),
        iterations: u.iterations,
        seed: u.seed,
        statement: format!(
            "95 % intervals (2.5th to 97.5th percentile) and medians from the {how} of {} uncertain inputs",
            u.inputs.len()
        ),
        notes: u.notes.clone(),
    }
}

fn grade(figure: String, grade: Grade) -> FigureGrade {
    FigureGrade {
        figure,
        grade,
        display: grade.letter().to_owned(),
    }
}

fn quality(inv: &Inventory, a: &Assessment) -> Quality {
    let q = bilan_core::quality::assess(inv, a);
    let indicators: Vec<IndicatorQuality> = Indicator::ALL
        .into_iter()
        .filter_map(|i| q.total(i))
        .filter(|f| f.score.is_finite())
        .map(|f| IndicatorQuality {
            indicator: f.indicator,
            grade: grade(format!("{}.total:grade", f.indicator.id()), f.grade),
            score: f.score,
            shares: f.shares,
            display: f.shares.summary(),
        })
        .collect();
    Quality {
        grade: indicators
            .iter()
            .map(|i| i.grade.grade)
            .max()
            .map(|g| grade("quality.grade".to_owned(), g)),
        indicators,
        missing_stages: q
            .missing_stages
            .iter()
            .map(|m| RequiredStageStatus {
                stage: m.stage,
                covered: false,
                reason: Some(m.reason.clone()),
            })
            .collect(),
        rule: QUALITY_RULE.to_owned(),
    }
}
