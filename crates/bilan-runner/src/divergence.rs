//! Why two methods give different numbers for the same inventory.
//!
//! For a pair of methods (A, B) and an indicator, the difference `total(B) − total(A)` is
//! split by [`Driver`] (capital goods expensed or amortised, market- or location-based
//! electricity, life-cycle or combustion-only factors, utilisation divisor, idle and
//! overhead, building, end of life, time frame, indicator coverage…). The drivers come from
//! the methods' own tags: each term and factor of a contribution names the driver it bears
//! on, each contribution names the driver that explains its presence, each exclusion the
//! driver that explains its absence. Nothing is written per example.
//!
//! **Decomposition** (documented in `docs/divergence.md`):
//!
//! 1. Contributions are matched by inventory item and aspect (a workload's electricity, a
//!    fleet's embodied impacts…).
//! 2. For a matched pair, each side's value is a product of driver groups (the product of the
//!    terms and factor tagged with that driver; untagged terms form one more group). The
//!    groups of A are replaced by those of B one driver at a time, in the fixed order of
//!    [`Driver::ALL`] (sequential substitution); each step's change is that driver's amount.
//!    Untagged terms are substituted last and their change goes to the residual.
//! 3. An item's aspect present on one side only is attributed, whole, to the driver that
//!    explains it: the present contribution's presence driver, else the other method's
//!    exclusion driver for that item; else to the residual.
//! 4. An indicator covered by one method only is attributed to indicator coverage.
//!
//! The steps telescope, so the driver amounts plus the residual equal the difference (up to
//! floating-point rounding, which also lands in the residual); a test checks this identity
//! on every example.

use std::collections::HashMap;

use bilan_core::assessment::{Aspect, Assessment, Contribution, Driver, FactorUse, ItemKind};
use bilan_core::indicator::Indicator;
use bilan_core::method::Descriptor;
use rayon::prelude::*;
use serde::Serialize;

/// The part of a difference one driver explains.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DriverAmount {
    /// The driver.
    pub driver: Driver,
    /// Its share of `B − A`, in the indicator's unit.
    pub amount: f64,
    /// Method A's rule for this driver, from its descriptor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_rule: Option<String>,
    /// Method B's rule for this driver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_rule: Option<String>,
}

/// The explained difference between two methods for one indicator.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Divergence {
    /// Method A (the reference).
    pub a: String,
    /// Method B.
    pub b: String,
    /// The indicator.
    pub indicator: Indicator,
    /// A's total (`None`: not covered).
    pub a_total: Option<f64>,
    /// B's total (`None`: not covered).
    pub b_total: Option<f64>,
    /// `B − A`, an uncovered side counting as nothing.
    pub difference: f64,
    /// Amounts by driver, in decomposition order; drivers that explain nothing are left out.
    pub drivers: Vec<DriverAmount>,
    /// What no driver explains (untagged terms, unmatched items, rounding).
    pub residual: f64,
}

const GROUPS: usize = Driver::ALL.len() + 1;
const UNTAGGED: usize = Driver::ALL.len();

fn driver_index(d: Driver) -> usize {
    Driver::ALL.iter().position(|x| *x == d).unwrap_or(UNTAGGED)
}

type Key<'a> = (ItemKind, &'a str, Aspect);

/// An assessment indexed for comparison.
struct Index<'a> {
    descriptor: &'a Descriptor,
    assessment: &'a Assessment,
    by_key: HashMap<Key<'a>, Vec<&'a Contribution>>,
    factors: HashMap<&'a str, &'a FactorUse>,
    excluded: HashMap<(ItemKind, &'a str, Option<Aspect>), Driver>,
}

impl<'a> Index<'a> {
    fn new(descriptor: &'a Descriptor, assessment: &'a Assessment) -> Index<'a> {
        let mut by_key: HashMap<Key<'a>, Vec<&'a Contribution>> =
            HashMap::with_capacity(assessment.contributions.len());
        for c in assessment.contributions.iter().filter(|c| !c.memo) {
            by_key
                .entry((c.item.kind, &c.item.id, c.aspect))
                .or_default()
                .push(c);
        }
        let factors = assessment.factors.iter().map(|f| (&*f.id, f)).collect();
        let excluded = assessment
            .exclusions
            .iter()
            .filter_map(|e| e.driver.map(|d| ((e.item.kind, &*e.item.id, e.aspect), d)))
            .collect();
        Index {
            descriptor,
            assessment,
            by_key,
            factors,
            excluded,
        }
    }

    fn exclusion_driver(&self, key: &Key<'a>) -> Option<Driver> {
        self.excluded
            .get(&(key.0, key.1, Some(key.2)))
            .or_else(|| self.excluded.get(&(key.0, key.1, None)))
            .copied()
    }

    /// The driver groups of `c` for `indicator`, or `None` if it has no value for it.
    fn groups(&self, c: &Contribution, indicator: Indicator) -> Option<([f64; GROUPS], f64)> {
        let v = c.values.iter().find(|v| v.indicator == indicator)?;
        let mut g = [1.0; GROUPS];
        for t in &c.terms {
            g[t.driver.map_or(UNTAGGED, driver_index)] *= t.effect();
        }
        let factor = self.factors.get(&*v.factor)?;
        g[driver_index(factor.driver.unwrap_or(Driver::FactorChoice))] *= factor.canonical;
        Some((g, v.value))
    }

    fn rule(&self, d: Driver) -> Option<String> {
        self.descriptor
            .rule(d)
            .map(|r| format!("{}: {}", r.treatment, r.description))
    }
}

#[derive(Default)]
struct Tally {
    drivers: [f64; GROUPS],
}

impl Tally {
    fn add(&mut self, driver: Option<Driver>, amount: f64) {
        self.drivers[driver.map_or(UNTAGGED, driver_index)] += amount;
    }
}

fn product(g: &[f64; GROUPS]) -> f64 {
    g.iter().product()
}

/// Sequential substitution of A's driver groups by B's, in driver order.
fn substitute(tally: &mut Tally, (ga, va): ([f64; GROUPS], f64), (gb, vb): ([f64; GROUPS], f64)) {
    let mut current = ga;
    let mut previous = product(&current);
    // Rounding between the stored values and the recomputed products goes to the residual.
    tally.drivers[UNTAGGED] += previous - va;
    for i in 0..GROUPS {
        if current[i] != gb[i] {
            current[i] = gb[i];
            let next = product(&current);
            tally.drivers[i] += next - previous;
            previous = next;
        }
    }
    tally.drivers[UNTAGGED] += vb - previous;
}

fn decompose(a: &Index<'_>, b: &Index<'_>, indicator: Indicator) -> Divergence {
    let a_total = a.assessment.total(indicator);
    let b_total = b.assessment.total(indicator);
    let mut tally = Tally::default();
    match (a_total, b_total) {
        (Some(_), Some(_)) => {
            let mut keys: Vec<&Key<'_>> = a
                .by_key
                .keys()
                .chain(b.by_key.keys().filter(|k| !a.by_key.contains_key(*k)))
                .collect();
            keys.sort_unstable();
            for key in keys {
                let side = |ix: &Index<'_>| -> Vec<([f64; GROUPS], f64, Option<Driver>)> {
                    ix.by_key
                        .get(key)
                        .into_iter()
                        .flatten()
                        .filter_map(|c| ix.groups(c, indicator).map(|(g, v)| (g, v, c.presence)))
                        .collect()
                };
                let (sa, sb) = (side(a), side(b));
                match (sa.as_slice(), sb.as_slice()) {
                    ([], []) => {}
                    ([(ga, va, _)], [(gb, vb, _)]) => {
                        substitute(&mut tally, (*ga, *va), (*gb, *vb))
                    }
                    ([], present) => {
                        let driver = present
                            .iter()
                            .find_map(|x| x.2)
                            .or_else(|| a.exclusion_driver(key));
                        tally.add(driver, present.iter().map(|x| x.1).sum());
                    }
                    (present, []) => {
                        let driver = present
                            .iter()
                            .find_map(|x| x.2)
                            .or_else(|| b.exclusion_driver(key));
                        tally.add(driver, -present.iter().map(|x| x.1).sum::<f64>());
                    }
                    (many_a, many_b) => {
                        // Several contributions for one item and aspect on a side cannot be
                        // matched term by term: their difference is left unexplained.
                        let sum = |s: &[([f64; GROUPS], f64, Option<Driver>)]| {
                            s.iter().map(|x| x.1).sum::<f64>()
                        };
                        tally.add(None, sum(many_b) - sum(many_a));
                    }
                }
            }
        }
        (Some(t), None) => tally.add(Some(Driver::IndicatorCoverage), -t),
        (None, Some(t)) => tally.add(Some(Driver::IndicatorCoverage), t),
        (None, None) => {}
    }
    let difference = b_total.unwrap_or(0.0) - a_total.unwrap_or(0.0);
    let drivers = Driver::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| tally.drivers[*i] != 0.0)
        .map(|(i, d)| DriverAmount {
            driver: *d,
            amount: tally.drivers[i],
            a_rule: a.rule(*d),
            b_rule: b.rule(*d),
        })
        .collect();
    Divergence {
        a: a.assessment.method.id.clone(),
        b: b.assessment.method.id.clone(),
        indicator,
        a_total,
        b_total,
        difference,
        drivers,
        residual: tally.drivers[UNTAGGED],
    }
}

/// The divergence of every pair of methods (in run order: A before B) for every indicator at
/// least one of them covers.
pub fn all_pairs(assessed: &[(&Descriptor, &Assessment)]) -> Vec<Divergence> {
    let indices: Vec<Index<'_>> = assessed.par_iter().map(|(d, a)| Index::new(d, a)).collect();
    let mut jobs = Vec::new();
    for i in 0..indices.len() {
        for j in i + 1..indices.len() {
            for indicator in Indicator::ALL {
                if indices[i].assessment.covers(indicator)
                    || indices[j].assessment.covers(indicator)
                {
                    jobs.push((i, j, indicator));
                }
            }
        }
    }
    jobs.par_iter()
        .map(|&(i, j, indicator)| decompose(&indices[i], &indices[j], indicator))
        .collect()
}
