//! Checks of an inventory that need more than its typed reading: every hardware model known
//! to the factors the run uses, every distribution the file gives within its key's domain,
//! and the warnings for plausible-but-suspicious values. All are located in the inventory
//! file like its other problems.

use bilan_core::factor::FactorSet;
use bilan_core::inventory::{Inventory, Problem};
use bilan_io::{FileError, FileErrors, Locator, SourceFile, UncertainValue};

use crate::errors::Failure;

fn located(file: &SourceFile, problems: Vec<Problem>) -> Vec<FileError> {
    let locator = Locator::new(file);
    let mut errors: Vec<FileError> = problems
        .into_iter()
        .map(|p| locator.error(&p.path.to_string(), p.message))
        .collect();
    errors.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
    errors
}

/// Refuses (exit 2) an inventory whose fleets name hardware that `factors` does not know.
pub(crate) fn against_factors(
    file: &SourceFile,
    inventory: &Inventory,
    factors: &FactorSet,
) -> Result<(), Failure> {
    let problems = inventory.validate_against(factors);
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::Input(FileErrors {
        errors: located(file, problems),
    }))
}

/// Refuses (exit 2) an inventory whose file gives a distribution that reaches values its key
/// does not accept (`utilisation = { min = 0.5, max = 1.5 }`): the typed inventory holds
/// nominal values only, so the distributions are read from the file again, when it has any
/// (`values`: [`bilan_io::uncertain_values`]).
fn spreads(
    file: &SourceFile,
    inventory: &Inventory,
    values: &[UncertainValue],
) -> Result<(), Failure> {
    let problems = inventory.validate_spreads(values.iter().map(|v| (v.path.as_str(), &v.value)));
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::Input(FileErrors {
        errors: located(file, problems),
    }))
}

/// Checks the distributions the file gives (`values`, [`bilan_io::uncertain_values`])
/// against their keys' domains, runs the estimators and the power model on `inventory`
/// (with the embedded hardware catalogue and the `hardware` files), then checks again what
/// estimated values can break (a fleet's capacity). Problems are located in the inventory
/// file; exit 2.
pub(crate) fn estimate(
    file: &SourceFile,
    inventory: &mut Inventory,
    values: &[UncertainValue],
    hardware: &[std::path::PathBuf],
    model: bilan_hardware::power::PowerModel,
) -> Result<(), Failure> {
    spreads(file, inventory, values)?;
    let catalogue = bilan_hardware::Catalogue::load(hardware)?;
    if let Err(problems) = bilan_estimate::resolve(inventory, &catalogue, model) {
        let locator = Locator::new(file);
        let errors = problems
            .into_iter()
            .map(|p| locator.error(&p.path, p.message))
            .collect();
        return Err(Failure::Input(FileErrors { errors }));
    }
    if inventory.workloads.iter().any(|w| !w.estimated.is_empty()) {
        let problems = inventory.validate();
        if !problems.is_empty() {
            return Err(Failure::Input(FileErrors {
                errors: located(file, problems),
            }));
        }
    }
    Ok(())
}

/// Writes one `warning:` line per implausible value (none under `-q`).
pub(crate) fn warn(file: &SourceFile, inventory: &Inventory, io: &mut crate::output::Io<'_>) {
    let warnings = inventory.warnings();
    if warnings.is_empty() {
        return;
    }
    for w in located(file, warnings) {
        crate::notices::warning(io, &w.to_string());
    }
}
