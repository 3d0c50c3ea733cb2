//! The impact-factor database embedded in bilan, and user factor files layered on top.
//!
//! The embedded database is built, at first use, from files compiled into the binary:
//!
//! * `data/grid-gwp-lifecycle-by-country.csv`: life-cycle grid carbon intensity per country
//!   (Ember and Energy Institute data processed by Our World in Data, CC BY 4.0) and the
//!   Ember 2024 world average;
//! * `data/grid-gwp-direct-us-states-egrid2023.csv`: combustion-only output rates of US
//!   states (US EPA eGRID2023, public domain);
//! * `data/electricity-water-consumption-wri2020.csv`: water consumed to generate
//!   electricity per country (WRI 2020, CC BY 4.0);
//! * `data/facts.toml`: single cited figures (hardware embodied impacts, PUE and WUE) and
//!   explicit absences where no citable figure exists.
//!
//! Attributions are in the repository's `NOTICE` file and in every factor's `attribution`.
//! User factor files use the `facts.toml` format (reference: `docs/factors.md`).

use std::path::Path;
use std::sync::LazyLock;

use bilan_core::factor::{Absence, Basis, Boundary, Factor, FactorOrigin, FactorSet, Quality};
use bilan_core::indicator::Indicator;
use bilan_core::region::Region;
use bilan_io::{FileError, FileErrors, SourceFile};
use bilan_units::{Dimension, Distribution, Quantity, UncertainQuantity};
use serde::Deserialize;

/// Version of the embedded database: year and month of the data compilation, then a serial.
pub const DB_VERSION: &str = "2026.12.1";

/// The embedded files, with the names shown in errors and reproducibility stamps.
pub const EMBEDDED_FILES: [(&str, &str); 4] = [
    (
        "grid-gwp-lifecycle-by-country.csv",
        include_str!("../data/grid-gwp-lifecycle-by-country.csv"),
    ),
    (
        "grid-gwp-direct-us-states-egrid2023.csv",
        include_str!("../data/grid-gwp-direct-us-states-egrid2023.csv"),
    ),
    (
        "electricity-water-consumption-wri2020.csv",
        include_str!("../data/electricity-water-consumption-wri2020.csv"),
    ),
    ("facts.toml", include_str!("../data/facts.toml")),
];

static EMBEDDED: LazyLock<Result<FactorSet, String>> = LazyLock::new(build_embedded);

/// The embedded database. An error here is a defect of the shipped data (tests load it).
pub fn embedded() -> Result<&'static FactorSet, String> {
    EMBEDDED.as_ref().map_err(Clone::clone)
}

/// The embedded database with the user's factor files layered on top, in order.
pub fn load(files: &[impl AsRef<Path>]) -> Result<FactorSet, FileErrors> {
    let mut set = embedded()
        .map_err(|e| FileError::plain("<embedded factor database>", e))?
        .clone();
    for (i, path) in files.iter().enumerate() {
        let file = SourceFile::read(path.as_ref())?;
        let (factors, absences) = parse_factor_file(&file)?;
        let layer = u32::try_from(i + 1).unwrap_or(u32::MAX);
        set.layer(&file.name, layer, factors);
        set.add_absences(absences);
    }
    Ok(set)
}

const EMBER_ATTRIBUTION: &str = "Ember; Energy Institute — with major processing by Our World in Data. Carbon intensity of electricity generation. CC BY 4.0";
const EGRID_ATTRIBUTION: &str =
    "U.S. EPA, Emissions & Generation Resource Integrated Database (eGRID2023)";
const WRI_ATTRIBUTION: &str = "Reig P., Luo T., Christensen E., Sinistore J. (2020). Guidance for Calculating Water Use Embedded in Purchased Electricity. World Resources Institute. CC BY 4.0";

fn build_embedded() -> Result<FactorSet, String> {
    let mut factors = Vec::new();
    let [
        (lc_name, lc_text),
        (egrid_name, egrid_text),
        (wri_name, wri_text),
        (facts_name, facts),
    ] = EMBEDDED_FILES;
    factors.extend(lifecycle_grid(lc_name, lc_text)?);
    factors.extend(egrid(egrid_name, egrid_text)?);
    factors.extend(wri(wri_name, wri_text)?);
    let file = SourceFile {
        name: format!("<embedded>/{facts_name}"),
        text: facts.to_owned(),
    };
    let (facts, absences) = parse_factor_file(&file).map_err(|e| e.to_string())?;
    factors.extend(facts);
    Ok(FactorSet::new(
        format!("bilan-factors {DB_VERSION}"),
        factors,
        absences,
    ))
}

#[derive(Deserialize)]
struct LifecycleRow {
    iso3: String,
    country: String,
    g_co2e_per_kwh: f64,
    year: i32,
    source: String,
    licence: String,
    quality: String,
}

fn rows<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>, String> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| format!("{name}: row {}: {e}", i + 2)))
        .collect()
}

fn quantity(name: &str, value: f64, unit: &str) -> Result<Quantity, String> {
    Quantity::parse(&format!("{value} {unit}")).map_err(|e| format!("{name}: {e}"))
}

fn lifecycle_grid(name: &str, text: &str) -> Result<Vec<Factor>, String> {
    rows::<LifecycleRow>(name, text)?
        .into_iter()
        .map(|row| {
            let region = Region::from_alpha3(&row.iso3)
                .ok_or_else(|| format!("{name}: `{}` is not an ISO 3166-1 alpha-3 code", row.iso3))?;
            let suspect = row.quality == "suspect";
            Ok(Factor {
                id: format!("owid-ember-{}-grid-gwp-{}", region.code().to_ascii_lowercase(), row.year),
                subject: "electricity/grid".to_owned(),
                indicator: Some(Indicator::Gwp),
                value: quantity(name, row.g_co2e_per_kwh, "gCO2e/kWh")?,
                boundary: Boundary::LifeCycle,
                region,
                year: row.year,
                basis: Basis::Dataset,
                dataset: if row.iso3 == "WOR" { "Ember Yearly Electricity Data".to_owned() } else { "Ember/Energy Institute via Our World in Data".to_owned() },
                citation: row.source,
                url: None,
                licence: row.licence,
                attribution: EMBER_ATTRIBUTION.to_owned(),
                quality: if suspect { Quality::Suspect } else { Quality::Ok },
                uncertainty: None,
                distribution: None,
                notes: Some(format!(
                    "{}: production mix{}",
                    row.country,
                    if suspect { "; flagged suspect in the extract (outlier or stale data), used only with a warning" } else { "" }
                )),
                origin: FactorOrigin::Embedded,
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct EgridRow {
    region: String,
    state: String,
    g_co2e_per_kwh: f64,
    year: i32,
    source: String,
    licence: String,
}

fn egrid(name: &str, text: &str) -> Result<Vec<Factor>, String> {
    rows::<EgridRow>(name, text)?
        .into_iter()
        .map(|row| {
            let region = Region::parse(&row.region).map_err(|e| format!("{name}: {e}"))?;
            Ok(Factor {
                id: format!(
                    "egrid-{}-grid-gwp-combustion-{}",
                    row.region.to_ascii_lowercase(),
                    row.year
                ),
                subject: "electricity/grid".to_owned(),
                indicator: Some(Indicator::Gwp),
                value: quantity(name, row.g_co2e_per_kwh, "gCO2e/kWh")?,
                boundary: Boundary::Combustion,
                region,
                year: row.year,
                basis: Basis::Dataset,
                dataset: "US EPA eGRID2023".to_owned(),
                citation: row.source,
                url: None,
                licence: row.licence,
                attribution: EGRID_ATTRIBUTION.to_owned(),
                quality: Quality::Ok,
                uncertainty: None,
                distribution: None,
                notes: Some(format!(
                    "{}: generation-based output rate (lb/MWh × 0.45359237)",
                    row.state
                )),
                origin: FactorOrigin::Embedded,
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct WriRow {
    iso3: String,
    litre_per_kwh: f64,
    basis: String,
    source: String,
    licence: String,
}

fn wri(name: &str, text: &str) -> Result<Vec<Factor>, String> {
    rows::<WriRow>(name, text)?
        .into_iter()
        .map(|row| {
            let region = Region::from_alpha3(&row.iso3)
                .ok_or_else(|| format!("{name}: `{}` is not an ISO 3166-1 alpha-3 code", row.iso3))?;
            let world = region.is_world();
            Ok(Factor {
                id: format!("wri-2020-{}-grid-water", region.code().to_ascii_lowercase()),
                subject: "electricity/grid".to_owned(),
                indicator: Some(Indicator::Water),
                value: quantity(name, row.litre_per_kwh, "L/kWh")?,
                boundary: Boundary::GenerationConsumption,
                region,
                year: 2020,
                basis: Basis::Dataset,
                dataset: "WRI 2020 country factors".to_owned(),
                citation: row.source,
                url: None,
                licence: row.licence,
                attribution: WRI_ATTRIBUTION.to_owned(),
                quality: if world { Quality::Unverified } else { Quality::Ok },
                uncertainty: None,
                distribution: None,
                notes: Some(if world {
                    format!("{}; world value whose derivation is undocumented (WRI's own 47-country generation-weighted average is reported as 4.81 L/kWh)", row.basis)
                } else {
                    row.basis
                }),
                origin: FactorOrigin::Embedded,
            })
        })
        .collect()
}

/// A factor file (`facts.toml` format).
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct FactorFile {
    schema: u32,
    #[serde(default, rename = "factor")]
    factors: Vec<FactorEntry>,
    #[serde(default, rename = "absent")]
    absent: Vec<Absence>,
}

/// One factor as written in a factor file (or inline in a declarative methodology).
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct FactorEntry {
    pub id: String,
    pub subject: String,
    #[serde(default)]
    pub indicator: Option<Indicator>,
    #[schemars(with = "Quantity")]
    pub value: UncertainQuantity,
    pub boundary: Boundary,
    pub region: Region,
    pub year: i32,
    pub basis: Basis,
    pub dataset: String,
    pub citation: String,
    #[serde(default)]
    pub url: Option<String>,
    pub licence: String,
    pub attribution: String,
    #[serde(default)]
    pub quality: Quality,
    #[serde(default)]
    pub uncertainty: Option<f64>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// The subject families methods look up; a factor outside them would never be used.
pub const KNOWN_SUBJECTS: [&str; 4] = [
    "electricity/",
    "hardware/",
    "datacentre/pue/",
    "datacentre/wue/",
];

/// The subject families an absence may be recorded for: those of factors, and the data
/// centre's own (a building's impacts, which no open dataset gives).
const ABSENT_SUBJECTS: [&str; 3] = ["electricity/", "hardware/", "datacentre/"];

/// The dimension a factor's value must have, from its subject and indicator.
fn expected_dimension(subject: &str, indicator: Option<Indicator>) -> Option<Dimension> {
    let impact = match indicator? {
        Indicator::Gwp | Indicator::Adpe => Dimension::MASS,
        Indicator::Water => Dimension::VOLUME,
        Indicator::Adpf | Indicator::Energy => Dimension::ENERGY,
    };
    if subject.starts_with("electricity/") || subject.starts_with("datacentre/wue") {
        Some(impact.div(Dimension::ENERGY))
    } else if subject.starts_with("hardware/") {
        Some(impact.div(Dimension::DEVICE))
    } else {
        None
    }
}

/// Parses and checks a factor file.
pub fn parse_factor_file(file: &SourceFile) -> Result<(Vec<Factor>, Vec<Absence>), FileErrors> {
    // Read as TOML, a CSV extract failed with a TOML syntax error on its header line.
    let extension = Path::new(&file.name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if let Some(ext) =
        extension.filter(|e| ["csv", "tsv", "xlsx", "xls", "yml", "yaml"].contains(&e.as_str()))
    {
        return Err(FileErrors {
            errors: vec![FileError::plain(
                &file.name,
                format!(
                    "a factor file is TOML or JSON, with one [[factor]] per figure and its source and licence (docs/factors.md), not .{ext}"
                ),
            )],
        });
    }
    let parsed: FactorFile = bilan_io::parse(file)?;
    let mut errors = Vec::new();
    if parsed.schema != 1 {
        let path = "schema".to_owned();
        let span = bilan_io::locate(file, &path);
        errors.push(bilan_io::FileError::located(
            file,
            span,
            path,
            format!(
                "schema {} is not supported; this build reads factor files of schema 1",
                parsed.schema
            ),
        ));
    }
    check_absences(file, &parsed.absent, &mut errors);
    match check_entries(file, "factor", parsed.factors) {
        Ok(factors) if errors.is_empty() => Ok((factors, parsed.absent)),
        Ok(_) => Err(FileErrors { errors }),
        Err(mut e) => {
            errors.append(&mut e.errors);
            Err(FileErrors { errors })
        }
    }
}

/// Checks `[[absent]]` entries as factors are checked: a subject bilan's methods look up
/// (a misspelt one would state the absence of nothing), and a reason, which becomes the
/// exclusion's reason in every report.
fn check_absences(file: &SourceFile, absent: &[Absence], errors: &mut Vec<bilan_io::FileError>) {
    if absent.is_empty() {
        return;
    }
    let locator = bilan_io::Locator::new(file);
    for (i, a) in absent.iter().enumerate() {
        let at = |field: &str| format!("absent[{i}].{field}");
        if !ABSENT_SUBJECTS
            .iter()
            .any(|prefix| a.subject.starts_with(prefix))
        {
            errors.push(locator.error(
                &at("subject"),
                format!(
                    "`{}` is not a subject family bilan knows; an absence's subject starts with {}",
                    a.subject,
                    ABSENT_SUBJECTS.map(|p| format!("`{p}`")).join(", ")
                ),
            ));
        }
        if a.reason.trim().is_empty() {
            errors.push(
                locator.error(
                    &at("reason"),
                    "an absence needs its reason: it is the exclusion's reason in every report"
                        .to_owned(),
                ),
            );
        }
    }
}

/// Checks factor entries read from `file` under the array `key` (`factor`, or
/// `factors.override` in a methodology) and turns them into factors.
pub fn check_entries(
    file: &SourceFile,
    key: &str,
    entries: Vec<FactorEntry>,
) -> Result<Vec<Factor>, FileErrors> {
    let mut errors = Vec::new();
    // One parse of the file, however many entries are wrong.
    let locator = bilan_io::Locator::new(file);
    let mut problem = |path: String, message: String| {
        errors.push(locator.error(&path, message));
    };
    let mut ids = std::collections::HashSet::new();
    let mut factors = Vec::with_capacity(entries.len());
    for (i, e) in entries.into_iter().enumerate() {
        let at = |field: &str| format!("{key}[{i}].{field}");
        if !ids.insert(e.id.clone()) {
            problem(at("id"), format!("duplicate factor id `{}`", e.id));
        }
        if e.subject.starts_with("datacentre/pue") {
            if e.indicator.is_some() {
                problem(
                    at("indicator"),
                    "a PUE is a ratio, not an impact: omit `indicator`".into(),
                );
            }
            if !e.value.quantity.dimension().is_dimensionless() || e.value.quantity.value() < 1.0 {
                problem(
                    at("value"),
                    format!(
                        "`{}`: a PUE is a plain number of at least 1",
                        e.value.quantity
                    ),
                );
            }
        } else if e.indicator.is_none() {
            problem(
                at("indicator"),
                format!(
                    "factor `{}` needs an indicator (gwp, water, adpe or adpf)",
                    e.id
                ),
            );
        }
        if !KNOWN_SUBJECTS
            .iter()
            .any(|prefix| e.subject.starts_with(prefix))
        {
            problem(
                at("subject"),
                format!(
                    "`{}` is not a subject bilan's methods look up; subjects start with {}",
                    e.subject,
                    KNOWN_SUBJECTS.map(|p| format!("`{p}`")).join(", ")
                ),
            );
        }
        if let Some(expected) = expected_dimension(&e.subject, e.indicator)
            && e.value.quantity.dimension() != expected
        {
            problem(
                at("value"),
                format!(
                    "`{}` is {}, expected {}{} for subject `{}`",
                    e.value.quantity,
                    e.value.quantity.dimension().name(),
                    expected.name(),
                    expected
                        .example_unit()
                        .map(|u| format!(" (e.g. {u})"))
                        .unwrap_or_default(),
                    e.subject
                ),
            );
        }
        if e.value.quantity.value() < 0.0 {
            problem(at("value"), format!("`{}` is negative", e.value.quantity));
        }
        if !e.value.quantity.to_base_units().is_finite() {
            problem(
                at("value"),
                bilan_core::inventory::out_of_range(&e.value.quantity),
            );
        }
        let legacy = match e.uncertainty {
            None => None,
            Some(u) => match Distribution::from_relative_half_width(u) {
                Ok(d) => Some(d),
                Err(_) => {
                    problem(
                        at("uncertainty"),
                        "the relative half-width of a 95 % interval, 0 or more (0.3 = ±30 %)"
                            .into(),
                    );
                    None
                }
            },
        };
        if legacy.is_some() && e.value.distribution.is_some() {
            problem(
                at("uncertainty"),
                "give the uncertainty once: either `uncertainty` or a distribution in `value`"
                    .into(),
            );
        }
        let distribution = e.value.distribution.or(legacy);
        for (field, text) in [
            ("dataset", &e.dataset),
            ("citation", &e.citation),
            ("licence", &e.licence),
            ("attribution", &e.attribution),
        ] {
            if text.trim().is_empty() {
                problem(
                    at(field),
                    format!("`{field}` must not be empty: every factor is cited"),
                );
            }
        }
        factors.push(Factor {
            id: e.id,
            subject: e.subject,
            indicator: e.indicator,
            value: e.value.quantity,
            boundary: e.boundary,
            region: e.region,
            year: e.year,
            basis: e.basis,
            dataset: e.dataset,
            citation: e.citation,
            url: e.url,
            licence: e.licence,
            attribution: e.attribution,
            quality: e.quality,
            uncertainty: e.uncertainty,
            distribution,
            notes: e.notes,
            origin: FactorOrigin::Embedded,
        });
    }
    if errors.is_empty() {
        Ok(factors)
    } else {
        Err(FileErrors { errors })
    }
}

pub mod uncertainty;

#[cfg(test)]
mod tests;
