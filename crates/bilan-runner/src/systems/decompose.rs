//! Why two systems differ under the same method: the difference `total(B) − total(A)`
//! explained additively by item kind, and by driver.
//!
//! **By driver** (formulas in `docs/systems.md`). Each counted contribution of an assessment
//! goes to one bucket, by its aspect:
//!
//! * electricity (`electricity`, `idle-electricity`, `host-electricity`,
//!   `market-electricity`), its upstream and on-site cooling water, split by workload phase
//!   (a contribution allocated among workloads is split by its allocation shares). Per
//!   phase, `X = V × e × u × g` where `X` is the impact, `F` the facility energy (the product
//!   of the contribution's terms, since its factor is per kWh), `T = F / PUE` the IT energy
//!   (`PUE` is the product of the terms tagged `facility-overhead`), `V` the functional
//!   units the phase did, `e = T / V` the energy per unit, `u = F / T` the effective PUE and
//!   `g = X / F` the effective intensity per facility kWh (grid, upstream and cooling water
//!   together). The phase's change is split by LMDI-I (log-mean Divisia index, Ang 2004):
//!   `ΔX_k = L(X_B, X_A) · ln(k_B / k_A)` with `L(x, y) = (x − y) / ln(x / y)`, computed as
//!   `ΔX · ln(k_B / k_A) / Σ_j ln(j_B / j_A)` so that the pieces add up to the change;
//! * hardware (`embodied`, `host-embodied`), building (`building`) and everything else
//!   (`transport`, `end-of-life`, services, fuels, refrigerants…): additive, their change
//!   is one piece each.
//!
//! Zeros and one-sided phases never give `inf` or `NaN`: a phase one system does not have
//! at all is volume (the work is not done); a phase whose impact is zero on one side gives
//! its whole change to the factors that are zero there (the limit of LMDI, Ang and Liu
//! 2007), shared equally when several are; a ratio 0/0 takes the other system's value (no
//! change); a phase whose impact has no energy to divide by is left to the residual, with a
//! note. The residual is the difference minus the pieces: rounding, and what the rules
//! above cannot split.
//!
//! **By item kind**: the change of the sum of each kind's contributions (workloads, fleets,
//! buildings…), with its residual.

use std::collections::{BTreeMap, HashMap};

use super::explained::{
    DriverAmount, KindAmount, PhaseFactors, PhaseSplit, SplitRule, SystemDivergence, SystemDriver,
    ratio,
};
use bilan_core::assessment::{Aspect, Assessment, Contribution, Driver, FactorUse, ItemKind};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnitKind, Inventory, Phase};

/// One system of a pair.
pub(super) struct Side<'a> {
    pub(super) name: &'a str,
    pub(super) inventory: &'a Inventory,
    pub(super) assessment: &'a Assessment,
    pub(super) total: f64,
}

/// Phase slots: [`Phase::ALL`], then electricity tied to no phase.
const SLOTS: usize = Phase::ALL.len() + 1;

#[derive(Clone, Copy, Default)]
struct Slot {
    factors: PhaseFactors,
    present: bool,
}

/// One assessment's figure for one indicator, by bucket.
struct Buckets {
    phases: [Slot; SLOTS],
    hardware: f64,
    building: f64,
    other: f64,
    kinds: BTreeMap<ItemKind, f64>,
}

fn carries_energy(aspect: Aspect) -> bool {
    matches!(
        aspect,
        Aspect::Electricity
            | Aspect::IdleElectricity
            | Aspect::HostElectricity
            | Aspect::MarketElectricity
    )
}

fn buckets(a: &Assessment, indicator: Indicator) -> Buckets {
    let factors: HashMap<&str, &FactorUse> = a.factors.iter().map(|f| (&*f.id, f)).collect();
    let mut b = Buckets {
        phases: [Slot::default(); SLOTS],
        hardware: 0.0,
        building: 0.0,
        other: 0.0,
        kinds: BTreeMap::new(),
    };
    for (c, v) in a.counted(indicator) {
        *b.kinds.entry(c.item.kind).or_insert(0.0) += v;
        match c.aspect {
            Aspect::Embodied | Aspect::HostEmbodied => b.hardware += v,
            Aspect::Building => b.building += v,
            aspect if carries_energy(aspect) => {
                let per_kwh = c
                    .values
                    .iter()
                    .find(|x| x.indicator == indicator)
                    .and_then(|x| factors.get(&*x.factor))
                    .is_some_and(|f| f.canonical_unit.ends_with("/kWh"));
                let (facility, it) = if per_kwh { energies(c) } else { (0.0, 0.0) };
                spread(&mut b.phases, c, v, facility, it);
            }
            Aspect::ElectricityUpstream | Aspect::CoolingWater => {
                spread(&mut b.phases, c, v, 0.0, 0.0);
            }
            _ => b.other += v,
        }
    }
    b
}

/// (F, T) of an electricity contribution: the product of its terms (those that bear on every
/// indicator: the energy), and that over the product of its terms tagged `facility-overhead`.
fn energies(c: &Contribution) -> (f64, f64) {
    let facility = c.base();
    let pue: f64 = c
        .terms
        .iter()
        .filter(|t| t.driver == Some(Driver::FacilityOverhead))
        .map(|t| t.effect())
        .product();
    match ratio(facility, pue) {
        Some(it) if facility.is_finite() => (facility, it),
        _ => (0.0, 0.0),
    }
}

/// Adds a contribution to its phases, by its phase or allocation shares; what no phase
/// takes goes to the last slot.
fn spread(slots: &mut [Slot; SLOTS], c: &Contribution, x: f64, f: f64, t: f64) {
    let shares = c.phase_shares();
    let rest = 1.0 - shares.iter().sum::<f64>();
    let all = shares.into_iter().chain(std::iter::once(rest));
    for (slot, share) in slots.iter_mut().zip(all) {
        if share.abs() > 1e-12 {
            slot.present = true;
            slot.factors.impact += x * share;
            slot.factors.facility_energy += f * share;
            slot.factors.it_energy += t * share;
        }
    }
}

/// The kinds a phase's volume may be counted in, first preferred (energy per token before
/// per request or per run, as runs and requests differ in size).
const PREFERENCE: [FunctionalUnitKind; 6] = [
    FunctionalUnitKind::OutputToken,
    FunctionalUnitKind::TrainingToken,
    FunctionalUnitKind::Token,
    FunctionalUnitKind::Request,
    FunctionalUnitKind::TrainingRun,
    FunctionalUnitKind::Flop,
];

/// The units of `kind` done in `phase`: the method's functional-unit results of that kind
/// whose workloads are all in the phase, the widest first, each added when it shares no
/// workload with one already counted.
fn volume(
    s: &Side<'_>,
    indicator: Indicator,
    phase: Phase,
    kind: FunctionalUnitKind,
) -> Option<f64> {
    let mut found: Vec<(Vec<&str>, f64)> = s
        .assessment
        .functional_units
        .iter()
        .filter(|r| r.kind == Some(kind) && r.indicator == indicator)
        .filter_map(|r| {
            let fu = bilan_core::assessment::unit_of(s.inventory, r)?;
            let ws = bilan_core::assessment::workloads_of(s.inventory, &fu);
            (!ws.is_empty() && ws.iter().all(|w| w.phase == phase))
                .then(|| (ws.iter().map(|w| w.id.as_ref()).collect(), r.count))
        })
        .collect();
    found.sort_by_key(|(ws, _)| std::cmp::Reverse(ws.len()));
    let mut taken: Vec<&str> = Vec::new();
    let mut total = None;
    for (ws, count) in found {
        if ws.iter().any(|w| taken.contains(w)) {
            continue;
        }
        taken.extend(ws);
        total = Some(total.unwrap_or(0.0) + count);
    }
    // Units that leave some of the phase's work out would charge its energy to fewer units:
    // the split by unit holds only when they cover every workload of the phase.
    let covered = s
        .inventory
        .workloads
        .iter()
        .filter(|w| w.phase == phase)
        .all(|w| taken.contains(&w.id.as_ref()));
    total.filter(|v: &f64| covered && *v > 0.0 && v.is_finite())
}

/// `L(x, y)`-weighted LMDI pieces of a change from `xa` to `xb` over `components`
/// (driver, k_A, k_B); `None` when the logarithms are not defined.
pub(super) fn lmdi(
    components: &[(SystemDriver, f64, f64)],
    xa: f64,
    xb: f64,
) -> Option<Vec<DriverAmount>> {
    if !(xa / xb > 0.0 && (xa / xb).is_finite()) {
        return None;
    }
    let mut logs = Vec::with_capacity(components.len());
    for &(d, ka, kb) in components {
        let r = kb / ka;
        if !(r > 0.0 && r.is_finite()) {
            return None;
        }
        // ln(1 + (kb − ka)/ka): exact for nearby values, where ln(kb/ka) loses digits.
        // A factor equal to rounding (the same grid read through different sums) did not
        // change: its logarithm is 0, not noise.
        let l = if (kb - ka).abs() <= 1e-12 * ka.abs() {
            0.0
        } else {
            ((kb - ka) / ka).ln_1p()
        };
        logs.push((d, l));
    }
    let sum: f64 = logs.iter().map(|(_, l)| l).sum();
    let change = xb - xa;
    // The weight L(X_B, X_A) = ΔX / ln(X_B / X_A) = ΔX / Σ ln(k_B / k_A): taken from the
    // logarithms' sum, the pieces add up to ΔX. When the factors' changes cancel out, ΔX is
    // zero or rounding, and L is the mean of the two.
    let weight = if change != 0.0 && sum.abs() > 1e-12 {
        change / sum
    } else {
        (xa + xb) / 2.0
    };
    Some(
        logs.into_iter()
            .map(|(driver, l)| DriverAmount {
                driver,
                amount: weight * l,
            })
            .collect(),
    )
}

/// One phase's split; notes go to `notes`.
fn split_phase(
    a: &Slot,
    b: &Slot,
    common_unit: bool,
    label: &str,
    notes: &mut Vec<String>,
) -> (SplitRule, Vec<DriverAmount>) {
    let (fa, fb) = (&a.factors, &b.factors);
    let change = fb.impact - fa.impact;
    if !a.present || !b.present {
        notes.push(format!(
            "{label}: in one system only, its whole change is volume"
        ));
        return (
            SplitRule::OneSided,
            vec![DriverAmount {
                driver: SystemDriver::Volume,
                amount: change,
            }],
        );
    }
    // Each factor on each side; `None` for 0/0 (no change: the other side's value).
    // `Err` for x/0 with x ≠ 0: the phase cannot be split.
    let part = |x: f64, y: f64| -> Result<Option<f64>, ()> {
        match (x == 0.0, y == 0.0) {
            (true, true) => Ok(None),
            (false, true) => Err(()),
            _ => Ok(Some(x / y)),
        }
    };
    let factors = |f: &PhaseFactors| -> Result<Vec<(SystemDriver, Option<f64>)>, ()> {
        let mut v = Vec::with_capacity(4);
        match (common_unit, f.volume) {
            (true, Some(vol)) => {
                v.push((SystemDriver::Volume, Some(vol)));
                v.push((SystemDriver::EnergyPerUnit, part(f.it_energy, vol)?));
            }
            _ => v.push((SystemDriver::ItEnergy, Some(f.it_energy))),
        }
        v.push((SystemDriver::Pue, part(f.facility_energy, f.it_energy)?));
        v.push((SystemDriver::Grid, part(f.impact, f.facility_energy)?));
        Ok(v)
    };
    let (Ok(ka), Ok(kb)) = (factors(fa), factors(fb)) else {
        notes.push(format!(
            "{label}: an impact without energy to divide it by; its change is in the residual"
        ));
        return (SplitRule::Residual, Vec::new());
    };
    let components: Vec<(SystemDriver, f64, f64)> = ka
        .iter()
        .zip(&kb)
        .filter_map(|(&(d, x), &(_, y))| match (x, y) {
            (None, None) => None,
            (Some(x), None) => Some((d, x, x)),
            (None, Some(y)) => Some((d, y, y)),
            (Some(x), Some(y)) => Some((d, x, y)),
        })
        .collect();
    if change == 0.0 && components.iter().all(|(_, x, y)| x == y) {
        return (SplitRule::Lmdi, Vec::new());
    }
    if fa.impact == 0.0 || fb.impact == 0.0 {
        let zero_b = fb.impact == 0.0;
        let zeros: Vec<SystemDriver> = components
            .iter()
            .filter(|(_, x, y)| if zero_b { *y == 0.0 } else { *x == 0.0 })
            .map(|(d, _, _)| *d)
            .collect();
        if zeros.is_empty() {
            notes.push(format!(
                "{label}: zero impact on one side with no zero factor; its change is in the residual"
            ));
            return (SplitRule::Residual, Vec::new());
        }
        let n = zeros.len() as f64;
        return (
            SplitRule::ZeroFactor,
            zeros
                .into_iter()
                .map(|driver| DriverAmount {
                    driver,
                    amount: change / n,
                })
                .collect(),
        );
    }
    match lmdi(&components, fa.impact, fb.impact) {
        Some(pieces) => (SplitRule::Lmdi, pieces),
        None => {
            notes.push(format!(
                "{label}: factors of different signs cannot be split by logarithms; its change is in the residual"
            ));
            (SplitRule::Residual, Vec::new())
        }
    }
}

fn phase_label(p: Option<Phase>) -> &'static str {
    p.map_or("electricity tied to no phase", Phase::id)
}

/// The divergence of `b` from `a` under the method both were assessed by.
pub(super) fn divergence(a: Side<'_>, b: Side<'_>, indicator: Indicator) -> SystemDivergence {
    let (ba, bb) = (
        buckets(a.assessment, indicator),
        buckets(b.assessment, indicator),
    );
    let difference = b.total - a.total;
    let mut notes = Vec::new();
    let mut amounts: BTreeMap<SystemDriver, f64> = BTreeMap::new();
    let mut phases = Vec::new();
    let keys = Phase::ALL
        .into_iter()
        .map(Some)
        .chain(std::iter::once(None));
    for (n, phase) in keys.enumerate() {
        let (mut sa, mut sb) = (ba.phases[n], bb.phases[n]);
        if !sa.present && !sb.present {
            continue;
        }
        let unit = phase.and_then(|p| {
            PREFERENCE.into_iter().find_map(|k| {
                let va = volume(&a, indicator, p, k)?;
                let vb = volume(&b, indicator, p, k)?;
                sa.factors.volume = Some(va);
                sb.factors.volume = Some(vb);
                Some(k)
            })
        });
        let label = phase_label(phase);
        if unit.is_none() && sa.present && sb.present && phase.is_some() {
            notes.push(format!(
                "{label}: no functional unit both systems count for this phase, IT energy is compared whole (it-energy)"
            ));
        }
        let (rule, drivers) = split_phase(&sa, &sb, unit.is_some(), label, &mut notes);
        for d in &drivers {
            *amounts.entry(d.driver).or_insert(0.0) += d.amount;
        }
        phases.push(PhaseSplit {
            phase,
            unit,
            rule,
            baseline: sa.factors,
            system: sb.factors,
            drivers,
        });
    }
    for (driver, x, y) in [
        (SystemDriver::Hardware, ba.hardware, bb.hardware),
        (SystemDriver::Building, ba.building, bb.building),
        (SystemDriver::Other, ba.other, bb.other),
    ] {
        *amounts.entry(driver).or_insert(0.0) += y - x;
    }
    let drivers: Vec<DriverAmount> = amounts
        .into_iter()
        .filter(|(_, v)| *v != 0.0)
        .map(|(driver, amount)| DriverAmount { driver, amount })
        .collect();
    let residual = difference - drivers.iter().map(|d| d.amount).sum::<f64>();
    let mut kinds = ba.kinds.clone();
    for k in bb.kinds.keys() {
        kinds.entry(*k).or_insert(0.0);
    }
    let by_kind: Vec<KindAmount> = kinds
        .into_iter()
        .map(|(kind, x)| KindAmount {
            kind,
            amount: bb.kinds.get(&kind).copied().unwrap_or(0.0) - x,
        })
        .filter(|k| k.amount != 0.0)
        .collect();
    let by_kind_residual = difference - by_kind.iter().map(|k| k.amount).sum::<f64>();
    SystemDivergence {
        method: a.assessment.method.id.clone(),
        indicator,
        baseline: a.name.to_owned(),
        system: b.name.to_owned(),
        baseline_total: a.total,
        total: b.total,
        difference,
        by_kind,
        by_kind_residual,
        drivers,
        residual,
        phases,
        notes,
    }
}
