use std::collections::HashSet;

use bilan_core::assessment::membership;
use bilan_core::inventory::Locator;
use bilan_core::method::{Methodology, Parameters};

use super::Members;
use crate::Sci;

/// Every shipped example, as the method sees it.
fn examples() -> Vec<(String, bilan_core::inventory::Inventory)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the examples are there") {
        let path = entry.expect("the directory reads").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let file = bilan_io::SourceFile {
                name: path.display().to_string(),
                text: std::fs::read_to_string(&path).expect("the example reads"),
            };
            let inventory = bilan_io::load_inventory(&file)
                .unwrap_or_else(|e| panic!("{} is valid: {e}", file.name));
            out.push((file.name, inventory));
        }
    }
    assert!(out.len() >= 5, "the examples are found");
    out
}

/// The share of each contribution that a functional unit's workloads hold, read by their
/// positions, is the one `Contribution::workload_share` sums over a set of their ids, bit
/// for bit: contributions tied to a workload, and those a fleet or a building spreads over
/// many, some lists read again from the cache.
#[test]
fn members_give_each_contribution_the_share_of_workload_share() {
    let factors = bilan_factors::embedded().expect("the embedded database loads");
    let (mut allocated, mut assessed) = (0, 0);
    for (name, inv) in examples() {
        // An example whose workloads need estimating first (`estimated-open-model`) is
        // not the method's to read.
        let Ok(a) = Sci::default().assess(&inv, factors, &Parameters::default()) else {
            continue;
        };
        assessed += 1;
        for fu in &inv.functional_units {
            let member = membership(&inv, fu);
            let ids: HashSet<&str> = inv
                .workloads
                .iter()
                .zip(&member)
                .filter(|(_, m)| **m)
                .map(|(w, _)| w.id.as_ref())
                .collect();
            let mut members = Members::new(Locator::workloads(&inv.workloads), &member);
            // Twice over, the second time in reverse: a list is summed once, and the
            // positions are found in any order.
            for c in a.contributions.iter().chain(a.contributions.iter().rev()) {
                allocated += usize::from(!c.allocation.is_empty());
                assert_eq!(
                    members.share(c).to_bits(),
                    c.workload_share(&ids).to_bits(),
                    "{name}, unit `{}`: {} {}",
                    fu.id,
                    c.item,
                    c.aspect
                );
            }
        }
    }
    assert!(assessed >= 5, "the examples are assessed");
    assert!(
        allocated > 0,
        "some contributions are spread over workloads"
    );
}
