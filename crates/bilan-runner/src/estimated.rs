//! Marking estimated terms: after a method has run, each term that reads a workload key an
//! estimator or the power model filled in is marked with that estimator, whatever the
//! method (built-in, declarative or plugin), so every report tells an estimated value from
//! a measured one or a default.

use rustc_hash::FxHashMap;

use bilan_core::assessment::{Assessment, TermSource};
use bilan_core::inventory::{Estimated, Inventory};
use bilan_core::item::ItemKind;

/// Each workload's estimated keys, by workload id; empty when nothing was estimated.
pub(crate) fn index(inventory: &Inventory) -> FxHashMap<&str, &[Estimated]> {
    inventory
        .workloads
        .iter()
        .filter(|w| !w.estimated.is_empty())
        .map(|w| (w.id.as_ref(), w.estimated.as_slice()))
        .collect()
}

/// Marks the terms of `a` that read an estimated workload key, then shares the marked
/// terms' descriptions again.
pub(crate) fn mark(a: &mut Assessment, estimated: &FxHashMap<&str, &[Estimated]>) {
    if estimated.is_empty() {
        return;
    }
    let mut marked = false;
    for c in &mut a.contributions {
        if c.item.kind != ItemKind::Workload {
            continue;
        }
        let Some(list) = estimated.get(&*c.item.id) else {
            continue;
        };
        for term in &mut c.terms {
            if let TermSource::Item { key } = &term.source
                && let Some(e) = list.iter().find(|e| e.key == key.as_ref())
            {
                term.meta_mut().estimated = Some(e.estimator.clone());
                marked = true;
            }
        }
    }
    if marked {
        a.share();
    }
}
