//! Semantic checks of an inventory: dimensions, ranges, references and unique ids.

use rustc_hash::FxHashSet;
use std::fmt;

use bilan_units::{Dimension, Quantity, Substance};

use super::{FactorOverride, Inventory, Period, SourcedQuantity};
use crate::indicator::Indicator;

/// A key path into an inventory, e.g. `workload[2].energy`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KeyPath(Vec<Segment>);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Segment {
    Key(String),
    Index(usize),
}

impl KeyPath {
    /// The root.
    pub fn root() -> KeyPath {
        KeyPath::default()
    }

    /// This path followed by a key.
    pub fn key(&self, key: &str) -> KeyPath {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_owned()));
        next
    }

    /// This path followed by an array index.
    pub fn index(&self, index: usize) -> KeyPath {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    /// The segments, as keys (`"workload"`) and indices, for locating the path in a file.
    pub fn segments(&self) -> impl Iterator<Item = Result<&str, usize>> {
        self.0.iter().map(|s| match s {
            Segment::Key(k) => Ok(k.as_str()),
            Segment::Index(i) => Err(*i),
        })
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One problem found in an inventory.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct Problem {
    /// Where.
    pub path: KeyPath,
    /// What is wrong and what was expected.
    pub message: String,
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn problem(&mut self, path: &KeyPath, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.clone(),
            message: message.into(),
        });
    }

    fn quantity(
        &mut self,
        path: &KeyPath,
        q: &Quantity,
        expected: &[Dimension],
        non_negative: bool,
    ) -> bool {
        if !expected.contains(&q.dimension()) {
            let wanted: Vec<String> = expected
                .iter()
                .map(|d| match d.example_unit() {
                    Some(u) => format!("{} (e.g. {u})", d.name()),
                    None => d.name(),
                })
                .collect();
            self.problem(
                path,
                format!(
                    "`{q}` is {}, expected {}",
                    q.dimension().name(),
                    wanted.join(" or ")
                ),
            );
            return false;
        }
        if non_negative && q.value() < 0.0 {
            self.problem(
                path,
                format!("`{q}` is negative; a negative amount makes no sense here"),
            );
            return false;
        }
        true
    }

    fn positive_quantity(&mut self, path: &KeyPath, q: &Quantity, expected: Dimension) {
        if self.quantity(path, q, &[expected], true) && q.value() == 0.0 {
            self.problem(path, format!("`{q}` must be greater than zero"));
        }
    }

    fn number(
        &mut self,
        path: &KeyPath,
        value: f64,
        what: &str,
        min: f64,
        min_inclusive: bool,
        max: Option<f64>,
    ) {
        let below = if min_inclusive {
            value < min
        } else {
            value <= min
        };
        if !value.is_finite() {
            self.problem(
                path,
                format!("`{value}` is not a finite number; expected {what}"),
            );
        } else if below || max.is_some_and(|m| value > m) {
            self.problem(path, format!("`{value}` is out of range; expected {what}"));
        }
    }

    fn period(&mut self, path: &KeyPath, period: &Period) {
        if period.end < period.start {
            self.problem(
                path,
                format!(
                    "period ends ({}) before it starts ({})",
                    period.end, period.start
                ),
            );
        }
    }

    fn unique<'a>(&mut self, path: &KeyPath, ids: impl Iterator<Item = &'a str>, what: &str) {
        let mut seen = FxHashSet::default();
        for (i, id) in ids.enumerate() {
            if id.trim().is_empty() {
                self.problem(
                    &path.index(i).key("id"),
                    format!("{what} id must not be empty"),
                );
            } else if !seen.insert(id) {
                self.problem(
                    &path.index(i).key("id"),
                    format!("duplicate {what} id `{id}`"),
                );
            }
        }
    }

    fn reference(&mut self, path: &KeyPath, id: &str, known: &FxHashSet<&str>, what: &str) {
        if !known.contains(id) {
            let mut candidates: Vec<&str> = known.iter().copied().collect();
            candidates.sort_unstable();
            let list = if candidates.is_empty() {
                format!("the inventory has no {what}")
            } else {
                format!("known {what}s: {}", candidates.join(", "))
            };
            self.problem(path, format!("unknown {what} `{id}` ({list})"));
        }
    }

    fn substance(&mut self, path: &KeyPath, q: &Quantity, indicator: Indicator) {
        let expected = match indicator {
            Indicator::Gwp => Some(Substance::Co2e),
            Indicator::Adpe => Some(Substance::SbEq),
            Indicator::Water | Indicator::Adpf => None,
        };
        match (q.unit().substance(), expected) {
            (Some(found), Some(expected)) if found != expected => self.problem(
                path,
                format!("`{q}` is in {found}, but {indicator} is measured in {expected}"),
            ),
            (Some(found), None) => self.problem(
                path,
                format!("`{q}` is in {found}, which does not measure {indicator}"),
            ),
            _ => {}
        }
    }

    /// An impact amount for `indicator`, optionally per `per` (device, kWh…).
    fn impact(&mut self, path: &KeyPath, q: &Quantity, indicator: Indicator, per: Dimension) {
        let dimension = indicator_dimension(indicator).div(per);
        if self.quantity(path, q, &[dimension], true) {
            self.substance(path, q, indicator);
        }
    }

    fn override_(
        &mut self,
        path: &KeyPath,
        o: &FactorOverride,
        indicator: Indicator,
        per: Dimension,
    ) {
        self.impact(&path.key("value"), &o.value, indicator, per);
        if o.source.trim().is_empty() {
            self.problem(&path.key("source"), "an override needs a cited source");
        }
        if o.boundary.trim().is_empty() {
            self.problem(&path.key("boundary"), "an override needs its boundary (e.g. `life-cycle`, `combustion`, `cradle-to-gate`)");
        }
    }

    fn sourced(&mut self, path: &KeyPath, q: &SourcedQuantity, indicator: Indicator) {
        self.impact(
            &path.key("value"),
            &q.value,
            indicator,
            Dimension::DIMENSIONLESS,
        );
        if q.source.trim().is_empty() {
            self.problem(&path.key("source"), "a source is required");
        }
    }
}

/// The dimension of one unit of an indicator's result.
pub(crate) fn indicator_dimension(indicator: Indicator) -> Dimension {
    match indicator {
        Indicator::Gwp | Indicator::Adpe => Dimension::MASS,
        Indicator::Water => Dimension::VOLUME,
        Indicator::Adpf => Dimension::ENERGY,
    }
}

pub(super) fn validate(inv: &Inventory) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let root = KeyPath::root();
    if inv.schema != crate::INVENTORY_SCHEMA {
        c.problem(
            &root.key("schema"),
            format!(
                "schema {} is not supported; this build reads schema {}",
                inv.schema,
                crate::INVENTORY_SCHEMA
            ),
        );
    }
    c.period(&root.key("system").key("period"), &inv.system.period);

    let site_ids: FxHashSet<&str> = inv.sites.iter().map(|s| s.id.as_str()).collect();
    let fleet_ids: FxHashSet<&str> = inv.fleets.iter().map(|f| f.id.as_str()).collect();
    let workload_ids: FxHashSet<&str> = inv.workloads.iter().map(|w| w.id.as_str()).collect();

    c.unique(
        &root.key("functional-unit"),
        inv.functional_units.iter().map(|x| x.id.as_str()),
        "functional unit",
    );
    c.unique(
        &root.key("site"),
        inv.sites.iter().map(|x| x.id.as_str()),
        "site",
    );
    c.unique(
        &root.key("fleet"),
        inv.fleets.iter().map(|x| x.id.as_str()),
        "fleet",
    );
    c.unique(
        &root.key("workload"),
        inv.workloads.iter().map(|x| x.id.as_str()),
        "workload",
    );
    c.unique(
        &root.key("building"),
        inv.buildings.iter().map(|x| x.id.as_str()),
        "building",
    );
    c.unique(
        &root.key("transport"),
        inv.transports.iter().map(|x| x.id.as_str()),
        "transport",
    );
    c.unique(
        &root.key("end-of-life"),
        inv.end_of_life.iter().map(|x| x.id.as_str()),
        "end-of-life",
    );
    c.unique(
        &root.key("service"),
        inv.services.iter().map(|x| x.id.as_str()),
        "service",
    );
    c.unique(
        &root.key("fuel"),
        inv.fuels.iter().map(|x| x.id.as_str()),
        "fuel",
    );
    c.unique(
        &root.key("refrigerant"),
        inv.refrigerants.iter().map(|x| x.id.as_str()),
        "refrigerant",
    );
    c.unique(
        &root.key("instrument"),
        inv.instruments.iter().map(|x| x.id.as_str()),
        "instrument",
    );
    c.unique(
        &root.key("offset"),
        inv.offsets.iter().map(|x| x.id.as_str()),
        "offset",
    );

    for (i, fu) in inv.functional_units.iter().enumerate() {
        let path = root.key("functional-unit").index(i);
        for (j, w) in fu.workloads.iter().enumerate() {
            c.reference(
                &path.key("workloads").index(j),
                w,
                &workload_ids,
                "workload",
            );
        }
    }

    for (i, site) in inv.sites.iter().enumerate() {
        let path = root.key("site").index(i);
        if let Some(pue) = &site.pue
            && c.quantity(&path.key("pue"), pue, &[Dimension::DIMENSIONLESS], true)
            && pue.value() < 1.0
        {
            c.problem(
                &path.key("pue"),
                format!(
                    "PUE `{pue}` is below 1; PUE is facility energy over IT energy, so at least 1"
                ),
            );
        }
        if let Some(wue) = &site.wue {
            c.quantity(&path.key("wue"), wue, &[Dimension::VOLUME_PER_ENERGY], true);
        }
        for (indicator, o) in &site.electricity {
            c.override_(
                &path.key("electricity").key(indicator.id()),
                o,
                *indicator,
                Dimension::ENERGY,
            );
        }
    }

    for (i, fleet) in inv.fleets.iter().enumerate() {
        let path = root.key("fleet").index(i);
        c.number(
            &path.key("count"),
            fleet.count,
            "a number of devices greater than 0",
            0.0,
            false,
            None,
        );
        if let Some(lifetime) = &fleet.lifetime {
            c.positive_quantity(&path.key("lifetime"), lifetime, Dimension::TIME);
        }
        c.reference(&path.key("site"), &fleet.site, &site_ids, "site");
        for (indicator, o) in &fleet.embodied {
            c.override_(
                &path.key("embodied").key(indicator.id()),
                o,
                *indicator,
                Dimension::DEVICE,
            );
        }
        if let Some(host) = &fleet.host {
            let path = path.key("host");
            c.number(
                &path.key("devices-per-host"),
                host.devices_per_host,
                "accelerators per server, at least 1",
                1.0,
                true,
                None,
            );
            for (indicator, o) in &host.embodied {
                c.override_(
                    &path.key("embodied").key(indicator.id()),
                    o,
                    *indicator,
                    Dimension::DEVICE,
                );
            }
        }
    }

    for (i, w) in inv.workloads.iter().enumerate() {
        let path = root.key("workload").index(i);
        c.reference(&path.key("site"), &w.site, &site_ids, "site");
        if let Some(fleet) = &w.fleet {
            c.reference(&path.key("fleet"), fleet, &fleet_ids, "fleet");
        }
        if let Some(period) = &w.period {
            c.period(&path.key("period"), period);
        }
        if let Some(e) = &w.energy {
            c.quantity(&path.key("energy"), e, &[Dimension::ENERGY], true);
        }
        if let Some(dh) = &w.device_hours {
            c.quantity(
                &path.key("device-hours"),
                dh,
                &[Dimension::DEVICE_TIME],
                true,
            );
        }
        if let Some(p) = &w.power_per_device {
            c.quantity(&path.key("power-per-device"), p, &[Dimension::POWER], true);
        }
        match (&w.energy, &w.device_hours, &w.power_per_device) {
            (Some(_), _, Some(_)) => c.problem(
                &path.key("power-per-device"),
                "give either measured `energy` or `device-hours` × `power-per-device`, not both",
            ),
            (None, Some(_), None) => c.problem(
                &path.key("power-per-device"),
                "`device-hours` without `power-per-device` (or a measured `energy`) gives no energy",
            ),
            (None, None, Some(_)) => c.problem(&path.key("device-hours"), "`power-per-device` needs `device-hours`"),
            (None, None, None) => c.problem(
                &path,
                format!("workload `{}` has no energy: give `energy`, or `device-hours` and `power-per-device`", w.id),
            ),
            _ => {}
        }
        if let Some(n) = w.devices {
            c.number(
                &path.key("devices"),
                n,
                "a number of devices greater than 0",
                0.0,
                false,
                None,
            );
            if let Some(fleet) = w
                .fleet
                .as_deref()
                .and_then(|f| inv.fleets.iter().find(|x| x.id == f))
                && n > fleet.count
            {
                c.problem(
                    &path.key("devices"),
                    format!(
                        "{n} devices reserved, but fleet `{}` has {}",
                        fleet.id, fleet.count
                    ),
                );
            }
        }
        if let Some(d) = &w.duration {
            c.positive_quantity(&path.key("duration"), d, Dimension::TIME);
        }
        if let Some(e) = &w.idle_energy {
            c.quantity(&path.key("idle-energy"), e, &[Dimension::ENERGY], true);
        }
        if let Some(h) = &w.host_overhead {
            c.quantity(
                &path.key("host-overhead"),
                h,
                &[Dimension::ENERGY, Dimension::DIMENSIONLESS],
                true,
            );
        }
        if let Some(u) = w.utilisation {
            c.number(
                &path.key("utilisation"),
                u,
                "a utilisation between 0 (excluded) and 1",
                0.0,
                false,
                Some(1.0),
            );
        }
        let v = &w.volume;
        let vpath = path.key("volume");
        for (key, value) in [
            ("requests", v.requests),
            ("tokens-in", v.tokens_in),
            ("tokens-out", v.tokens_out),
            ("training-tokens", v.training_tokens),
            ("flops", v.flops),
        ] {
            if let Some(value) = value {
                c.number(
                    &vpath.key(key),
                    value,
                    "a count, 0 or more",
                    0.0,
                    true,
                    None,
                );
            }
        }
    }

    for (i, b) in inv.buildings.iter().enumerate() {
        let path = root.key("building").index(i);
        c.reference(&path.key("site"), &b.site, &site_ids, "site");
        for (indicator, q) in &b.impacts {
            c.sourced(&path.key("impacts").key(indicator.id()), q, *indicator);
        }
        c.positive_quantity(&path.key("lifetime"), &b.lifetime, Dimension::TIME);
        c.number(
            &path.key("share"),
            b.share,
            "a share between 0 (excluded) and 1",
            0.0,
            false,
            Some(1.0),
        );
        if let Some(t) = &b.time {
            c.positive_quantity(&path.key("time"), t, Dimension::TIME);
        }
    }

    for (key, items) in [
        ("transport", &inv.transports),
        ("end-of-life", &inv.end_of_life),
    ] {
        for (i, item) in items.iter().enumerate() {
            let path = root.key(key).index(i);
            if let Some(fleet) = &item.fleet {
                c.reference(&path.key("fleet"), fleet, &fleet_ids, "fleet");
            }
            if item.impacts.is_empty() {
                c.problem(
                    &path.key("impacts"),
                    "give at least one impact (e.g. `gwp`)",
                );
            }
            for (indicator, q) in &item.impacts {
                c.sourced(&path.key("impacts").key(indicator.id()), q, *indicator);
            }
        }
    }

    for (i, s) in inv.services.iter().enumerate() {
        let path = root.key("service").index(i);
        for (indicator, q) in &s.allocated {
            c.sourced(&path.key("allocated").key(indicator.id()), q, *indicator);
        }
        if let Some(period) = &s.period {
            c.period(&path.key("period"), period);
        }
    }

    for (i, f) in inv.fuels.iter().enumerate() {
        let path = root.key("fuel").index(i);
        c.reference(&path.key("site"), &f.site, &site_ids, "site");
        if c.quantity(
            &path.key("amount"),
            &f.amount,
            &[Dimension::ENERGY, Dimension::VOLUME, Dimension::MASS],
            true,
        ) {
            c.override_(
                &path.key("factor"),
                &f.factor,
                Indicator::Gwp,
                f.amount.dimension(),
            );
        }
    }

    for (i, r) in inv.refrigerants.iter().enumerate() {
        let path = root.key("refrigerant").index(i);
        c.reference(&path.key("site"), &r.site, &site_ids, "site");
        c.quantity(&path.key("leaked"), &r.leaked, &[Dimension::MASS], true);
        c.number(
            &path.key("gwp100"),
            r.gwp100,
            "a GWP100, 0 or more",
            0.0,
            true,
            None,
        );
        if r.source.trim().is_empty() {
            c.problem(
                &path.key("source"),
                "the GWP100 needs its source (IPCC report and table)",
            );
        }
    }

    for (i, ins) in inv.instruments.iter().enumerate() {
        let path = root.key("instrument").index(i);
        c.quantity(&path.key("energy"), &ins.energy, &[Dimension::ENERGY], true);
        if c.quantity(
            &path.key("emission-factor"),
            &ins.emission_factor,
            &[Dimension::MASS_PER_ENERGY],
            true,
        ) {
            c.substance(
                &path.key("emission-factor"),
                &ins.emission_factor,
                Indicator::Gwp,
            );
        }
        c.period(&path.key("period"), &ins.period);
    }

    for (i, m) in inv.residual_mixes.iter().enumerate() {
        let path = root.key("residual-mix").index(i);
        if c.quantity(
            &path.key("factor"),
            &m.factor,
            &[Dimension::MASS_PER_ENERGY],
            true,
        ) {
            c.substance(&path.key("factor"), &m.factor, Indicator::Gwp);
        }
    }

    for (i, o) in inv.offsets.iter().enumerate() {
        let path = root.key("offset").index(i);
        c.impact(
            &path.key("amount"),
            &o.amount,
            Indicator::Gwp,
            Dimension::DIMENSIONLESS,
        );
    }

    c.problems
}
