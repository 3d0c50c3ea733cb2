//! Finding items by id in passes that mostly follow the inventory's order.

use rustc_hash::FxHashMap;

use super::Workload;
use crate::item::ItemKind;

/// How many positions after the last hit are tried first.
const WINDOW: usize = 8;

/// How far past the window a miss looks ahead before it asks the map: far enough to step
/// over a run of items a method skipped (another fleet's workloads, an excluded stretch).
const REACH: usize = 256;

/// Positions of ids in a list, for lookups that mostly come in list order, as a method's
/// contributions and allocations follow the inventory. The few positions after the last
/// hit are compared first; then, while a budget of the list's length (the cost of building
/// a map) lasts, up to [`REACH`] more and the few at the top of the list (a second pass in
/// order); a hash map, built on the first miss that still finds nothing, answers the rest.
/// Every id in the list is found and every other is not, whatever the order; only the cost
/// depends on it.
///
/// Ids are expected to be unique (the inventory's validation refuses duplicates); with a
/// duplicate, any of its positions may be returned.
#[derive(Debug)]
pub struct Locator<'a> {
    ids: Ids<'a>,
    next: usize,
    /// Positions the scans past the window (ahead, and at the top) may still compare before
    /// the map is built.
    budget: usize,
    map: Option<FxHashMap<&'a str, usize>>,
}

/// The list a [`Locator`] finds ids in: its own, or one it borrows (a list of a million
/// workloads is not copied for each pass that finds them).
#[derive(Debug)]
enum Ids<'a> {
    Texts(Vec<&'a str>),
    Borrowed(&'a [&'a str]),
    Workloads(&'a [Workload]),
    Items(&'a [(ItemKind, &'a str)]),
}

impl<'a> Ids<'a> {
    fn len(&self) -> usize {
        match self {
            Ids::Texts(ids) => ids.len(),
            Ids::Borrowed(ids) => ids.len(),
            Ids::Workloads(w) => w.len(),
            Ids::Items(items) => items.len(),
        }
    }

    fn get(&self, n: usize) -> &'a str {
        match self {
            Ids::Texts(ids) => ids[n],
            Ids::Borrowed(ids) => ids[n],
            Ids::Workloads(w) => &w[n].id,
            Ids::Items(items) => items[n].1,
        }
    }

    /// The position of `id` among `range`, counted from its start: by address first, then
    /// by text. A method's items mostly hold the inventory's own ids (shared, not copied),
    /// and reading the text of a million ids is most of the cost of finding them.
    fn position(&self, range: std::ops::Range<usize>, id: &str) -> Option<usize> {
        range
            .clone()
            .position(|n| std::ptr::eq(self.get(n), id))
            .or_else(|| range.clone().position(|n| self.get(n) == id))
    }
}

impl<'a> Locator<'a> {
    /// A locator over `ids`, in order.
    pub fn new(ids: impl IntoIterator<Item = &'a str>) -> Locator<'a> {
        Locator::of(Ids::Texts(ids.into_iter().collect()))
    }

    /// A locator over `ids`, in order, borrowed: a list made once and read by several passes
    /// (the workloads' ids side by side, [`crate::Derived::locator`], read without
    /// touching each workload).
    pub fn ids(ids: &'a [&'a str]) -> Locator<'a> {
        Locator::of(Ids::Borrowed(ids))
    }

    /// A locator over the ids of `workloads`, in order, borrowed.
    pub fn workloads(workloads: &'a [Workload]) -> Locator<'a> {
        Locator::of(Ids::Workloads(workloads))
    }

    /// A locator over the ids of `items`, in order, borrowed.
    pub fn items(items: &'a [(ItemKind, &'a str)]) -> Locator<'a> {
        Locator::of(Ids::Items(items))
    }

    fn of(ids: Ids<'a>) -> Locator<'a> {
        Locator {
            budget: ids.len(),
            ids,
            next: 0,
            map: None,
        }
    }

    /// How many ids there are.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.len() == 0
    }

    /// Whether the map was built: every lookup so far past the window that the scans could
    /// not answer. For tests and diagnostics of the order of a pass.
    pub fn hashed(&self) -> bool {
        self.map.is_some()
    }

    /// The position of `id`, if it is in the list.
    pub fn find(&mut self, id: &str) -> Option<usize> {
        if let Some(n) = self.scan(id) {
            return Some(n);
        }
        let ids = &self.ids;
        let map = self.map.get_or_insert_with(|| {
            let mut map = FxHashMap::with_capacity_and_hasher(ids.len(), Default::default());
            for n in 0..ids.len() {
                map.entry(ids.get(n)).or_insert(n);
            }
            map
        });
        let n = *map.get(id)?;
        self.next = n + 1;
        Some(n)
    }

    /// [`Locator::find`] by the scans alone: `None` when they do not find `id`, which may
    /// still be in the list, without building the map. For a caller that holds a table of
    /// its own for the rest, shared by several passes (each pass over a million ids that
    /// built its own map hashed every id again).
    pub fn find_near(&mut self, id: &str) -> Option<usize> {
        self.scan(id)
    }

    /// Goes on from position `n`, as if `n` had just been found: for a caller that found an
    /// id without the scans (in a table of its own), so that the next ids, which follow it,
    /// are in the window again.
    pub fn seek(&mut self, n: usize) {
        self.next = (n + 1).min(self.ids.len());
    }

    /// The scans of [`Locator::find`]: the window after the last hit, then, while the
    /// budget lasts and no map was built, further ahead and the top of the list.
    fn scan(&mut self, id: &str) -> Option<usize> {
        // From the last hit itself (items often come several times in a row).
        let start = self.next.saturating_sub(1).min(self.ids.len());
        let end = (start + WINDOW).min(self.ids.len());
        if let Some(k) = self.ids.position(start..end, id) {
            self.next = start + k + 1;
            return Some(start + k);
        }
        if self.map.is_none() && self.budget > 0 {
            let far = (end + REACH.min(self.budget)).min(self.ids.len());
            let found = self.ids.position(end..far, id);
            self.budget -= found.map_or(far - end, |k| k + 1);
            if let Some(k) = found {
                self.next = end + k + 1;
                return Some(end + k);
            }
            // A second pass in list order (a fleet's allocation after its workloads'
            // contributions) starts again from the top.
            let top = WINDOW.min(start);
            let found = self.ids.position(0..top, id);
            self.budget = self.budget.saturating_sub(top);
            if let Some(k) = found {
                self.next = k + 1;
                return Some(k);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Locator;
    use crate::item::ItemKind;

    /// A locator that borrows a list of items finds what one over a copy of their ids
    /// finds, in any order, by address or by text.
    #[test]
    fn a_borrowed_list_finds_what_a_copied_one_finds() {
        let ids: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
        let items: Vec<(ItemKind, &str)> = ids
            .iter()
            .map(|id| (ItemKind::Workload, id.as_str()))
            .collect();
        let mut copied = Locator::new(ids.iter().map(String::as_str));
        let mut borrowed = Locator::items(&items);
        let copies: Vec<String> = ids.clone();
        let order = (0..1000).step_by(3).chain((0..1000).rev().step_by(11));
        for n in order {
            assert_eq!(borrowed.find(&ids[n]), copied.find(&ids[n]), "{n}");
            assert_eq!(borrowed.find(&copies[n]), Some(n), "{n}, by text");
        }
        assert_eq!(borrowed.find("nope"), None);
        assert_eq!(borrowed.len(), 1000);
    }

    #[test]
    fn finds_every_id_in_any_order() {
        let ids: Vec<String> = (0..100).map(|n| format!("w{n}")).collect();
        let mut in_order = Locator::new(ids.iter().map(String::as_str));
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(in_order.find(id), Some(n));
            assert_eq!(in_order.find(id), Some(n), "the same id twice");
        }
        assert!(in_order.map.is_none(), "in order, the map is never needed");
        let mut shuffled = Locator::new(ids.iter().map(String::as_str));
        for n in (0..100).rev().chain((0..100).step_by(7)) {
            assert_eq!(shuffled.find(&ids[n]), Some(n));
        }
        assert_eq!(shuffled.find("nope"), None);
        assert_eq!(Locator::new([]).find("w0"), None);
        assert_eq!(shuffled.len(), 100);
    }

    #[test]
    fn steps_over_gaps_without_the_map_until_the_budget_is_spent() {
        let ids: Vec<String> = (0..2000).map(|n| format!("w{n}")).collect();
        // Every 50th id: past the window, within reach.
        let mut gaps = Locator::new(ids.iter().map(String::as_str));
        for n in (0..2000).step_by(50) {
            assert_eq!(gaps.find(&ids[n]), Some(n));
        }
        assert!(gaps.map.is_none(), "gaps within reach need no map");
        // Backwards, the first miss scans ahead in vain and builds the map, which answers
        // the rest.
        let mut backwards = Locator::new(ids.iter().map(String::as_str));
        for n in (0..2000).rev() {
            assert_eq!(backwards.find(&ids[n]), Some(n));
        }
        assert!(backwards.map.is_some());
        assert_eq!(backwards.budget, 2000 - 256, "one scan ahead, in vain");
        // A second pass in order starts again from the top without the map.
        let mut twice = Locator::new(ids.iter().map(String::as_str));
        for n in (0..2000).chain(0..2000) {
            assert_eq!(twice.find(&ids[n]), Some(n));
        }
        assert!(twice.map.is_none(), "a second pass needs no map");
        // Far hits, each within reach, spend the budget by what they compared: once it is
        // spent, the map answers.
        let mut far = Locator::new(ids.iter().map(String::as_str));
        far.budget = 500;
        for n in (0..2000).step_by(250) {
            assert_eq!(far.find(&ids[n]), Some(n));
        }
        assert!(far.map.is_some(), "the budget ran out");
    }

    #[test]
    fn the_scans_alone_never_build_the_map() {
        let ids: Vec<String> = (0..2000).map(|n| format!("w{n}")).collect();
        let mut near = Locator::new(ids.iter().map(String::as_str));
        assert_eq!(near.find_near("w0"), Some(0));
        assert_eq!(near.find_near("w100"), Some(100), "within reach");
        assert_eq!(
            near.find_near("w1999"),
            None,
            "far ahead: left to the caller"
        );
        assert_eq!(near.find_near("nope"), None);
        assert_eq!(
            near.find_near("w101"),
            Some(101),
            "the scans go on from the last hit"
        );
        assert!(near.map.is_none());
        // Once the budget is spent, only the window answers.
        near.budget = 0;
        assert_eq!(near.find_near("w102"), Some(102));
        assert_eq!(near.find_near("w500"), None);
        assert!(near.map.is_none());
        assert_eq!(
            near.find("w500"),
            Some(500),
            "`find` still finds it, by the map"
        );
        let mut jumped = Locator::new(ids.iter().map(String::as_str));
        jumped.budget = 0;
        assert_eq!(jumped.find_near("w1500"), None);
        jumped.seek(1500);
        assert_eq!(
            jumped.find_near("w1501"),
            Some(1501),
            "in the window after a seek"
        );
    }
}
