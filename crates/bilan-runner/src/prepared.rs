//! What the comparison reads of each method's assessment besides its figures: the
//! reconciliation, the breakdowns, the data quality and the divergence index. Prepared as
//! soon as a method has run, they let [`crate::run_figures`] drop the method's audit trail
//! (its contributions) at once, so a comparison keeps per workload only what its figures,
//! reconciliation and divergence need.

use std::sync::OnceLock;

use bilan_core::Derived;
use bilan_core::assessment::{Assessment, Breakdown, Breakdowns, Contribution, Finite, ItemKind};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::Descriptor;
use bilan_core::quality::Quality;

use crate::EstimatedIndex;
use crate::divergence::{Index, ItemIds};
use crate::reconcile::{self, Reconciliation};

/// One method's assessment, prepared for the comparison.
#[derive(Clone)]
pub(crate) struct Prepared {
    pub(crate) reconciliation: Reconciliation,
    pub(crate) breakdowns: [Option<Breakdown>; Indicator::ALL.len()],
    pub(crate) quality: Quality,
    pub(crate) index: Index,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("reconciliation", &self.reconciliation)
            .finish_non_exhaustive()
    }
}

/// Everything of the inventory the preparation reads: the items to reconcile, numbered for
/// matching contributions across methods. It also holds what the methods derive from the
/// inventory alike, derived once for the comparison's runs and for the runs that rebuild
/// their audit trails after it ([`crate::rerun`]).
pub struct Items<'a> {
    pub(crate) inventory: &'a Inventory,
    ids: OnceLock<ItemIds<'a>>,
    derived: OnceLock<Derived<'a>>,
    estimated: OnceLock<EstimatedIndex<'a>>,
}

impl std::fmt::Debug for Items<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("items", &self.ids().items().len())
            .finish_non_exhaustive()
    }
}

impl<'a> Items<'a> {
    /// The items of `inventory`, numbered.
    pub fn of(inventory: &'a Inventory) -> Items<'a> {
        Items {
            inventory,
            ids: OnceLock::new(),
            derived: OnceLock::new(),
            estimated: OnceLock::new(),
        }
    }

    /// The items, numbered: made on first use (by [`crate::run_figures`], while its first
    /// methods run).
    pub(crate) fn ids(&self) -> &ItemIds<'a> {
        self.ids
            .get_or_init(|| ItemIds::new(reconcile::items(self.inventory)))
    }

    /// What the methods derive from the inventory alike.
    pub(crate) fn derived(&self) -> &Derived<'a> {
        self.derived.get_or_init(|| Derived::new(self.inventory))
    }

    /// The inventory's estimated values, by workload.
    pub(crate) fn estimated(&self) -> &EstimatedIndex<'a> {
        self.estimated
            .get_or_init(|| crate::estimated::index(self.inventory))
    }
}

/// `a`, by the method `descriptor` describes, prepared for the comparison. The breakdowns,
/// the data quality and the index read the contributions in one pass: with a million
/// workloads, reading them is most of what each costs.
pub(crate) fn prepare(items: &Items<'_>, descriptor: &Descriptor, a: &Assessment) -> Prepared {
    prepare_with(items, descriptor, a, |_| {})
}

/// [`prepare`], with `a`'s figures checked to be finite numbers in the same pass
/// ([`Assessment::check_finite`]'s error, if one is not).
pub(crate) fn prepare_checked(
    items: &Items<'_>,
    descriptor: &Descriptor,
    a: &Assessment,
) -> Result<Prepared, String> {
    let mut finite = Finite::new(a);
    let prepared = prepare_with(items, descriptor, a, |c| finite.add(c));
    // The index's totals are the assessment's, summed in the same pass.
    finite.finish(prepared.index.totals).map(|()| prepared)
}

/// [`prepare`], each contribution given to `visit` as well, in order.
fn prepare_with<'c>(
    items: &Items<'_>,
    descriptor: &Descriptor,
    a: &'c Assessment,
    mut visit: impl FnMut(&'c Contribution),
) -> Prepared {
    let mut breakdowns = Breakdowns::new(Indicator::ALL.map(|i| a.covers(i)));
    let mut quality = bilan_core::quality::Pass::new(items.inventory, a);
    // The reconciliation, from the items the index finds: each contribution's item is
    // found once.
    let ids = items.ids();
    let mut marks = reconcile::Marks::new(ids.items().len());
    let mut shares = ids.locator();
    let index = Index::visiting(descriptor, a, ids, |c, item| {
        visit(c);
        breakdowns.add(c);
        quality.add(c);
        if let Some(n) = item {
            marks.include(n as usize);
        }
        if marks.first_read(c) {
            for share in &c.allocation {
                let n = ids.known_located(ItemKind::Workload, &share.workload, &mut shares);
                if let Some(n) = n {
                    marks.include(n as usize);
                }
            }
        }
    });
    let mut locate = ids.locator();
    for e in &a.exclusions {
        if let Some(n) = ids.known_located(e.item.kind, &e.item.id, &mut locate) {
            marks.exclude(n as usize);
        }
    }
    Prepared {
        reconciliation: marks.finish(ids.items(), a),
        breakdowns: breakdowns.finish(),
        quality: quality.finish(a),
        index,
    }
}
