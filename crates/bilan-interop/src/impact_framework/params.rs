//! An observation's parameters: a map from name to value kept as one sorted vector. An
//! observation holds a few dozen parameters and is made, cloned and dropped once per
//! observation of the manifest (millions), which a tree of nodes per map made slow; lookups,
//! inserts and iteration behave as a `BTreeMap`'s, in the same order. Each name is kept with
//! its first eight bytes as a number, which orders as the name does, so that most
//! comparisons are one of integers.

use std::rc::Rc;

/// A parameter's name, shared by the observations of a leaf (read on one thread).
pub(crate) type Key = Rc<str>;

/// Parameters by name, sorted by name: (the name's first bytes, the name, the value).
#[derive(Debug, PartialEq)]
pub(crate) struct Params<T>(Vec<(u64, Key, T)>);

/// The first eight bytes of `key`, big-endian, padded with zeros: for two names whose
/// numbers differ, the numbers order as the names do.
fn prefix(key: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = key.len().min(8);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

impl<T> Default for Params<T> {
    fn default() -> Self {
        Params(Vec::new())
    }
}

impl<T: Clone> Clone for Params<T> {
    /// A copy with room for the parameters a pipeline adds.
    fn clone(&self) -> Self {
        let mut v = Vec::with_capacity(self.0.len() + 16);
        v.extend_from_slice(&self.0);
        Params(v)
    }
}

impl<T> Params<T> {
    /// Where `key` is, or would be. A scan, not a binary search: for a few dozen names,
    /// comparing integers in order beats guessing branches.
    fn find(&self, key: &str) -> Result<usize, usize> {
        let p = prefix(key);
        for (i, (q, k, _)) in self.0.iter().enumerate() {
            if *q < p {
                continue;
            }
            if *q > p {
                return Err(i);
            }
            match (**k).cmp(key) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Ok(i),
                std::cmp::Ordering::Greater => return Err(i),
            }
        }
        Err(self.0.len())
    }

    pub(crate) fn get(&self, key: &str) -> Option<&T> {
        self.find(key).ok().map(|i| &self.0[i].2)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub(crate) fn insert(&mut self, key: Key, value: T) -> Option<T> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].2, value)),
            Err(i) => {
                self.0.insert(i, (prefix(&key), key, value));
                None
            }
        }
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<T> {
        self.find(key).ok().map(|i| self.0.remove(i).2)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Key, &T)> {
        self.0.iter().map(|(_, k, v)| (k, v))
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter().map(|(_, _, v)| v)
    }
}

impl<'a, T> IntoIterator for &'a Params<T> {
    type Item = (&'a Key, &'a T);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (u64, Key, T)>,
        fn(&'a (u64, Key, T)) -> (&'a Key, &'a T),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(_, k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any sequence of inserts and removals leaves what a `BTreeMap` would, in its order.
        #[test]
        fn behaves_as_a_btree_map(ops in prop::collection::vec((any::<bool>(), "[a-c\\x00]{0,10}", any::<u8>()), 0..64)) {
            let mut ours = Params::default();
            let mut theirs = BTreeMap::new();
            for (insert, key, value) in ops {
                if insert {
                    prop_assert_eq!(ours.insert(Key::from(key.as_str()), value), theirs.insert(key, value));
                } else {
                    prop_assert_eq!(ours.remove(&key), theirs.remove(&key));
                }
                let ours_now: Vec<(String, u8)> = ours.iter().map(|(k, v)| (k.to_string(), *v)).collect();
                let theirs_now: Vec<(String, u8)> = theirs.iter().map(|(k, v)| (k.clone(), *v)).collect();
                prop_assert_eq!(ours_now, theirs_now);
                prop_assert_eq!(ours.clone().values().count(), theirs.len());
            }
        }
    }
}
