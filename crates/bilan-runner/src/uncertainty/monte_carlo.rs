//! Seeded Monte Carlo over the compiled plan: chunks of iterations in parallel, each chunk's
//! draws fixed by the seed (see [`super::draw`]), results kept per figure only.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::draw::{CHUNK, Stream};
use super::drivers::{Class, PairPlan};
use super::inputs::Inputs;
use super::overflow::{Cause, Overflow, Subject, largest};
use super::plan::Plan;
use super::report::{histogram, sample_interval};
use super::sums::Sums;
use super::{Results, active_groups, analytic, referenced, total_slots};
use crate::divergence::GROUPS;

/// Inputs whose correlation with a total is measured, at most, per total (the largest by
/// first-order share): the regression is on the draws, the ranking to choose them is not.
const CANDIDATES: usize = 32;
/// Bins of a histogram.
const BINS: usize = 24;
/// Iterations evaluated at once within a chunk: the draws of every input for this many
/// iterations are held, not for the whole chunk.
const SUB: usize = 16;

/// A driver amount to sample: pair, indicator position, group.
#[derive(Clone, Copy)]
struct DriverSlot {
    pair: usize,
    k: usize,
    g: usize,
}

/// One chunk's results, figure-major (`len` values each).
struct Chunk {
    figures: Vec<f64>,
    drivers: Vec<f64>,
    /// Per (total, candidate): Σx, Σy, Σxx, Σyy, Σxy.
    moments: Vec<[f64; 5]>,
}

/// How many figures and driver amounts a run keeps a sample of, per iteration.
pub(super) fn kept_per_iteration(plan: &Plan, pairs: &[PairPlan]) -> usize {
    plan.slots.len()
        + pairs
            .iter()
            .map(|p| {
                (0..p.both.len())
                    .map(|k| active_groups(p, k).iter().filter(|a| **a).count())
                    .sum::<usize>()
            })
            .sum::<usize>()
}

/// Draws `iterations` iterations; `m` are the inputs' moments (for the choice of the
/// inputs whose correlation with each total is measured).
pub(super) fn run(
    plan: &Plan,
    pairs: &[PairPlan],
    inputs: &Inputs,
    m: &[(f64, f64)],
    iterations: usize,
    seed: u64,
    progress: Option<&(dyn Fn(usize) + Sync)>,
) -> Result<Results, Overflow> {
    let n_inputs = inputs.list().len();
    let referenced = referenced(plan, pairs, n_inputs);
    let divisors = divisors(plan, pairs);
    let mut driver_slots: Vec<DriverSlot> = Vec::new();
    let mut slot_of: Vec<Vec<[Option<usize>; GROUPS]>> = Vec::new();
    for (p, pair) in pairs.iter().enumerate() {
        let mut per_k = Vec::new();
        for k in 0..pair.both.len() {
            let active = active_groups(pair, k);
            let mut ids = [None; GROUPS];
            for g in (0..GROUPS).filter(|&g| active[g]) {
                ids[g] = Some(driver_slots.len());
                driver_slots.push(DriverSlot { pair: p, k, g });
            }
            per_k.push(ids);
        }
        slot_of.push(per_k);
    }
    let totals = total_slots(plan);
    // Candidates for the regression: the largest first-order shares of each total.
    let first_order = analytic::first_order_shares(plan, m, &totals)?;
    let candidates: Vec<Vec<usize>> = first_order
        .iter()
        .map(|(_, shares, _)| shares.iter().take(CANDIDATES).map(|x| x.0).collect())
        .collect();
    // Figures, then drivers' linear parts, then classes' weights: one transposed table.
    let classes: Vec<(usize, &Class)> = pairs
        .iter()
        .enumerate()
        .flat_map(|(p, pair)| pair.classes.iter().map(move |c| (p, c)))
        .collect();
    let sums = Sums::new(
        plan.monomials.list.len(),
        plan.groups
            .iter()
            .chain(driver_slots.iter().map(|d| &pairs[d.pair].merged[d.k][d.g]))
            .chain(classes.iter().map(|(_, c)| &c.merged)),
    );
    let (n_groups, n_drivers) = (plan.groups.len(), driver_slots.len());
    let chunks = iterations.div_ceil(CHUNK);
    let done = AtomicUsize::new(0);
    let results: Vec<Chunk> = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let len = CHUNK.min(iterations - c * CHUNK);
            let mut streams: Vec<Option<Stream>> = inputs
                .list()
                .iter()
                .zip(&referenced)
                .map(|(input, r)| r.then(|| Stream::new(seed, input, c)))
                .collect();
            let mut figures = vec![0.0; plan.slots.len() * len];
            let mut drivers = vec![0.0; driver_slots.len() * len];
            let mut moments = vec![[0.0; 5]; candidates.iter().map(Vec::len).sum()];
            let mut ratios = vec![1.0; n_inputs * SUB];
            let mut start = 0;
            while start < len {
                let sub = SUB.min(len - start);
                let ratios = &mut ratios[..n_inputs * sub];
                for ((n, stream), input) in streams.iter_mut().enumerate().zip(inputs.list()) {
                    if let Some(stream) = stream {
                        let out = &mut ratios[n * sub..(n + 1) * sub];
                        stream.fill(input, out);
                        // A draw beyond range is saturated at ±f64::MAX by the distribution,
                        // never passed on as a number.
                        if out.iter().any(|r| r.is_nan() || r.abs() >= f64::MAX) {
                            return Err(Overflow::Draw { input: n });
                        }
                    }
                }
                let ratios = &ratios[..];
                let unexplained = |value: f64, t: usize| {
                    !value.is_finite() && !divisors.iter().any(|&n| ratios[n * sub + t] == 0.0)
                };
                let all = sums.eval(&plan.monomials.list, ratios, sub);
                let (groups, rest) = all.split_at(n_groups * sub);
                let (linear, weights) = rest.split_at(n_drivers * sub);
                for (slot, (s, out)) in plan.slots.iter().zip(figures.chunks_mut(len)).enumerate() {
                    for (t, x) in out[start..start + sub].iter_mut().enumerate() {
                        *x = s.combine(|g| groups[g as usize * sub + t]);
                        if unexplained(*x, t) {
                            let cited = s.inputs(plan);
                            return Err(Overflow::Value {
                                subject: Subject::Figure(slot),
                                cause: Cause::Draws,
                                input: widest(ratios, sub, t, |n| cited.contains(&(n as u32))),
                            });
                        }
                    }
                }
                for (out, l) in drivers.chunks_mut(len).zip(linear.chunks(sub)) {
                    out[start..start + sub].copy_from_slice(l);
                }
                for ((p, class), w) in classes.iter().zip(weights.chunks(sub)) {
                    for (t, &w) in w.iter().enumerate() {
                        if w == 0.0 {
                            continue;
                        }
                        let amounts = class.amounts(&|n| ratios[n as usize * sub + t]);
                        for (g, a) in amounts.iter().enumerate() {
                            if let Some(d) = slot_of[*p][class.k][g] {
                                drivers[d * len + start + t] += w * a;
                            }
                        }
                    }
                }
                for (d, out) in driver_slots.iter().zip(drivers.chunks(len)) {
                    if let Some(t) = (0..sub).find(|&t| unexplained(out[start + t], t)) {
                        let indicator = pairs[d.pair].both[d.k];
                        return Err(Overflow::Value {
                            subject: Subject::Driver(d.pair, indicator, d.g),
                            cause: Cause::Draws,
                            input: widest(ratios, sub, t, |n| referenced[n]),
                        });
                    }
                }
                let mut m = moments.iter_mut();
                for (slot, cands) in totals.iter().zip(&candidates) {
                    let y = &figures[slot * len + start..slot * len + start + sub];
                    for &n in cands {
                        let x = &ratios[n * sub..(n + 1) * sub];
                        if let Some(m) = m.next() {
                            accumulate(m, x, y);
                        }
                    }
                }
                start += sub;
            }
            let so_far = done.fetch_add(len, Ordering::Relaxed) + len;
            if let Some(progress) = progress {
                progress(so_far);
            }
            Ok(Chunk {
                figures,
                drivers,
                moments,
            })
        })
        .collect::<Vec<Result<Chunk, Overflow>>>()
        .into_iter()
        // The first overflow in chunk order, whatever the thread that met it first.
        .collect::<Result<_, Overflow>>()?;
    // Gather the samples of each figure in iteration order.
    let gather = |count: usize, pick: &dyn Fn(&Chunk) -> &[f64]| -> Vec<Vec<f64>> {
        let mut out: Vec<Vec<f64>> = (0..count).map(|_| Vec::with_capacity(iterations)).collect();
        for (c, chunk) in results.iter().enumerate() {
            let len = CHUNK.min(iterations - c * CHUNK);
            for (f, values) in out.iter_mut().zip(pick(chunk).chunks(len)) {
                f.extend_from_slice(values);
            }
        }
        out
    };
    let figure_samples = gather(plan.slots.len(), &|c| &c.figures);
    let driver_samples = gather(driver_slots.len(), &|c| &c.drivers);
    finish(
        plan,
        pairs,
        &totals,
        &candidates,
        &results,
        figure_samples,
        driver_samples,
        &driver_slots,
    )
}

/// The inputs cited with a negative power (in a monomial, or on one side of a class): a
/// draw of zero of one of them divides by zero, and the figures of that draw have no value.
fn divisors(plan: &Plan, pairs: &[PairPlan]) -> Vec<usize> {
    let mut out: Vec<usize> = plan
        .monomials
        .list
        .iter()
        .flat_map(|m| m.iter())
        .filter(|x| x.1 < 0.0)
        .map(|x| x.0 as usize)
        .chain(
            pairs
                .iter()
                .flat_map(|p| &p.classes)
                .flat_map(|c| c.a_inputs.iter().chain(&c.b_inputs))
                .filter(|x| x.1 < 0.0)
                .map(|x| x.0 as usize),
        )
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Of the inputs `cited`, the one whose draw `t` (of `sub`) is the farthest from its value,
/// by the logarithm of its ratio (a draw of zero, which overflows nothing, is not counted).
fn widest(ratios: &[f64], sub: usize, t: usize, cited: impl Fn(usize) -> bool) -> Option<usize> {
    largest(
        (0..ratios.len() / sub.max(1))
            .filter(|&n| cited(n))
            .map(|n| {
                let r = ratios[n * sub + t];
                (n, if r == 0.0 { 0.0 } else { r.abs().ln() })
            }),
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one run, gathered once"
)]
fn finish(
    plan: &Plan,
    pairs: &[PairPlan],
    totals: &[usize],
    candidates: &[Vec<usize>],
    chunks: &[Chunk],
    mut figure_samples: Vec<Vec<f64>>,
    mut driver_samples: Vec<Vec<f64>>,
    driver_slots: &[DriverSlot],
) -> Result<Results, Overflow> {
    // Differences of totals, iteration by iteration (common random numbers).
    let mut differences = Vec::new();
    for (p, pair) in pairs.iter().enumerate() {
        for &indicator in &pair.both {
            let (Some(sa), Some(sb)) = (
                super::total_slot(plan, pair.a, indicator),
                super::total_slot(plan, pair.b, indicator),
            ) else {
                continue;
            };
            let (a, b) = (&figure_samples[sa], &figure_samples[sb]);
            let mut diff: Vec<f64> = a.iter().zip(b).map(|(a, b)| b - a).collect();
            // Two totals within range whose difference is not: an overflow, not a division.
            let finite = |x: &f64| x.is_finite();
            if a.iter()
                .zip(b)
                .zip(&diff)
                .any(|((a, b), d)| finite(a) && finite(b) && !finite(d))
            {
                return Err(Overflow::Value {
                    subject: Subject::Difference(p, indicator),
                    cause: Cause::Draws,
                    input: None,
                });
            }
            let relative = a.iter().all(|x| *x > 0.0).then(|| {
                let mut r: Vec<f64> = a.iter().zip(b).map(|(a, b)| b / a - 1.0).collect();
                sample_interval(&mut r)
            });
            differences.push((
                pair.a,
                pair.b,
                indicator,
                sample_interval(&mut diff),
                relative,
            ));
        }
    }
    let drivers = driver_slots
        .iter()
        .zip(&mut driver_samples)
        .map(|(d, s)| (d.pair, pairs[d.pair].both[d.k], d.g, sample_interval(s)))
        .collect();
    // Squared standardised regression coefficients, estimated as squared correlations: for
    // independent inputs they are the same.
    let mut sensitivity = Vec::new();
    let mut offset = 0;
    for (&slot, cands) in totals.iter().zip(candidates) {
        let mut shares: Vec<(usize, f64)> = Vec::new();
        // A figure with no interval (a division by zero) is dropped with its ranking.
        let bounded = figure_samples[slot].iter().all(|y| y.is_finite());
        for (j, &n) in cands.iter().enumerate() {
            let mut m = [0.0; 5];
            for chunk in chunks {
                let x = chunk.moments[offset + j];
                for (a, b) in m.iter_mut().zip(x) {
                    *a += b;
                }
            }
            let count = figure_samples[slot].len() as f64;
            let r2 = match squared_correlation(m, count) {
                Some(r2) => r2,
                None if bounded => {
                    return Err(Overflow::Value {
                        subject: Subject::Figure(slot),
                        cause: Cause::Correlation,
                        input: Some(n),
                    });
                }
                None => 0.0,
            };
            shares.push((n, r2));
        }
        offset += cands.len();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let of = plan.slots[slot].inputs(plan).len();
        sensitivity.push(("src2", (slot, shares, of)));
    }
    let figures: Vec<_> = figure_samples
        .iter_mut()
        .map(|s| sample_interval(s))
        .collect();
    // `sample_interval` sorted every sample: the histograms read them sorted.
    let histograms = totals
        .iter()
        .map(|&slot| {
            let (low, high, counts) = histogram(&figure_samples[slot], BINS);
            (slot, low, high, counts)
        })
        .collect();
    Ok(Results {
        figures,
        differences,
        drivers,
        sensitivity,
        histograms,
    })
}

/// The squared correlation of `x` and `y`, in [0, 1], from `[Σx, Σy, Σxx, Σyy, Σxy]` over
/// `count` draws (0 where either does not vary); `None` where the sums or the moments are
/// beyond the range of `f64`.
fn squared_correlation(m: [f64; 5], count: f64) -> Option<f64> {
    let cov = m[4] / count - m[0] * m[1] / count / count;
    let vx = m[2] / count - (m[0] / count).powi(2);
    let vy = m[3] / count - (m[1] / count).powi(2);
    if !(cov.is_finite() && vx.is_finite() && vy.is_finite()) {
        return None;
    }
    if !(vx > 0.0 && vy > 0.0) {
        return Some(0.0);
    }
    let (num, den) = (cov * cov, vx * vy);
    let r2 = if num.is_finite() && den.is_finite() {
        num / den
    } else {
        // The squares overflow where the correlation does not.
        (cov / vx.sqrt() / vy.sqrt()).powi(2)
    };
    r2.is_finite().then(|| r2.clamp(0.0, 1.0))
}

/// Adds the draws `x` of an input and `y` of a figure to the sums a correlation is
/// measured from: Σx, Σy, Σx², Σy², Σxy.
fn accumulate(m: &mut [f64; 5], x: &[f64], y: &[f64]) {
    for (x, y) in x.iter().zip(y) {
        m[0] += x;
        m[1] += y;
        m[2] += x * x;
        m[3] += y * y;
        m[4] += x * y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correlation_is_measured_or_refused_never_zeroed() {
        // y = 2x over x = 1, 2, 3: fully correlated.
        let sums = |x: &[f64], y: &[f64]| {
            let mut m = [0.0; 5];
            accumulate(&mut m, x, y);
            m
        };
        let r2 = squared_correlation(sums(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), 3.0);
        assert!((r2.expect("within range") - 1.0).abs() < 1e-12);
        // Draws whose squares overflow: not measurable, and never a share of 0.
        let big = [1e155, 2e155, 3e155];
        assert_eq!(squared_correlation(sums(&big, &big), 3.0), None);
        // An input that does not vary explains nothing.
        let r2 = squared_correlation(sums(&[1.0, 1.0], &[1.0, 2.0]), 2.0);
        assert_eq!(r2, Some(0.0));
    }

    #[test]
    fn the_widest_draw_is_the_farthest_from_its_value_either_way() {
        // Three inputs, two draws each (input-major): in draw 1, input 2 is 1e-300 times its
        // value, farther than input 0's 1e200; input 1 drew zero, which overflows nothing.
        let ratios = [1.0, 1e200, 1.0, 0.0, 1.0, 1e-300];
        assert_eq!(widest(&ratios, 2, 1, |_| true), Some(2));
        assert_eq!(widest(&ratios, 2, 1, |n| n != 2), Some(0));
        assert_eq!(widest(&ratios, 2, 1, |_| false), None);
    }
}
