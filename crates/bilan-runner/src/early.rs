//! Walking the divergences of a comparison while its last methods run.
//!
//! [`crate::run_figures`] starts every method at once, each on the first free thread. Once
//! the last one has started, a thread that finishes has nothing to do while the others
//! finish theirs: with a million workloads, a few tenths of a second with one core idle. So
//! as each method is prepared, the pairs it forms with the methods prepared before it wait;
//! once every method has started, they are walked on the threads the methods free, in one
//! group per thread, each group key by key (`divergence/keyed.rs`), and the comparison takes
//! each pair's divergences as they were walked ([`Walked::with`]) instead of walking it
//! again. The result is the same, bit for bit: each pair's tallies add the same values in
//! the same order.
//!
//! A method whose base run another method of the run makes is run in that method's job,
//! from its assessment (`handover.rs`).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bilan_core::Assessment;
use bilan_core::factor::FactorSet;

use crate::divergence::{self, Divergence, Index};
use crate::handover::{self, Job, Slot};
use crate::prepared::{Prepared, prepare_checked};
use crate::{Check, Items, MethodRun, Outcome, run_one, run_with, start_order};

/// Runs of [`run_figures`] are numbered, so that outcomes of two runs are never taken for
/// the same pair.
static RUNS: AtomicU64 = AtomicU64::new(0);

/// An outcome's place among those of one [`run_figures`], and its divergences from the
/// outcomes before it already walked.
#[derive(Clone, Debug, Default)]
pub(crate) struct Walked {
    /// The run and the method's position in its list; `None` outside [`run_figures`].
    place: Option<(u64, usize)>,
    /// The divergences of this outcome (B) from an earlier one of the same run (A), by A's
    /// position.
    from: Vec<(usize, Vec<Divergence>)>,
}

impl Walked {
    /// The divergences of this outcome (as B) from `a` (as A), if they were walked.
    pub(crate) fn with(&self, a: &Walked) -> Option<Vec<Divergence>> {
        let ((run, k), (run_a, k_a)) = (self.place?, a.place?);
        if run != run_a || k_a >= k {
            return None;
        }
        self.from
            .iter()
            .find(|(j, _)| *j == k_a)
            .map(|(_, d)| d.clone())
    }

    /// How many pairs of this outcome (as B) were walked.
    #[cfg(test)]
    pub(crate) fn walked(&self) -> usize {
        self.from.len()
    }

    /// Drops the divergences walked: the comparison has them.
    pub(crate) fn spend(&mut self) {
        self.from = Vec::new();
    }
}

/// A pair of prepared methods waiting to be walked: their positions, A's before B's.
type Pair = ((usize, Arc<Prepared>), (usize, Arc<Prepared>));

/// What the method jobs of one run share.
#[derive(Default)]
struct Shared {
    /// The methods prepared so far, with their positions.
    prepared: Mutex<Vec<(usize, Arc<Prepared>)>>,
    /// Pairs waiting for every method to have started.
    waiting: Mutex<Vec<Pair>>,
    /// Divergences walked: A's position, B's, and B's divergences from A.
    walked: Mutex<Vec<(usize, usize, Vec<Divergence>)>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the jobs of one run share.
struct Ctx<'r, 'i> {
    run: u64,
    items: &'r Items<'i>,
    shared: &'r Shared,
    not_started: &'r AtomicUsize,
    unfinished: &'r AtomicUsize,
}

impl<'r> Ctx<'r, '_> {
    /// Prepares `o` for the comparison, puts it in `slot`, and once every method has
    /// started hands the pairs waiting to the free threads. Its contributions are dropped,
    /// or moved to `keep` (the base's assessment without them), which is returned when the
    /// method assessed.
    fn finish<'s>(
        &'r self,
        s: &rayon::ScopeFifo<'s>,
        slot: &mut Slot,
        mut o: Outcome,
        keep: Option<Assessment>,
    ) -> Option<Assessment>
    where
        'r: 's,
    {
        let shared = self.shared;
        let k = slot.0;
        let mut kept = None;
        o.early.place = Some((self.run, k));
        // Its figures are checked to be finite numbers in the same pass: a figure out of
        // range makes it an error row, as when it is checked as soon as it has run.
        let prepared = match &o.result {
            Ok(a) => match prepare_checked(self.items, &o.descriptor, a) {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::debug!(method = %o.descriptor.id, "assessment failed: {e}");
                    o.result = Err(e);
                    None
                }
            },
            Err(_) => None,
        };
        if let (Ok(a), Some(p)) = (&mut o.result, prepared) {
            let p = Arc::new(p);
            let contributions = std::mem::take(&mut a.contributions);
            kept = keep.map(|mut base| {
                base.contributions = contributions;
                base
            });
            o.trail_dropped = true;
            // A method that leaves an item unaccounted becomes an error row: none of
            // its pairs is compared.
            if p.reconciliation.unaccounted.is_empty() {
                let before = {
                    let mut prepared = lock(&shared.prepared);
                    let before = prepared.clone();
                    prepared.push((k, p.clone()));
                    before
                };
                let mut waiting = lock(&shared.waiting);
                for (j, q) in before {
                    waiting.push(if j < k {
                        ((j, q), (k, p.clone()))
                    } else {
                        ((k, p.clone()), (j, q))
                    });
                }
            }
            o.prepared = Some(p);
        }
        slot.1 = Some(o);
        let running = self.unfinished.fetch_sub(1, Ordering::SeqCst) - 1;
        // The last method to start has started: the pairs go to the free threads.
        if self.not_started.load(Ordering::SeqCst) == 0 {
            let mut pairs = std::mem::take(&mut *lock(&shared.waiting));
            pairs.sort_by_key(|((i, _), (j, _))| (*i, *j));
            // One group of pairs per thread that no method holds, each walked key
            // by key. The pairs of a method still running are walked
            // once it ends, on the threads free then.
            let free = rayon::current_num_threads().saturating_sub(running);
            let size = divergence::group_size(pairs.len(), free);
            while !pairs.is_empty() {
                let rest = pairs.split_off(size.min(pairs.len()));
                let group = std::mem::replace(&mut pairs, rest);
                s.spawn_fifo(move |_| {
                    let walked = walk_group(&group);
                    lock(&shared.walked).extend(walked);
                });
            }
        }
        kept
    }
}

/// See [`crate::run_figures`].
pub(crate) fn run_figures(
    items: &Items<'_>,
    factors: &FactorSet,
    methods: &[MethodRun<'_>],
) -> Vec<Outcome> {
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    // What the methods derive from the inventory alike, derived once for all of them.
    let derived = items.derived();
    let shared = Shared::default();
    let not_started = AtomicUsize::new(methods.len());
    let unfinished = AtomicUsize::new(methods.len());
    let mut slots: Vec<Slot> = (0..methods.len()).map(|k| (k, None)).collect();
    let ctx = &Ctx {
        run,
        items,
        shared: &shared,
        not_started: &not_started,
        unfinished: &unfinished,
    };
    let estimated = items.estimated();
    rayon::scope_fifo(|s| {
        // The items are numbered while the first methods run: a method needs them only once
        // it has run, to be prepared.
        s.spawn_fifo(move |_| {
            items.ids();
        });
        for job in handover::jobs(start_order(&mut slots, methods)) {
            s.spawn_fifo(move |s| match job {
                Job::One((slot, m)) => {
                    ctx.not_started.fetch_sub(1, Ordering::SeqCst);
                    let o = run_one(derived, factors, m, estimated, Check::Prepared);
                    ctx.finish(s, slot, o, None);
                }
                Job::Handed {
                    base: (slot, b),
                    then: (then, d),
                } => {
                    ctx.not_started.fetch_sub(2, Ordering::SeqCst);
                    // The base's assessment as the method made it, before the runner marks
                    // it: what the other method would have made for itself.
                    let mut shell = None;
                    let o = run_with(b, estimated, Check::Prepared, || {
                        let mut a = b.method.assess_in(derived, factors, &b.parameters)?;
                        shell = Some(handover::shell(&mut a));
                        Ok(a)
                    });
                    let o = match ctx.finish(s, slot, o, shell) {
                        Some(base) => run_with(d, estimated, Check::Prepared, || {
                            d.method.assess_from(derived, factors, &d.parameters, base)
                        }),
                        None => run_one(derived, factors, d, estimated, Check::Prepared),
                    };
                    ctx.finish(s, then, o, None);
                }
            });
        }
    });
    let mut outcomes: Vec<Outcome> = slots.into_iter().filter_map(|(_, o)| o).collect();
    let walked = std::mem::take(&mut *lock(&shared.walked));
    for (i, j, d) in walked {
        if let Some(b) = outcomes
            .iter_mut()
            .find(|o| o.early.place == Some((run, j)))
        {
            b.early.from.push((i, d));
        }
    }
    outcomes
}

/// The divergences of each pair of `group`, walked key by key over all of them at once
/// ([`divergence::decompose_pairs`]): A's position, B's, and B's divergences from A.
fn walk_group(group: &[Pair]) -> Vec<(usize, usize, Vec<Divergence>)> {
    // The group's methods, each once, by position.
    let mut methods: Vec<&(usize, Arc<Prepared>)> =
        group.iter().flat_map(|(a, b)| [a, b]).collect();
    methods.sort_by_key(|m| m.0);
    methods.dedup_by_key(|m| m.0);
    let indices: Vec<&Index> = methods.iter().map(|m| &m.1.index).collect();
    let local = |k: usize| methods.partition_point(|m| m.0 < k);
    let pairs: Vec<(usize, usize)> = group
        .iter()
        .map(|((i, _), (j, _))| (local(*i), local(*j)))
        .collect();
    group
        .iter()
        .zip(divergence::decompose_pairs(&indices, &pairs))
        .map(|(((i, _), (j, _)), d)| (*i, *j, d))
        .collect()
}
