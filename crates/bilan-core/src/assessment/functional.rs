//! Results per functional unit, shared by methods that attribute impacts to workloads.

use rustc_hash::FxHashMap;

use super::{Allocation, Assessment, FunctionalUnitResult};
use crate::descriptor::MethodError;
use crate::indicator::Indicator;
use crate::inventory::{FunctionalUnit, FunctionalUnitKind, Inventory, Locator, Workload};

/// The workloads a functional unit covers: those it lists, else every workload of its
/// kind's default phases.
pub fn workloads_of<'a>(inventory: &'a Inventory, fu: &FunctionalUnit) -> Vec<&'a Workload> {
    inventory
        .workloads
        .iter()
        .zip(membership(inventory, fu))
        .filter_map(|(w, member)| member.then_some(w))
        .collect()
}

/// For each workload of `inventory`, in order, whether `fu` covers it: the workloads of
/// [`workloads_of`] by position, for a pass that reads them beside other lists in inventory
/// order.
pub fn membership(inventory: &Inventory, fu: &FunctionalUnit) -> Vec<bool> {
    memberships(inventory, std::slice::from_ref(fu))
        .pop()
        .unwrap_or_default()
}

/// [`membership`] of each of `fus`: a unit that lists its workloads finds each of them by
/// position (listed in inventory order, without hashing every workload's id); the others
/// share one pass over the workloads' phases.
pub(crate) fn memberships(inventory: &Inventory, fus: &[FunctionalUnit]) -> Vec<Vec<bool>> {
    let workloads = &inventory.workloads;
    let mut members: Vec<Vec<bool>> = fus.iter().map(|_| vec![false; workloads.len()]).collect();
    let mut by_phase = Vec::new();
    for (member, fu) in members.iter_mut().zip(fus) {
        if fu.workloads.is_empty() {
            by_phase.push((member, fu.kind.default_phases()));
            continue;
        }
        let mut locate = Locator::workloads(workloads);
        for id in &fu.workloads {
            if let Some(n) = locate.find(id) {
                member[n] = true;
            }
        }
    }
    if !by_phase.is_empty() {
        for (n, w) in workloads.iter().enumerate() {
            for (member, phases) in &mut by_phase {
                member[n] = phases.contains(&w.phase);
            }
        }
    }
    members
}

/// The functional unit a result is for: the inventory's unit of that id, else (a unit a
/// method's profile adds, named by its kind) a unit of the result's kind over the kind's
/// default phases, as the profile computes it. `None` for a result of neither.
pub fn unit_of(
    inventory: &Inventory,
    result: &super::FunctionalUnitResult,
) -> Option<FunctionalUnit> {
    if let Some(fu) = inventory
        .functional_units
        .iter()
        .find(|f| f.id == result.functional_unit)
    {
        return Some(fu.clone());
    }
    result.kind.map(|kind| FunctionalUnit {
        id: result.functional_unit.clone(),
        kind,
        workloads: Vec::new(),
        description: None,
    })
}

/// A volume R reads: its key under `volume`, and how to read it.
type Volume = (&'static str, fn(&Workload) -> Option<f64>);

/// The volumes R sums for a functional unit of `kind` (none: one training run).
fn volumes(kind: FunctionalUnitKind) -> &'static [Volume] {
    match kind {
        FunctionalUnitKind::TrainingRun => &[],
        FunctionalUnitKind::Request => &[("requests", |w| w.volume.requests)],
        FunctionalUnitKind::Token => &[
            ("tokens-in", |w| w.volume.tokens_in),
            ("tokens-out", |w| w.volume.tokens_out),
        ],
        FunctionalUnitKind::OutputToken => &[("tokens-out", |w| w.volume.tokens_out)],
        FunctionalUnitKind::TrainingToken => &[("training-tokens", |w| w.volume.training_tokens)],
        FunctionalUnitKind::Flop => &[("flops", |w| w.volume.flops)],
    }
}

/// What one pass over the inventory's workloads gathers for a functional unit: the
/// workloads it covers, those the method counts and those it leaves out, and the sums of the
/// volumes R reads over those counted.
#[derive(Default)]
struct Covered<'a> {
    covered: usize,
    left: usize,
    /// The first five left out, to name.
    left_out: Vec<&'a str>,
    /// The first five counted, to name when there are no more.
    first: Vec<&'a str>,
    /// Per volume of [`volumes`] (two at most, a test holds it): its sum in workload order,
    /// and the first counted workload that lacks it.
    sums: [f64; 2],
    lacking: [Option<&'a str>; 2],
}

impl<'a> Covered<'a> {
    fn add(&mut self, w: &'a Workload, counted: bool, volumes: &[Volume]) {
        self.covered += 1;
        if !counted {
            self.left += 1;
            if self.left_out.len() < 5 {
                self.left_out.push(&w.id);
            }
            return;
        }
        if self.first.len() < 5 {
            self.first.push(&w.id);
        }
        for ((_, get), (sum, lacking)) in volumes
            .iter()
            .zip(self.sums.iter_mut().zip(&mut self.lacking))
        {
            if lacking.is_none() {
                match get(w) {
                    Some(v) => *sum += v,
                    None => *lacking = Some(&w.id),
                }
            }
        }
    }

    /// The workloads counted.
    fn done(&self) -> usize {
        self.covered - self.left
    }

    /// R, the number of functional units the counted workloads did; an error naming the
    /// first workload that lacks a volume R reads.
    fn r(&self, volumes: &[Volume]) -> Result<f64, String> {
        for ((name, _), lacking) in volumes.iter().zip(&self.lacking) {
            if let Some(id) = lacking {
                return Err(format!("workload `{id}` has no `volume.{name}`"));
            }
        }
        Ok(match volumes.len() {
            0 => 1.0,
            1 => self.sums[0],
            _ => self.sums[0] + self.sums[1],
        })
    }
}

/// Impact per functional unit for every functional unit of `inventory` and every indicator
/// `assessment` covers. The numerator is what the assessment attributes to the functional
/// unit's workloads (their electricity, water and the embodied impacts allocated to them);
/// items not tied to a workload (building, transport, services…) are not allocated.
///
/// A functional unit whose workloads are absent from the inventory is skipped with a warning
/// in the returned list of notes; R = 0 or missing volumes are errors.
pub fn functional_unit_results(
    inventory: &Inventory,
    assessment: &Assessment,
) -> Result<(Vec<FunctionalUnitResult>, Vec<String>), MethodError> {
    results_of(inventory, &inventory.functional_units, assessment)
}

/// [`functional_unit_results`] for the functional units `fus` over `inventory`'s workloads,
/// in place of the inventory's own: a method profile's units, without copying the inventory
/// to give it other units.
pub fn results_of(
    inventory: &Inventory,
    fus: &[FunctionalUnit],
    assessment: &Assessment,
) -> Result<(Vec<FunctionalUnitResult>, Vec<String>), MethodError> {
    // Workloads by position: contributions and allocations follow the inventory's order,
    // so the locator mostly finds them without hashing.
    results_with(
        inventory,
        fus,
        assessment,
        Locator::workloads(&inventory.workloads),
        &memberships(inventory, fus),
    )
}

/// [`results_of`] with the workloads' locator and each unit's [`membership`] given: a run's
/// methods share them ([`crate::derived::Derived`]).
pub(crate) fn results_with(
    inventory: &Inventory,
    fus: &[FunctionalUnit],
    assessment: &Assessment,
    mut locate: Locator<'_>,
    members: &[Vec<bool>],
) -> Result<(Vec<FunctionalUnitResult>, Vec<String>), MethodError> {
    let mut results = Vec::new();
    let mut notes = Vec::new();
    // One pass over the contributions: which workloads the method counts at all (R must not
    // include the volume of work whose impacts it left out, e.g. a workload a declarative
    // rule excluded), and each functional unit's impacts, for every indicator at once. A
    // workload the method does not count has no share in any contribution, so it adds
    // nothing to the impacts.
    let mut counted = vec![false; inventory.workloads.len()];
    let mut impacts = vec![[0.0; Indicator::ALL.len()]; fus.len()];
    let mut shares = vec![0.0; fus.len()];
    // Each unit's part of each allocation list, by the list's address: a fleet's
    // contributions (manufacturing, transport, end of life, hosts) share one list of half a
    // million shares, which is read once.
    let mut split: FxHashMap<*const Allocation, Vec<f64>> = FxHashMap::default();
    for c in assessment.contributions.iter().filter(|c| !c.memo) {
        shares.fill(0.0);
        if c.item.kind == super::ItemKind::Workload
            && let Some(n) = locate.find(&c.item.id)
        {
            counted[n] = true;
            for (share, member) in shares.iter_mut().zip(members) {
                if member[n] {
                    *share = 1.0;
                }
            }
        }
        if !c.allocation.is_empty() {
            let parts = split.entry(c.allocation.as_ptr()).or_insert_with(|| {
                let mut parts = vec![0.0; fus.len()];
                for a in &c.allocation {
                    let Some(n) = locate.find(&a.workload) else {
                        continue;
                    };
                    if a.share > 0.0 {
                        counted[n] = true;
                    }
                    for (part, member) in parts.iter_mut().zip(members) {
                        if member[n] {
                            *part += a.share;
                        }
                    }
                }
                parts
            });
            if c.item.kind != super::ItemKind::Workload {
                shares.copy_from_slice(parts);
            }
        }
        for (impact, &share) in impacts.iter_mut().zip(&shares) {
            if share > 0.0 {
                for v in &c.values {
                    impact[v.indicator.index()] += v.value * share;
                }
            }
        }
    }
    // One pass over the workloads for every unit: a unit may cover a million of them.
    let mut covered: Vec<Covered<'_>> = fus.iter().map(|_| Covered::default()).collect();
    let reads: Vec<&[Volume]> = fus.iter().map(|fu| volumes(fu.kind)).collect();
    for (n, w) in inventory.workloads.iter().enumerate() {
        for ((unit, member), reads) in covered.iter_mut().zip(members).zip(&reads) {
            if member[n] {
                unit.add(w, counted[n], reads);
            }
        }
    }
    for (((fu, impact), unit), reads) in fus.iter().zip(&impacts).zip(&covered).zip(&reads) {
        let (left, done) = (unit.left, unit.done());
        if unit.covered > 0 && done == 0 {
            notes.push(format!(
                "functional unit `{}` ({}) is not applicable: {} counts none of its workloads",
                fu.id,
                fu.kind.id(),
                assessment.method
            ));
            continue;
        }
        if left > 0 {
            notes.push(format!(
                "functional unit `{}`: R leaves out the volume of {} {} does not count ({})",
                fu.id,
                bilan_units::text::count(left, "workload", "workloads"),
                assessment.method,
                unit.left_out.join(", ")
            ));
        }
        if fu.kind == FunctionalUnitKind::TrainingRun && done > 1 {
            notes.push(format!(
                "functional unit `{}`: R = 1 training run made of {done} workloads",
                fu.id,
            ));
        }
        if done == 0 {
            notes.push(format!(
                "functional unit `{}` ({}) is not applicable: the inventory has no workload it covers",
                fu.id,
                fu.kind.id()
            ));
            continue;
        }
        let r = unit.r(reads).map_err(|message| MethodError::Input {
            item: format!("functional unit `{}`", fu.id),
            message,
        })?;
        if r <= 0.0 {
            return Err(MethodError::Input {
                item: format!("functional unit `{}`", fu.id),
                message: format!(
                    "R = 0: its workloads report no {} to divide by",
                    fu.kind.id()
                ),
            });
        }
        // Named when there are a few, counted otherwise (sorting a million ids only to
        // count them cost more than the rest of the pass).
        let ids_text = if done > 5 {
            format!("{done} workloads")
        } else {
            let mut v = unit.first.clone();
            v.sort_unstable();
            v.join(", ")
        };
        for (k, indicator) in Indicator::ALL
            .into_iter()
            .enumerate()
            .filter(|(_, i)| assessment.covers(*i))
        {
            results.push(FunctionalUnitResult {
                functional_unit: fu.id.clone(),
                kind: Some(fu.kind),
                indicator,
                impact: impact[k],
                count: r,
                value: impact[k] / r,
                scope: format!(
                    "impacts attributed to {ids_text}, divided by R = {r} {}",
                    fu.kind.id()
                ),
            });
        }
    }
    Ok((results, notes))
}

#[cfg(test)]
mod tests;
