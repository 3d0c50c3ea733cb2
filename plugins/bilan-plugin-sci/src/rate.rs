//! Per R: the SCI rate of each functional unit and the consumer and provider boundaries.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use bilan_core::assessment::{Allocation, Contribution, Disclosure, ItemKind};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnit, FunctionalUnitKind, Locator, Workload};
use bilan_core::method::MethodError;

use super::{Persona, Run, is_operational, persona_of, phases_text, r_text};

impl<'a> Run<'a> {
    // --- per R -------------------------------------------------------------------------

    /// E × I and M attributed by `share`, kg.
    fn split(&self, mut share: impl FnMut(&Contribution) -> f64) -> Terms {
        let mut t = Terms::default();
        for (c, v) in self.b.assessment().counted(Indicator::Gwp) {
            let part = v * share(c);
            if is_operational(c) {
                t.operational += part;
            } else {
                t.embodied += part;
            }
        }
        t
    }

    pub(super) fn functional_units(&mut self) -> Result<(), MethodError> {
        let (results, notes) = self.inv.functional_unit_results(self.b.assessment())?;
        for note in notes {
            self.b.warn(note);
        }
        let mut disclosures = Vec::new();
        for fu in &self.inv.functional_units {
            let r = results
                .iter()
                .find(|r| r.functional_unit == fu.id && r.indicator == Indicator::Gwp)
                .map(|r| r.count);
            disclosures.extend(self.unit_disclosures(fu, r));
        }
        for persona in Persona::ALL {
            disclosures.extend(self.boundary_disclosures(persona));
        }
        self.b.functional_units(results);
        for d in disclosures {
            self.b.disclose(d);
        }
        Ok(())
    }

    /// `sci.<fu>` and its terms per R; `r` is `None` when the functional unit covers no
    /// workload of the inventory.
    pub(super) fn unit_disclosures(
        &mut self,
        fu: &FunctionalUnit,
        r: Option<f64>,
    ) -> Vec<Disclosure> {
        let member = self.inv.membership(fu);
        let member: &[bool] = &member;
        let workloads: Vec<&Workload> = self
            .inv
            .workloads
            .iter()
            .zip(member)
            .filter_map(|(w, m)| m.then_some(w))
            .collect();
        let kind = fu.kind.id();
        let persona = if workloads.is_empty() {
            Some(match fu.kind {
                FunctionalUnitKind::Request
                | FunctionalUnitKind::Token
                | FunctionalUnitKind::OutputToken => Persona::Consumer,
                FunctionalUnitKind::TrainingRun
                | FunctionalUnitKind::TrainingToken
                | FunctionalUnitKind::Flop => Persona::Provider,
            })
        } else {
            persona_of(workloads.iter().map(|w| w.phase))
        };
        let boundary = match persona {
            Some(p) => p.id(),
            None => {
                self.b.warn(format!(
                    "functional unit `{}` covers work of both the consumer and the provider boundaries, which the SCI-for-AI draft reports apart",
                    fu.id
                ));
                "consumer and provider"
            }
        };
        let mut members = Members::new(self.inv.locator(), member);
        let terms = self.split(|c| members.share(c));
        // In inventory order.
        let energy: f64 = self
            .energy
            .iter()
            .zip(member)
            .filter_map(|(e, m)| m.then_some(e))
            .sum();
        let na = r.is_none().then(|| {
            format!(
                "not applicable: no {} in this inventory",
                phases_text(fu.kind.default_phases())
            )
        });
        let per = |v: f64| r.map(|r| v / r);
        let row = DisclosureRow {
            id_prefix: format!("sci.{}", fu.id),
            label_prefix: format!("`{}`", fu.id),
            note: na.clone(),
        };
        let r_formula = r.map_or_else(String::new, |r| format!(", R = {} {kind}", r_text(r)));
        vec![
            row.make(
                "",
                format!("SCI of `{}` ({boundary}): (E × I + M) / R", fu.id),
                Some(Indicator::Gwp),
                per(terms.operational + terms.embodied),
                format!("kgCO2e/{kind}"),
                format!(
                    "(E × I + M) / R over the work of {}{r_formula}",
                    ids_text(&workloads)
                ),
            ),
            row.make(
                "energy",
                format!("`{}`: E / R", fu.id),
                None,
                per(energy),
                format!("kWh/{kind}"),
                format!(
                    "facility energy of the work ((E_IT + E_idle + E_host) × PUE) / R{r_formula}"
                ),
            ),
            row.intensity(terms.operational, energy),
            row.make(
                "operational",
                format!("`{}`: E × I / R", fu.id),
                Some(Indicator::Gwp),
                per(terms.operational),
                format!("kgCO2e/{kind}"),
                format!("Σ E × I of the work / R{r_formula}"),
            ),
            row.make(
                "embodied",
                format!("`{}`: M / R", fu.id),
                Some(Indicator::Gwp),
                per(terms.embodied),
                format!("kgCO2e/{kind}"),
                format!("Σ M allocated to the work / R{r_formula}"),
            ),
        ]
    }

    /// E, I, E × I and M of one persona boundary.
    pub(super) fn boundary_disclosures(&self, persona: Persona) -> Vec<Disclosure> {
        let phases = persona.phases();
        let applicable = self.inv.workloads.iter().any(|w| phases.contains(&w.phase));
        let terms = self.split(|c| persona.share(c));
        let energy: f64 = self
            .inv
            .workloads
            .iter()
            .zip(&self.energy)
            .filter(|(w, _)| phases.contains(&w.phase))
            .map(|(_, e)| e)
            .sum();
        let value = |v: f64| applicable.then_some(v);
        let name = persona.id();
        let row = DisclosureRow {
            id_prefix: name.to_owned(),
            label_prefix: format!("{name} boundary"),
            note: (!applicable).then(|| {
                format!(
                    "not applicable: no {} in this inventory",
                    phases_text(phases)
                )
            }),
        };
        let scope = format!("the {} workloads", phases_text(phases));
        vec![
            row.make(
                "energy",
                format!("{name} boundary: E"),
                None,
                value(energy),
                "kWh".to_owned(),
                format!("Σ facility energy ((E_IT + E_idle + E_host) × PUE) of {scope}"),
            ),
            row.intensity(terms.operational, if applicable { energy } else { 0.0 }),
            row.make(
                "operational",
                format!("{name} boundary: E × I"),
                Some(Indicator::Gwp),
                value(terms.operational),
                "kgCO2e".to_owned(),
                format!("Σ E × I of {scope}"),
            ),
            row.make(
                "embodied",
                format!("{name} boundary: M"),
                Some(Indicator::Gwp),
                value(terms.embodied),
                "kgCO2e".to_owned(),
                format!("Σ M allocated to {scope} (fleets by device time)"),
            ),
        ]
    }
}

/// Operational (E × I) and embodied (M) carbon, kg.
#[derive(Debug, Default)]
struct Terms {
    operational: f64,
    embodied: f64,
}

/// Which workloads a functional unit covers, for the share of each contribution that is
/// theirs: by position in the inventory, which a contribution's item and its allocation's
/// workloads mostly follow.
pub(super) struct Members<'a, 'm> {
    member: &'m [bool],
    locate: Locator<'a>,
    /// The share of each allocation list already summed, by the list's address: a fleet's
    /// contributions share one list of as many shares as it has workloads.
    lists: FxHashMap<*const Allocation, f64>,
}

impl<'a, 'm> Members<'a, 'm> {
    pub(super) fn new(locate: Locator<'a>, member: &'m [bool]) -> Members<'a, 'm> {
        Members {
            member,
            locate,
            lists: FxHashMap::default(),
        }
    }

    /// [`Contribution::workload_share`] of the covered workloads: the same sum, in the
    /// same order.
    pub(super) fn share(&mut self, c: &Contribution) -> f64 {
        let Members {
            member,
            locate,
            lists,
        } = self;
        let mut covered = |id: &str| locate.find(id).is_some_and(|n| member[n]);
        if c.item.kind == ItemKind::Workload {
            return if covered(&c.item.id) { 1.0 } else { 0.0 };
        }
        *lists.entry(c.allocation.as_ptr()).or_insert_with(|| {
            c.allocation
                .iter()
                .filter(|a| covered(&a.workload))
                .map(|a| a.share)
                .sum()
        })
    }
}

/// The workloads a figure covers, in words.
fn ids_text(workloads: &[&Workload]) -> String {
    // Counted when there are more than five: sorting a million ids only to count them
    // cost more than the rest of the unit's disclosures.
    if workloads.len() > 5 {
        return format!("{} workloads", workloads.len());
    }
    let mut v: Vec<&str> = workloads.iter().map(|w| w.id.as_ref()).collect();
    v.sort_unstable();
    v.join(", ")
}

/// Shared parts of a group of disclosures.
struct DisclosureRow {
    id_prefix: String,
    label_prefix: String,
    /// Why the group is not applicable, if it is not.
    note: Option<String>,
}

impl DisclosureRow {
    fn make(
        &self,
        suffix: &str,
        label: String,
        indicator: Option<Indicator>,
        value: Option<f64>,
        unit: String,
        formula: String,
    ) -> Disclosure {
        let id = if suffix.is_empty() {
            self.id_prefix.clone()
        } else {
            format!("{}.{suffix}", self.id_prefix)
        };
        Disclosure {
            id: Cow::Owned(id),
            label: Cow::Owned(label),
            indicator,
            value: if self.note.is_some() { None } else { value },
            unit: Cow::Owned(unit),
            formula: Cow::Owned(formula),
            note: self.note.clone(),
        }
    }

    /// The effective intensity I = (E × I) / E of the group's work.
    fn intensity(&self, operational: f64, energy: f64) -> Disclosure {
        let mut d = self.make(
            "intensity",
            format!("{}: I", self.label_prefix),
            Some(Indicator::Gwp),
            (energy > 0.0).then(|| operational / energy),
            "kgCO2e/kWh".to_owned(),
            "Σ E × I / Σ E: location-based grid intensity, weighted by energy".to_owned(),
        );
        if d.note.is_none() && d.value.is_none() {
            d.note = Some("the work draws no energy".to_owned());
        }
        d
    }
}

#[cfg(test)]
mod tests;
