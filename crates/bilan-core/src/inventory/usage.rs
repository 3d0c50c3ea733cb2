//! The devices and device time a workload reserves on its fleet: one rule for the
//! inventory's checks, the estimators and every method's embodied allocation.

use bilan_units::UnitError;

use super::{Fleet, Workload};
use crate::units;

impl Workload {
    /// Device-hours this workload reserves on `fleet`: its `device-hours`, else `devices`
    /// (all the fleet's devices when not given, with that assumption in words) × its
    /// `duration` or the days of its `period`. `None` when it gives none of these.
    pub fn device_hours_on(
        &self,
        fleet: &Fleet,
    ) -> Result<Option<(f64, Option<String>)>, UnitError> {
        if let Some(dh) = &self.device_hours {
            return Ok(Some((dh.to(&units::DEVICE_HOUR)?, None)));
        }
        let (devices, note) = match self.devices {
            Some(n) => (n, None),
            None => (
                fleet.count,
                Some(format!(
                    "all {} devices of fleet `{}` reserved",
                    fleet.count, fleet.id
                )),
            ),
        };
        let hours = match (&self.duration, &self.period) {
            (Some(d), _) => d.to(&units::HOUR)?,
            (None, Some(p)) => p.days() as f64 * 24.0,
            (None, None) => return Ok(None),
        };
        Ok(Some((devices * hours, note)))
    }
}

impl Fleet {
    /// Whether `devices` reserved at once fit in the fleet, and why not when they do not:
    /// one rule for a workload's `devices` and for the devices an estimator reserves.
    pub fn reserve(&self, devices: f64) -> Result<(), String> {
        if devices <= self.count {
            return Ok(());
        }
        let shown = |n: f64| {
            if n.abs() < 1e15 {
                n.to_string()
            } else {
                bilan_units::text::compact(n, 4)
            }
        };
        Err(format!(
            "{} devices reserved, but fleet `{}` has {}",
            shown(devices),
            self.id,
            shown(self.count)
        ))
    }
}

impl super::Inventory {
    /// The ids of the items of `kind`, in inventory order.
    pub fn ids(&self, kind: crate::item::ItemKind) -> Box<dyn Iterator<Item = &str> + '_> {
        use crate::item::ItemKind as K;
        fn of<T>(items: &[T], id: fn(&T) -> &str) -> Box<dyn Iterator<Item = &str> + '_> {
            Box::new(items.iter().map(id))
        }
        match kind {
            K::Site => of(&self.sites, |x| &x.id),
            K::Fleet => of(&self.fleets, |x| &x.id),
            K::Workload => of(&self.workloads, |x| &x.id),
            K::Building => of(&self.buildings, |x| &x.id),
            K::Transport => of(&self.transports, |x| &x.id),
            K::EndOfLife => of(&self.end_of_life, |x| &x.id),
            K::Service => of(&self.services, |x| &x.id),
            K::Fuel => of(&self.fuels, |x| &x.id),
            K::Refrigerant => of(&self.refrigerants, |x| &x.id),
            K::Instrument => of(&self.instruments, |x| &x.id),
            K::Offset => of(&self.offsets, |x| &x.id),
        }
    }
}

impl super::Inventory {
    /// Every item a method must account for, as a contribution or an exclusion: fleets,
    /// workloads, buildings, transports, ends of life, services, fuels, refrigerants,
    /// instruments and offsets, in that order. (Sites, functional units and residual mixes
    /// are context: they carry no impact of their own.) The runner reconciles against this
    /// list, and methods and plugins read it from here.
    pub fn accountable(&self) -> Vec<(crate::item::ItemKind, &str)> {
        use crate::item::ItemKind;
        ItemKind::ALL
            .into_iter()
            .filter(|&kind| kind != ItemKind::Site)
            .flat_map(|kind| self.ids(kind).map(move |id| (kind, id)))
            .collect()
    }
}
