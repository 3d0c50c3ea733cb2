//! Finding items by id in passes that mostly follow the inventory's order.

use rustc_hash::FxHashMap;

/// How many positions after the last hit are tried before the map.
const WINDOW: usize = 8;

/// Positions of ids in a list, for lookups that mostly come in list order, as a method's
/// contributions and allocations follow the inventory: the few positions after the last
/// hit are compared first, and a hash map, built on the first miss, answers the rest. The
/// answers are those of the map in every case; only their cost depends on the order.
///
/// Ids are expected to be unique (the inventory's validation refuses duplicates); with a
/// duplicate, either position may be returned.
#[derive(Debug)]
pub struct Locator<'a> {
    ids: Vec<&'a str>,
    next: usize,
    map: Option<FxHashMap<&'a str, usize>>,
}

impl<'a> Locator<'a> {
    /// A locator over `ids`, in order.
    pub fn new(ids: impl IntoIterator<Item = &'a str>) -> Locator<'a> {
        Locator {
            ids: ids.into_iter().collect(),
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
        self.ids.is_empty()
    }

    /// The position of `id`, if it is in the list.
    pub fn find(&mut self, id: &str) -> Option<usize> {
        // From the last hit itself (items often come several times in a row).
        let start = self.next.saturating_sub(1).min(self.ids.len());
        let end = (start + WINDOW).min(self.ids.len());
        if let Some(k) = self.ids[start..end].iter().position(|x| *x == id) {
            self.next = start + k + 1;
            return Some(start + k);
        }
        let ids = &self.ids;
        let map = self.map.get_or_insert_with(|| {
            let mut map = FxHashMap::with_capacity_and_hasher(ids.len(), Default::default());
            for (n, id) in ids.iter().enumerate() {
                map.entry(*id).or_insert(n);
            }
            map
        });
        let n = *map.get(id)?;
        self.next = n + 1;
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::Locator;

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
}
