//! Reconciliation: every inventory item is included or excluded by every method.

use bilan_core::assessment::{Allocation, Assessment, Contribution, ItemKind, ItemRef};
use bilan_core::inventory::{Inventory, Locator};
use serde::Serialize;

/// One method's reconciliation with the inventory.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Reconciliation {
    /// Method id.
    pub method: String,
    /// Items in the inventory that must be accounted for.
    pub items: usize,
    /// Items with at least one contribution.
    pub included: usize,
    /// Items with no contribution but an exclusion of the whole item or of an aspect.
    pub excluded: usize,
    /// Items neither included nor excluded: a defect of the method.
    pub unaccounted: Vec<ItemRef>,
}

/// Every item a method must account for: fleets, workloads, buildings, transports, ends of
/// life, services, fuels, refrigerants, instruments and offsets. (Sites, functional units and
/// residual mixes are context: they carry no impact of their own.)
pub fn items(inv: &Inventory) -> Vec<(ItemKind, &str)> {
    inv.accountable()
}

/// How many items [`items`] lists, without listing them.
pub fn item_count(inv: &Inventory) -> usize {
    inv.fleets.len()
        + inv.workloads.len()
        + inv.buildings.len()
        + inv.transports.len()
        + inv.end_of_life.len()
        + inv.services.len()
        + inv.fuels.len()
        + inv.refrigerants.len()
        + inv.instruments.len()
        + inv.offsets.len()
}

/// Checks that each of `items` has a contribution or an exclusion in `a`. A contribution
/// shared among workloads (allocation) includes those workloads too. Ids are expected to
/// be unique per kind, as a validated inventory's are: of two items with one id, only one
/// may be marked.
pub fn reconcile(items: &[(ItemKind, &str)], a: &Assessment) -> Reconciliation {
    let mut find = Finder::new(items);
    let mut marks = Marks::new(items.len());
    for c in &a.contributions {
        if let Some(n) = find.item(c.item.kind, &c.item.id) {
            marks.include(n);
        }
        if marks.first_read(c) {
            for share in &c.allocation {
                if let Some(n) = find.item(ItemKind::Workload, &share.workload) {
                    marks.include(n);
                }
            }
        }
    }
    for e in &a.exclusions {
        if let Some(n) = find.item(e.item.kind, &e.item.id) {
            marks.exclude(n);
        }
    }
    marks.finish(items, a)
}

/// The items an assessment includes and those it excludes, by their place in the list of
/// items to account for, marked as its contributions and exclusions are read: by
/// [`reconcile`], or by a pass that finds each contribution's item for other ends too.
pub(crate) struct Marks {
    included: Vec<bool>,
    excluded: Vec<bool>,
    /// The allocation lists read, by address: a fleet's contributions share one.
    lists_read: rustc_hash::FxHashSet<*const Allocation>,
}

impl Marks {
    /// No item marked, among `items`.
    pub(crate) fn new(items: usize) -> Marks {
        Marks {
            included: vec![false; items],
            excluded: vec![false; items],
            lists_read: rustc_hash::FxHashSet::default(),
        }
    }

    /// Marks the item at `n` included (a place past the list is no item to account for).
    pub(crate) fn include(&mut self, n: usize) {
        if let Some(m) = self.included.get_mut(n) {
            *m = true;
        }
    }

    /// Marks the item at `n` excluded.
    pub(crate) fn exclude(&mut self, n: usize) {
        if let Some(m) = self.excluded.get_mut(n) {
            *m = true;
        }
    }

    /// Whether `c` has an allocation list not read before: its workloads are then to be
    /// marked included.
    pub(crate) fn first_read(&mut self, c: &Contribution) -> bool {
        !c.allocation.is_empty() && self.lists_read.insert(c.allocation.as_ptr())
    }

    /// The reconciliation of `a` with `items`, as marked.
    pub(crate) fn finish(self, items: &[(ItemKind, &str)], a: &Assessment) -> Reconciliation {
        let mut r = Reconciliation {
            method: a.method.id.clone(),
            items: items.len(),
            included: 0,
            excluded: 0,
            unaccounted: Vec::new(),
        };
        for (n, &(kind, id)) in items.iter().enumerate() {
            if self.included[n] {
                r.included += 1;
            } else if self.excluded[n] {
                r.excluded += 1;
            } else {
                r.unaccounted.push(ItemRef::new(kind, id));
            }
        }
        r
    }
}

/// Positions in the item list (kind by kind, as [`items`] lists them) by kind and id.
struct Finder<'a> {
    kinds: Vec<(ItemKind, usize, Locator<'a>)>,
}

impl<'a> Finder<'a> {
    fn new(items: &'a [(ItemKind, &'a str)]) -> Finder<'a> {
        let mut kinds: Vec<(ItemKind, usize, Locator<'a>)> = Vec::new();
        let mut start = 0;
        for run in items.chunk_by(|x, y| x.0 == y.0) {
            kinds.push((run[0].0, start, Locator::items(run)));
            start += run.len();
        }
        Finder { kinds }
    }

    /// The position of item `id` of `kind`, if the list has it (sites, for one, are not
    /// items to account for).
    fn item(&mut self, kind: ItemKind, id: &str) -> Option<usize> {
        let (_, start, locate) = self.kinds.iter_mut().find(|(k, ..)| *k == kind)?;
        locate.find(id).map(|n| *start + n)
    }
}
