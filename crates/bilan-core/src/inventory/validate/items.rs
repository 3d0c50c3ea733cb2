//! Checks of each item on its own: dimensions, ranges, references and unique ids.

use bilan_units::Dimension;

use super::{Checker, Domain, KeyPath};
use crate::indicator::Indicator;
use crate::inventory::Inventory;

pub(super) fn check(c: &mut Checker, inv: &Inventory) {
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

    let fleets: rustc_hash::FxHashMap<&str, &crate::inventory::Fleet> =
        inv.fleets.iter().map(|f| (f.id.as_str(), f)).collect();

    c.unique(
        &root.key("functional-unit"),
        inv.functional_units.iter().map(|x| x.id.as_str()),
        "functional unit",
    );
    // The set of ids, which references below are checked against.
    let site_ids = c.unique(
        &root.key("site"),
        inv.sites.iter().map(|x| x.id.as_str()),
        "site",
    );
    let series_ids = c.unique(
        &root.key("grid-series"),
        inv.grid_series.iter().map(|x| x.id.as_str()),
        "grid series",
    );
    for (i, s) in inv.grid_series.iter().enumerate() {
        let path = root.key("grid-series").index(i);
        if let Some(name) = &s.embedded {
            // Its source and licence are the shipped series' own; `source` may add a note.
            if name.trim().is_empty() {
                c.problem(
                    &path.child("embedded"),
                    "empty: name a series shipped with bilan (docs/grid-series.md lists them)"
                        .to_owned(),
                );
            }
            for (key, text, what) in [
                (
                    "file",
                    &s.file,
                    "both `file` and `embedded`: a series is read from one of them; remove the other",
                ),
                (
                    "licence",
                    &s.licence,
                    "a licence for a shipped series: its licence is its own (docs/grid-series.md); remove it",
                ),
            ] {
                if !text.trim().is_empty() {
                    c.problem(&path.child(key), what.to_owned());
                }
            }
            continue;
        }
        for (key, text, what) in [
            (
                "file",
                &s.file,
                "no file: name the CSV file of the series, or a series shipped with bilan with `embedded`",
            ),
            (
                "source",
                &s.source,
                "no source: name the dataset, its publisher and the emission rates used",
            ),
            (
                "licence",
                &s.licence,
                "no licence: name the licence the figures are used under",
            ),
        ] {
            if text.trim().is_empty() {
                c.problem(&path.child(key), what.to_owned());
            }
        }
    }
    let fleet_ids = c.unique(
        &root.key("fleet"),
        inv.fleets.iter().map(|x| x.id.as_str()),
        "fleet",
    );
    c.unique(
        &root.key("telemetry"),
        inv.telemetry.iter().map(|x| x.id.as_str()),
        "telemetry file",
    );
    for (i, t) in inv.telemetry.iter().enumerate() {
        let path = root.key("telemetry").index(i);
        c.reference(&path.child("fleet"), &t.fleet, &fleet_ids, "fleet");
        if t.file.trim().is_empty() {
            c.problem(
                &path.child("file"),
                "no file: name the CSV or Parquet file of the telemetry",
            );
        }
        if t.id.contains('/') {
            c.problem(
                &path.child("id"),
                "an id without `/`: its workloads are named `ID/FLEET/DATE`",
            );
        }
    }
    let workload_ids = c.unique(
        &root.key("workload"),
        inv.workloads.iter().map(|x| x.id.as_ref()),
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
            && c.quantity(&path.child("pue"), pue, &[Dimension::DIMENSIONLESS], true)
        {
            if pue.value() < 1.0 {
                c.problem(
                    &path.child("pue"),
                    format!(
                        "PUE `{pue}` is below 1; PUE is facility energy over IT energy, so at least 1"
                    ),
                );
            } else {
                c.spread_within(&path.child("pue"), pue.value(), Domain::PUE);
            }
        }
        if let Some(wue) = &site.wue {
            c.quantity(
                &path.child("wue"),
                wue,
                &[Dimension::VOLUME_PER_ENERGY],
                true,
            );
        }
        if let Some(series) = &site.grid_series {
            c.reference(
                &path.child("grid-series"),
                series,
                &series_ids,
                "grid series",
            );
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
        c.device_count(&path.child("count"), fleet.count);
        if let Some(lifetime) = &fleet.lifetime {
            c.positive_quantity(&path.child("lifetime"), lifetime, Dimension::TIME);
        }
        c.reference(&path.child("site"), &fleet.site, &site_ids, "site");
        for (indicator, o) in &fleet.embodied {
            c.override_(
                &path.key("embodied").key(indicator.id()),
                o,
                *indicator,
                Dimension::DEVICE,
            );
            c.per_accelerator(
                &path.key("embodied").key(indicator.id()).key("value"),
                &o.value,
            );
        }
        if let Some(host) = &fleet.host {
            let path = path.key("host");
            c.within(
                &path.child("devices-per-host"),
                host.devices_per_host,
                Domain::DEVICES_PER_HOST,
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

    let workloads = root.key("workload");
    for (i, w) in inv.workloads.iter().enumerate() {
        let path = workloads.index(i);
        c.reference(&path.child("site"), &w.site, &site_ids, "site");
        if let Some(fleet) = &w.fleet {
            c.reference(&path.child("fleet"), fleet, &fleet_ids, "fleet");
        }
        if let Some(period) = &w.period {
            c.period(&path.child("period"), period);
        }
        if let Some(e) = &w.energy {
            c.quantity(&path.child("energy"), e, &[Dimension::ENERGY], true);
        }
        if let Some(dh) = &w.device_hours {
            c.quantity(
                &path.child("device-hours"),
                dh,
                &[Dimension::DEVICE_TIME],
                true,
            );
        }
        if let Some(p) = &w.power_per_device {
            c.quantity(
                &path.child("power-per-device"),
                p,
                &[Dimension::POWER],
                true,
            );
        }
        if let Some(r) = &w.reported {
            let at = path.key("reported");
            for (key, q, dim) in [
                ("gwp", &r.gwp, Dimension::MASS),
                (
                    "gwp-rate",
                    &r.gwp_rate,
                    Dimension::MASS.div(Dimension::TIME),
                ),
                ("energy", &r.energy, Dimension::ENERGY),
                (
                    "grid-intensity",
                    &r.grid_intensity,
                    Dimension::MASS_PER_ENERGY,
                ),
            ] {
                if let Some(q) = q {
                    c.quantity(&at.child(key), q, &[dim], true);
                }
            }
            if let Some(pue) = r.pue {
                c.within(&at.child("pue"), pue, Domain::PUE);
            }
        }
        if let Some(spec) = &w.estimate {
            estimate_inputs(c, &path.key("estimate"), spec);
            let training = spec.estimator == crate::inventory::Estimator::TrainingCompute;
            for (key, given) in [
                ("energy", w.energy.is_some()),
                ("device-hours", w.device_hours.is_some()),
                (
                    "power-per-device",
                    w.power_per_device.is_some() && !training,
                ),
            ] {
                if given && !w.estimated.iter().any(|e| e.key == key) {
                    c.problem(
                        &path.child(key),
                        format!(
                            "`{key}` is what the estimator `{}` computes: give either `{key}` or `[workload.estimate]`, not both",
                            spec.estimator.id()
                        ),
                    );
                }
            }
        } else {
            match (&w.energy, &w.device_hours, &w.power_per_device) {
                (Some(_), _, Some(_)) => c.problem(
                    &path.child("power-per-device"),
                    "give either measured `energy` or `device-hours` × `power-per-device`, not both",
                ),
                (None, Some(_), None) if w.fleet.is_none() => c.problem(
                    &path.child("power-per-device"),
                    "`device-hours` without `power-per-device` gives no energy: give `power-per-device`, or a `fleet` whose model the hardware catalogue knows (the power model then estimates the power)",
                ),
                (None, None, Some(_)) => c.problem(&path.child("device-hours"), "`power-per-device` needs `device-hours`"),
                (None, None, None)
                    if w.fleet.is_none()
                        || (w.devices.is_none() && w.duration.is_none() && w.period.is_none()) =>
                {
                    c.problem(
                        &path,
                        format!("workload `{}` has no energy: give `energy`, or `device-hours` (with `power-per-device`, or a fleet the power model knows), or an estimator in `[workload.estimate]`", w.id),
                    )
                }
                _ => {}
            }
        }
        if let Some(n) = w.devices {
            c.device_count(&path.child("devices"), n);
            if let Some(fleet) = w.fleet.as_deref().and_then(|f| fleets.get(f))
                && let Err(message) = fleet.reserve(n)
            {
                c.problem(&path.child("devices"), message);
            }
        }
        if let Some(d) = &w.duration {
            c.positive_quantity(&path.child("duration"), d, Dimension::TIME);
        }
        if let Some(e) = &w.idle_energy {
            c.quantity(&path.child("idle-energy"), e, &[Dimension::ENERGY], true);
        }
        if w.energy_boundary.is_some() && w.energy.is_none() {
            c.problem(
                &path.child("energy-boundary"),
                "`energy-boundary` says where a measured `energy` was measured, but the workload gives no `energy` (energy from `device-hours` × `power-per-device` is IT energy)",
            );
        }
        if w.idle_energy_boundary.is_some() && w.idle_energy.is_none() {
            c.problem(
                &path.child("idle-energy-boundary"),
                "`idle-energy-boundary` says where `idle-energy` was measured, but the workload gives no `idle-energy`",
            );
        }
        if let Some(h) = &w.host_overhead {
            c.quantity(
                &path.child("host-overhead"),
                h,
                &[Dimension::ENERGY, Dimension::DIMENSIONLESS],
                true,
            );
        }
        if let Some(u) = w.utilisation {
            c.within(&path.child("utilisation"), u, Domain::UTILISATION);
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
                c.within(&vpath.key(key), value, Domain::COUNT);
            }
        }
    }

    for (i, b) in inv.buildings.iter().enumerate() {
        let path = root.key("building").index(i);
        c.reference(&path.child("site"), &b.site, &site_ids, "site");
        for (indicator, q) in &b.impacts {
            c.sourced(&path.key("impacts").key(indicator.id()), q, *indicator);
        }
        c.positive_quantity(&path.child("lifetime"), &b.lifetime, Dimension::TIME);
        c.within(&path.child("share"), b.share, Domain::SHARE);
        if let Some(t) = &b.time {
            c.positive_quantity(&path.child("time"), t, Dimension::TIME);
        }
    }

    for (key, items) in [
        ("transport", &inv.transports),
        ("end-of-life", &inv.end_of_life),
    ] {
        for (i, item) in items.iter().enumerate() {
            let path = root.key(key).index(i);
            if let Some(fleet) = &item.fleet {
                c.reference(&path.child("fleet"), fleet, &fleet_ids, "fleet");
            }
            if item.impacts.is_empty() {
                c.problem(
                    &path.child("impacts"),
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
            c.period(&path.child("period"), period);
        }
    }

    for (i, f) in inv.fuels.iter().enumerate() {
        let path = root.key("fuel").index(i);
        c.reference(&path.child("site"), &f.site, &site_ids, "site");
        if c.quantity(
            &path.child("amount"),
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
        c.reference(&path.child("site"), &r.site, &site_ids, "site");
        c.quantity(&path.child("leaked"), &r.leaked, &[Dimension::MASS], true);
        c.within(&path.child("gwp100"), r.gwp100, Domain::GWP100);
        if r.source.trim().is_empty() {
            c.problem(
                &path.child("source"),
                "the GWP100 needs its source (IPCC report and table)",
            );
        }
    }

    for (i, ins) in inv.instruments.iter().enumerate() {
        let path = root.key("instrument").index(i);
        c.quantity(
            &path.child("energy"),
            &ins.energy,
            &[Dimension::ENERGY],
            true,
        );
        if c.quantity(
            &path.child("emission-factor"),
            &ins.emission_factor,
            &[Dimension::MASS_PER_ENERGY],
            true,
        ) {
            c.substance(
                &path.child("emission-factor"),
                &ins.emission_factor,
                Indicator::Gwp,
            );
        }
        c.period(&path.child("period"), &ins.period);
        if ins.profile.as_deref().is_some_and(|f| f.trim().is_empty()) {
            c.problem(
                &path.child("profile"),
                "no file: name the CSV file of the instrument's hourly generation".to_owned(),
            );
        }
    }

    for (i, m) in inv.residual_mixes.iter().enumerate() {
        let path = root.key("residual-mix").index(i);
        if c.quantity(
            &path.child("factor"),
            &m.factor,
            &[Dimension::MASS_PER_ENERGY],
            true,
        ) {
            c.substance(&path.child("factor"), &m.factor, Indicator::Gwp);
        }
    }

    for (i, o) in inv.offsets.iter().enumerate() {
        let path = root.key("offset").index(i);
        c.impact(
            &path.child("amount"),
            &o.amount,
            Indicator::Gwp,
            Dimension::DIMENSIONLESS,
        );
    }
}

/// The values an estimator reads, each within its domain with every value its distribution
/// reaches (which inputs an estimator needs, and their units, are the estimator's to check).
fn estimate_inputs(c: &mut Checker, path: &KeyPath, spec: &crate::inventory::EstimateSpec) {
    if let Some(mfu) = &spec.mfu
        && c.quantity(
            &path.child("mfu"),
            &mfu.quantity,
            &[Dimension::DIMENSIONLESS],
            false,
        )
    {
        match mfu.quantity.to(&bilan_units::Unit::dimensionless()) {
            Ok(fraction) => c.uncertain_within(&path.child("mfu"), fraction, mfu, Domain::MFU),
            Err(e) => c.problem(&path.child("mfu"), e.to_string()),
        }
    }
    for (key, value) in [
        ("active-parameters", &spec.active_parameters),
        ("total-parameters", &spec.total_parameters),
        ("flops", &spec.flops),
        ("training-tokens", &spec.training_tokens),
    ] {
        if let Some(q) = value {
            c.uncertain_within(
                &path.child(key),
                q.quantity.value(),
                q,
                Domain::ESTIMATE_COUNT,
            );
        }
    }
}
