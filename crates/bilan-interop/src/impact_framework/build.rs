//! The inventory an import builds: one workload per observation, a site per region, PUE
//! and grid intensity (the intensity as the site's `electricity.gwp`, so bilan uses exactly
//! the manifest's), a fleet per leaf and embodied figure (TE per device as
//! `fleet.embodied.gwp`, EL as `lifetime`, the devices or device-hours reserved as the
//! workload's), and a functional unit per IF functional-unit parameter.

use std::collections::{BTreeMap, HashSet};

use bilan_core::inventory::{
    Date, EnergyBoundary, FactorOverride, Fleet, FunctionalUnit, FunctionalUnitKind, Inventory,
    Ownership, Period, Phase, Provenance, ProvenanceClass, Reported, Site, Workload,
};
use bilan_core::region::Region;
use bilan_units::Quantity;

use super::evaluate::{Obs, Origin, V};
use super::map::{Model, Refusal, Share};
use crate::Lost;
use crate::draft::{self, Draft};

/// Where an observation is and what the file says about its tool.
#[derive(Clone, Debug)]
pub(crate) struct Context<'a> {
    pub(crate) file: &'a str,
    pub(crate) tool: Option<&'a str>,
    /// The leaf's names, joined: the workloads' id stem.
    pub(crate) leaf: &'a str,
    pub(crate) leaf_at: &'a str,
    pub(crate) defaults_at: Option<&'a str>,
    /// The observation's key path.
    pub(crate) at: String,
    /// The observation's start and duration (s), and the UTC days they span ([`period`]).
    pub(crate) start: jiff::Timestamp,
    pub(crate) duration: f64,
    pub(crate) period: Period,
    /// Whether the leaf has more than one observation.
    pub(crate) many: bool,
    pub(crate) index: usize,
    /// The observations summed into this one (`--per day`), when they are.
    pub(crate) summed: Option<Summed>,
}

/// Which of a leaf's observations a workload sums: how many, the first and the last.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Summed {
    pub(crate) count: usize,
    pub(crate) first: usize,
    pub(crate) last: usize,
}

/// The inventory under construction.
#[derive(Debug, Default)]
pub(crate) struct Build {
    sites: Vec<(String, Site)>,
    fleets: Vec<(String, Fleet)>,
    workloads: Vec<Workload>,
    units: Vec<(String, FunctionalUnit)>,
    ids: HashSet<String>,
    /// Values read but not kept (a region bilan does not know), for the import report.
    lost: Vec<Lost>,
}

/// `value` in `unit`, or a refusal at the parameter `key` saying why bilan cannot hold it:
/// a figure that cannot be written is an error, never a field left out.
fn quantity(key: &str, value: f64, unit: &str) -> Result<Quantity, Refusal> {
    let refuse = |why: String| {
        (
            key.to_owned(),
            format!("`{key}` gives {value} {unit}: {why}"),
        )
    };
    if !value.is_finite() {
        return Err(refuse(
            "not a finite number (NaN, or an infinity), which no bilan figure can be".to_owned(),
        ));
    }
    Quantity::parse(&format!("{value} {unit}")).map_err(|e| refuse(e.to_string()))
}

fn provenance(
    ctx: &Context<'_>,
    class: ProvenanceClass,
    at: String,
    fields: BTreeMap<String, String>,
) -> Provenance {
    Provenance {
        class,
        file: ctx.file.to_owned(),
        at,
        tool: ctx.tool.map(str::to_owned),
        fields,
    }
}

/// Where a parameter of the observation was written.
fn written_at(ctx: &Context<'_>, obs: &Obs, key: &str) -> String {
    match (obs.origin.get(key), ctx.defaults_at) {
        (Some(Origin::Default), Some(d)) => format!("{d}.{key}"),
        (Some(Origin::Plugin(step)), _) => format!("initialize.plugins.{}", step.plugin),
        _ => format!("{}.{key}", ctx.at),
    }
}

impl Build {
    /// An id not used yet: `stem`, else `stem-2`, `stem-3`…
    fn unique(&mut self, stem: &str) -> String {
        let mut id = stem.to_owned();
        let mut n = 2;
        while self.ids.contains(&id) {
            id = format!("{stem}-{n}");
            n += 1;
        }
        self.ids.insert(id.clone());
        id
    }

    /// Adds the observation's workload, and the site, fleet and functional unit it needs;
    /// a figure bilan cannot hold is refused at its parameter (the import then fails, so
    /// what was added before the refusal is never written).
    pub(crate) fn add(
        &mut self,
        ctx: &Context<'_>,
        obs: &Obs,
        model: &Model,
        reported: Option<Reported>,
    ) -> Result<(), Refusal> {
        let site = self.site(ctx, obs, model)?;
        let stem = match ctx.summed.filter(|s| s.count > 1) {
            Some(_) if ctx.period.start == ctx.period.end => {
                format!("{}-{}", ctx.leaf, ctx.period.start)
            }
            Some(_) => format!("{}-{}-{}", ctx.leaf, ctx.period.start, ctx.period.end),
            None if ctx.many => format!("{}-{}", ctx.leaf, ctx.index + 1),
            None => ctx.leaf.to_owned(),
        };
        let id = self.unique(&stem);
        let phase = match model.unit.as_ref().map(|u| u.kind) {
            Some(
                FunctionalUnitKind::TrainingToken
                | FunctionalUnitKind::TrainingRun
                | FunctionalUnitKind::Flop,
            ) => Phase::Training,
            _ => Phase::Inference,
        };
        let mut w = draft::workload(id.clone(), phase, site);
        let mut fields = BTreeMap::new();
        match &model.it {
            Some((it, _, key)) => {
                w.energy = Some(quantity(key, *it, "kWh")?);
                fields.insert(
                    "energy".to_owned(),
                    format!(
                        "{key} (IT energy; the site's PUE is the manifest's `pue`): {}",
                        obs.explain(key)
                    ),
                );
            }
            None => {
                w.energy = Some(quantity("energy", model.energy, "kWh")?);
                w.energy_boundary = Some(EnergyBoundary::Facility);
                fields.insert(
                    "energy".to_owned(),
                    format!(
                        "energy, SCI's E as the manifest gives it (no PUE applied on top): {}",
                        obs.explain("energy")
                    ),
                );
            }
        }
        w.duration = Some(quantity("duration", ctx.duration, "s")?);
        fields.insert("duration".to_owned(), "duration (s)".to_owned());
        w.period = Some(ctx.period);
        fields.insert(
            "period".to_owned(),
            format!("timestamp {} + duration (UTC days)", ctx.start),
        );
        if let Some(s) = ctx.summed.filter(|s| s.count > 1) {
            fields.insert(
                "observations".to_owned(),
                // What summing means is in docs/interop/impact-framework.md: the sentence,
                // written on each of a large import's workloads, was a fifth of its size.
                format!(
                    "{} observations summed: inputs[{}] to inputs[{}] (energy, duration, time reserved and functional units)",
                    s.count, s.first, s.last
                ),
            );
        }
        if let Some(e) = &model.embodied {
            let fleet = self.fleet(ctx, obs, model, e)?;
            w.fleet = Some(fleet);
            match &e.share {
                Share::Resources { reserved, total }
                    if e.time_is_duration
                        && reserved.fract() == 0.0
                        && *reserved >= 1.0
                        && total.fract() == 0.0 =>
                {
                    w.devices = Some(*reserved);
                    fields.insert("devices".to_owned(), "resources-reserved".to_owned());
                }
                share => {
                    let count = match share {
                        Share::Resources { total, .. } if total.fract() == 0.0 && *total >= 1.0 => {
                            *total
                        }
                        _ => 1.0,
                    };
                    w.device_hours = Some(quantity(
                        &e.figure,
                        share.value() * count * e.time / 3600.0,
                        "device·h",
                    )?);
                    fields.insert(
                        "device-hours".to_owned(),
                        format!("the share reserved × the time reserved: {}", e.source),
                    );
                }
            }
        }
        if let Some(u) = &model.unit {
            if !u.count.is_finite() {
                return Err((
                    u.param.clone(),
                    format!(
                        "`{}` is {}: a functional unit counts a finite number",
                        u.param, u.count
                    ),
                ));
            }
            let v = Some(u.count);
            match u.kind {
                FunctionalUnitKind::Request => w.volume.requests = v,
                FunctionalUnitKind::Token => w.volume.tokens_in = v,
                FunctionalUnitKind::OutputToken => w.volume.tokens_out = v,
                FunctionalUnitKind::TrainingToken => w.volume.training_tokens = v,
                FunctionalUnitKind::Flop => w.volume.flops = v,
                FunctionalUnitKind::TrainingRun => {}
            }
            let key = match u.kind {
                FunctionalUnitKind::Token => "volume.tokens-in (IF counts tokens in and out together; bilan's token unit adds both, so R is the same)".to_owned(),
                _ => format!("volume.{}", volume_key(u.kind)),
            };
            fields.insert(key, u.param.clone());
            self.unit(ctx, u, &id);
        }
        if reported.is_some() {
            fields.insert(
                "reported".to_owned(),
                format!(
                    "IF's own outputs: {}",
                    ctx.at.replace(".inputs[", ".outputs[")
                ),
            );
        }
        w.reported = reported.map(Box::new);
        let class = if obs.observed("energy", &["pue"]) {
            ProvenanceClass::Measured
        } else {
            ProvenanceClass::Disclosed
        };
        w.provenance = Some(Box::new(provenance(ctx, class, ctx.at.clone(), fields)));
        self.workloads.push(w);
        Ok(())
    }

    /// The site's region: the first of `cloud/region`, `region`, `country` that is an ISO
    /// 3166 code, with its parameter; else `WORLD`, and the values not understood go to
    /// the import report (the manifest's grid intensity is kept anyway).
    fn region(&mut self, ctx: &Context<'_>, obs: &Obs) -> (Region, Option<&'static str>) {
        let mut unknown = Vec::new();
        for key in ["cloud/region", "region", "country"] {
            if let Some(V::Text(t)) = obs.values.get(key) {
                match Region::parse(t.trim()) {
                    Ok(r) => return (r, Some(key)),
                    Err(_) => unknown.push((key, t.clone())),
                }
            }
        }
        for (key, text) in unknown {
            self.lose(
                ctx.file,
                written_at(ctx, obs, key),
                format!("`{key}` = {text}"),
                "not a region bilan knows (an ISO 3166 code such as FR or US-CA): the site's region is WORLD, whose factors count for every indicator the manifest gives no figure for",
            );
        }
        (Region::world(), None)
    }

    /// Records a value not kept, once however many observations share it.
    fn lose(&mut self, file: &str, at: String, what: String, why: &str) {
        if !self
            .lost
            .iter()
            .any(|l| l.file == file && l.at == at && l.what == what)
        {
            self.lost.push(Lost {
                file: file.to_owned(),
                at,
                what,
                why: why.to_owned(),
            });
        }
    }

    /// The values read but not kept so far, for the import report.
    pub(crate) fn take_lost(&mut self) -> Vec<Lost> {
        std::mem::take(&mut self.lost)
    }

    fn site(&mut self, ctx: &Context<'_>, obs: &Obs, model: &Model) -> Result<String, Refusal> {
        let text = |k: &str| match obs.values.get(k) {
            Some(V::Text(t)) => Some(t.clone()),
            _ => None,
        };
        let (region, region_key) = self.region(ctx, obs);
        let provider = text("cloud/vendor");
        let ownership = if provider.is_some() {
            Ownership::Cloud
        } else {
            Ownership::Owned
        };
        let pue = model.it.as_ref().map(|(_, p, _)| *p);
        let intensity = model.intensity.as_ref().map(|(i, _)| *i);
        let key = format!(
            "{}|{:?}|{:?}|{:?}|{ownership:?}",
            region.code(),
            pue.map(f64::to_bits),
            intensity.map(f64::to_bits),
            provider
        );
        if let Some((_, s)) = self.sites.iter().find(|(k, _)| *k == key) {
            return Ok(s.id.clone());
        }
        let id = self.unique(&format!("site-{}", self.sites.len() + 1));
        let mut fields = BTreeMap::new();
        if let Some(k) = region_key {
            fields.insert("region".to_owned(), k.to_owned());
        }
        if pue.is_some() {
            fields.insert("pue".to_owned(), "pue".to_owned());
        }
        if provider.is_some() {
            fields.insert("provider".to_owned(), "cloud/vendor".to_owned());
        }
        let mut electricity = BTreeMap::new();
        let mut at = ctx
            .defaults_at
            .map_or_else(|| ctx.at.clone(), str::to_owned);
        if let Some((i, param)) = &model.intensity {
            at = if obs.values.contains_key(param.as_str()) {
                written_at(ctx, obs, param)
            } else {
                ctx.at.clone()
            };
            fields.insert("electricity.gwp".to_owned(), param.clone());
            electricity.insert(
                bilan_core::indicator::Indicator::Gwp,
                FactorOverride {
                    value: quantity(param, *i, "gCO2e/kWh")?,
                    source: format!("Impact Framework manifest {}: {param} at {at}", ctx.file),
                    boundary: "as given in the manifest (IF's grid/carbon-intensity)".to_owned(),
                    year: None,
                    url: None,
                },
            );
        }
        let site = Site {
            id: id.clone(),
            region,
            pue: pue.map(|p| quantity("pue", p, "")).transpose()?,
            wue: None,
            ownership,
            provider,
            electricity,
            grid_series: None,
            provenance: Some(provenance(ctx, ProvenanceClass::Disclosed, at, fields)),
        };
        self.sites.push((key, site));
        Ok(id)
    }

    fn fleet(
        &mut self,
        ctx: &Context<'_>,
        obs: &Obs,
        model: &Model,
        e: &super::map::Embodied,
    ) -> Result<String, Refusal> {
        let count = match e.share {
            Share::Resources { total, .. } if total.fract() == 0.0 && total >= 1.0 => total,
            _ => 1.0,
        };
        let per_device = e.total / count;
        let key = format!(
            "{}|{}|{}|{}",
            ctx.leaf_at,
            per_device.to_bits(),
            e.lifespan.to_bits(),
            count.to_bits()
        );
        if let Some((_, f)) = self.fleets.iter().find(|(k, _)| *k == key) {
            return Ok(f.id.clone());
        }
        let id = self.unique(&format!("{}-fleet", ctx.leaf));
        let at = ctx
            .defaults_at
            .map_or_else(|| ctx.at.clone(), str::to_owned);
        let mut fields = BTreeMap::from([
            (
                "embodied.gwp".to_owned(),
                format!("TE / count: {}", e.source),
            ),
            (
                "lifetime".to_owned(),
                "device/expected-lifespan (s), or SciEmbodied's lifespan".to_owned(),
            ),
        ]);
        fields.insert(
            "count".to_owned(),
            if count > 1.0 {
                "resources-total".to_owned()
            } else {
                "one device: the share reserved is in the workloads' device-hours".to_owned()
            },
        );
        let te_key = e.te.as_deref().unwrap_or(&e.figure);
        let embodied = BTreeMap::from([(
            bilan_core::indicator::Indicator::Gwp,
            FactorOverride {
                value: quantity(te_key, per_device, "gCO2e/device")?,
                source: match &e.te {
                    Ok(key) => format!(
                        "Impact Framework manifest {}: {key} at {}, per resource (÷ {count})",
                        ctx.file,
                        written_at(ctx, obs, key)
                    ),
                    Err(plugin) => format!(
                        "Impact Framework manifest {}: the device's total from IF's SciEmbodied builtin (CCF-derived constants), initialize.plugins.{plugin}",
                        ctx.file
                    ),
                },
                boundary:
                    "as given in the manifest (IF's device/emissions-embodied or SciEmbodied)"
                        .to_owned(),
                year: None,
                url: None,
            },
        )]);
        let lifetime = quantity("device/expected-lifespan", e.lifespan, "s")?;
        let site = self.site(ctx, obs, model)?;
        self.fleets.push((
            key,
            Fleet {
                id: id.clone(),
                model: format!("if-{}", crate::draft::slug(ctx.leaf, "unit", 60)),
                count,
                acquired: None,
                lifetime: Some(lifetime),
                site,
                embodied,
                host: None,
                provenance: Some(provenance(ctx, ProvenanceClass::Disclosed, at, fields)),
            },
        ));
        Ok(id)
    }

    fn unit(&mut self, ctx: &Context<'_>, u: &super::map::Unit, workload: &str) {
        let key = format!("{}|{}", u.param, u.kind.id());
        if let Some((_, fu)) = self.units.iter_mut().find(|(k, _)| *k == key) {
            fu.workloads.push(workload.to_owned());
            return;
        }
        let id = self.unique(&crate::draft::slug(&u.param, "unit", 60));
        self.units.push((
            key,
            FunctionalUnit {
                id,
                kind: u.kind,
                workloads: vec![workload.to_owned()],
                description: Some(format!(
                    "R of the manifest's Sci plugin `{}` (functional-unit: {}), {}",
                    u.plugin, u.param, ctx.file
                )),
            },
        ));
    }

    /// Whether any observation was imported.
    pub(crate) fn is_empty(&self) -> bool {
        self.workloads.is_empty()
    }

    /// The inventory, its reporting period the calendar years the observations span; an
    /// error, never a made-up year, when no observation is dated.
    pub(crate) fn finish(self, name: String, description: String) -> Result<Inventory, String> {
        let mut d = Draft::new(name, description);
        for (_, f) in self.fleets {
            d.fleet(f);
        }
        for w in self.workloads {
            d.workload(w);
        }
        let mut inv = d.finish_dated().ok_or_else(|| {
            "no observation has a period (a `timestamp` and a `duration`) to form the reporting period from".to_owned()
        })?;
        inv.sites = self.sites.into_iter().map(|(_, s)| s).collect();
        inv.functional_units = self.units.into_iter().map(|(_, u)| u).collect();
        Ok(inv)
    }
}

fn volume_key(kind: FunctionalUnitKind) -> &'static str {
    match kind {
        FunctionalUnitKind::Request => "requests",
        FunctionalUnitKind::Token => "tokens-in",
        FunctionalUnitKind::OutputToken => "tokens-out",
        FunctionalUnitKind::TrainingToken => "training-tokens",
        FunctionalUnitKind::Flop => "flops",
        FunctionalUnitKind::TrainingRun => "training-run",
    }
}

/// The UTC days from `start` to `start + duration` s (the end instant excluded), or why
/// they cannot be formed: an end past the last instant bilan can date (9999-12-30, 22:00
/// UTC).
pub(crate) fn period(start: jiff::Timestamp, duration: f64) -> Result<Period, String> {
    let beyond = || {
        format!(
            "{start} + {duration} s ends after {:.0}, the last instant bilan's dates can hold: the observation's period cannot be formed",
            jiff::Timestamp::MAX
        )
    };
    let length = jiff::SignedDuration::try_from_secs_f64((duration - 0.001).max(0.0))
        .map_err(|_| beyond())?;
    let end = start.checked_add(length).map_err(|_| beyond())?;
    let day = |t: jiff::Timestamp| {
        let d = jiff::tz::Offset::UTC.to_datetime(t).date();
        Date::new(d.year(), d.month(), d.day())
            .ok_or_else(|| format!("{t} falls on no date bilan can hold"))
    };
    Ok(Period {
        start: day(start)?,
        end: day(end)?,
    })
}
