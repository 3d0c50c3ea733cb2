//! bilan's figures as a BoAmps report (`bilan assess -m METHOD -f boamps`).
//!
//! One report for the inventory: BoAmps describes one task on one infrastructure in one
//! environment, so every workload must run in the same place (region, ownership and
//! provider); an inventory that spans several is refused with the sites named.
//!
//! * `task`: the phases as `taskStage` (`training`, `finetuning`, `development`,
//!   `inference`, joined by `+` when several), the requests and token counts, the system's
//!   name as the foundation model's, and in `taskDescription` what the method computed (its
//!   GWP total, the workloads' share, the final electricity);
//! * `measures`: one per workload, its IT energy (device energy, host overhead and idle
//!   energy together, as BoAmps does not split them) in kWh, its duration, the start of
//!   its period, and how the energy was obtained: the measuring tool of a measured workload,
//!   `bilan estimate` for an estimated one, `bilan` for device-hours × power, else the
//!   inventory;
//! * `infrastructure`: the site's ownership and provider, and each fleet as a GPU component
//!   (the name its driver reports, when the catalogue has it, so that an import maps it
//!   back);
//! * `environment`: the country (and subdivision) and, as `powerSourceCarbonIntensity`, the
//!   grid factor the method applied to the workloads' electricity, when it applied one;
//! * `header`: format version 0.1, the date written, publisher bilan with its version and
//!   the method.
//!
//! A measure's `powerConsumption` is required and cannot be stated as unknown: a method
//! that does not cover energy, or computed none here (every contribution excluded), is
//! refused with the reason, and so is a workload whose electricity the method excluded, so
//! that no report gives an energy the method did not count. What the method says of GWP,
//! computed or why not, is in `taskDescription`.
//!
//! The report is validated against the committed BoAmps schema before it is returned: a
//! report that breaks it is a defect, reported as an error. `docs/interop/boamps.md` lists
//! what is lost.

use std::collections::BTreeSet;

use bilan_core::assessment::{Aspect, Assessment};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Ownership, Phase, Workload};
use bilan_core::item::ItemKind;
use bilan_units::Quantity;
use serde_json::{Map, Value, json};

use super::{Figure, Source, excluded};
use crate::boamps::schema;
use crate::model_card::number;

/// Writes the report, dated now.
pub fn write(source: &Source<'_>) -> Result<String, String> {
    let now = jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now());
    write_at(source, now)
}

/// Writes the report with `reportDatetime` = `at` (UTC), for reproducible output.
pub fn write_at(source: &Source<'_>, at: jiff::civil::DateTime) -> Result<String, String> {
    let value = report(source, at)?;
    let found = schema::violations(&value)?;
    if !found.is_empty() {
        return Err(format!(
            "the BoAmps report written breaks the BoAmps schema (a defect of bilan): {}",
            found
                .iter()
                .map(|(p, m)| format!("{p}: {m}"))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    serde_json::to_string_pretty(&value)
        .map(|t| t + "\n")
        .map_err(|e| e.to_string())
}

/// The report as JSON.
pub fn report(source: &Source<'_>, at: jiff::civil::DateTime) -> Result<Value, String> {
    let inv = source.inventory;
    let a = source.assessment;
    if inv.workloads.is_empty() {
        return Err(
            "the inventory has no workload: a BoAmps report gives the energy of a task's measures"
                .to_owned(),
        );
    }
    super::total(
        a,
        Indicator::Energy,
        "a BoAmps report gives the energy of each measure",
    )?;
    let site = one_site(inv)?;
    let phases: BTreeSet<Phase> = inv.workloads.iter().map(|w| w.phase).collect();
    let mut measures = Vec::new();
    for w in &inv.workloads {
        measures.push(measure(w, source)?);
    }
    let method = format!("{}@{}", a.method.id, a.method.version);
    let mut header = Map::new();
    header.insert("formatVersion".into(), json!("0.1"));
    header.insert(
        "formatVersionSpecificationUri".into(),
        json!("https://github.com/Boavizta/BoAmps/tree/main/model"),
    );
    header.insert(
        "reportDatetime".into(),
        json!(at.strftime("%Y-%m-%d %H:%M:%S").to_string()),
    );
    header.insert(
        "publisher".into(),
        json!({
            "name": format!("bilan {} (method {method})", source.bilan_version),
            "confidentialityLevel": "internal",
        }),
    );
    let mut task = Map::new();
    task.insert(
        "taskStage".into(),
        json!(
            phases
                .iter()
                .map(|p| stage(*p))
                .collect::<Vec<_>>()
                .join("+")
        ),
    );
    task.insert("taskFamily".into(), json!("unspecified"));
    let requests: Option<f64> = sum(inv, |w| w.volume.requests);
    if let Some(r) = requests {
        task.insert("nbRequest".into(), num(r));
    }
    task.insert(
        "algorithms".into(),
        json!([{ "foundationModelName": inv.system.name }]),
    );
    let input = match (
        sum(inv, |w| w.volume.tokens_in),
        sum(inv, |w| w.volume.training_tokens),
    ) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    };
    let mut dataset = Vec::new();
    if let Some(t) = input {
        dataset.push(json!({"dataUsage": "input", "dataType": "token", "dataQuantity": num(t)}));
    }
    if let Some(t) = sum(inv, |w| w.volume.tokens_out) {
        dataset.push(json!({"dataUsage": "output", "dataType": "token", "dataQuantity": num(t)}));
    }
    if dataset.is_empty() {
        dataset.push(json!({"dataUsage": "input", "dataType": "other"}));
    }
    task.insert("dataset".into(), Value::Array(dataset));
    task.insert("taskDescription".into(), json!(description(source)));
    let mut infrastructure = Map::new();
    infrastructure.insert(
        "infraType".into(),
        json!(match site.ownership {
            Ownership::Cloud => "publicCloud",
            Ownership::Owned => "onPremise",
            Ownership::Colocation => "other",
        }),
    );
    if let Some(p) = &site.provider {
        infrastructure.insert("cloudProvider".into(), json!(p));
    }
    infrastructure.insert("components".into(), Value::Array(components(inv)));
    let mut environment = Map::new();
    let code = site.region.code();
    match rust_iso3166::iso3166_2::from_code(code) {
        Some(sub) => {
            let country =
                rust_iso3166::from_alpha2(sub.country_code).map_or(sub.country_code, |c| c.name);
            environment.insert("country".into(), json!(country));
            environment.insert("location".into(), json!(sub.name));
        }
        None => {
            let country = rust_iso3166::from_alpha2(code).map_or("World", |c| c.name);
            environment.insert("country".into(), json!(country));
        }
    }
    if let Some(g) = grid_intensity(a) {
        // A factor converted from kg to g: written without the conversion's float noise.
        let g = number(g).parse().unwrap_or(g);
        environment.insert("powerSourceCarbonIntensity".into(), num(g));
    }
    Ok(json!({
        "header": header,
        "task": task,
        "measures": measures,
        "infrastructure": infrastructure,
        "environment": environment,
    }))
}

/// BoAmps's name of a phase.
fn stage(p: Phase) -> &'static str {
    match p {
        Phase::Training => "training",
        Phase::FineTuning => "finetuning",
        Phase::Development => "development",
        Phase::Inference => "inference",
    }
}

/// A JSON number: an integer when it is one, else the shortest form that reads back the
/// same value.
fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// The sum of a volume over the workloads that give it.
fn sum(inv: &Inventory, f: impl Fn(&Workload) -> Option<f64>) -> Option<f64> {
    inv.workloads
        .iter()
        .filter_map(f)
        .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}

/// The one site all workloads run at (or several sites in the same place).
fn one_site(inv: &Inventory) -> Result<&bilan_core::inventory::Site, String> {
    let mut places = Vec::new();
    let mut first = None;
    for w in &inv.workloads {
        let s = inv
            .site(&w.site)
            .ok_or_else(|| format!("workload `{}`: unknown site `{}`", w.id, w.site))?;
        let place = (s.region.code().to_owned(), s.ownership, s.provider.clone());
        if !places.iter().any(|(p, _)| *p == place) {
            places.push((place, s.id.clone()));
        }
        first.get_or_insert(s);
    }
    match (places.len(), first) {
        (1, Some(s)) => Ok(s),
        _ => Err(format!(
            "a BoAmps report describes one infrastructure in one environment, but the workloads run in {} places ({}): export one place at a time",
            places.len(),
            places
                .iter()
                .map(|((region, own, provider), id)| format!(
                    "site `{id}`: {region}, {own:?}{}",
                    provider
                        .as_deref()
                        .map(|p| format!(", {p}"))
                        .unwrap_or_default()
                ))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

/// A workload's IT energy in kWh: device energy, host overhead and idle energy.
fn energy_kwh(w: &Workload) -> Result<f64, String> {
    let kwh = |q: &Quantity| {
        q.to_str_unit("kWh")
            .map_err(|e| format!("workload `{}`: {e}", w.id))
    };
    let device = match (&w.energy, &w.device_hours, &w.power_per_device) {
        (Some(e), _, _) => kwh(e)?,
        (None, Some(dh), Some(p)) => {
            let h = dh
                .to_str_unit("GPU·h")
                .map_err(|e| format!("workload `{}`: {e}", w.id))?;
            let watts = p
                .to_str_unit("W")
                .map_err(|e| format!("workload `{}`: {e}", w.id))?;
            h * watts / 1000.0
        }
        _ => {
            return Err(format!(
                "workload `{}` has no energy in the inventory: a BoAmps measure needs one (bilan estimates missing energy before a method runs; export the assessed inventory)",
                w.id
            ));
        }
    };
    let host = match &w.host_overhead {
        Some(h) if h.dimension() == bilan_units::Dimension::DIMENSIONLESS => h.value() * device,
        Some(h) => kwh(h)?,
        None => 0.0,
    };
    let idle = w.idle_energy.as_ref().map(kwh).transpose()?.unwrap_or(0.0);
    Ok(device + host + idle)
}

/// A workload's measure; refused when the method excluded the workload's electricity.
fn measure(w: &Workload, source: &Source<'_>) -> Result<Value, String> {
    let a = source.assessment;
    if let Some(why) = excluded(a, source.inventory, w, Indicator::Energy) {
        return Err(format!(
            "the method {}@{} excluded {why}: a measure of workload `{}` would give an energy the method did not count; export an inventory of the workloads it counts, or assess with a method that counts this one",
            a.method.id, a.method.version, w.id
        ));
    }
    let mut m = Map::new();
    let (method, version) = obtained(w, source.bilan_version);
    m.insert("measurementMethod".into(), json!(method));
    if let Some(v) = version {
        m.insert("version".into(), json!(v));
    }
    m.insert("powerConsumption".into(), num(energy_kwh(w)?));
    if let Some(d) = &w.duration
        && let Ok(s) = d.to_str_unit("s")
    {
        m.insert("measurementDuration".into(), num(s));
    }
    if let Some(p) = w.period {
        m.insert(
            "measurementDateTime".into(),
            json!(format!("{} 00:00:00", p.start)),
        );
    }
    Ok(Value::Object(m))
}

/// How a workload's energy was obtained, as BoAmps's `measurementMethod` and `version`.
fn obtained(w: &Workload, bilan: &str) -> (String, Option<String>) {
    let estimated: BTreeSet<&str> = w
        .estimated
        .iter()
        .filter(|e| matches!(e.key, "energy" | "device-hours" | "power-per-device"))
        .map(|e| &*e.estimator)
        .collect();
    if !estimated.is_empty() {
        let list = estimated.into_iter().collect::<Vec<_>>().join(", ");
        return (format!("bilan estimate ({list})"), Some(bilan.to_owned()));
    }
    let tool = w.measurement.as_ref().map(|m| m.tool.clone()).or_else(|| {
        w.provenance
            .as_ref()
            .filter(|p| p.class == bilan_core::inventory::ProvenanceClass::Measured)
            .and_then(|p| p.tool.clone())
    });
    if let Some(tool) = tool {
        let tool = tool.split(", BoAmps").next().unwrap_or(&tool).trim();
        return match tool.rsplit_once(' ') {
            Some((name, v)) if v.starts_with(|c: char| c.is_ascii_digit()) => {
                (name.to_owned(), Some(v.to_owned()))
            }
            _ => (tool.to_owned(), None),
        };
    }
    if w.energy.is_none() {
        return (
            "bilan (device-hours × power-per-device)".to_owned(),
            Some(bilan.to_owned()),
        );
    }
    ("declared in the bilan inventory".to_owned(), None)
}

/// The fleets the workloads run on, as GPU components.
fn components(inv: &Inventory) -> Vec<Value> {
    let catalogue = bilan_hardware::Catalogue::embedded().ok();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for w in &inv.workloads {
        let Some(f) = w.fleet.as_deref().and_then(|id| inv.fleet(id)) else {
            continue;
        };
        if !seen.insert(f.id.clone()) {
            continue;
        }
        let device = catalogue.and_then(|c| c.get(&f.model));
        let name = device
            .and_then(|d| d.driver_names.first())
            .cloned()
            .unwrap_or_else(|| f.model.clone());
        let count = f.count.round().max(1.0) as i64;
        let mut c = Map::new();
        c.insert("componentName".into(), json!(format!("{count} x {name}")));
        c.insert(
            "componentType".into(),
            json!(if f.model.contains("tpu") {
                "tpu"
            } else {
                "gpu"
            }),
        );
        c.insert("nbComponent".into(), json!(count));
        if let Some(d) = device {
            c.insert("memorySize".into(), num(d.memory_gb));
        }
        out.push(Value::Object(c));
    }
    if out.is_empty() {
        out.push(json!({
            "componentName": "not stated in the bilan inventory (no fleet)",
            "componentType": "other",
            "nbComponent": 1,
        }));
    }
    out
}

/// The grid factor (g/kWh) the method applied to the workloads' electricity, with its
/// upstream part when it counts one apart: `None` when it applied none, or several.
fn grid_intensity(a: &Assessment) -> Option<f64> {
    let mut total = 0.0;
    for aspect in [Aspect::Electricity, Aspect::ElectricityUpstream] {
        let ids: BTreeSet<&str> = a
            .contributions
            .iter()
            .filter(|c| !c.memo && c.item.kind == ItemKind::Workload && c.aspect == aspect)
            .flat_map(|c| c.values.iter())
            .filter(|v| v.indicator == Indicator::Gwp)
            .map(|v| &*v.factor)
            .collect();
        match ids.len() {
            0 if aspect == Aspect::ElectricityUpstream => {}
            1 => {
                let f = ids.first().and_then(|id| a.factor(id))?;
                let q = Quantity::parse(&format!("{} {}", f.canonical, f.canonical_unit)).ok()?;
                total += q
                    .to_str_unit("gCO2e/kWh")
                    .or_else(|_| q.to_str_unit("g/kWh"))
                    .ok()?;
            }
            _ => return None,
        }
    }
    Some(total)
}

/// What the method computed, in words.
fn description(source: &Source<'_>) -> String {
    let a = source.assessment;
    let mut s = format!(
        "Assessed by bilan {} with the method {}@{} from the inventory {} (system \"{}\", reporting period {}).",
        source.bilan_version,
        a.method.id,
        a.method.version,
        source.inventory_file,
        source.inventory.system.name,
        source.inventory.system.period
    );
    if let Some(why) = Figure::of(a, Indicator::Gwp).why_not(a, Indicator::Gwp) {
        s.push_str(&format!(" GWP: none, as {why}."));
    } else if let Some(total) = a.total(Indicator::Gwp) {
        let workloads: f64 = a
            .counted(Indicator::Gwp)
            .filter(|(c, _)| c.item.kind == ItemKind::Workload)
            .map(|(_, v)| v)
            .sum();
        s.push_str(&format!(
            " GWP: {} kgCO2e in all, of which {} kgCO2e for the electricity of these tasks.",
            number(total),
            number(workloads)
        ));
    }
    if let Some(e) = a.total(Indicator::Energy) {
        s.push_str(&format!(
            " Final electricity (IT energy × PUE): {} kWh.",
            number(e)
        ));
    }
    if source
        .inventory
        .workloads
        .iter()
        .any(|w| w.energy_boundary() == bilan_core::inventory::EnergyBoundary::Facility)
    {
        s.push_str(" Some measures are at the facility boundary (PUE included).");
    }
    s
}
