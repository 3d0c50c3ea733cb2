//! Quantities every method derives from a workload the same way: the energy its devices
//! drew and the device time it reserved. Shared so that methods agree on them and their
//! terms carry the same symbols (which the divergence decomposition matches on).

use super::{Driver, ItemRef, Term, TermSource};
use crate::descriptor::MethodError;
use crate::inventory::{Fleet, OutsidePeriod, Period, Workload};
use crate::units;

fn input_error(item: &ItemRef, e: &dyn std::fmt::Display) -> MethodError {
    MethodError::Input {
        item: item.to_string(),
        message: e.to_string(),
    }
}

/// The share of a workload's days inside the reporting period, as the term `s_period`,
/// for a workload that straddles it and says `outside-period = "prorate"` (validation
/// refuses any other straddling workload). `None`: the workload counts whole.
pub fn period_share(w: &Workload, reporting: &Period) -> Option<Term> {
    if w.outside_period != Some(OutsidePeriod::Prorate) {
        return None;
    }
    let period = w.period?;
    let days = period.days();
    let inside = period.overlap_days(reporting);
    if days <= 0 || inside >= days {
        return None;
    }
    Some(
        Term::new(
            "s_period",
            inside.max(0) as f64 / days as f64,
            "1",
            TermSource::Derived {
                formula: format!(
                    "`outside-period = \"prorate\"`: {inside} of the {days} days of {period} lie in the reporting period {reporting}"
                )
                .into(),
            },
        )
        .driver(Driver::TimeFrame),
    )
}

/// What a workload's device energy is made of: an amount it gives, or its device time ×
/// the power per device.
enum DeviceEnergy {
    Amount(f64),
    Time { hours: f64, kw: f64 },
}

impl DeviceEnergy {
    fn of(w: &Workload, item: &ItemRef) -> Result<DeviceEnergy, MethodError> {
        match (&w.energy, &w.device_hours, &w.power_per_device) {
            (Some(e), _, _) => Ok(DeviceEnergy::Amount(
                e.to(&units::KWH).map_err(|err| input_error(item, &err))?,
            )),
            (None, Some(dh), Some(p)) => Ok(DeviceEnergy::Time {
                hours: dh
                    .to(&units::DEVICE_HOUR)
                    .map_err(|err| input_error(item, &err))?,
                kw: p.to(&units::WATT).map_err(|err| input_error(item, &err))? / 1000.0,
            }),
            _ => Err(input_error(
                item,
                &"no energy: give `energy`, or `device-hours` and `power-per-device`",
            )),
        }
    }

    fn kwh(&self) -> f64 {
        match *self {
            DeviceEnergy::Amount(kwh) => kwh,
            DeviceEnergy::Time { hours, kw } => hours * kw,
        }
    }
}

/// Energy drawn by the devices of a workload, as terms and in kWh.
pub fn device_energy(w: &Workload, item: &ItemRef) -> Result<(Vec<Term>, f64), MethodError> {
    let energy = DeviceEnergy::of(w, item)?;
    let terms = match energy {
        DeviceEnergy::Amount(kwh) => vec![Term::new(
            "E_IT",
            kwh,
            "kWh",
            TermSource::Item {
                key: "energy".into(),
            },
        )],
        DeviceEnergy::Time { hours, kw } => vec![
            Term::new(
                "t_dev",
                hours,
                "GPU·h",
                TermSource::Item {
                    key: "device-hours".into(),
                },
            ),
            Term::new(
                "P_dev",
                kw,
                "kW",
                TermSource::Item {
                    key: "power-per-device".into(),
                },
            ),
        ],
    };
    Ok((terms, energy.kwh()))
}

/// [`device_energy`] in kWh alone, for a pass that needs the amount before it writes the
/// terms: the same value and the same errors, without describing the terms.
pub fn device_kwh(w: &Workload, item: &ItemRef) -> Result<f64, MethodError> {
    Ok(DeviceEnergy::of(w, item)?.kwh())
}

/// Device time a workload reserved on `fleet`, in device-hours, with the assumption made
/// ([`Workload::device_hours_on`], the rule the inventory's capacity check uses too).
pub fn device_time(
    w: &Workload,
    fleet: &Fleet,
    item: &ItemRef,
) -> Result<Option<(f64, Option<String>)>, MethodError> {
    w.device_hours_on(fleet).map_err(|e| input_error(item, &e))
}

/// The device time a fleet's workloads reserved, and each workload's share of it.
#[derive(Clone, Debug, Default)]
pub struct Reserved {
    /// Σ device-hours reserved.
    pub total: f64,
    /// Each workload's share of `total` (empty when nothing was reserved), shared by every
    /// contribution that splits by it.
    pub allocation: super::Allocations,
    /// Each workload's utilisation, aligned with `allocation` (empty from
    /// [`reserved_shares`]).
    pub utilisation: Vec<Option<f64>>,
    /// Workloads whose device time was taken from a default, with the assumption made.
    pub assumed: Vec<(ItemRef, String)>,
    /// Workloads on the fleet with no device time at all (neither device-hours nor a
    /// duration or period): methods decide how to report them.
    pub missing: Vec<ItemRef>,
}

/// Device time reserved on `fleet` by the workloads that name it, in inventory order.
pub fn reserved(
    inventory: &crate::inventory::Inventory,
    fleet: &Fleet,
) -> Result<Reserved, MethodError> {
    reserved_of(inventory, fleet, true)
}

/// [`reserved`] without the workloads' utilisation ([`Reserved::utilisation`] is empty), for
/// a method that does not divide by it: one list fewer, as long as the workloads, for each
/// fleet.
pub fn reserved_shares(
    inventory: &crate::inventory::Inventory,
    fleet: &Fleet,
) -> Result<Reserved, MethodError> {
    reserved_of(inventory, fleet, false)
}

fn reserved_of(
    inventory: &crate::inventory::Inventory,
    fleet: &Fleet,
    utilisation: bool,
) -> Result<Reserved, MethodError> {
    let mut out = Reserved::default();
    let mut per_workload = Vec::new();
    for w in inventory
        .workloads
        .iter()
        .filter(|w| w.fleet.as_deref() == Some(fleet.id.as_str()))
    {
        // The workload's reference is made only when one is kept (an assumption, a
        // workload with no device time): a million workloads' ids are not all touched.
        let item = || ItemRef::new(super::ItemKind::Workload, w.id.clone());
        match w
            .device_hours_on(fleet)
            .map_err(|e| input_error(&item(), &e))?
        {
            Some((hours, note)) => {
                if let Some(text) = note {
                    out.assumed.push((item(), text));
                }
                let hours = match period_share(w, &inventory.system.period) {
                    Some(share) => {
                        out.assumed.push((
                            item(),
                            format!(
                                "device time prorated to the reporting period: {}",
                                match &share.source {
                                    TermSource::Derived { formula } => formula.as_ref(),
                                    _ => "",
                                }
                            ),
                        ));
                        hours * share.value
                    }
                    None => hours,
                };
                per_workload.push((w, hours));
            }
            None => out.missing.push(item()),
        }
    }
    out.total = per_workload.iter().map(|(_, h)| h).sum();
    if out.total > 0.0 {
        if utilisation {
            out.utilisation = per_workload.iter().map(|(w, _)| w.utilisation).collect();
        }
        out.allocation = per_workload
            .into_iter()
            .map(|(w, h)| super::Allocation {
                workload: w.id.clone(),
                phase: w.phase,
                share: h / out.total,
            })
            .collect();
    }
    Ok(out)
}

/// `draft` with the workload's [`period_share`] as a term (and in its formula), when it
/// has one.
pub fn prorated(draft: super::builder::Draft, share: Option<&Term>) -> super::builder::Draft {
    match share {
        Some(term) => {
            let mut draft = draft.term(term.clone());
            draft.formula = format!("{} × s_period", draft.formula).into();
            draft
        }
        None => draft,
    }
}
