//! Compiling the audit trails into a linear map over monomials of the uncertain inputs.
//!
//! Every contribution's value is `Π term^power × factor`. Its uncertain inputs multiply it by
//! `Π (x / x₀)^power`, a monomial of the inputs' ratios to their nominal values. A figure is a
//! weighted sum of contribution values, so in any draw it is
//! `constant + Σ coefficient × monomial`: the plan lists the distinct monomials once and,
//! per figure, the coefficient of each. One iteration then costs the number of monomials plus
//! the number of coefficients, whatever the number of contributions that share them.

use bilan_core::assessment::{Assessment, Contribution, Destination, workloads_of};
use bilan_core::figure::{FigurePath, Selector};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::Descriptor;
use rustc_hash::{FxHashMap, FxHashSet};

use super::inputs::{Inputs, Resolver, merge};

/// A product of inputs' ratios, each raised to a power.
pub(super) type Monomial = Box<[(u32, f64)]>;

/// `constant + Σ coefficient × monomial`.
#[derive(Clone, Debug, Default)]
pub(super) struct Linear {
    /// The part no uncertain input touches.
    pub(super) constant: f64,
    /// (monomial, coefficient), by monomial.
    pub(super) terms: Vec<(u32, f64)>,
}

impl Linear {
    /// The value at the nominal inputs (every monomial 1).
    pub(super) fn nominal(&self) -> f64 {
        self.constant + self.terms.iter().map(|t| t.1).sum::<f64>()
    }

    /// The derivative of the value with respect to the logarithm of each input, at the
    /// nominal inputs: Σ coefficient × power, by input.
    pub(super) fn gradient(&self, monomials: &Monomials, out: &mut FxHashMap<u32, f64>) {
        for &(m, coef) in &self.terms {
            for &(n, p) in monomials.list[m as usize].iter() {
                *out.entry(n).or_insert(0.0) += coef * p;
            }
        }
    }
}

/// One figure of one method.
#[derive(Debug)]
pub(super) struct Slot {
    /// The method's position in the run.
    pub(super) method: usize,
    /// The figure.
    pub(super) figure: FigurePath,
    /// Its numerator.
    pub(super) sum: Linear,
    /// What the sum is divided by (R of a functional unit; 1 otherwise).
    pub(super) divisor: f64,
    /// Asked for beyond the aggregate figures (an item's, for `explain`).
    pub(super) extra: bool,
}

impl Slot {
    /// The figure at the nominal inputs.
    pub(super) fn nominal(&self) -> f64 {
        self.sum.nominal() / self.divisor
    }
}

/// Monomials, interned.
#[derive(Debug, Default)]
pub(super) struct Monomials {
    pub(super) list: Vec<Monomial>,
    index: FxHashMap<Box<[(u32, u64)]>, u32>,
    /// The key being looked up, reused so that a lookup allocates nothing.
    scratch: Vec<(u32, u64)>,
}

impl Monomials {
    /// The id of the monomial `inputs` (sorted, merged), interned.
    pub(super) fn intern(&mut self, inputs: &[(usize, f64)]) -> u32 {
        self.scratch.clear();
        self.scratch.extend(
            inputs
                .iter()
                .map(|&(n, p)| (u32::try_from(n).unwrap_or(u32::MAX), p.to_bits())),
        );
        if let Some(&id) = self.index.get(self.scratch.as_slice()) {
            return id;
        }
        let id = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(
            inputs
                .iter()
                .map(|&(n, p)| (u32::try_from(n).unwrap_or(u32::MAX), p))
                .collect(),
        );
        self.index.insert(self.scratch.as_slice().into(), id);
        id
    }

    /// Frees the index once every monomial is known.
    pub(super) fn seal(&mut self) {
        self.index = FxHashMap::default();
        self.scratch = Vec::new();
    }
}

/// What every figure of every method is made of.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub(super) monomials: Monomials,
    pub(super) slots: Vec<Slot>,
    /// Figures that could not be given an interval, and why.
    pub(super) notes: Vec<String>,
}

/// A sum being compiled: a constant, and a coefficient per monomial occurrence, in the order
/// the contributions come (a monomial may occur twice: the sum is the same, and no map is
/// needed for a figure of 100,000 terms).
#[derive(Clone, Debug, Default)]
pub(super) struct Builder {
    constant: f64,
    terms: Vec<(u32, f64)>,
}

impl Builder {
    pub(super) fn add(&mut self, monomial: Option<u32>, amount: f64) {
        match monomial {
            None => self.constant += amount,
            Some(m) => self.terms.push((m, amount)),
        }
    }

    /// The sum, its monomials renumbered by `remap`.
    pub(super) fn linear(self, remap: impl Fn(u32) -> u32) -> Linear {
        let mut terms = self.terms;
        for t in &mut terms {
            t.0 = remap(t.0);
        }
        terms.shrink_to_fit();
        Linear {
            constant: self.constant,
            terms,
        }
    }

    fn finish(self, method: usize, figure: FigurePath, divisor: f64) -> Slot {
        Slot {
            method,
            figure,
            sum: self.linear(|m| m),
            divisor,
            extra: false,
        }
    }
}

/// The figure path of a breakdown destination.
fn figure(indicator: Indicator, d: Destination<'_>) -> Option<FigurePath> {
    let selector = match d {
        Destination::Total => Selector::Total,
        Destination::Stage(s) => Selector::Stage(s),
        Destination::Phase(p) => Selector::Phase(p),
        Destination::Category(c) => Selector::Category(c.to_owned()),
        Destination::Memo(_) => return None,
    };
    Some(FigurePath {
        indicator,
        selector,
    })
}

/// The monomial of every value of a contribution, per indicator (`None`: certain).
pub(super) fn value_monomials(
    resolver: &mut Resolver<'_>,
    monomials: &mut Monomials,
    method: &str,
    c: &Contribution,
    scratch: &mut Vec<(usize, f64)>,
) -> Vec<Option<u32>> {
    let mut terms = Vec::new();
    resolver.terms(method, c, &mut terms);
    c.values
        .iter()
        .map(|v| {
            scratch.clear();
            scratch.extend_from_slice(&terms);
            if let Some(n) = resolver.factor(v) {
                scratch.push((n, 1.0));
            }
            merge(scratch);
            (!scratch.is_empty()).then(|| monomials.intern(scratch))
        })
        .collect()
}

/// Compiles every figure of every assessment: totals, stages, phases, categories and
/// functional units, plus the `extra` figures asked for (method position, figure).
pub(super) fn compile(
    inventory: &Inventory,
    assessed: &[(&Descriptor, &Assessment)],
    inputs: &Inputs,
    extra: &[(usize, FigurePath)],
) -> Plan {
    let mut plan = Plan::default();
    let mut resolver = Resolver::new(inputs);
    let mut scratch = Vec::new();
    for (m, (_, a)) in assessed.iter().enumerate() {
        let mut figures: FxHashMap<(usize, Destination<'_>), Builder> = FxHashMap::default();
        let mut order: Vec<(usize, Destination<'_>)> = Vec::new();
        let fus: Vec<(usize, FxHashSet<&str>)> = a
            .functional_units
            .iter()
            .enumerate()
            .filter_map(|(n, r)| {
                let fu = inventory
                    .functional_units
                    .iter()
                    .find(|f| f.id == r.functional_unit)?;
                Some((
                    n,
                    workloads_of(inventory, fu)
                        .into_iter()
                        .map(|w| w.id.as_str())
                        .collect(),
                ))
            })
            .collect();
        let mut per_unit: Vec<Builder> = fus.iter().map(|_| Builder::default()).collect();
        let mut extras: Vec<Builder> = extra.iter().map(|_| Builder::default()).collect();
        for c in &a.contributions {
            let mono = value_monomials(
                &mut resolver,
                &mut plan.monomials,
                &a.method.id,
                c,
                &mut scratch,
            );
            let shares = c.phase_shares();
            for (v, &mono) in c.values.iter().zip(&mono) {
                let k = v.indicator.index();
                c.destinations(&shares, |d, weight| {
                    let b = figures.entry((k, d)).or_insert_with(|| {
                        order.push((k, d));
                        Builder::default()
                    });
                    b.add(mono, v.value * weight);
                });
                if c.memo {
                    continue;
                }
                for ((n, ids), b) in fus.iter().zip(&mut per_unit) {
                    if a.functional_units[*n].indicator == v.indicator {
                        let share = c.workload_share(ids);
                        if share > 0.0 {
                            b.add(mono, v.value * share);
                        }
                    }
                }
            }
            for ((em, path), b) in extra.iter().zip(&mut extras) {
                if *em == m && path.selects(c) {
                    let share = path.share(c);
                    for (v, &mono) in c.values.iter().zip(&mono) {
                        if v.indicator == path.indicator {
                            b.add(mono, v.value * share);
                        }
                    }
                }
            }
        }
        order.sort_by_key(|(k, d)| (*k, rank(d)));
        for key in order {
            if let (Some(b), Some(path)) =
                (figures.remove(&key), figure(Indicator::ALL[key.0], key.1))
                && a.covers(path.indicator)
            {
                plan.slots.push(b.finish(m, path, 1.0));
            }
        }
        for ((n, _), b) in fus.iter().zip(per_unit) {
            let r = &a.functional_units[*n];
            let slot = b.finish(
                m,
                FigurePath {
                    indicator: r.indicator,
                    selector: Selector::Unit(r.functional_unit.clone()),
                },
                r.count,
            );
            // The interval is given only where the workloads' shares reproduce the method's
            // own numerator; a method that attributes otherwise keeps its point value.
            let tolerance = 1e-9 * r.impact.abs().max(1e-300);
            if (slot.nominal() * r.count - r.impact).abs() <= tolerance.max(1e-12) {
                plan.slots.push(slot);
            } else {
                plan.notes.push(format!(
                    "{}: {} per {} has no interval: the method attributes impacts to it otherwise than by the workloads' shares",
                    a.method.id,
                    r.indicator,
                    r.functional_unit
                ));
            }
        }
        for ((em, path), b) in extra.iter().zip(extras) {
            if *em == m {
                let mut slot = b.finish(m, path.clone(), 1.0);
                slot.extra = true;
                plan.slots.push(slot);
            }
        }
    }
    plan
}

/// Report order of destinations within an indicator.
fn rank(d: &Destination<'_>) -> (u8, String) {
    match d {
        Destination::Total => (0, String::new()),
        Destination::Stage(s) => (1, format!("{:02}", *s as u8)),
        Destination::Phase(p) => (2, format!("{:02}", *p as u8)),
        Destination::Category(c) => (3, (*c).to_owned()),
        Destination::Memo(c) => (4, (*c).to_owned()),
    }
}
