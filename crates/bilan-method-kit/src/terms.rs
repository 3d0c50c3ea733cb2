//! The terms every method writes the same way, with the same symbols and divergence-driver
//! tags (the divergence decomposition matches terms by symbol and driver).
//!
//! Device time, device energy, the reporting-period share and reserved device time come
//! from `bilan_core::assessment::work` and are re-exported here.

pub use bilan_core::assessment::work::{
    Reserved, device_energy, device_kwh, device_time, period_share, prorated, reserved,
    reserved_shares,
};

use bilan_core::assessment::{Allocation, Builder, Driver, ItemKind, ItemRef, Term, TermSource};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Building, EnergyBoundary, Fleet, Fuel, Period, Workload};
use bilan_core::method::{Descriptor, MethodError, Parameters};
use bilan_core::units;
use bilan_core::units::{Dimension, Quantity, Unit};
use std::sync::Arc;

use crate::wording;

fn input_error(item: &ItemRef, e: &dyn std::fmt::Display) -> MethodError {
    MethodError::Input {
        item: item.to_string(),
        message: e.to_string(),
    }
}

/// `E_idle`, kWh: energy of hardware reserved or provisioned but idle (driver
/// `idle-overhead`).
pub fn idle_energy(kwh: f64) -> Term {
    Term::new(
        "E_idle",
        kwh,
        "kWh",
        TermSource::Item {
            key: "idle-energy".into(),
        },
    )
    .driver(Driver::IdleOverhead)
}

/// `f_host`: host CPU, memory and network energy as a share of the devices' (driver
/// `idle-overhead`).
pub fn host_share(value: f64) -> Term {
    Term::new(
        "f_host",
        value,
        "1",
        TermSource::Item {
            key: "host-overhead".into(),
        },
    )
    .driver(Driver::IdleOverhead)
}

/// `E_host`, kWh: host energy given as an amount (driver `idle-overhead`).
pub fn host_energy(kwh: f64) -> Term {
    Term::new(
        "E_host",
        kwh,
        "kWh",
        TermSource::Item {
            key: "host-overhead".into(),
        },
    )
    .driver(Driver::IdleOverhead)
}

/// `D_host`, devices per host server, dividing (driver `host-embodied`).
pub fn devices_per_host(n: f64) -> Term {
    Term::new(
        "D_host",
        n,
        "device/server",
        TermSource::Item {
            key: "host.devices-per-host".into(),
        },
    )
    .dividing()
    .driver(Driver::HostEmbodied)
}

/// `T_res`, GPU·h: the device time a fleet's workloads reserved (driver `capital-goods`).
pub fn reserved_time(hours: f64, formula: String) -> Term {
    Term::new(
        "T_res",
        hours,
        "GPU·h",
        TermSource::Derived {
            formula: formula.into(),
        },
    )
    .driver(Driver::CapitalGoods)
}

/// `u`, the utilisation divisor: the device-time-weighted harmonic mean of the workloads'
/// utilisation, so that `T_res / u = Σ t_w / u_w`; a workload that gives none counts with
/// `u = 1`, recorded as an assumption. Dividing (driver `utilisation-divisor`).
pub fn utilisation_divisor(
    b: &mut Builder,
    fleet: &str,
    allocation: &[Allocation],
    utilisation: &[Option<f64>],
) -> Term {
    let mut weighted = 0.0;
    for (a, u) in allocation.iter().zip(utilisation) {
        let u = u.unwrap_or_else(|| {
            b.assume(
                "utilisation",
                wording::NO_UTILISATION.into(),
                Some(ItemRef::new(ItemKind::Workload, a.workload.clone())),
            );
            1.0
        });
        weighted += a.share / u;
    }
    let u = if weighted > 0.0 { 1.0 / weighted } else { 1.0 };
    Term::new(
        "u",
        u,
        "1",
        TermSource::Derived {
            formula: format!(
                "harmonic mean of workloads' utilisation on fleet `{fleet}`, weighted by device time"
            )
            .into(),
        },
    )
    .dividing()
    .driver(Driver::UtilisationDivisor)
}

/// Building amortisation, `I_building × t / L_building × share`: the terms `t` (the
/// building's own time, else the reporting period, recorded as an assumption worded with
/// `verb`: "used", "reserved"), `L_building` (dividing) and `share`.
pub fn building_amortisation(
    b: &mut Builder,
    building: &Building,
    period: &Period,
    verb: &str,
) -> Result<[Term; 3], MethodError> {
    let item = ItemRef::new(ItemKind::Building, building.id.as_str());
    let (t, source) = match &building.time {
        Some(q) => (
            q.to(&units::HOUR).map_err(|e| input_error(&item, &e))?,
            TermSource::Item { key: "time".into() },
        ),
        None => {
            let days = period.days() as f64;
            b.assume(
                "building-time",
                wording::building_period(verb, period, days),
                Some(item.clone()),
            );
            (
                days * 24.0,
                TermSource::Inventory {
                    path: "system.period".into(),
                },
            )
        }
    };
    let lifetime = building
        .lifetime
        .to(&units::HOUR)
        .map_err(|e| input_error(&item, &e))?;
    Ok([
        Term::new("t", t, "h", source).driver(Driver::CapitalGoods),
        Term::new(
            "L_building",
            lifetime,
            "h",
            TermSource::Item {
                key: "lifetime".into(),
            },
        )
        .dividing()
        .driver(Driver::CapitalGoods),
        Term::new(
            "share",
            building.share,
            "1",
            TermSource::Item {
                key: "share".into(),
            },
        ),
    ])
}

/// The formula of a workload's device energy: `t_dev × P_dev` when [`device_energy`] gave
/// device time and power, else `E_IT`.
pub fn device_formula(energy_terms: &[Term]) -> &'static str {
    if energy_terms.len() == 2 {
        "t_dev × P_dev"
    } else {
        "E_IT"
    }
}

/// `N`, the number of devices of a fleet, dividing (driver `capital-goods`): an item tied
/// to the fleet is amortised per device.
pub fn fleet_count(fleet: &Fleet) -> Term {
    Term::new(
        "N",
        fleet.count,
        "device",
        TermSource::Inventory {
            path: format!("fleet[{}].count", fleet.id).into(),
        },
    )
    .dividing()
    .driver(Driver::CapitalGoods)
}

/// Registers a fuel's own GWP factor (`EF_fuel`, kg per unit of its amount).
pub fn fuel_factor(b: &mut Builder, fuel: &Fuel) -> Result<Arc<str>, MethodError> {
    let item = ItemRef::new(ItemKind::Fuel, fuel.id.as_str());
    let unit = Unit::parse(&format!("kg/{}", fuel.amount.unit().symbol()))
        .map_err(|e| input_error(&item, &e))?;
    b.override_factor(
        &item.path("factor"),
        &format!("fuel/{}", fuel.fuel),
        Some(Indicator::Gwp),
        &fuel.factor,
        "EF_fuel",
        &unit,
        None,
    )
}

/// `Q_fuel`, the amount of a fuel burnt, in the unit it was given.
pub fn fuel_amount(fuel: &Fuel) -> Term {
    Term::new(
        "Q_fuel",
        fuel.amount.value(),
        fuel.amount.unit().symbol().to_owned(),
        TermSource::Item {
            key: "amount".into(),
        },
    )
}

/// `L`, a fleet's lifetime in hours, dividing (driver `capital-goods`): its own, cited as
/// `own`, else parameter `default-lifetime`, recorded as an assumption naming the lifetime
/// as `noun` ("lifetime", "expected lifespan").
pub fn fleet_lifetime(
    b: &mut Builder,
    d: &Descriptor,
    params: &Parameters,
    fleet: &Fleet,
    own: TermSource,
    noun: &str,
) -> Result<Term, MethodError> {
    let (term, assumed) = lifetime_term(d, params, fleet, own, noun)?;
    if let Some(text) = assumed {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        b.assume("default-lifetime", text, Some(item));
    }
    Ok(term)
}

/// [`fleet_lifetime`] without recording its assumption, for a second item amortised over
/// the same fleet (its transport, its end of life): the term, and the assumption's text
/// when the lifetime is the parameter's.
pub fn lifetime_term(
    d: &Descriptor,
    params: &Parameters,
    fleet: &Fleet,
    own: TermSource,
    noun: &str,
) -> Result<(Term, Option<String>), MethodError> {
    let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
    let param = "default-lifetime";
    let (term, assumed) = match &fleet.lifetime {
        Some(q) => (
            Term::new(
                "L",
                q.to(&units::HOUR).map_err(|e| input_error(&item, &e))?,
                "h",
                own,
            ),
            None,
        ),
        None => {
            let q = params
                .quantity(d, param)
                .ok_or_else(|| MethodError::Other(format!("parameter `{param}` has no value")))?;
            (
                Term::new(
                    "L",
                    q.to(&units::HOUR)?,
                    "h",
                    TermSource::Parameter { name: param.into() },
                ),
                Some(wording::default_lifetime(noun, param, q)),
            )
        }
    };
    Ok((term.dividing().driver(Driver::CapitalGoods), assumed))
}

/// Refuses device time beyond what a fleet delivers over the lifetime a method assumes for
/// it: `reserved` device-hours on `fleet`, which gives no `lifetime`, amortised over `L`
/// (the `default-lifetime` term, in hours). `T_res / L` above the fleet's `count` would
/// charge more than the whole fleet's embodied impacts. A fleet's own lifetime is held by
/// the inventory's capacity check (with `acquired`), and the same rule applies here: the
/// lifetime counts in whole days, a part day whole, as `Fleet::service_end` counts it.
pub fn within_life(fleet: &Fleet, reserved: f64, lifetime: &Term) -> Result<(), MethodError> {
    const SLACK: f64 = 1e-9;
    let TermSource::Parameter { name } = &lifetime.source else {
        return Ok(());
    };
    let hours = (lifetime.value / 24.0).ceil() * 24.0;
    let capacity = fleet.count * hours;
    if reserved <= capacity * (1.0 + SLACK) {
        return Ok(());
    }
    let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
    let n = |x: f64| bilan_units::text::compact(x, 4);
    Err(input_error(
        &item,
        &format!(
            "its workloads reserve {} device-hours, but its {} devices deliver {} over a lifetime of {} h each (parameter `{name}`, the fleet giving none): that would charge more than the whole fleet's embodied impacts; give the fleet's `lifetime` (and `acquired`), or check the workloads' device time",
            n(reserved),
            n(fleet.count),
            n(capacity),
            n(hours)
        ),
    ))
}

/// A workload's host overhead (`host-overhead`): a share of the devices' energy, or an
/// amount of energy.
#[derive(Clone, Debug)]
pub enum HostOverhead {
    /// `f_host`: multiplies the device-energy terms.
    Share(Term),
    /// `E_host`, kWh: a slice of its own.
    Energy(Term),
}

/// The host overhead of a workload whose devices drew `e_dev` kWh, and the kWh it adds.
pub fn host_overhead(
    host: &Quantity,
    e_dev: f64,
    item: &ItemRef,
) -> Result<(HostOverhead, f64), MethodError> {
    if host.dimension() == Dimension::DIMENSIONLESS {
        return Ok((
            HostOverhead::Share(host_share(host.value())),
            e_dev * host.value(),
        ));
    }
    let kwh = host.to(&units::KWH).map_err(|e| input_error(item, &e))?;
    Ok((HostOverhead::Energy(host_energy(kwh)), kwh))
}

/// The `PUE` term of a slice of energy measured at `boundary`: the site's `pue` for IT
/// energy; for facility energy (which already includes the facility overhead) a `PUE` of 1
/// citing the rule and the inventory `key` that says so. The term keeps its symbol and
/// driver, so the divergence decomposition still matches it across methods.
pub fn pue_for(pue: &Term, boundary: EnergyBoundary, key: &str) -> Term {
    match boundary {
        EnergyBoundary::It => pue.clone(),
        EnergyBoundary::Facility => {
            let mut term = pue.clone();
            term.value = 1.0;
            let meta = term.meta_mut();
            meta.power = 1;
            meta.source = TermSource::Rule {
                rule: wording::facility_boundary(key).into(),
            };
            term
        }
    }
}

/// The `PUE` term of a workload's device energy (and of a host overhead given as a share
/// of it): [`pue_for`] its `energy-boundary`.
pub fn device_pue(pue: &Term, w: &Workload) -> Term {
    pue_for(pue, w.energy_boundary(), "energy-boundary")
}

/// The `PUE` term of a workload's idle energy: [`pue_for`] its `idle-energy-boundary`.
pub fn idle_pue(pue: &Term, w: &Workload) -> Term {
    pue_for(pue, w.idle_energy_boundary(), "idle-energy-boundary")
}

/// The `PUE` term of a workload's host overhead: a share of the device energy is measured
/// where the device energy was; an amount of energy is IT energy.
pub fn host_pue(pue: &Term, w: &Workload, host: &HostOverhead) -> Term {
    match host_boundary(w, host) {
        EnergyBoundary::Facility => device_pue(pue, w),
        EnergyBoundary::It => pue.clone(),
    }
}

/// Where a workload's host overhead was measured: a share of the device energy where the
/// device energy was; an amount of energy at the IT boundary.
pub fn host_boundary(w: &Workload, host: &HostOverhead) -> EnergyBoundary {
    match host {
        HostOverhead::Share(_) => w.energy_boundary(),
        HostOverhead::Energy(_) => EnergyBoundary::It,
    }
}

/// A workload's energy, summed apart by the boundary it was measured at.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EnergySum {
    /// kWh measured at the IT boundary.
    pub it: f64,
    /// kWh measured at the facility boundary.
    pub facility: f64,
}

impl EnergySum {
    /// Adds `kwh` measured at `boundary`.
    pub fn add(&mut self, kwh: f64, boundary: EnergyBoundary) {
        match boundary {
            EnergyBoundary::It => self.it += kwh,
            EnergyBoundary::Facility => self.facility += kwh,
        }
    }

    /// Whether some of it was measured at the facility boundary.
    pub fn has_facility(&self) -> bool {
        self.facility != 0.0
    }

    /// Final electricity on a site of PUE `pue`: IT energy × PUE, plus what was measured
    /// at the facility boundary.
    pub fn at_facility(&self, pue: f64) -> f64 {
        if self.has_facility() {
            self.it * pue + self.facility
        } else {
            self.it * pue
        }
    }

    /// IT energy on a site of PUE `pue` (what was measured at the facility boundary
    /// divided by the PUE), for what is counted per IT kWh (on-site WUE).
    pub fn at_it(&self, pue: f64) -> f64 {
        if self.has_facility() {
            self.it + self.facility / pue
        } else {
            self.it
        }
    }
}
