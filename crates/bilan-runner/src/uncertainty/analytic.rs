//! First-order propagation: each figure's logarithm is linearised in the inputs' logarithms,
//! `ln F ≈ ln F₀ + Σ eᵢ ln(xᵢ/xᵢ₀)` with `eᵢ` the figure's elasticity to input `i`, so its
//! variance is `Σ eᵢ² Var ln(xᵢ/xᵢ₀)` (inputs are independent) and the figure is
//! approximated by a lognormal. Exact for a product of lognormal inputs; a sum of uncertain
//! parts is approximated. A figure that is not positive (net of credits) is approximated by
//! a normal of the same first-order variance instead.

use rustc_hash::FxHashMap;

use super::drivers::PairPlan;
use super::inputs::Inputs;
use super::plan::Plan;
use super::report::{Interval, lognormal_interval, normal_interval};
use super::{Results, active_groups, total_slot, total_slots};
use crate::divergence::GROUPS;

/// Mean and variance of each input's log-ratio.
fn moments(inputs: &Inputs) -> Vec<(f64, f64)> {
    inputs
        .list()
        .iter()
        .map(|i| i.distribution.ln_moments(i.nominal))
        .collect()
}

/// The interval of a figure of nominal value `f0` and absolute gradient `g` (∂F/∂ln x).
fn interval(f0: f64, g: &[(u32, f64)], m: &[(f64, f64)]) -> Interval {
    if f0 > 0.0 {
        let (mut mu, mut var) = (0.0, 0.0);
        for &(n, d) in g {
            let e = d / f0;
            let (mean, v) = m[n as usize];
            mu += e * mean;
            var += e * e * v;
        }
        lognormal_interval(f0 * mu.exp(), var.sqrt())
    } else {
        normal_around(f0, g, m)
    }
}

/// A normal of the first-order mean and variance.
fn normal_around(f0: f64, g: &[(u32, f64)], m: &[(f64, f64)]) -> Interval {
    let (mut mean, mut var) = (f0, 0.0);
    for &(n, d) in g {
        let (mu, v) = m[n as usize];
        mean += d * mu;
        var += d * d * v;
    }
    normal_interval(mean, var.sqrt())
}

/// `b − a` of two sorted gradients.
fn minus(b: &[(u32, f64)], a: &[(u32, f64)]) -> Vec<(u32, f64)> {
    let mut out: FxHashMap<u32, f64> = b.iter().copied().collect();
    for &(n, v) in a {
        *out.entry(n).or_insert(0.0) -= v;
    }
    let mut out: Vec<(u32, f64)> = out.into_iter().collect();
    out.sort_by_key(|x| x.0);
    out
}

/// A figure's inputs ranked: (slot, (input, share) largest first, inputs in all).
pub(super) type Ranking = (usize, Vec<(usize, f64)>, usize);

/// First-order variance shares of each total, largest first.
pub(super) fn first_order_shares(plan: &Plan, inputs: &Inputs, totals: &[usize]) -> Vec<Ranking> {
    let m = moments(inputs);
    totals
        .iter()
        .map(|&slot| {
            let g = plan.slots[slot].gradient(plan);
            let parts: Vec<(usize, f64)> = g
                .iter()
                .map(|&(n, d)| (n as usize, d * d * m[n as usize].1))
                .collect();
            let total: f64 = parts.iter().map(|x| x.1).sum();
            let mut shares: Vec<(usize, f64)> = parts
                .into_iter()
                .map(|(n, v)| (n, if total > 0.0 { v / total } else { 0.0 }))
                .collect();
            shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            (slot, shares, g.len())
        })
        .collect()
}

/// Step amounts of a class's substitution, differentiated by central differences in the
/// logarithm of each input it cites on one side only.
fn class_gradient(c: &super::drivers::Class, out: &mut FxHashMap<u32, [f64; GROUPS]>) {
    const H: f64 = 1e-4;
    let mut cited: Vec<u32> = c.a_inputs.iter().chain(&c.b_inputs).map(|x| x.0).collect();
    cited.sort_unstable();
    cited.dedup();
    for n in cited {
        let up = c.amounts(&|x| if x == n { H.exp() } else { 1.0 });
        let down = c.amounts(&|x| if x == n { (-H).exp() } else { 1.0 });
        let entry = out.entry(n).or_insert([0.0; GROUPS]);
        for g in 0..GROUPS {
            entry[g] += (up[g] - down[g]) / (2.0 * H);
        }
    }
}

pub(super) fn run(plan: &Plan, pairs: &[PairPlan], inputs: &Inputs) -> Results {
    let m = moments(inputs);
    let gradients: Vec<Vec<(u32, f64)>> = plan.slots.iter().map(|s| s.gradient(plan)).collect();
    let figures = plan
        .slots
        .iter()
        .zip(&gradients)
        .map(|(s, g)| interval(s.nominal(&plan.groups), g, &m))
        .collect();
    let mut differences = Vec::new();
    let mut drivers = Vec::new();
    for (p, pair) in pairs.iter().enumerate() {
        for (k, &indicator) in pair.both.iter().enumerate() {
            if let (Some(sa), Some(sb)) = (
                total_slot(plan, pair.a, indicator),
                total_slot(plan, pair.b, indicator),
            ) {
                let (a0, b0) = (
                    plan.slots[sa].nominal(&plan.groups),
                    plan.slots[sb].nominal(&plan.groups),
                );
                let (ga, gb) = (&gradients[sa], &gradients[sb]);
                let d = normal_around(b0 - a0, &minus(gb, ga), &m);
                let relative = (a0 > 0.0 && b0 > 0.0).then(|| {
                    // ln(B/A) has gradient gb/B − ga/A: the ratio is lognormal.
                    let ratio: Vec<(u32, f64)> = minus(
                        &gb.iter().map(|&(n, v)| (n, v / b0)).collect::<Vec<_>>(),
                        &ga.iter().map(|&(n, v)| (n, v / a0)).collect::<Vec<_>>(),
                    );
                    let r = interval(1.0, &ratio, &m);
                    let scale = b0 / a0;
                    Interval {
                        mean: r.mean * scale - 1.0,
                        median: r.median * scale - 1.0,
                        low: r.low * scale - 1.0,
                        high: r.high * scale - 1.0,
                        p95: r.p95 * scale - 1.0,
                    }
                });
                differences.push((pair.a, pair.b, indicator, d, relative));
            }
            // Drivers: linear parts and classes, differentiated at the nominal inputs.
            let active = active_groups(pair, k);
            let mut grads: Vec<FxHashMap<u32, f64>> = vec![FxHashMap::default(); GROUPS];
            let mut nominal = [0.0; GROUPS];
            for g in 0..GROUPS {
                pair.merged[k][g].gradient(&plan.monomials, &mut grads[g]);
                nominal[g] += pair.merged[k][g].nominal();
            }
            for c in pair.classes.iter().filter(|c| c.k == k) {
                let w0 = c.merged.nominal();
                let u0 = c.amounts(&|_| 1.0);
                let mut dw = FxHashMap::default();
                c.merged.gradient(&plan.monomials, &mut dw);
                let mut du = FxHashMap::default();
                class_gradient(c, &mut du);
                for g in 0..GROUPS {
                    nominal[g] += w0 * u0[g];
                    if u0[g] != 0.0 {
                        for (&n, &d) in &dw {
                            *grads[g].entry(n).or_insert(0.0) += d * u0[g];
                        }
                    }
                    for (&n, d) in &du {
                        if d[g] != 0.0 {
                            *grads[g].entry(n).or_insert(0.0) += w0 * d[g];
                        }
                    }
                }
            }
            for g in (0..GROUPS).filter(|&g| active[g]) {
                let mut list: Vec<(u32, f64)> = grads[g].iter().map(|(n, v)| (*n, *v)).collect();
                list.sort_by_key(|x| x.0);
                drivers.push((p, indicator, g, normal_around(nominal[g], &list, &m)));
            }
        }
    }
    let totals = total_slots(plan);
    let sensitivity = first_order_shares(plan, inputs, &totals)
        .into_iter()
        .map(|ranking| ("first-order", ranking))
        .collect();
    Results {
        figures,
        differences,
        drivers,
        sensitivity,
        histograms: Vec::new(),
    }
}
