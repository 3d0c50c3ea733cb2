//! Numbering the items of a comparison's assessments ([`ItemIds`]).

use std::sync::{Mutex, OnceLock, PoisonError};

use bilan_core::assessment::{Assessment, ItemKind};
use bilan_core::inventory::Locator;
use rustc_hash::{FxHashMap, FxHashSet};

use super::NONE;

/// Dense numbers for the items of every assessment of a comparison, so that contributions of
/// two methods are matched by number rather than by hashing their ids again for every pair.
/// The inventory's items are numbered by their place in it and found there by a
/// [`Locator`] that follows the method's order. What its scans do not find is looked up in
/// tables shared by every method's index, each built on first use: one of the workloads
/// (with a large inventory mostly never built) and one of the other items (a handful: an
/// instrument a method accounts for after the workloads). An item no inventory lists (a
/// plugin's own) is numbered on first sight, under a lock.
pub(crate) struct ItemIds<'a> {
    /// The known items in number order.
    pub(super) order: Vec<(ItemKind, &'a str)>,
    /// The kinds `order` has, one bit each: an item of another kind (a site) is never
    /// looked up in the tables, so it does not build them.
    kinds: u64,
    /// The known workloads, by id.
    pub(super) workloads: OnceLock<FxHashMap<&'a str, u32>>,
    /// The known items of other kinds.
    pub(super) others: OnceLock<FxHashMap<(ItemKind, &'a str), u32>>,
    other: Mutex<FxHashMap<(ItemKind, Box<str>), u32>>,
}

impl<'a> ItemIds<'a> {
    /// Numbers `items` in order; an item listed twice keeps its first number.
    pub(crate) fn new(items: impl IntoIterator<Item = (ItemKind, &'a str)>) -> ItemIds<'a> {
        // The set of those seen is dropped at once: what is kept is the list.
        let mut seen = FxHashSet::default();
        let order: Vec<(ItemKind, &'a str)> =
            items.into_iter().filter(|i| seen.insert(*i)).collect();
        ItemIds {
            kinds: order
                .iter()
                .fold(0, |bits, (kind, _)| bits | kind_bit(*kind)),
            order,
            workloads: OnceLock::new(),
            others: OnceLock::new(),
            other: Mutex::default(),
        }
    }

    /// The items numbered up front, in number order.
    pub(crate) fn items(&self) -> &[(ItemKind, &'a str)] {
        &self.order
    }

    /// The number of a known item, from the table of its class of kinds (built on first
    /// use, for every index that shares these numbers).
    fn known(&self, kind: ItemKind, id: &str) -> Option<u32> {
        let numbered = |workloads: bool| {
            self.order
                .iter()
                .enumerate()
                .filter(move |(_, (k, _))| (*k == ItemKind::Workload) == workloads)
                .map(|(n, item)| (*item, u32::try_from(n).unwrap_or(NONE)))
        };
        if kind == ItemKind::Workload {
            let table = self.workloads.get_or_init(|| {
                let mut table =
                    FxHashMap::with_capacity_and_hasher(self.order.len(), Default::default());
                for ((_, id), n) in numbered(true) {
                    table.entry(id).or_insert(n);
                }
                table
            });
            table.get(id).copied()
        } else {
            let table = self.others.get_or_init(|| {
                let mut table = FxHashMap::default();
                for (item, n) in numbered(false) {
                    table.entry(item).or_insert(n);
                }
                table
            });
            table.get(&(kind, id)).copied()
        }
    }

    /// The items of `a` numbered up front, for indexing assessments of an inventory not at
    /// hand: other assessments of the same inventory account for the same items, so they
    /// are found without the lock.
    pub(crate) fn of_assessment(a: Option<&'a Assessment>) -> ItemIds<'a> {
        let items = a.into_iter().flat_map(|a| {
            a.contributions
                .iter()
                .map(|c| (c.item.kind, &*c.item.id))
                .chain(a.exclusions.iter().map(|e| (e.item.kind, &*e.item.id)))
        });
        ItemIds::new(items)
    }

    /// A locator over the ids of the items numbered up front, for one pass of
    /// [`ItemIds::id_located`].
    pub(crate) fn locator(&self) -> Locator<'_> {
        Locator::items(&self.order)
    }

    /// [`ItemIds::id`], found first by `locate` at the place the method's order suggests: a
    /// method mostly accounts for the items in inventory order, so most items are found
    /// without hashing their id, and the tables are often never built.
    pub(super) fn id_located(&self, kind: ItemKind, id: &str, locate: &mut Locator<'_>) -> u32 {
        self.known_located(kind, id, locate)
            .unwrap_or_else(|| self.unlisted(kind, id))
    }

    /// [`ItemIds::id_located`] among the items numbered up front only: `None` for any
    /// other, which is not numbered for it.
    pub(crate) fn known_located(
        &self,
        kind: ItemKind,
        id: &str,
        locate: &mut Locator<'_>,
    ) -> Option<u32> {
        if self.kinds & kind_bit(kind) == 0 {
            return None;
        }
        if let Some(n) = locate.find_near(id)
            && self.order.get(n).is_some_and(|(k, _)| *k == kind)
        {
            return u32::try_from(n).ok();
        }
        let n = self.known(kind, id)?;
        // Found in a table: the scans go on from there (a pass that jumped goes on in order).
        locate.seek(n as usize);
        Some(n)
    }

    /// The number of an item, listed up front or not, without a locator: what
    /// [`ItemIds::id_located`] gives, for tests of the numbering.
    #[cfg(test)]
    pub(super) fn id(&self, kind: ItemKind, id: &str) -> u32 {
        if self.kinds & kind_bit(kind) != 0
            && let Some(n) = self.known(kind, id)
        {
            return n;
        }
        self.unlisted(kind, id)
    }

    /// The number of an item no inventory lists (a plugin's own), given on first sight.
    fn unlisted(&self, kind: ItemKind, id: &str) -> u32 {
        let mut other = self.other.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&n) = other.get(&(kind, id) as &dyn Lookup) {
            return n;
        }
        let next = u32::try_from(self.order.len() + other.len()).unwrap_or(NONE);
        other.insert((kind, id.into()), next);
        next
    }
}

/// `kind`'s bit in [`ItemIds::kinds`].
fn kind_bit(kind: ItemKind) -> u64 {
    1 << (kind as u32 % 64)
}

/// Looking up an owned `(kind, id)` key by a borrowed one.
trait Lookup {
    fn key(&self) -> (ItemKind, &str);
}

impl Lookup for (ItemKind, Box<str>) {
    fn key(&self) -> (ItemKind, &str) {
        (self.0, &self.1)
    }
}

impl Lookup for (ItemKind, &str) {
    fn key(&self) -> (ItemKind, &str) {
        (self.0, self.1)
    }
}

impl<'b> std::borrow::Borrow<dyn Lookup + 'b> for (ItemKind, Box<str>) {
    fn borrow(&self) -> &(dyn Lookup + 'b) {
        self
    }
}

impl PartialEq for dyn Lookup + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for dyn Lookup + '_ {}

impl std::hash::Hash for dyn Lookup + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}
