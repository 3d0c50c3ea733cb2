//! Compiling the audit trails into a linear map over monomials of the uncertain inputs.
//!
//! Every contribution's value is `Π term^power × factor`. Its uncertain inputs multiply it by
//! `Π (x / x₀)^power`, a monomial of the inputs' ratios to their nominal values. A figure is a
//! weighted sum of contribution values, so in any draw it is
//! `constant + Σ coefficient × monomial`: the plan lists the distinct monomials once and,
//! per figure, the coefficient of each. One iteration then costs the number of monomials plus
//! the number of coefficients, whatever the number of contributions that share them.

use bilan_core::assessment::{Assessment, Contribution, Destination, IndicatorValue, workloads_of};
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

/// One figure of one method: a weighted sum of groups (see [`Plan::groups`]), divided by
/// `divisor`.
#[derive(Debug)]
pub(super) struct Slot {
    /// The method's position in the run.
    pub(super) method: usize,
    /// The figure.
    pub(super) figure: FigurePath,
    /// (group, weight): the groups of contributions it counts, and the share it counts.
    pub(super) parts: Vec<(u32, f64)>,
    /// What the sum is divided by (R of a functional unit; 1 otherwise).
    pub(super) divisor: f64,
    /// Asked for beyond the aggregate figures (an item's, for `explain`).
    pub(super) extra: bool,
}

impl Slot {
    /// The figure at the nominal inputs.
    pub(super) fn nominal(&self, groups: &[Linear]) -> f64 {
        self.parts
            .iter()
            .map(|&(g, w)| w * groups[g as usize].nominal())
            .sum::<f64>()
            / self.divisor
    }

    /// The figure from its groups' values.
    pub(super) fn combine(&self, group: impl Fn(u32) -> f64) -> f64 {
        self.parts.iter().map(|&(g, w)| w * group(g)).sum::<f64>() / self.divisor
    }

    /// ∂F/∂ln x for every input the figure depends on, sorted by input.
    pub(super) fn gradient(&self, plan: &Plan) -> Vec<(u32, f64)> {
        let mut g = FxHashMap::default();
        for &(group, w) in &self.parts {
            let mut part = FxHashMap::default();
            plan.groups[group as usize].gradient(&plan.monomials, &mut part);
            for (n, d) in part {
                *g.entry(n).or_insert(0.0) += w * d;
            }
        }
        let mut g: Vec<(u32, f64)> = g.into_iter().map(|(n, v)| (n, v / self.divisor)).collect();
        g.sort_by_key(|x| x.0);
        g
    }

    /// The inputs the figure depends on.
    pub(super) fn inputs(&self, plan: &Plan) -> std::collections::BTreeSet<u32> {
        self.parts
            .iter()
            .flat_map(|&(g, _)| plan.groups[g as usize].terms.iter())
            .flat_map(|&(m, _)| plan.monomials.list[m as usize].iter().map(|x| x.0))
            .collect()
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
///
/// Contributions that count towards the same figures with the same weights (a workload's
/// electricity and its host electricity: total, use stage, its phase, the method's
/// category) form one group, summed once; each figure is a weighted sum of a few groups. A
/// contribution's value is thus stored once, not once per figure it counts towards.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub(super) monomials: Monomials,
    /// Sums of contribution values, one per method, indicator and set of destinations.
    pub(super) groups: Vec<Linear>,
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

/// The uncertain inputs of a contribution's terms, with their powers and the one indicator
/// a term applies to, if it applies to one only.
pub(super) fn term_inputs(
    resolver: &mut Resolver<'_>,
    method: &str,
    c: &Contribution,
) -> Vec<(usize, f64, Option<Indicator>)> {
    let mut cited = Vec::new();
    resolver.terms(method, c, &mut cited);
    cited
        .into_iter()
        .map(|(n, p, t)| (n, p, c.terms[t].indicator))
        .collect()
}

/// The monomial of one value of a contribution, given its terms' inputs (`None`: certain).
pub(super) fn value_monomial(
    resolver: &mut Resolver<'_>,
    monomials: &mut Monomials,
    terms: &[(usize, f64, Option<Indicator>)],
    v: &IndicatorValue,
    scratch: &mut Vec<(usize, f64)>,
) -> Option<u32> {
    scratch.clear();
    scratch.extend(
        terms
            .iter()
            .filter(|t| t.2.is_none_or(|i| i == v.indicator))
            .map(|t| (t.0, t.1)),
    );
    if let Some(n) = resolver.factor(v) {
        scratch.push((n, 1.0));
    }
    merge(scratch);
    (!scratch.is_empty()).then(|| monomials.intern(scratch))
}

/// Where a contribution's value counts: a figure of the breakdown, a functional unit (by
/// position in the assessment's results) or a figure asked for (by position in `extra`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Target<'a> {
    Breakdown(Destination<'a>),
    Unit(usize),
    Extra(usize),
}

/// What makes a group: the indicator, and every target with the weight (as bits) of the
/// contribution's value there.
type Signature<'a> = (usize, Targets<'a>);

/// Every target of a contribution's value, with its weight as bits.
type Targets<'a> = Box<[(Target<'a>, u64)]>;

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
                        .map(|w| w.id.as_ref())
                        .collect(),
                ))
            })
            .collect();
        // Groups of this method, by indicator and destinations with their weights.
        // Per indicator: groups by their targets, looked up by slice (no allocation on a hit).
        let mut index: Vec<FxHashMap<Targets<'_>, u32>> =
            vec![FxHashMap::default(); Indicator::ALL.len()];
        let mut signatures: Vec<Signature<'_>> = Vec::new();
        let mut builders: Vec<Builder> = Vec::new();
        let mut targets: Vec<(Target<'_>, u64)> = Vec::new();
        for c in &a.contributions {
            let terms = term_inputs(&mut resolver, &a.method.id, c);
            let shares = c.phase_shares();
            let selected: Vec<(usize, f64)> = extra
                .iter()
                .enumerate()
                .filter(|(_, (em, path))| *em == m && path.selects(c))
                .map(|(i, (_, path))| (i, path.share(c)))
                .collect();
            for v in &c.values {
                let mono =
                    value_monomial(&mut resolver, &mut plan.monomials, &terms, v, &mut scratch);
                let k = v.indicator.index();
                targets.clear();
                c.destinations(&shares, |d, weight| {
                    if !matches!(d, Destination::Memo(_)) {
                        targets.push((Target::Breakdown(d), weight.to_bits()));
                    }
                });
                if !c.memo {
                    for (n, ids) in &fus {
                        if a.functional_units[*n].indicator == v.indicator {
                            let share = c.workload_share(ids);
                            if share > 0.0 {
                                targets.push((Target::Unit(*n), share.to_bits()));
                            }
                        }
                    }
                }
                for &(i, share) in &selected {
                    if extra[i].1.indicator == v.indicator {
                        targets.push((Target::Extra(i), share.to_bits()));
                    }
                }
                if targets.is_empty() {
                    continue;
                }
                let group = match index[k].get(targets.as_slice()) {
                    Some(&g) => g,
                    None => {
                        let g = u32::try_from(builders.len()).unwrap_or(u32::MAX);
                        let key: Targets<'_> = targets.as_slice().into();
                        index[k].insert(key.clone(), g);
                        signatures.push((k, key));
                        builders.push(Builder::default());
                        g
                    }
                };
                builders[group as usize].add(mono, v.value);
            }
        }
        // Each group's value goes, with its weight, to the figures it counts towards.
        let offset = u32::try_from(plan.groups.len()).unwrap_or(u32::MAX);
        let mut figures: FxHashMap<(usize, Target<'_>), Vec<(u32, f64)>> = FxHashMap::default();
        for (g, (k, targets)) in signatures.iter().enumerate() {
            let g = offset + u32::try_from(g).unwrap_or(u32::MAX);
            for &(t, w) in targets.iter() {
                figures
                    .entry((*k, t))
                    .or_default()
                    .push((g, f64::from_bits(w)));
            }
        }
        plan.groups
            .extend(builders.into_iter().map(|b| b.linear(|x| x)));
        let mut breakdown: Vec<(usize, Destination<'_>)> = figures
            .keys()
            .filter_map(|(k, t)| match t {
                Target::Breakdown(d) => Some((*k, *d)),
                _ => None,
            })
            .collect();
        breakdown.sort_by_key(|(k, d)| (*k, rank(d)));
        for (k, d) in breakdown {
            let Some(parts) = figures.remove(&(k, Target::Breakdown(d))) else {
                continue;
            };
            if let Some(path) = figure(Indicator::ALL[k], d)
                && a.covers(path.indicator)
            {
                plan.slots.push(Slot {
                    method: m,
                    figure: path,
                    parts,
                    divisor: 1.0,
                    extra: false,
                });
            }
        }
        for (n, _) in &fus {
            let r = &a.functional_units[*n];
            let parts = figures
                .remove(&(r.indicator.index(), Target::Unit(*n)))
                .unwrap_or_default();
            let slot = Slot {
                method: m,
                figure: FigurePath {
                    indicator: r.indicator,
                    selector: Selector::Unit(r.functional_unit.clone()),
                },
                parts,
                divisor: r.count,
                extra: false,
            };
            // The interval is given only where the workloads' shares reproduce the method's
            // own numerator; a method that attributes otherwise keeps its point value.
            let tolerance = 1e-9 * r.impact.abs().max(1e-300);
            if (slot.nominal(&plan.groups) * r.count - r.impact).abs() <= tolerance.max(1e-12) {
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
        for (i, (em, path)) in extra.iter().enumerate() {
            if *em != m {
                continue;
            }
            // An aggregate figure asked for is the slot already compiled: it is ranked too.
            if let Some(slot) = plan
                .slots
                .iter_mut()
                .find(|s| s.method == m && s.figure == *path)
            {
                slot.extra = true;
                continue;
            }
            match path.selector {
                Selector::Item(_) | Selector::ItemAspect(..) | Selector::Aspect(_) => {
                    let parts = figures
                        .remove(&(path.indicator.index(), Target::Extra(i)))
                        .unwrap_or_default();
                    // A figure that selects nothing has no value, hence no interval.
                    if !parts.is_empty() {
                        plan.slots.push(Slot {
                            method: m,
                            figure: path.clone(),
                            parts,
                            divisor: 1.0,
                            extra: true,
                        });
                    }
                }
                _ => plan.notes.push(format!(
                    "{}: {path} has no interval: a method's own disclosures, and per-unit figures its attribution does not reproduce, keep their point value",
                    a.method.id
                )),
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
