//! Workloads' shares of a contribution, and the list that holds them once for every
//! contribution that splits by it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::inventory::Phase;

/// A workload's share of a contribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Allocation {
    /// The workload.
    pub workload: Arc<str>,
    /// Its phase.
    pub phase: Phase,
    /// Its share (0 to 1).
    pub share: f64,
}

/// A list of [`Allocation`]s, shared: a fleet's device time is split among its workloads
/// once, and every contribution of the fleet (manufacturing, transport, end of life, its
/// hosts…) in every method that reads the same split holds that one list. With a million
/// workloads a copy each was tens of megabytes, and as many reference counts to raise and
/// lower. Read it as a slice; an empty list holds nothing.
#[derive(Clone, Default)]
pub struct Allocations(Option<Arc<[Allocation]>>);

impl Allocations {
    /// Whether this and `other` are the same shared list (or both empty).
    pub fn ptr_eq(&self, other: &Allocations) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl std::ops::Deref for Allocations {
    type Target = [Allocation];

    fn deref(&self) -> &[Allocation] {
        self.0.as_deref().unwrap_or(&[])
    }
}

impl From<Vec<Allocation>> for Allocations {
    fn from(list: Vec<Allocation>) -> Allocations {
        if list.is_empty() {
            Allocations(None)
        } else {
            Allocations(Some(list.into()))
        }
    }
}

impl FromIterator<Allocation> for Allocations {
    fn from_iter<I: IntoIterator<Item = Allocation>>(iter: I) -> Allocations {
        iter.into_iter().collect::<Vec<_>>().into()
    }
}

impl<'a> IntoIterator for &'a Allocations {
    type Item = &'a Allocation;
    type IntoIter = std::slice::Iter<'a, Allocation>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for Allocations {
    fn eq(&self, other: &Allocations) -> bool {
        self.ptr_eq(other) || **self == **other
    }
}

impl std::fmt::Debug for Allocations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(workload: &str, share: f64) -> Allocation {
        Allocation {
            workload: workload.into(),
            phase: Phase::Training,
            share,
        }
    }

    #[test]
    fn an_empty_list_holds_nothing_and_a_clone_is_the_same_list() {
        let empty = Allocations::from(Vec::new());
        assert!(empty.0.is_none());
        assert!(empty.is_empty());
        let list: Allocations = vec![share("a", 0.25), share("b", 0.75)].into();
        let clone = list.clone();
        assert!(clone.ptr_eq(&list));
        assert_eq!(clone.len(), 2);
        let copy: Allocations = list.iter().cloned().collect();
        assert!(!copy.ptr_eq(&list));
        assert_eq!(copy, list);
        assert_ne!(copy, empty);
        assert_eq!(
            (&list).into_iter().map(|a| a.share).sum::<f64>(),
            1.0,
            "read as a slice"
        );
    }
}
