//! Divergence drivers under uncertainty.
//!
//! The nominal decomposition ([`crate::divergence`]) substitutes, for each matched pair of
//! contributions, A's driver groups by B's. In a draw, each group is multiplied by the ratios
//! of the uncertain inputs it holds, and the substitution is done again. The walk over the
//! pairs is the nominal one ([`crate::divergence::walk_pairs_each`]), so the matching, the
//! presence drivers and the order of substitution cannot drift apart.
//!
//! To stay linear in the inventory, matched pairs are gathered into classes. Writing `s` for
//! the product of A's groups, a pair's step amounts are `s` times those of the normalised pair
//! (A's groups all 1, B's groups `b/a`); an input cited with the same power in the same group
//! on both sides multiplies every step alike. Pairs with the same normalised groups and the
//! same other inputs form a class: a draw substitutes once per class, and each class's weight
//! is a sum of `s × (common inputs' monomial)`, compiled like any figure.

use bilan_core::assessment::{Assessment, Driver};
use bilan_core::indicator::Indicator;
use bilan_core::method::Descriptor;
use rustc_hash::FxHashMap;

use super::inputs::{Inputs, Resolver, merge};
use super::plan::{Builder, Linear, Monomials, term_inputs, value_monomial};
use crate::divergence::{
    GROUPS, Side, Sink, UNTAGGED, contribution, product, substitute, term_group, walk_pairs_each,
};

/// Inputs of one side of a class: (input, power, group), sorted.
type Cited = Vec<(u32, u64, usize)>;
/// What makes a class: indicator position, normalised groups of A and B, and each side's own
/// inputs.
type ClassKey = (usize, [u64; GROUPS], [u64; GROUPS], Cited, Cited);

/// Matched pairs with the same normalised groups and inputs.
#[derive(Debug)]
pub(super) struct Class {
    /// Indicator position in the pair's list.
    pub(super) k: usize,
    /// A's and B's groups, normalised.
    pub(super) ga: [f64; GROUPS],
    pub(super) gb: [f64; GROUPS],
    /// Inputs only one side cites (or with another power or group): (input, power, group).
    pub(super) a_inputs: Vec<(u32, f64, usize)>,
    pub(super) b_inputs: Vec<(u32, f64, usize)>,
    /// Σ scale × common monomial.
    pub(super) weight: Builder,
    /// The same, once merged.
    pub(super) merged: Linear,
}

impl Class {
    /// Step amounts by group, given a ratio per input.
    pub(super) fn amounts(&self, ratio: &dyn Fn(u32) -> f64) -> [f64; GROUPS] {
        let (mut ga, mut gb) = (self.ga, self.gb);
        for &(n, p, g) in &self.a_inputs {
            ga[g] *= ratio(n).powf(p);
        }
        for &(n, p, g) in &self.b_inputs {
            gb[g] *= ratio(n).powf(p);
        }
        let mut out = [0.0; GROUPS];
        // Rounding of the recomputed products is not a driver: only the steps count.
        let _ = substitute(&ga, &gb, |g, amount| out[g] += amount);
        out
    }
}

/// One pair of methods.
#[derive(Debug)]
pub(super) struct PairPlan {
    /// Positions of A and B in the run.
    pub(super) a: usize,
    pub(super) b: usize,
    /// The indicators both cover.
    pub(super) both: Vec<Indicator>,
    /// Per indicator position and group: the part linear in the monomials (one-sided
    /// contributions, unmatched ones).
    pub(super) linear: Vec<[Builder; GROUPS]>,
    /// The same, once merged.
    pub(super) merged: Vec<[Linear; GROUPS]>,
    /// Classes of matched pairs.
    pub(super) classes: Vec<Class>,
}

struct Compiler<'i, 'm> {
    plan: PairPlan,
    /// The run's monomials: pairs are compiled one after the other, each interning into
    /// the one table, so no pair holds a table of its own.
    monomials: &'m mut Monomials,
    resolver: Resolver<'i>,
    method_a: String,
    method_b: String,
    /// The assessments of A and B, whose trail the sides point into.
    a: &'i Assessment,
    b: &'i Assessment,
    index: FxHashMap<ClassKey, usize>,
    scratch: Vec<(usize, f64)>,
}

impl Compiler<'_, '_> {
    /// The inputs of one side: terms in their groups, the factor in the factor's group.
    fn cited(&mut self, method_a: bool, x: &Side) -> Vec<(usize, f64, usize)> {
        let method = if method_a {
            &self.method_a
        } else {
            &self.method_b
        };
        let (c, value) = contribution(if method_a { self.a } else { self.b }, x);
        let mut grouped = Vec::new();
        self.resolver.terms(method, c, &mut grouped);
        let mut out: Vec<(usize, f64, usize)> = grouped
            .into_iter()
            .filter(|&(_, _, t)| c.terms[t].applies_to(value.indicator))
            .map(|(n, p, t)| (n, p, term_group(c.terms[t].driver)))
            .collect();
        if let Some(n) = self.resolver.factor(value) {
            out.push((n, 1.0, x.factor_group));
        }
        out.sort_by(|l, r| (l.0, l.2).cmp(&(r.0, r.2)).then(l.1.total_cmp(&r.1)));
        out
    }

    fn value_monomial(&mut self, method_a: bool, x: &Side) -> Option<u32> {
        let method = if method_a {
            &self.method_a
        } else {
            &self.method_b
        };
        let (c, value) = contribution(if method_a { self.a } else { self.b }, x);
        let terms = term_inputs(&mut self.resolver, method, c);
        value_monomial(
            &mut self.resolver,
            self.monomials,
            &terms,
            value,
            &mut self.scratch,
        )
    }
}

fn bits(g: &[f64; GROUPS]) -> [u64; GROUPS] {
    g.map(f64::to_bits)
}

impl Sink for Compiler<'_, '_> {
    fn matched(&mut self, k: usize, a: &Side, b: &Side) {
        let (ca, cb) = (self.cited(true, a), self.cited(false, b));
        // What both sides cite alike, counted as a multiset: an input cited twice on one
        // side and once on the other is common once.
        let mut common: Vec<(usize, f64, usize)> = Vec::new();
        let mut b_rest = cb.clone();
        let mut a_rest = Vec::new();
        for x in &ca {
            match b_rest.iter().position(|y| y == x) {
                Some(i) => {
                    b_rest.remove(i);
                    common.push(*x);
                }
                None => a_rest.push(*x),
            }
        }
        let ids = |list: Vec<(usize, f64, usize)>| -> Vec<(u32, f64, usize)> {
            list.into_iter()
                .map(|(n, p, g)| (u32::try_from(n).unwrap_or(u32::MAX), p, g))
                .collect()
        };
        let (a_inputs, b_inputs) = (ids(a_rest), ids(b_rest));
        let scale = product(&a.groups);
        let normalise = scale != 0.0 && scale.is_finite() && a.groups.iter().all(|g| *g != 0.0);
        let (ga, gb, scale) = if normalise {
            let mut gb = b.groups;
            for (x, y) in gb.iter_mut().zip(&a.groups) {
                *x /= y;
            }
            ([1.0; GROUPS], gb, scale)
        } else {
            (a.groups, b.groups, 1.0)
        };
        let key_inputs = |l: &[(u32, f64, usize)]| -> Cited {
            l.iter().map(|&(n, p, g)| (n, p.to_bits(), g)).collect()
        };
        let key = (
            k,
            bits(&ga),
            bits(&gb),
            key_inputs(&a_inputs),
            key_inputs(&b_inputs),
        );
        let next = self.plan.classes.len();
        let class = *self.index.entry(key).or_insert(next);
        if class == next {
            self.plan.classes.push(Class {
                k,
                ga,
                gb,
                a_inputs,
                b_inputs,
                weight: Builder::default(),
                merged: Linear::default(),
            });
        }
        self.scratch.clear();
        self.scratch.extend(common.iter().map(|&(n, p, _)| (n, p)));
        merge(&mut self.scratch);
        let mono = (!self.scratch.is_empty()).then(|| self.monomials.intern(&self.scratch));
        self.plan.classes[class].weight.add(mono, scale);
    }

    fn one_sided(&mut self, k: usize, driver: Option<Driver>, sign: f64, present: &[Side]) {
        let g = term_group(driver);
        for x in present {
            let mono = self.value_monomial(sign < 0.0, x);
            self.plan.linear[k][g].add(mono, sign * x.value);
        }
    }

    fn unmatched(&mut self, k: usize, a: &[Side], b: &[Side]) {
        for x in b {
            let mono = self.value_monomial(false, x);
            self.plan.linear[k][UNTAGGED].add(mono, x.value);
        }
        for x in a {
            let mono = self.value_monomial(true, x);
            self.plan.linear[k][UNTAGGED].add(mono, -x.value);
        }
    }
}

/// Compiles the drivers of every pair of methods, one pair after the other, interning their
/// monomials into the run's table.
pub(super) fn compile(
    assessed: &[(&Descriptor, &Assessment)],
    inputs: &Inputs,
    monomials: &mut Monomials,
) -> Vec<PairPlan> {
    let mut plans = Vec::new();
    walk_pairs_each(
        assessed,
        |i, j, both| PairPlan {
            a: i,
            b: j,
            both: both.to_vec(),
            linear: both.iter().map(|_| Default::default()).collect(),
            merged: Vec::new(),
            classes: Vec::new(),
        },
        |plan, walk| {
            let (i, j) = (plan.a, plan.b);
            let mut compiler = Compiler {
                plan,
                monomials: &mut *monomials,
                resolver: Resolver::new(inputs),
                method_a: assessed[i].1.method.id.clone(),
                method_b: assessed[j].1.method.id.clone(),
                a: assessed[i].1,
                b: assessed[j].1,
                index: FxHashMap::default(),
                scratch: Vec::new(),
            };
            walk(&mut compiler);
            let mut plan = compiler.plan;
            plan.merged = std::mem::take(&mut plan.linear)
                .into_iter()
                .map(|groups| groups.map(|b| b.linear(|m| m)))
                .collect();
            for c in &mut plan.classes {
                c.merged = std::mem::take(&mut c.weight).linear(|m| m);
            }
            plans.push(plan);
        },
    );
    plans
}
