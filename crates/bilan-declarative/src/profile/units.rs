//! The functional units of a profile: one result per kind, over the workloads of the kind's
//! default phases, named by the kind's id (`request`, `output-token`…), beside the
//! inventory's own functional units.
//!
//! A unit that cannot be computed (no workload of its phases, a workload without the
//! volume, R = 0, none of its workloads counted) is a [`MissingUnit`] with the reason,
//! never a number and never a failure of the method: the profile asks every system for the
//! same units, and saying which ones a system cannot give is part of the comparison.

use bilan_core::Derived;
use bilan_core::assessment::{Assessment, MissingUnit};
use bilan_core::inventory::{FunctionalUnit, FunctionalUnitKind};
use bilan_core::method::MethodError;

/// The wording of a note by which `results_of` skips a unit.
const NOT_APPLICABLE: &str = "is not applicable: ";

/// Adds to `a` the results of the functional units `kinds` (declared by the profile of
/// `file`), or a missing unit each; the inventory's own units stay. A unit whose id the
/// inventory already uses for the same kind is the inventory's; for another kind, an error.
pub(super) fn add(
    kinds: &[FunctionalUnitKind],
    file: &str,
    inventory: &Derived<'_>,
    a: &mut Assessment,
) -> Result<(), MethodError> {
    a.missing_units.clear();
    let mut todo = Vec::new();
    for &kind in kinds {
        match inventory
            .functional_units
            .iter()
            .find(|fu| fu.id == kind.id())
        {
            Some(own) if own.kind == kind => {
                // Its result (or the reason it has none) is already there.
                if !a
                    .functional_units
                    .iter()
                    .any(|r| r.functional_unit == own.id)
                {
                    // The computation said why in a note.
                    let prefix = format!("functional unit `{}` ", own.id);
                    let reason = a
                        .warnings
                        .iter()
                        .filter(|w| w.starts_with(&prefix))
                        .find_map(|w| w.split_once(NOT_APPLICABLE).map(|(_, why)| why.to_owned()))
                        .unwrap_or_else(|| format!("{} reports no result for it", a.method));
                    a.missing_units.push(MissingUnit {
                        functional_unit: own.id.clone(),
                        kind,
                        reason,
                    });
                }
            }
            Some(own) => {
                return Err(MethodError::Input {
                    item: format!("functional unit `{}`", own.id),
                    message: format!(
                        "the inventory's `{}` counts {}, but the profile of {file} reports `{}` per {}: rename the inventory's functional unit",
                        own.id,
                        own.kind.id(),
                        kind.id(),
                        kind.id()
                    ),
                });
            }
            None => todo.push(kind),
        }
    }
    if todo.is_empty() {
        return Ok(());
    }
    for kind in todo {
        // Each profile unit in turn, over the inventory's workloads: the shared computation
        // reads it as it reads the inventory's own units.
        let own = FunctionalUnit {
            id: kind.id().to_owned(),
            kind,
            workloads: Vec::new(),
            description: Some(format!(
                "{} (functional unit of the profile of {file})",
                kind.id()
            )),
        };
        match unit(inventory, &own, a) {
            Ok((results, notes)) => {
                for note in notes {
                    if !a.warnings.contains(&note) {
                        a.warnings.push(note);
                    }
                }
                a.functional_units.extend(results);
            }
            Err(reason) => a.missing_units.push(MissingUnit {
                functional_unit: kind.id().to_owned(),
                kind,
                reason,
            }),
        }
    }
    Ok(())
}

/// The results of the one functional unit of `inventory` (of `kind`), with the notes to
/// keep as warnings; or why it has none.
#[allow(clippy::type_complexity)]
fn unit(
    inventory: &Derived<'_>,
    fu: &FunctionalUnit,
    a: &Assessment,
) -> Result<
    (
        Vec<bilan_core::assessment::FunctionalUnitResult>,
        Vec<String>,
    ),
    String,
> {
    let phases = fu.kind.default_phases();
    if !inventory
        .workloads
        .iter()
        .any(|w| phases.contains(&w.phase))
    {
        return Err(bilan_core::quality::no_workload(phases));
    }
    let (results, notes) =
        inventory
            .results_of(std::slice::from_ref(fu), a)
            .map_err(|e| match e {
                MethodError::Input { message, .. } => message,
                other => other.to_string(),
            })?;
    if results.is_empty() {
        let reason = notes
            .iter()
            .find_map(|n| n.split_once(NOT_APPLICABLE).map(|(_, why)| why.to_owned()))
            .unwrap_or_else(|| format!("{} covers no indicator to report", a.method));
        return Err(reason);
    }
    Ok((results, notes))
}
