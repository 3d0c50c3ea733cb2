//! Seeded Monte Carlo over the compiled plan: chunks of iterations in parallel, each chunk's
//! draws fixed by the seed (see [`super::draw`]), results kept per figure only.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::draw::{CHUNK, Stream};
use super::drivers::{Class, PairPlan};
use super::inputs::Inputs;
use super::plan::Plan;
use super::report::{histogram, sample_interval};
use super::sums::Sums;
use super::{Results, active_groups, analytic, total_slots};
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

pub(super) fn run(
    plan: &Plan,
    pairs: &[PairPlan],
    inputs: &Inputs,
    iterations: usize,
    seed: u64,
    progress: Option<&(dyn Fn(usize) + Sync)>,
) -> Results {
    let n_inputs = inputs.list().len();
    let mut referenced = vec![false; n_inputs];
    for m in &plan.monomials.list {
        for &(n, _) in m.iter() {
            referenced[n as usize] = true;
        }
    }
    for p in pairs {
        for c in &p.classes {
            for &(n, _, _) in c.a_inputs.iter().chain(&c.b_inputs) {
                referenced[n as usize] = true;
            }
        }
    }
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
    let first_order = analytic::first_order_shares(plan, inputs, &totals);
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
                        stream.fill(input, &mut ratios[n * sub..(n + 1) * sub]);
                    }
                }
                let all = sums.eval(&plan.monomials.list, ratios, sub);
                let (groups, rest) = all.split_at(n_groups * sub);
                let (linear, weights) = rest.split_at(n_drivers * sub);
                for (s, out) in plan.slots.iter().zip(figures.chunks_mut(len)) {
                    for (t, x) in out[start..start + sub].iter_mut().enumerate() {
                        *x = s.combine(|g| groups[g as usize * sub + t]);
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
                let mut m = moments.iter_mut();
                for (slot, cands) in totals.iter().zip(&candidates) {
                    let y = &figures[slot * len + start..slot * len + start + sub];
                    for &n in cands {
                        let x = &ratios[n * sub..(n + 1) * sub];
                        if let Some(m) = m.next() {
                            for (x, y) in x.iter().zip(y) {
                                m[0] += x;
                                m[1] += y;
                                m[2] += x * x;
                                m[3] += y * y;
                                m[4] += x * y;
                            }
                        }
                    }
                }
                start += sub;
            }
            let so_far = done.fetch_add(len, Ordering::Relaxed) + len;
            if let Some(progress) = progress {
                progress(so_far);
            }
            Chunk {
                figures,
                drivers,
                moments,
            }
        })
        .collect();
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
) -> Results {
    // Differences of totals, iteration by iteration (common random numbers).
    let mut differences = Vec::new();
    for pair in pairs {
        for &indicator in &pair.both {
            let (Some(sa), Some(sb)) = (
                super::total_slot(plan, pair.a, indicator),
                super::total_slot(plan, pair.b, indicator),
            ) else {
                continue;
            };
            let (a, b) = (&figure_samples[sa], &figure_samples[sb]);
            let mut diff: Vec<f64> = a.iter().zip(b).map(|(a, b)| b - a).collect();
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
        for (j, &n) in cands.iter().enumerate() {
            let mut m = [0.0; 5];
            for chunk in chunks {
                let x = chunk.moments[offset + j];
                for (a, b) in m.iter_mut().zip(x) {
                    *a += b;
                }
            }
            let count = figure_samples[slot].len() as f64;
            let cov = m[4] / count - m[0] * m[1] / count / count;
            let vx = m[2] / count - (m[0] / count).powi(2);
            let vy = m[3] / count - (m[1] / count).powi(2);
            let r2 = if vx > 0.0 && vy > 0.0 {
                cov * cov / (vx * vy)
            } else {
                0.0
            };
            shares.push((n, r2.clamp(0.0, 1.0)));
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
    Results {
        figures,
        differences,
        drivers,
        sensitivity,
        histograms,
    }
}
