//! Declarative methodologies: auditors define their own methodology in a TOML file that
//! extends a built-in or plugin method, without writing Rust.
//!
//! A file ([`spec::Spec`]) names its base with a semver requirement (`extends =
//! "ademe-lca@^1"`) and may change the base's parameters, its factor choices (prefer a
//! dataset or basis, override a factor with a cited value), the indicators reported, and add
//! rules that exclude contributions with a reason, scale them by a justified multiplier, or
//! cut off items below a share of the total. The base method runs unchanged on the adjusted
//! parameters and factors; the rules then apply to its results, in the file's order, each
//! fired rule recorded in the audit trail with its id and file. Files are data, never code.
//!
//! A file of schema 2 may declare a comparability profile (`[profile]`, [`profile`]): the
//! stages its boundary requires, the functional units every assessment reports and the
//! grid basis of electricity; the profile is checked against the base and the inventory,
//! and applied after the rules.
//!
//! [`resolve`] loads files (deduplicating identical ones), checks them with file, line and
//! key path in every error, orders `extends` chains and refuses cycles.

pub mod spec;

mod profile;
mod resolve;
mod rules;
mod summary;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use bilan_core::Derived;
use bilan_core::assessment::{Assessment, Assumption, Driver};
use bilan_core::factor::{Factor, FactorSet};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::{BaseRun, Descriptor, MethodError, Methodology, Parameters};

pub use resolve::{Loaded, MAX_EXTENDS, resolve};
pub use spec::Spec;

/// The shipped methodology files (this repository's `methodologies/`), embedded at build
/// time: name and contents.
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A methodology defined by a TOML file on top of a base method.
pub struct Declarative {
    descriptor: Descriptor,
    base: Arc<dyn Methodology>,
    spec: Spec,
    /// The file, as shown in the audit trail.
    file: String,
    /// Line of each rule in the file, for the audit trail.
    rule_lines: HashMap<String, usize>,
    /// Parameter values the file sets (defaults for this method).
    defaults: Parameters,
    /// Those the file gives with a distribution.
    uncertain_parameters: Vec<(String, bilan_units::UncertainQuantity)>,
    /// Factors the file gives inline, and the database factors it prefers.
    overrides: Vec<Factor>,
    /// The file's comparability profile, if it declares one.
    profile: Option<bilan_core::quality::Profile>,
}

impl std::fmt::Debug for Declarative {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Declarative")
            .field("id", &self.descriptor.id)
            .field("base", &self.base.descriptor().id)
            .field("file", &self.file)
            .finish()
    }
}

impl Declarative {
    /// The file it was read from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The factor snapshot the base method sees: the run's, with this file's preferred and
    /// overriding factors layered on top; and a warning for each preference that matches no
    /// factor of the run's (a misspelt subject or dataset would otherwise change nothing
    /// without a word).
    fn factors<'f>(&self, factors: &'f FactorSet) -> (Cow<'f, FactorSet>, Vec<String>) {
        let mut chosen: Vec<Factor> = Vec::new();
        let mut unmatched = Vec::new();
        for (i, p) in self.spec.factors.prefer.iter().enumerate() {
            let before = chosen.len();
            chosen.extend(
                factors
                    .factors()
                    .iter()
                    .filter(|f| f.subject.starts_with(&p.subject))
                    .filter(|f| p.dataset.as_ref().is_none_or(|d| &f.dataset == d))
                    .filter(|f| p.basis.is_none_or(|b| f.basis == b))
                    .cloned(),
            );
            if chosen.len() == before {
                let what = [
                    Some(format!("subject `{}`", p.subject)),
                    p.dataset.as_ref().map(|d| format!("dataset `{d}`")),
                    p.basis.map(|b| format!("basis `{}`", b.id())),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                unmatched.push(format!(
                    "factors.prefer[{i}] of {} ({what}) matches no factor of the run's database: it changes nothing (see `bilan factors`)",
                    self.file
                ));
            }
        }
        chosen.extend(self.overrides.iter().cloned());
        if chosen.is_empty() {
            return (Cow::Borrowed(factors), unmatched);
        }
        let mut set = factors.clone();
        // Above any user layer: the methodology's choice is part of its definition.
        set.layer(&self.file, 1000, chosen);
        (Cow::Owned(set), unmatched)
    }
}

impl Methodology for Declarative {
    fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    fn uncertain_parameters(&self) -> Vec<(String, bilan_units::UncertainQuantity)> {
        let mut own = self.uncertain_parameters.clone();
        for (name, value) in self.base.uncertain_parameters() {
            if !self.spec.parameters.contains_key(&name) {
                own.push((name, value));
            }
        }
        own
    }

    fn headline(&self) -> Option<&str> {
        match &self.spec.uncertainty {
            Some(policy) => Some(policy.headline.id()),
            None => self.base.headline(),
        }
    }

    fn assess(
        &self,
        inventory: &Inventory,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        self.assess_in(&Derived::new(inventory), factors, parameters)
    }

    fn assess_in(
        &self,
        inventory: &Derived<'_>,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        self.run(inventory, factors, parameters, None)
    }

    /// The base method with this file's parameters, when the file chooses no factors (its
    /// base then sees the run's own).
    fn base_run(&self, parameters: &Parameters) -> Option<BaseRun<'_>> {
        let chooses = !self.spec.factors.prefer.is_empty() || !self.overrides.is_empty();
        if chooses || parameters.check(&self.descriptor).is_err() {
            return None;
        }
        Some(BaseRun {
            method: self.base.as_ref(),
            parameters: self.effective(parameters),
        })
    }

    fn assess_from(
        &self,
        inventory: &Derived<'_>,
        factors: &FactorSet,
        parameters: &Parameters,
        base: Assessment,
    ) -> Result<Assessment, MethodError> {
        self.run(inventory, factors, parameters, Some(base))
    }
}

impl Declarative {
    /// The base's parameters: this file's, under those given.
    fn effective(&self, parameters: &Parameters) -> Parameters {
        let mut effective = self.defaults.clone();
        for (name, value) in &parameters.0 {
            effective.set(name.clone(), value.clone());
        }
        effective
    }

    /// [`Methodology::assess_in`], from the base's assessment when it is handed over
    /// ([`Methodology::assess_from`]).
    fn run(
        &self,
        inventory: &Derived<'_>,
        factors: &FactorSet,
        parameters: &Parameters,
        base: Option<Assessment>,
    ) -> Result<Assessment, MethodError> {
        parameters.check(&self.descriptor)?;
        let effective = self.effective(parameters);
        let grid = match self.profile.as_ref().and_then(|p| p.grid_basis) {
            Some(basis) => Some(profile::GridCheck::run(
                basis,
                &self.descriptor.id,
                &self.file,
                self.base.descriptor(),
                &effective,
                inventory,
            )?),
            None => None,
        };
        let (factors, unmatched) = self.factors(factors);
        let mut a = match base {
            Some(a) => a,
            None => self.base.assess_in(inventory, &factors, &effective)?,
        };
        a.warnings.extend(unmatched);
        // A base declarative method's profile is this one's unless the file declares its
        // own; either is applied again below, after this file's rules.
        let inherited = a.profile.take();
        a.missing_stages.clear();
        a.missing_units.clear();
        // The notes the base profile's units left are written again by whichever profile
        // applies below (and only for the units it reports).
        if let Some(base) = &inherited {
            let prefixes: Vec<String> = base
                .functional_units
                .iter()
                .map(|k| format!("functional unit `{}`", k.id()))
                .collect();
            a.warnings
                .retain(|w| !prefixes.iter().any(|p| w.starts_with(p.as_str())));
        }
        a.method = self.descriptor.method_ref();
        let base = self.base.descriptor();
        a.assumptions.insert(
            0,
            Assumption {
                topic: "methodology".into(),
                text: format!(
                    "declarative methodology {} from {}: base {}@{} with this file's parameters, factor choices and rules",
                    a.method, self.file, base.id, base.version
                ),
                items: Vec::new(),
            },
        );
        if let Some(grid) = grid {
            a.assumptions.extend(grid.assumptions);
        }
        for (name, value) in &self.defaults.0 {
            if !parameters.0.contains_key(name) {
                a.assumptions.push(Assumption {
                    topic: "methodology-parameter".into(),
                    text: format!("parameter `{name}` = {value}, set by {}", self.file),
                    items: Vec::new(),
                });
            }
        }
        if let Some(selected) = &self.spec.indicators {
            for c in a
                .coverage
                .iter_mut()
                .filter(|c| c.covered && !selected.contains(&c.indicator))
            {
                c.covered = false;
                c.note = Some(format!(
                    "{} is not selected by {}",
                    c.indicator.name(),
                    self.file
                ));
            }
            let keep = |i: &Indicator| selected.contains(i);
            for c in &mut a.contributions {
                c.retain_values(|v| keep(&v.indicator));
            }
            a.contributions.retain(|c| !c.values.is_empty());
            a.functional_units.retain(|r| keep(&r.indicator));
            // A gap in an indicator the file does not report is no gap of this method worth a
            // warning (the exclusions stay: they account for the items).
            let dropped: Vec<String> = a
                .exclusions
                .iter()
                .filter_map(|e| match (e.indicator, e.aspect) {
                    (Some(i), Some(aspect)) if !keep(&i) => Some(
                        bilan_core::assessment::no_factor_warning(&e.item, aspect, i),
                    ),
                    _ => None,
                })
                .collect();
            a.warnings.retain(|w| !dropped.contains(w));
            a.disclosures
                .retain(|d| d.indicator.is_none_or(|i| keep(&i)));
        }
        rules::apply(self, &mut a);
        let (results, notes) = inventory.functional_unit_results(&a)?;
        a.functional_units = results;
        for note in notes {
            if !a.warnings.contains(&note) {
                a.warnings.push(note);
            }
        }
        match (&self.profile, inherited) {
            (Some(own), base) => {
                // The base's grid basis still holds (the base enforced it as it ran) unless
                // this file fixes its own: record it.
                let mut own = own.clone();
                if own.grid_basis.is_none() {
                    own.grid_basis = base.and_then(|b| b.grid_basis);
                }
                profile::apply(&own, &self.file, inventory, &mut a)?
            }
            (None, Some(base)) => {
                let from = format!("{}'s base", self.file);
                profile::apply(&base, &from, inventory, &mut a)?;
            }
            (None, None) => {}
        }
        Ok(a)
    }
}

/// Splits a restated treatment `"amortised: description"` into its two parts.
fn treatment(driver: Driver, text: &str) -> bilan_core::method::RuleSpec {
    let (treatment, description) = text.split_once(": ").unwrap_or((text, text));
    bilan_core::method::RuleSpec {
        driver,
        treatment: treatment.trim().to_owned(),
        description: description.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests;
