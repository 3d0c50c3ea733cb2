//! Handing a method's assessment over to the method that starts from it.
//!
//! A declarative method runs its base method whole, then applies its file
//! ([`bilan_core::Methodology::base_run`]). When the comparison runs that base too, with the
//! same parameters (`harmonised-ai` runs `ademe-lca` with its defaults), the same assessment
//! was made twice. One job now makes it once: it finishes it as the base's outcome (prepared
//! for the comparison, its trail dropped) and hands its contributions, with the rest of the
//! assessment as the base made it, to the other method ([`bilan_core::Methodology::assess_from`]).
//! Nothing is copied but the assessment without its contributions, and no second assessment
//! of a million contributions is held beside the first. The result is the same, bit for
//! bit, as each method's own run.

use bilan_core::Assessment;

use crate::{MethodRun, Origin, Outcome};

/// An outcome's slot: its method's position, and the outcome once made.
pub(crate) type Slot = (usize, Option<Outcome>);

/// One job of a run: a method, or a base and the method handed its assessment.
pub(crate) enum Job<'o, 'm, 'a> {
    One((&'o mut Slot, &'m MethodRun<'a>)),
    Handed {
        base: (&'o mut Slot, &'m MethodRun<'a>),
        then: (&'o mut Slot, &'m MethodRun<'a>),
    },
}

/// The jobs of `order` (slots and methods in the order they start): a method whose base
/// run another method of the run makes (the same method object, with the same parameters
/// once defaults apply; not a plugin's, whose assessment comes back through JSON) is paired
/// with it, in the later method's place.
pub(crate) fn jobs<'o, 'm, 'a>(
    order: Vec<(&'o mut Slot, &'m MethodRun<'a>)>,
) -> Vec<Job<'o, 'm, 'a>> {
    let mut base_of: Vec<Option<usize>> = vec![None; order.len()];
    let mut paired = vec![false; order.len()];
    for (i, (_, m)) in order.iter().enumerate() {
        if paired[i] {
            continue;
        }
        let Some(base) = m.method.base_run(&m.parameters) else {
            continue;
        };
        let found = order.iter().enumerate().position(|(j, (_, b))| {
            j != i
                && !paired[j]
                && !matches!(b.origin, Origin::Plugin { .. })
                && base.is(b.method, &b.parameters)
        });
        if let Some(j) = found {
            base_of[i] = Some(j);
            paired[i] = true;
            paired[j] = true;
        }
    }
    let mut order: Vec<Option<(&'o mut Slot, &'m MethodRun<'a>)>> =
        order.into_iter().map(Some).collect();
    let mut jobs = Vec::new();
    for i in 0..order.len() {
        match base_of[i] {
            Some(j) => {
                if let (Some(then), Some(base)) = (order[i].take(), order[j].take()) {
                    jobs.push(Job::Handed { base, then });
                }
            }
            None if !paired[i] => jobs.extend(order[i].take().map(Job::One)),
            None => {}
        }
    }
    jobs
}

/// `a` without its contributions: what the base made besides them, kept before the runner
/// marks the base's outcome. Only the rest is copied.
pub(crate) fn shell(a: &mut Assessment) -> Assessment {
    let contributions = std::mem::take(&mut a.contributions);
    let shell = a.clone();
    a.contributions = contributions;
    shell
}

#[cfg(test)]
mod tests;
