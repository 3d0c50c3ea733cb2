//! A methodology's comparability profile (`[profile]`, schema 2): the stages its boundary
//! requires, the functional units it reports, and the grid basis of electricity.
//!
//! Loading checks the table on its own ([`check`]) and against the base method
//! ([`check_base`]: can the base report the grid basis at all?). Running checks the run's
//! parameters and the inventory's own electricity figures against the grid basis before the
//! base method runs ([`GridCheck`]), then, after the base and the rules, records the
//! profile, the stages the assessment misses and one result per functional unit of the
//! profile ([`apply`]; [`units`]).

mod units;

use bilan_core::Derived;
use bilan_core::assessment::{Assessment, Assumption, Driver, ItemKind, ItemRef};
use bilan_core::inventory::Inventory;
use bilan_core::method::{Descriptor, MethodError, ParamSpec, ParamValue, Parameters};
use bilan_core::quality::{GridBasis, Profile};
use bilan_io::{FileError, Locator, SourceFile};

use crate::spec::Spec;

/// The parameter by which a dual-reporting base (the GHG Protocol) chooses which Scope 2
/// basis enters its total.
pub(crate) const BASIS_PARAMETER: &str = "scope-2-basis-for-total";

/// Checks `[profile]` on its own: schema 2, no stage or unit listed twice, not empty.
pub(crate) fn check(spec: &Spec, loc: &Locator<'_>, errors: &mut Vec<FileError>) {
    let Some(profile) = &spec.profile else {
        return;
    };
    if spec.schema < 2 {
        errors.push(loc.error(
            "profile",
            format!(
                "`[profile]` needs `schema = 2` (this file says schema {}, which has no profile)",
                spec.schema
            ),
        ));
    }
    if profile.required_stages.is_empty()
        && profile.functional_units.is_empty()
        && profile.grid_basis.is_none()
    {
        errors.push(loc.error(
            "profile",
            "an empty `[profile]` fixes nothing: give `required-stages`, `functional-units` or `grid-basis`, or remove the table".into(),
        ));
    }
    for (i, s) in profile.required_stages.iter().enumerate() {
        if profile.required_stages[..i].contains(s) {
            errors.push(loc.error(
                &format!("profile.required-stages[{i}]"),
                format!("stage `{s}` is listed twice"),
            ));
        }
    }
    for (i, k) in profile.functional_units.iter().enumerate() {
        if profile.functional_units[..i].contains(k) {
            errors.push(loc.error(
                &format!("profile.functional-units[{i}]"),
                format!("functional unit `{}` is listed twice", k.id()),
            ));
        }
    }
}

/// The grid basis `base` reports, with `parameters` (the base's, with this file's
/// defaults): the one its dual-reporting parameter puts in the total, else the one its
/// electricity-basis rule states; `None` when it states none bilan can read.
fn base_basis(base: &Descriptor, parameters: &[ParamSpec]) -> Option<GridBasis> {
    if let Some(p) = parameters.iter().find(|p| p.name == BASIS_PARAMETER) {
        return match &p.default {
            Some(ParamValue::Text(t)) if t == "location" => Some(GridBasis::Location),
            Some(ParamValue::Text(t)) if t == "market" => Some(GridBasis::Market),
            _ => None,
        };
    }
    let rule = base.rule(Driver::ElectricityBasis)?;
    if rule.treatment.starts_with("location-based") {
        Some(GridBasis::Location)
    } else if rule.treatment.starts_with("market-based") {
        Some(GridBasis::Market)
    } else {
        None
    }
}

/// Checks that the base can report the profile's grid basis. `parameters` are the base's,
/// with this file's values as defaults.
pub(crate) fn check_base(
    file: &SourceFile,
    spec: &Spec,
    base: &Descriptor,
    parameters: &[ParamSpec],
) -> Result<(), Box<FileError>> {
    let Some(wanted) = spec.profile.as_ref().and_then(|p| p.grid_basis) else {
        return Ok(());
    };
    let found = base_basis(base, parameters);
    if found == Some(wanted) {
        return Ok(());
    }
    let message = if parameters.iter().any(|p| p.name == BASIS_PARAMETER) {
        format!(
            "`{}`: `{}` puts the {}-based Scope 2 in its total with this file's parameters; set `{BASIS_PARAMETER} = \"{}\"` under [parameters]",
            wanted.id(),
            base.id,
            found.map_or("other", GridBasis::id),
            wanted.id()
        )
    } else {
        let stated = base
            .rule(Driver::ElectricityBasis)
            .map_or("no electricity basis".to_owned(), |r| {
                format!("`{}`", r.treatment)
            });
        format!(
            "`{}`: the base method `{}` cannot report a {}-based grid (its electricity basis: {stated})",
            wanted.id(),
            base.id,
            wanted.id()
        )
    };
    Err(Box::new(
        Locator::new(file).error("profile.grid-basis", message),
    ))
}

/// The profile as recorded on assessments.
pub(crate) fn record(spec: &Spec) -> Option<Profile> {
    spec.profile.as_ref().map(|p| Profile {
        required_stages: p.required_stages.clone(),
        functional_units: p.functional_units.clone(),
        grid_basis: p.grid_basis,
    })
}

/// Whether a site figure's stated boundary makes it a market-based figure: market-based or
/// residual (the words `bilan_method_kit::site::is_market_based` reads, by which
/// location-based built-in methods refuse a figure; this crate may not depend on the kit),
/// or supplier- or utility-specific (the GHG Protocol's Scope 2 Guidance ranks
/// supplier-specific emission rates among the market-based instruments).
pub(crate) fn market_like(boundary: &str) -> bool {
    let b = boundary.trim().to_lowercase();
    // A boundary that says it is location-based is, whatever it adds after
    // (`location-based (not market-based)`).
    if b.starts_with("location") {
        return false;
    }
    [
        "market",
        "residual",
        "supplier-specific",
        "utility-specific",
    ]
    .iter()
    .any(|word| b.contains(word))
}

/// What the grid basis of a profile requires of a run, checked before the base method runs.
pub(crate) struct GridCheck {
    /// Assumptions for the audit trail.
    pub(crate) assumptions: Vec<Assumption>,
}

impl GridCheck {
    /// Checks the run's parameters (`effective`: the file's defaults with the run's values)
    /// and the inventory's own electricity figures against `basis`. `method` is the
    /// declarative method's id, `file` its file.
    pub(crate) fn run(
        basis: GridBasis,
        method: &str,
        file: &str,
        base: &Descriptor,
        effective: &Parameters,
        inventory: &Inventory,
    ) -> Result<GridCheck, MethodError> {
        let mut assumptions = Vec::new();
        if base.parameter(BASIS_PARAMETER).is_some() {
            let value = effective.text(base, BASIS_PARAMETER).unwrap_or_default();
            if value != basis.id() {
                return Err(MethodError::BadParameter {
                    method: method.to_owned(),
                    name: BASIS_PARAMETER.to_owned(),
                    message: format!(
                        "`{value}` puts the {value}-based Scope 2 in the total, but the profile of {file} fixes the grid basis to {}",
                        basis.id()
                    ),
                });
            }
            assumptions.push(Assumption {
                topic: "grid-basis".into(),
                text: format!(
                    "grid basis {}-based, as the profile of {file} requires: `{}` puts that Scope 2 in its total (`{BASIS_PARAMETER}` = {value})",
                    basis.id(),
                    base.id
                ),
                items: Vec::new(),
            });
        } else {
            let how = base
                .rule(Driver::ElectricityBasis)
                .map(|r| format!(": {}", r.description))
                .unwrap_or_default();
            assumptions.push(Assumption {
                topic: "grid-basis".into(),
                text: format!(
                    "grid basis {}-based, as the profile of {file} requires; the base `{}` is {}-based already{how}",
                    basis.id(),
                    base.id,
                    basis.id()
                ),
                items: Vec::new(),
            });
        }
        if basis != GridBasis::Location {
            return Ok(GridCheck { assumptions });
        }
        // The inventory's own electricity figures win over the database in every base:
        // each must be location-based too.
        let mut taken = Vec::new();
        let mut described = Vec::new();
        for site in &inventory.sites {
            for (indicator, figure) in &site.electricity {
                if market_like(&figure.boundary) {
                    return Err(MethodError::Input {
                        item: ItemRef::new(ItemKind::Site, site.id.as_str())
                            .path(&format!("electricity.{indicator}.boundary")),
                        message: format!(
                            "the figure's boundary is `{}`, a market-based figure, but the profile of {file} fixes the grid basis to location-based: give the location-based figure of the site's grid, or remove it to use the factor database's",
                            figure.boundary
                        ),
                    });
                }
                described.push(format!(
                    "{}'s {indicator} (boundary `{}`)",
                    site.id, figure.boundary
                ));
                if !taken.iter().any(|t: &ItemRef| *t.id == *site.id) {
                    taken.push(ItemRef::new(ItemKind::Site, site.id.as_str()));
                }
            }
        }
        if !described.is_empty() {
            assumptions.push(Assumption {
                topic: "grid-basis".into(),
                text: format!(
                    "the inventory's own electricity figures are taken as location-based, their boundary saying neither market-based, residual nor supplier-specific: {}",
                    described.join(", ")
                ),
                items: taken,
            });
        }
        Ok(GridCheck { assumptions })
    }
}

/// Applies `profile` (declared by `file`) to `a`, computed on `inventory` after the base
/// method and the rules: records it, lists the required stages `a` misses, and adds one
/// result per functional unit of the profile (or a missing unit with the reason).
pub(crate) fn apply(
    profile: &Profile,
    file: &str,
    inventory: &Derived<'_>,
    a: &mut Assessment,
) -> Result<(), MethodError> {
    a.missing_stages = bilan_core::quality::missing_stages(inventory, a, &profile.required_stages);
    units::add(&profile.functional_units, file, inventory, a)?;
    a.profile = Some(profile.clone());
    Ok(())
}

#[cfg(test)]
mod tests;
