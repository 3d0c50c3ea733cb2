//! Values the format accepts but that lie outside what is physically plausible. Each is a
//! warning that states the plausible range, so a typo (`pue = 13`) does not pass unseen.

use bilan_units::{Dimension, Quantity};

use super::{At, Checker, KeyPath};
use crate::inventory::Inventory;
use crate::units;

/// The highest PUE of any data centre surveyed (Uptime Institute surveys report averages
/// near 1.6 and rarely above 2.5).
const PUE_PLAUSIBLE_MAX: f64 = 3.0;
/// The most power one accelerator draws (a GB200 superchip is under 3 kW).
const DEVICE_POWER_PLAUSIBLE_MAX_W: f64 = 10_000.0;
/// The shortest plausible service life of hardware or a building.
const LIFETIME_PLAUSIBLE_MIN_H: f64 = 24.0;

pub(super) fn check(c: &mut Checker, inv: &Inventory) {
    let root = KeyPath::root();
    for (i, site) in inv.sites.iter().enumerate() {
        if let Some(pue) = &site.pue
            && pue.dimension() == Dimension::DIMENSIONLESS
            && pue.value() > PUE_PLAUSIBLE_MAX
        {
            c.problem(
                &root.key("site").index(i).key("pue"),
                format!(
                    "PUE `{pue}` of site `{}` is above {PUE_PLAUSIBLE_MAX}; data centres lie between 1 and {PUE_PLAUSIBLE_MAX}",
                    site.id
                ),
            );
        }
    }
    for (i, fleet) in inv.fleets.iter().enumerate() {
        if let Some(lifetime) = &fleet.lifetime {
            short_life(
                c,
                &root.key("fleet").index(i).key("lifetime"),
                lifetime,
                &fleet.id,
            );
        }
    }
    for (i, b) in inv.buildings.iter().enumerate() {
        short_life(
            c,
            &root.key("building").index(i).key("lifetime"),
            &b.lifetime,
            &b.id,
        );
    }
    for (i, w) in inv.workloads.iter().enumerate() {
        if let Some(p) = &w.power_per_device
            && let Ok(watts) = p.to(&units::WATT)
            && watts > DEVICE_POWER_PLAUSIBLE_MAX_W
        {
            c.problem(
                &root.key("workload").index(i).key("power-per-device"),
                format!(
                    "`{p}` per device for workload `{}` is over 10 kW; one accelerator draws from a few hundred watts to about 3 kW",
                    w.id
                ),
            );
        }
    }
}

fn short_life(c: &mut Checker, path: &impl At, lifetime: &Quantity, id: &str) {
    if let Ok(h) = lifetime.to(&units::HOUR)
        && h < LIFETIME_PLAUSIBLE_MIN_H
    {
        c.problem(
            path,
            format!(
                "lifetime `{lifetime}` of `{id}` is under one day; hardware and buildings serve for years"
            ),
        );
    }
}

impl Checker {
    /// A fleet's `embodied` figures are per accelerator: a per-server figure belongs in
    /// `host.embodied`.
    pub(super) fn per_accelerator(&mut self, path: &impl At, q: &Quantity) {
        let symbol = q.unit().symbol();
        if ["server", "node", "host"]
            .iter()
            .any(|s| symbol.contains(s))
        {
            self.problem(
                path,
                format!(
                    "`{q}` is per host server, but a fleet's `embodied` is per accelerator (`kgCO2e/device`); put a per-server figure in `host.embodied`, with `host.devices-per-host`"
                ),
            );
        }
    }
}
