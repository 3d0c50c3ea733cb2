//! Finite in, finite out: an assessment whose figures are not all finite numbers is refused
//! with the item and the term that made it so, instead of printing `inf Mt`.

use super::{Assessment, Contribution, Term, TermSource};
use crate::indicator::Indicator;

impl Assessment {
    /// Checks that every contribution, total, functional-unit result and disclosure is a
    /// finite number. The error names the first item whose figure is not, and the term
    /// (with where it comes from) that took it out of range.
    pub fn check_finite(&self) -> Result<(), String> {
        // The totals are summed in the same pass as the contributions are checked.
        let mut totals = super::Totals::default();
        let mut check = Finite::new(self);
        for c in &self.contributions {
            check.add(c);
            if check.error.is_some() {
                break;
            }
            totals.add(c);
        }
        check.finish(totals.finish(self))
    }
}

/// [`Assessment::check_finite`] contribution by contribution, for a pass over an
/// assessment's contributions that does other work with each as well (and sums its totals,
/// [`super::Totals`]): given the contributions of `a` in order and then their totals,
/// [`Finite::finish`] gives what `check_finite` gives. With a million workloads, reading
/// the contributions is most of what the check costs.
#[derive(Debug)]
pub struct Finite<'a> {
    a: &'a Assessment,
    /// The first contribution's error, after which nothing is added.
    error: Option<String>,
}

impl<'a> Finite<'a> {
    /// The check of `a`, no contribution added yet.
    pub fn new(a: &'a Assessment) -> Finite<'a> {
        Finite { a, error: None }
    }

    /// Adds `c`, the next contribution of the assessment.
    pub fn add(&mut self, c: &Contribution) {
        if self.error.is_none() {
            self.error = contribution_error(self.a, c);
        }
    }

    /// The first figure of the assessment that is not a finite number, if any; `totals`
    /// are its totals (`Totals::finish` of its contributions).
    pub fn finish(self, totals: [Option<f64>; Indicator::ALL.len()]) -> Result<(), String> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let a = self.a;
        if let Some(f) = a.factors.iter().find(|f| !f.canonical.is_finite()) {
            return Err(format!(
                "factor `{}` ({}) is out of range once converted to {}",
                bilan_units::text::clip(&f.id),
                bilan_units::text::clip(&f.value),
                f.canonical_unit
            ));
        }
        for (indicator, total) in Indicator::ALL.iter().zip(totals) {
            if let Some(t) = total
                && !t.is_finite()
            {
                return Err(format!(
                    "the total {} of {} is beyond the range of a 64-bit number: the sum of its contributions overflows; check the largest inputs (`bilan explain --figure {}.total`)",
                    indicator.id(),
                    a.method.id,
                    indicator.id()
                ));
            }
        }
        for f in &a.functional_units {
            if !f.value.is_finite() {
                return Err(format!(
                    "functional unit `{}`: {} per unit is not a finite number ({} over a count of {})",
                    f.functional_unit,
                    f.indicator.id(),
                    number(f.impact),
                    number(f.count)
                ));
            }
        }
        for d in &a.disclosures {
            if let Some(v) = d.value
                && !v.is_finite()
            {
                return Err(format!("disclosure `{}` is not a finite number", d.id));
            }
        }
        Ok(())
    }
}

/// Why `c`, a contribution of `a`, is not finite: a value, or a term that is out of range.
fn contribution_error(a: &Assessment, c: &Contribution) -> Option<String> {
    for v in &c.values {
        if !v.value.is_finite() {
            return Some(describe(a, c, v.indicator, &v.factor));
        }
    }
    // A term out of range can hide in a finite product (a divisor of 1e308 years).
    let t = c.terms.iter().find(|t| !t.value.is_finite())?;
    Some(format!(
        "{}: its {} term {} is not a finite number ({})",
        c.item,
        c.aspect.id(),
        show(t),
        origin(&t.source)
    ))
}

/// How the note of an indicator that no item gives begins (followed by the indicator).
pub const NO_ITEM_GIVES: &str = "not computed: no item of the inventory gives";

/// Whether a coverage note says that no item gives the indicator (rather than that every
/// contribution was excluded).
pub fn no_item_gives(note: &str) -> bool {
    note.starts_with(NO_ITEM_GIVES)
}

impl Assessment {
    /// The disclosure `id` as figure `INDICATOR.disclosure.id` addresses it: one of that
    /// indicator, or one that measures no indicator (an energy, a count), which any
    /// indicator's prefix reaches.
    pub fn disclosure(&self, id: &str, indicator: Indicator) -> Option<&super::Disclosure> {
        self.disclosures
            .iter()
            .find(|d| d.id == id && d.indicator == Some(indicator))
            .or_else(|| {
                self.disclosures
                    .iter()
                    .find(|d| d.id == id && d.indicator.is_none())
            })
    }

    /// Marks every indicator the method covers but to which no contribution counts as "not
    /// computed": either every contribution was excluded (no factor exists, the only item
    /// was left out whole), with the exclusions' reason, or no item gives the indicator at
    /// all. Its total would otherwise read as a measured 0. Its per-unit results go, and
    /// its disclosures lose their value and say why.
    pub fn mark_not_computed(&mut self) {
        // The covered indicators no contribution counts to, found in one pass that ends
        // once each has one.
        let mut missing: Vec<Indicator> = self
            .coverage
            .iter()
            .filter(|c| c.covered)
            .map(|c| c.indicator)
            .collect();
        for c in self.contributions.iter().filter(|c| !c.memo) {
            if missing.is_empty() {
                break;
            }
            missing.retain(|&i| c.value(i).is_none());
        }
        for k in 0..self.coverage.len() {
            let indicator = self.coverage[k].indicator;
            if !self.coverage[k].covered || !missing.contains(&indicator) {
                continue;
            }
            // An exclusion of a whole item (no indicator) excludes its contribution to every
            // indicator.
            let mut excluded = self
                .exclusions
                .iter()
                .filter(|e| e.indicator.is_none_or(|i| i == indicator));
            let every = format!(
                "not computed: every contribution to {} was excluded",
                indicator.id()
            );
            let (note, short) = match excluded.next() {
                Some(first) => {
                    let more = match excluded.count() {
                        0 => String::new(),
                        1 => " (and 1 more exclusion)".to_owned(),
                        n => format!(" (and {n} more exclusions)"),
                    };
                    (
                        format!("{every}: {} {}{more}", first.item, first.reason),
                        format!("{every} (see the exclusions)"),
                    )
                }
                // Nothing was counted and nothing excluded: no item gives this indicator
                // (a service that allocates only emissions gives no energy). A total of 0
                // would read as measured.
                None => {
                    let none = format!("{NO_ITEM_GIVES} {}", indicator.id());
                    (none.clone(), none)
                }
            };
            let c = &mut self.coverage[k];
            c.covered = false;
            c.not_computed = true;
            c.note = Some(note.clone());
            self.functional_units.retain(|r| r.indicator != indicator);
            for d in self
                .disclosures
                .iter_mut()
                .filter(|d| d.indicator == Some(indicator))
            {
                d.value = None;
                d.note = Some(short.clone());
            }
        }
    }
}

fn describe(a: &Assessment, c: &Contribution, indicator: Indicator, factor_id: &str) -> String {
    let clipped = bilan_units::text::clip(factor_id);
    let factor: &str = &clipped;
    let mut parts: Vec<String> = c.terms.iter().map(show).collect();
    let canonical = a
        .factor(factor_id)
        .map(|f| (f.canonical, f.canonical_unit.clone()));
    if let Some((value, unit)) = &canonical {
        parts.push(if value.is_finite() {
            format!("factor `{factor}` = {} {unit}", number(*value))
        } else {
            format!("factor `{factor}` (out of range)")
        });
    }
    // The culprit: a term that is not finite itself, else the one farthest from 1.
    let culprit = c
        .terms
        .iter()
        .find(|t| !t.effect().is_finite() || !t.value.is_finite())
        .or_else(|| {
            c.terms.iter().max_by(|x, y| {
                x.effect()
                    .abs()
                    .log10()
                    .abs()
                    .total_cmp(&y.effect().abs().log10().abs())
            })
        });
    // The factor is the culprit when it is further from 1 than any term.
    let magnitude = |v: f64| v.abs().log10().abs();
    let factor_worse = canonical.as_ref().is_some_and(|(v, _)| {
        !v.is_finite() || culprit.is_none_or(|t| magnitude(*v) > magnitude(t.effect()))
    });
    let blame = match culprit {
        Some(t) if !factor_worse => {
            format!(
                "; the term out of range is {} ({})",
                show(t),
                origin(&t.source)
            )
        }
        _ => format!("; the factor `{factor}` is out of range"),
    };
    format!(
        "{}: its {} ({}) is not a finite number: {} overflows a 64-bit number{blame}",
        c.item,
        indicator.id(),
        c.aspect.id(),
        parts.join(" × ")
    )
}

fn show(t: &Term) -> String {
    let op = if t.power < 0 { "1 / " } else { "" };
    let unit = if t.unit == "1" || t.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", t.unit)
    };
    format!("{op}{} = {}{unit}", t.symbol, number(t.value))
}

/// A number as a person reads it: plain when moderate, exponent form when extreme, and
/// words for what is not a number (an error message must not print `inf` either).
fn number(v: f64) -> String {
    if !v.is_finite() {
        "beyond the 64-bit range".to_owned()
    } else if v == 0.0 || (1e-4..1e15).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

fn origin(source: &TermSource) -> String {
    match source {
        TermSource::Item { key } => format!("the item's `{key}`"),
        TermSource::Inventory { path } => format!("`{path}` in the inventory"),
        TermSource::Factor { id } => format!("factor `{id}`"),
        TermSource::Parameter { name } => format!("parameter `{name}`"),
        TermSource::Rule { rule } => format!("rule: {rule}"),
        TermSource::Derived { formula } => format!("derived: {formula}"),
    }
}
