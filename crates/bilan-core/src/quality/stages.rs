//! Completeness against a profile: which required stages an assessment does not cover, and
//! why.

use crate::assessment::{Assessment, Exclusion, MissingStage, RequiredStage};
use crate::inventory::{Inventory, Phase};
use crate::item::ItemKind;

/// The stages of `required` that no counted contribution of `a` covers, each with the reason:
/// the inventory holds nothing for it, or what it holds was excluded.
pub fn missing_stages(
    inventory: &Inventory,
    a: &Assessment,
    required: &[RequiredStage],
) -> Vec<MissingStage> {
    required
        .iter()
        .filter(|s| !a.contributions.iter().any(|c| s.covered_by(c)))
        .map(|&stage| MissingStage {
            stage,
            reason: reason(inventory, a, stage),
        })
        .collect()
}

/// Why nothing of `phases` is there: `the inventory has no training or fine-tuning workload`
/// (one wording for a missing stage and a missing functional unit).
pub fn no_workload(phases: &[Phase]) -> String {
    let names: Vec<&str> = phases.iter().map(|p| p.id()).collect();
    format!("the inventory has no {} workload", names.join(" or "))
}

fn reason(inventory: &Inventory, a: &Assessment, stage: RequiredStage) -> String {
    let phases = stage.phases();
    if !phases.is_empty() {
        let held: Vec<&str> = inventory
            .workloads
            .iter()
            .filter(|w| phases.contains(&w.phase))
            .map(|w| w.id.as_ref())
            .collect();
        let names: Vec<&str> = phases.iter().map(|p| p.id()).collect();
        if held.is_empty() {
            return no_workload(phases);
        }
        // Only an exclusion of the whole workload explains a stage with no counted impact;
        // one of a single aspect (its embodied share) leaves the rest counted.
        let excluded = a.exclusions.iter().find(|e| {
            e.item.kind == ItemKind::Workload
                && e.aspect.is_none()
                && held.iter().any(|id| *id == &*e.item.id)
        });
        return match excluded {
            Some(e) => format!("excluded: {}: {}", e.item, e.reason),
            None => format!(
                "the {} workloads ({}) have no counted impact",
                names.join(" and "),
                held.join(", ")
            ),
        };
    }
    let (kind, what) = match stage {
        RequiredStage::DataCentreBuilding => (ItemKind::Building, "building"),
        _ => (ItemKind::Fleet, "fleet"),
    };
    let held = match kind {
        ItemKind::Building => inventory.buildings.len(),
        _ => inventory.fleets.len(),
    };
    if held == 0 {
        return format!("the inventory has no {what}");
    }
    let aspects = stage.aspects();
    let relevant =
        |e: &&Exclusion| e.item.kind == kind && e.aspect.is_none_or(|asp| aspects.contains(&asp));
    // An exclusion of the whole item (every indicator) says why better than one of a single
    // indicator.
    let excluded = a
        .exclusions
        .iter()
        .filter(relevant)
        .find(|e| e.indicator.is_none())
        .or_else(|| a.exclusions.iter().find(relevant));
    match excluded {
        Some(e) => format!("excluded: {}: {}", e.item, e.reason),
        None => format!("no counted {} impact", stage.id()),
    }
}
