//! First-order propagation: each figure's logarithm is linearised in the inputs' logarithms,
//! `ln F ≈ ln F₀ + Σ eᵢ ln(xᵢ/xᵢ₀)` with `eᵢ` the figure's elasticity to input `i`, so its
//! variance is `Σ eᵢ² Var ln(xᵢ/xᵢ₀)` (inputs are independent) and the figure is
//! approximated by a lognormal. Exact for a product of lognormal inputs; a sum of uncertain
//! parts is approximated. A figure that is not positive (net of credits) is approximated by
//! a normal of the same first-order variance instead.
//!
//! Every interval is finite or the run is refused ([`Overflow`]): a variance whose squares
//! overflow is summed again scaled by its largest term, and what still leaves the range of
//! `f64` names the input that weighs most in it.

use rustc_hash::FxHashMap;

use super::drivers::PairPlan;
use super::overflow::{Cause, Overflow, Subject, largest};
use super::plan::Plan;
use super::report::{Interval, lognormal_interval, normal_interval};
use super::{Results, active_groups, finite, total_slot, total_slots};
use crate::divergence::GROUPS;

/// `√Σ w²·v` over the `(w, v)` of `terms`: summed as is and, where the squares overflow,
/// again scaled by the largest `|w|·√v`, which gives the same number wherever it is within
/// range. A NaN or an infinite term gives a result that is not finite.
fn root_sum_squares(terms: impl Iterator<Item = (f64, f64)> + Clone) -> f64 {
    let variance: f64 = terms.clone().map(|(w, v)| w * w * v).sum();
    if variance.is_finite() {
        return variance.sqrt();
    }
    let scale = terms
        .clone()
        .map(|(w, v)| w.abs() * v.sqrt())
        .fold(0.0, |a: f64, b| if b > a || b.is_nan() { b } else { a });
    if !scale.is_finite() || scale == 0.0 {
        return f64::NAN;
    }
    let scaled: f64 = terms
        .map(|(w, v)| (w.abs() * v.sqrt() / scale).powi(2))
        .sum();
    scale * scaled.sqrt()
}

/// The interval of a figure of nominal value `f0` and absolute gradient `g` (∂F/∂ln x).
fn interval(f0: f64, g: &[(u32, f64)], m: &[(f64, f64)]) -> Interval {
    if f0 > 0.0 {
        let mu: f64 = g.iter().map(|&(n, d)| d / f0 * m[n as usize].0).sum();
        let sigma = root_sum_squares(g.iter().map(|&(n, d)| (d / f0, m[n as usize].1)));
        lognormal_interval(f0 * mu.exp(), sigma)
    } else {
        normal_around(f0, g, m)
    }
}

/// A normal of the first-order mean and variance.
fn normal_around(f0: f64, g: &[(u32, f64)], m: &[(f64, f64)]) -> Interval {
    let mean = g
        .iter()
        .fold(f0, |mean, &(n, d)| mean + d * m[n as usize].0);
    let sd = root_sum_squares(g.iter().map(|&(n, d)| (d, m[n as usize].1)));
    normal_interval(mean, sd)
}

/// `i`, or the overflow of `subject`, blaming the input of `g` that weighs most in it.
fn checked(
    i: Interval,
    subject: Subject,
    g: &[(u32, f64)],
    m: &[(f64, f64)],
) -> Result<Interval, Overflow> {
    if finite(&i) {
        return Ok(i);
    }
    Err(Overflow::Value {
        subject,
        cause: Cause::FirstOrder,
        input: largest(
            g.iter()
                .map(|&(n, d)| (n as usize, d * m[n as usize].1.sqrt())),
        ),
    })
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

/// First-order variance shares of each total, largest first, from the inputs' moments `m`.
pub(super) fn first_order_shares(
    plan: &Plan,
    m: &[(f64, f64)],
    totals: &[usize],
) -> Result<Vec<Ranking>, Overflow> {
    totals
        .iter()
        .map(|&slot| {
            let g = plan.slots[slot].gradient(plan);
            let sd = |d: f64, n: u32| d * m[n as usize].1.sqrt();
            let mut parts: Vec<(usize, f64)> = g
                .iter()
                .map(|&(n, d)| (n as usize, d * d * m[n as usize].1))
                .collect();
            let mut total: f64 = parts.iter().map(|x| x.1).sum();
            if !total.is_finite() {
                // The squares overflow: the same shares, of the terms scaled by the root of
                // the sum of their squares.
                let scale = root_sum_squares(g.iter().map(|&(n, d)| (sd(d, n), 1.0)));
                parts = g
                    .iter()
                    .map(|&(n, d)| (n as usize, (sd(d, n) / scale).powi(2)))
                    .collect();
                total = parts.iter().map(|x| x.1).sum();
            }
            if !total.is_finite() {
                return Err(Overflow::Value {
                    subject: Subject::Figure(slot),
                    cause: Cause::FirstOrder,
                    input: largest(g.iter().map(|&(n, d)| (n as usize, sd(d, n)))),
                });
            }
            let mut shares: Vec<(usize, f64)> = parts
                .into_iter()
                .map(|(n, v)| (n, if total > 0.0 { v / total } else { 0.0 }))
                .collect();
            shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            Ok((slot, shares, g.len()))
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

/// The first-order intervals of a run, from the inputs' moments `m`
/// ([`super::inputs::Input::ln_moments`]).
pub(super) fn run(plan: &Plan, pairs: &[PairPlan], m: &[(f64, f64)]) -> Result<Results, Overflow> {
    let gradients: Vec<Vec<(u32, f64)>> = plan.slots.iter().map(|s| s.gradient(plan)).collect();
    let figures = plan
        .slots
        .iter()
        .zip(&gradients)
        .enumerate()
        .map(|(slot, (s, g))| {
            let i = interval(s.nominal(&plan.groups), g, m);
            checked(i, Subject::Figure(slot), g, m)
        })
        .collect::<Result<_, _>>()?;
    let mut differences = Vec::new();
    let mut drivers = Vec::new();
    for (p, pair) in pairs.iter().enumerate() {
        for (k, &indicator) in pair.both.iter().enumerate() {
            if let (Some(sa), Some(sb)) = (
                total_slot(plan, pair.a, indicator),
                total_slot(plan, pair.b, indicator),
            ) {
                let a = (plan.slots[sa].nominal(&plan.groups), &gradients[sa][..]);
                let b = (plan.slots[sb].nominal(&plan.groups), &gradients[sb][..]);
                let (d, relative) = difference(a, b, m, (p, indicator))?;
                differences.push((pair.a, pair.b, indicator, d, relative));
            }
            for (g, nominal, gradient) in driver_gradients(plan, pair, k) {
                let i = normal_around(nominal, &gradient, m);
                let i = checked(i, Subject::Driver(p, indicator, g), &gradient, m)?;
                drivers.push((p, indicator, g, i));
            }
        }
    }
    let totals = total_slots(plan);
    let sensitivity = first_order_shares(plan, m, &totals)?
        .into_iter()
        .map(|ranking| ("first-order", ranking))
        .collect();
    Ok(Results {
        figures,
        differences,
        drivers,
        sensitivity,
        histograms: Vec::new(),
    })
}

/// A nominal total and its gradient.
type Total<'a> = (f64, &'a [(u32, f64)]);

/// The intervals of `B − A` and, when both totals are positive, of `B / A − 1`, for the
/// pair and indicator `of`.
fn difference(
    (a0, ga): Total<'_>,
    (b0, gb): Total<'_>,
    m: &[(f64, f64)],
    of: (usize, bilan_core::indicator::Indicator),
) -> Result<(Interval, Option<Interval>), Overflow> {
    let gd = minus(gb, ga);
    let d = checked(
        normal_around(b0 - a0, &gd, m),
        Subject::Difference(of.0, of.1),
        &gd,
        m,
    )?;
    if !(a0 > 0.0 && b0 > 0.0) {
        return Ok((d, None));
    }
    // ln(B/A) has gradient gb/B − ga/A: the ratio is lognormal.
    let ratio: Vec<(u32, f64)> = minus(
        &gb.iter().map(|&(n, v)| (n, v / b0)).collect::<Vec<_>>(),
        &ga.iter().map(|&(n, v)| (n, v / a0)).collect::<Vec<_>>(),
    );
    let r = interval(1.0, &ratio, m);
    let scale = b0 / a0;
    let relative = Interval {
        mean: r.mean * scale - 1.0,
        median: r.median * scale - 1.0,
        low: r.low * scale - 1.0,
        high: r.high * scale - 1.0,
        p95: r.p95 * scale - 1.0,
    };
    let relative = checked(relative, Subject::Relative(of.0, of.1), &ratio, m)?;
    Ok((d, Some(relative)))
}

/// ∂/∂ln x of an amount, by input, sorted by input.
type Gradient = Vec<(u32, f64)>;

/// The nominal amount and the gradient of every active driver group of a pair's indicator
/// `k`: linear parts and classes, differentiated at the nominal inputs.
fn driver_gradients(plan: &Plan, pair: &PairPlan, k: usize) -> Vec<(usize, f64, Gradient)> {
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
    (0..GROUPS)
        .filter(|&g| active[g])
        .map(|g| {
            let mut list: Vec<(u32, f64)> = grads[g].iter().map(|(n, v)| (*n, *v)).collect();
            list.sort_by_key(|x| x.0);
            (g, nominal[g], list)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_of_squares_that_overflows_is_summed_scaled() {
        // 1e200² overflows; the root of the sum of squares does not.
        let sd = root_sum_squares([(1e200, 1.0), (1e200, 1.0)].into_iter());
        assert!((sd / (1e200 * 2f64.sqrt()) - 1.0).abs() < 1e-12, "{sd}");
        // Within range, the plain sum, bit for bit.
        let plain = root_sum_squares([(3.0, 1.0), (4.0, 1.0)].into_iter());
        assert_eq!(plain, 5.0);
        // An infinite or NaN term is never scaled away.
        assert!(!root_sum_squares([(f64::INFINITY, 1.0), (1.0, 1.0)].into_iter()).is_finite());
        assert!(root_sum_squares([(f64::NAN, 1.0), (1e200, 1.0)].into_iter()).is_nan());
    }

    #[test]
    fn an_interval_beyond_range_names_the_input_that_weighs_most() {
        // Elasticities of 1 and 40 to two inputs of σ² = 1: the lognormal's mean, e^(σ²/2)
        // with σ² = 1601, is beyond range.
        let m = [(0.0, 1.0), (0.0, 1.0)];
        let g = [(0, 1.0), (1, 40.0)];
        let i = interval(1.0, &g, &m);
        assert!(!finite(&i), "{i:?}");
        assert_eq!(
            checked(i, Subject::Figure(3), &g, &m),
            Err(Overflow::Value {
                subject: Subject::Figure(3),
                cause: Cause::FirstOrder,
                input: Some(1),
            })
        );
        // A finite interval passes.
        let i = interval(1.0, &[(0, 1.0)], &m);
        assert_eq!(checked(i, Subject::Figure(0), &g, &m), Ok(i));
    }

    #[test]
    fn a_normal_whose_variance_overflows_is_within_range_when_its_sd_is() {
        // d² = 1e400 overflows; d = 1e200 does not: the interval is finite and right.
        let i = normal_around(0.0, &[(0, 1e200)], &[(0.0, 1.0)]);
        assert!(finite(&i), "{i:?}");
        let expected = 1e200 * super::super::report::Z975;
        assert!((i.high / expected - 1.0).abs() < 1e-12, "{i:?}");
    }
}
