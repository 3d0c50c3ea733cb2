//! CodeCarbon's `emissions.csv`: one measured workload per row (run).
//!
//! The layout is read by header name, so the 3.x layout (38 columns, with water, WUE and
//! utilisation) and the older 2.x layouts (no water, no utilisation, no WUE) both read.
//! Per row:
//!
//! * the workload's `energy` is the GPUs' energy when the run used GPUs (`gpu_energy`),
//!   with the CPU and RAM energy as `host-overhead`; a CPU-only run's `energy` is the CPU
//!   energy and RAM is the host overhead. The split stays in the provenance. CodeCarbon
//!   records every energy already multiplied by its PUE, so each is divided by the row's
//!   `pue` to give IT energy (the site keeps the PUE, which methods apply);
//! * its `duration` and the day(s) it ran (`timestamp` is the end; the start is the end
//!   minus `duration`);
//! * a site per country or region, cloud provider and region, and PUE as recorded;
//! * a fleet when `gpu_model` names a catalogued device with certainty;
//! * CodeCarbon's own figures (`emissions`, `emissions_rate`, `energy_consumed`, the grid
//!   intensity they imply and the PUE) as `[workload.reported]`, the reference the
//!   `codecarbon` method reproduces.
//!
//! Every run is imported or refused, never left out: a row whose `timestamp`, `duration`,
//! `emissions` or `energy_consumed` is empty (or that stops before it) is missing data, and
//! is refused like a cell that is not a number, with its file, line and column. Lines are
//! counted whatever ends them (`\n`, `\r\n` or `\r`).

use std::collections::BTreeMap;

use bilan_core::inventory::{
    Fleet, Ownership, Phase, Provenance, ProvenanceClass, Reported, Workload,
};
use bilan_core::region::Region;
use bilan_hardware::Catalogue;
use bilan_io::{FileError, FileErrors, SourceFile};
use bilan_units::Quantity;

use crate::draft::{self, Draft};
use crate::{Import, ImportReport};

mod row;

use row::{A_DATE_TIME, Lines, Row};

/// Columns every file has and every run fills: a file without one is not CodeCarbon's, a
/// run without one is missing data.
const REQUIRED: [&str; 4] = ["timestamp", "duration", "emissions", "energy_consumed"];

/// Columns bilan reads.
const READ: [&str; 20] = [
    "timestamp",
    "project_name",
    "run_id",
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "codecarbon_version",
    "gpu_count",
    "gpu_model",
    "on_cloud",
    "pue",
    "tracking_mode",
];

/// Columns bilan knows and does not keep, with why.
const NOT_KEPT: [(&str, &str); 19] = [
    (
        "experiment_id",
        "an identifier of CodeCarbon's dashboard, not a property of the run",
    ),
    (
        "country_name",
        "the country is read from `country_iso_code`",
    ),
    ("cpu_power", "a mean power; the energy is kept"),
    ("gpu_power", "a mean power; the energy is kept"),
    ("ram_power", "a mean power; the energy is kept"),
    (
        "water_consumed",
        "CodeCarbon's WUE × energy; bilan's methods compute water from the site and the factors",
    ),
    (
        "wue",
        "CodeCarbon's on-site WUE default; give the site's `wue` if known",
    ),
    ("os", "software environment, not part of the footprint"),
    (
        "python_version",
        "software environment, not part of the footprint",
    ),
    (
        "cpu_count",
        "the CPU is not a catalogued accelerator: no fleet, no embodied impacts",
    ),
    (
        "cpu_model",
        "the CPU is not a catalogued accelerator: no fleet, no embodied impacts",
    ),
    ("longitude", "location below the region's resolution"),
    ("latitude", "location below the region's resolution"),
    (
        "ram_total_size",
        "RAM energy is kept; its size has no use without embodied data",
    ),
    (
        "cpu_utilization_percent",
        "utilisation of the CPU, not of the reserved accelerators",
    ),
    (
        "gpu_utilization_percent",
        "sampled GPU activity; bilan's `utilisation` is the reservation's, not a kernel-time share",
    ),
    (
        "ram_utilization_percent",
        "utilisation of memory, no use in the methods",
    ),
    ("ram_used_gb", "memory used, no use in the methods"),
    ("energy_consumed", "kept as CodeCarbon's reported energy"),
];

/// Imports CodeCarbon `emissions.csv` files.
pub fn import(files: &[SourceFile], catalogue: &Catalogue) -> Result<Import, FileErrors> {
    let mut draft = Draft::new(
        "Runs measured by CodeCarbon",
        format!(
            "imported by bilan from {}",
            files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let mut report = ImportReport::default();
    let mut errors = Vec::new();
    let mut unmapped: BTreeMap<String, usize> = BTreeMap::new();
    for file in files {
        read_file(
            file,
            catalogue,
            &mut draft,
            &mut report,
            &mut errors,
            &mut unmapped,
        );
    }
    if !errors.is_empty() {
        return Err(FileErrors { errors });
    }
    if draft.workloads().is_empty() {
        return Err(FileErrors {
            errors: vec![FileError::plain(
                &files.first().map_or(String::new(), |f| f.name.clone()),
                "no run: the file has a header but no row",
            )],
        });
    }
    for (gpu, n) in unmapped {
        report.notes.push(format!(
            "GPU `{gpu}` ({n} runs) is not a device the hardware catalogue knows with certainty: those workloads have no fleet, so no embodied impacts (add the device with --hardware, or a fleet by hand)"
        ));
    }
    let year = jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .year();
    let fallback =
        draft::year_span(i32::from(year), i32::from(year)).ok_or_else(|| FileErrors {
            errors: vec![FileError::plain(
                "<import>",
                "cannot form the reporting period",
            )],
        })?;
    Ok(Import {
        inventory: draft.finish(fallback),
        report,
    })
}

fn read_file(
    file: &SourceFile,
    catalogue: &Catalogue,
    draft: &mut Draft,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
    unmapped: &mut BTreeMap<String, usize>,
) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(file.text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            errors.push(FileError::plain(&file.name, format!("not a CSV file: {e}")));
            return;
        }
    };
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|c| !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        errors.push(FileError::plain(
            &file.name,
            format!(
                "not a CodeCarbon emissions.csv: no column {} (the header has: {})",
                missing
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                bilan_units::text::clip(&header.join(","))
            ),
        ));
        return;
    }
    for column in &header {
        if READ.contains(&column.as_str()) {
            continue;
        }
        match NOT_KEPT.iter().find(|(c, _)| c == column) {
            Some((_, why)) => {
                report.lose(&file.name, "every row", format!("column `{column}`"), *why)
            }
            None => report.lose(
                &file.name,
                "every row",
                format!("column `{}`", bilan_units::text::clip(column)),
                "a column this importer does not know (a newer or older CodeCarbon layout?)",
            ),
        }
    }
    let mut lines = Lines::new(&file.text);
    for (i, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let mut error = FileError::plain(&file.name, format!("not a CSV row: {e}"));
                error.line = e.position().map(|p| lines.of(p.byte()));
                errors.push(error);
                continue;
            }
        };
        let line = record.position().map_or(i + 2, |p| lines.of(p.byte()));
        if record.len() > header.len() {
            let mut error = FileError::plain(
                &file.name,
                format!("{} fields, the header has {}", record.len(), header.len()),
            );
            error.line = Some(line);
            errors.push(error);
            continue;
        }
        if record.len() < header.len() {
            report.lose(
                &file.name,
                format!("row {line}"),
                format!("{} of {} fields", record.len(), header.len()),
                format!(
                    "the row stops early: {} read as empty",
                    header[record.len()..]
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let row = Row {
            file: &file.name,
            line,
            fields: header
                .iter()
                .map(String::as_str)
                .zip(record.iter())
                .collect(),
        };
        if let Some(w) = workload(&row, i + 1, catalogue, draft, errors, unmapped) {
            draft.workload(w);
        }
    }
}

fn workload(
    row: &Row<'_>,
    n: usize,
    catalogue: &Catalogue,
    draft: &mut Draft,
    errors: &mut Vec<FileError>,
    unmapped: &mut BTreeMap<String, usize>,
) -> Option<Workload> {
    let before = errors.len();
    let duration = row.required_number("duration", errors);
    let emissions = row.required_number("emissions", errors);
    let rate = row.number("emissions_rate", errors);
    let cpu = row.written_number("cpu_energy", errors);
    let gpu = row.written_number("gpu_energy", errors);
    let ram = row.written_number("ram_energy", errors);
    let total = row.required_number("energy_consumed", errors);
    let pue = row.number("pue", errors);
    let gpus = row.number("gpu_count", errors);
    let end = end_of(row, errors);
    let region = match row.text("country_iso_code") {
        Some(code) => match region_of(code, row.text("region")) {
            Some(r) => Some(r),
            None => {
                errors.push(row.error(
                    "country_iso_code",
                    format!(
                        "`{}`: not an ISO 3166 country code",
                        bilan_units::text::clip(code)
                    ),
                ));
                None
            }
        },
        None => Some(Region::world()),
    };
    if let Some(p) = pue
        && p < 1.0
    {
        errors.push(row.error("pue", format!("`{p}`: a PUE is at least 1")));
    }
    if errors.len() > before {
        return None;
    }
    // Each of these is `None` only where an error was pushed above.
    let (end, region, duration, total, emissions) = (end?, region?, duration?, total?, emissions?);
    let start = end
        .checked_sub(jiff::SignedDuration::from_secs_f64(duration))
        .unwrap_or(end);
    let version = row.text("codecarbon_version");
    let tool = version.map_or_else(|| "codecarbon".to_owned(), |v| format!("codecarbon {v}"));
    let on_cloud = row.text("on_cloud") == Some("Y");
    let provider = match (row.text("cloud_provider"), row.text("cloud_region")) {
        (Some(p), Some(r)) if on_cloud => Some(format!("{p} {r}")),
        (Some(p), None) if on_cloud => Some(p.to_owned()),
        _ => None,
    };
    let at = format!("row {}", row.line);
    let provenance = |fields: BTreeMap<String, String>| Provenance {
        class: ProvenanceClass::Measured,
        file: row.file.to_owned(),
        at: at.clone(),
        tool: Some(tool.clone()),
        fields,
    };
    let site = draft.site(
        region,
        pue,
        provider,
        if on_cloud {
            Ownership::Cloud
        } else {
            Ownership::Owned
        },
        Some(provenance(BTreeMap::from([
            ("region".to_owned(), "country_iso_code, region".to_owned()),
            ("pue".to_owned(), "pue".to_owned()),
        ]))),
    );
    let id = match (row.text("project_name"), row.text("run_id")) {
        (Some(p), _) => format!("{}-{n}", crate::draft::slug(p, "run", 40)),
        (None, Some(r)) => format!("run-{}", crate::draft::slug(r, "run", 40)),
        _ => format!("run-{n}"),
    };
    let mut w = draft::workload(id, Phase::Development, site.clone());
    // CodeCarbon multiplies every energy it records by the PUE (`energy.kWh * self._pue`
    // in its tracker), so the IT energy bilan's methods take is the record ÷ PUE.
    let k = pue.unwrap_or(1.0);
    let (gpu, cpu, ram) = (
        gpu.unwrap_or(0.0) / k,
        cpu.unwrap_or(0.0) / k,
        ram.unwrap_or(0.0) / k,
    );
    let it_total = total / k;
    let per_pue = if k == 1.0 {
        String::new()
    } else {
        format!(" ÷ pue {k}")
    };
    let mut fields = BTreeMap::new();
    if gpu > 0.0 {
        w.energy = kwh(gpu);
        w.host_overhead = kwh(cpu + ram);
        fields.insert(
            "energy".to_owned(),
            format!("gpu_energy{per_pue} = {gpu} kWh"),
        );
        fields.insert(
            "host-overhead".to_owned(),
            format!("(cpu_energy + ram_energy){per_pue} = {cpu} + {ram} kWh"),
        );
    } else {
        w.energy = kwh(if cpu + ram > 0.0 { cpu } else { it_total });
        w.host_overhead = (ram > 0.0).then(|| kwh(ram)).flatten();
        fields.insert(
            "energy".to_owned(),
            if cpu + ram > 0.0 {
                format!("cpu_energy{per_pue} = {cpu} kWh (no GPU energy)")
            } else {
                format!("energy_consumed{per_pue} = {it_total} kWh (no split in this layout)")
            },
        );
        if ram > 0.0 {
            fields.insert(
                "host-overhead".to_owned(),
                format!("ram_energy = {ram} kWh"),
            );
        }
    }
    fields.insert("duration".to_owned(), "duration (s)".to_owned());
    if let Some(mode) = row.text("tracking_mode") {
        fields.insert(
            "scope".to_owned(),
            format!("tracking_mode = {mode} (CodeCarbon measured the whole machine, or only the process's share of RAM)"),
        );
    }
    fields.insert("period".to_owned(), "timestamp (end) − duration".to_owned());
    w.duration = Quantity::parse(&format!("{duration} s")).ok();
    w.period = match (
        bilan_core::inventory::Date::new(start.year(), start.month(), start.day()),
        bilan_core::inventory::Date::new(end.year(), end.month(), end.day()),
    ) {
        (Some(s), Some(e)) => Some(bilan_core::inventory::Period { start: s, end: e }),
        _ => None,
    };
    if let Some(model) = row.text("gpu_model").filter(|_| gpu > 0.0) {
        match crate::hardware::identify(model, catalogue) {
            Some((device, count)) => {
                let n = gpus.filter(|g| *g >= 1.0).unwrap_or(f64::from(count));
                let fleet_id = format!("{}-{}", w.id, device);
                draft.fleet(Fleet {
                    id: fleet_id.clone(),
                    model: device,
                    count: n.round(),
                    acquired: None,
                    lifetime: None,
                    site: site.clone(),
                    embodied: BTreeMap::new(),
                    host: None,
                    provenance: Some(provenance(BTreeMap::from([
                        ("model".to_owned(), format!("gpu_model = {model}")),
                        ("count".to_owned(), "gpu_count".to_owned()),
                    ]))),
                });
                w.fleet = Some(fleet_id);
                w.devices = Some(n.round());
                fields.insert("devices".to_owned(), "gpu_count".to_owned());
            }
            None => *unmapped.entry(model.to_owned()).or_default() += 1,
        }
    }
    let intensity = (total > 0.0).then(|| emissions / total);
    w.reported = Some(Box::new(Reported {
        tool: tool.clone(),
        gwp: Quantity::parse(&format!("{emissions} kg")).ok(),
        gwp_rate: rate.and_then(|r| Quantity::parse(&format!("{r} kg/s")).ok()),
        energy: kwh(total),
        grid_intensity: intensity.and_then(|i| Quantity::parse(&format!("{i} kg/kWh")).ok()),
        pue,
    }));
    fields.insert(
        "reported".to_owned(),
        "emissions, emissions_rate, energy_consumed; grid-intensity = emissions ÷ energy_consumed"
            .to_owned(),
    );
    w.provenance = Some(Box::new(provenance(fields)));
    Some(w)
}

/// When the run ended: the row's `timestamp`, a civil date and time or an RFC 3339 instant
/// (read in UTC).
fn end_of(row: &Row<'_>, errors: &mut Vec<FileError>) -> Option<jiff::civil::DateTime> {
    let text = row.required("timestamp", A_DATE_TIME, errors)?;
    let parsed = text.parse::<jiff::civil::DateTime>().or_else(|_| {
        text.parse::<jiff::Timestamp>()
            .map(|ts| jiff::tz::Offset::UTC.to_datetime(ts))
    });
    match parsed {
        Ok(end) => Some(end),
        Err(_) => {
            errors.push(row.error(
                "timestamp",
                format!("`{}`: {A_DATE_TIME}", bilan_units::text::clip(text)),
            ));
            None
        }
    }
}

fn kwh(v: f64) -> Option<Quantity> {
    Quantity::parse(&format!("{v} kWh")).ok()
}

/// The region of a CodeCarbon row: a US state or Canadian province by name where the row
/// gives one, else the country.
fn region_of(iso3: &str, region: Option<&str>) -> Option<Region> {
    let country = rust_iso3166::from_alpha3(&iso3.to_ascii_uppercase())?;
    if let (Some(name), Some(subs)) = (region, country.subdivisions())
        && let Some(sub) = subs
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
        && let Ok(r) = Region::parse(sub.code)
    {
        return Some(r);
    }
    Region::from_alpha3(&iso3.to_ascii_uppercase())
}
