//! What the methods of one run derive from the inventory alike, derived once for all of
//! them.
//!
//! Each method reads the same inventory: every fleet's reserved device time and each
//! workload's share of it, the workloads each functional unit covers, the workloads' ids in
//! order. Derived by each method on its own, a comparison of seven methods walked a million
//! workloads seven times for each. A [`Derived`] borrows the inventory for the run (so the
//! inventory cannot change under it), derives each of these on first use, and hands every
//! method the same answer; a method assessed alone ([`crate::Methodology::assess`]) derives
//! them for itself. Whatever it returns is what the free functions it stands for return.

use std::ops::Deref;
use std::sync::OnceLock;

use crate::assessment::work::{self, Reserved};
use crate::assessment::{Assessment, FunctionalUnitResult};
use crate::descriptor::MethodError;
use crate::inventory::{Fleet, FunctionalUnit, Inventory, Locator};

/// An inventory, borrowed for one run, with what the run's methods derive from it alike.
/// Dereferences to the inventory.
#[derive(Debug)]
pub struct Derived<'a> {
    inventory: &'a Inventory,
    /// The workloads' ids in inventory order, side by side: a pass that finds workloads by id
    /// reads 16 bytes per workload instead of each workload's record.
    ids: Vec<&'a str>,
    /// By fleet position: [`work::reserved_shares`] and [`work::reserved`].
    reserved: Vec<[OnceLock<Result<Reserved, MethodError>>; 2]>,
    /// [`crate::assessment::membership`] of each of the inventory's functional units.
    members: OnceLock<Vec<Vec<bool>>>,
}

impl Deref for Derived<'_> {
    type Target = Inventory;

    fn deref(&self) -> &Inventory {
        self.inventory
    }
}

impl<'a> Derived<'a> {
    /// The inventory of a run, nothing derived yet.
    pub fn new(inventory: &'a Inventory) -> Derived<'a> {
        Derived {
            inventory,
            ids: inventory.workloads.iter().map(|w| &*w.id).collect(),
            reserved: inventory
                .fleets
                .iter()
                .map(|_| [OnceLock::new(), OnceLock::new()])
                .collect(),
            members: OnceLock::new(),
        }
    }

    /// The inventory itself.
    pub fn inventory(&self) -> &'a Inventory {
        self.inventory
    }

    /// A locator of the workloads by id ([`Locator::workloads`]), over their ids side by side.
    pub fn locator(&self) -> Locator<'_> {
        Locator::ids(&self.ids)
    }

    /// [`work::reserved_shares`] of `fleet`, derived once per run.
    pub fn reserved_shares(&self, fleet: &Fleet) -> Result<Reserved, MethodError> {
        self.reserved_of(fleet, 0, work::reserved_shares)
    }

    /// [`work::reserved`] of `fleet` (with each workload's utilisation), derived once per run.
    pub fn reserved(&self, fleet: &Fleet) -> Result<Reserved, MethodError> {
        self.reserved_of(fleet, 1, work::reserved)
    }

    fn reserved_of(
        &self,
        fleet: &Fleet,
        variant: usize,
        derive: fn(&Inventory, &Fleet) -> Result<Reserved, MethodError>,
    ) -> Result<Reserved, MethodError> {
        // A fleet of this inventory, by address; another (a method's own) is derived apart.
        let at = self
            .inventory
            .fleets
            .iter()
            .position(|f| std::ptr::eq(f, fleet));
        match at {
            Some(n) => self.reserved[n][variant]
                .get_or_init(|| derive(self.inventory, fleet))
                .clone(),
            None => derive(self.inventory, fleet),
        }
    }

    /// [`crate::assessment::membership`] of each of the inventory's functional units, in
    /// order.
    pub fn memberships(&self) -> &[Vec<bool>] {
        self.members.get_or_init(|| {
            crate::assessment::memberships(self.inventory, &self.inventory.functional_units)
        })
    }

    /// [`crate::assessment::membership`] of `fu`: the run's, when it is one of the inventory's
    /// own units.
    pub fn membership(&self, fu: &FunctionalUnit) -> std::borrow::Cow<'_, [bool]> {
        match self
            .inventory
            .functional_units
            .iter()
            .position(|f| std::ptr::eq(f, fu))
        {
            Some(n) => std::borrow::Cow::Borrowed(&self.memberships()[n]),
            None => std::borrow::Cow::Owned(crate::assessment::membership(self.inventory, fu)),
        }
    }

    /// [`crate::assessment::functional_unit_results`], with the run's memberships and ids.
    pub fn functional_unit_results(
        &self,
        assessment: &Assessment,
    ) -> Result<(Vec<FunctionalUnitResult>, Vec<String>), MethodError> {
        self.results_of(&self.inventory.functional_units, assessment)
    }

    /// [`crate::assessment::results_of`], with the run's ids, and its memberships when `fus`
    /// are the inventory's own units.
    pub fn results_of(
        &self,
        fus: &[FunctionalUnit],
        assessment: &Assessment,
    ) -> Result<(Vec<FunctionalUnitResult>, Vec<String>), MethodError> {
        let own = std::ptr::eq(fus, self.inventory.functional_units.as_slice());
        let derived;
        let members = if own {
            self.memberships()
        } else {
            derived = crate::assessment::memberships(self.inventory, fus);
            &derived
        };
        crate::assessment::results_with(self.inventory, fus, assessment, self.locator(), members)
    }
}

#[cfg(test)]
mod tests;
