//! Hugging Face model cards: the `co2_eq_emissions` metadata in the YAML front matter of a
//! model's README.md (the mapping form with `emissions` in grams, `source`, `training_type`,
//! `geographical_location` and `hardware_used`, or the short form, a bare number of grams).
//!
//! A model card *discloses* emissions; it gives no energy, no duration and no date. A
//! workload needs an energy (or device-time on a catalogued fleet), and a card has neither,
//! so the disclosure becomes what an inventory holds for emissions a third party states: a
//! `[[service]]` whose `allocated.gwp` is the card's figure (kept in grams, the unit the
//! card gives, with the card and its `source` as the figure's source) and whose `phase` is
//! the `training_type`. Methods that count purchased services count it as it stands;
//! nothing is estimated. Where `geographical_location` reads as a region for certain, a site
//! in that region records it with a *disclosed* provenance; `hardware_used` is kept in the
//! service's description and, when it names a catalogued device, a note says which. No
//! fleet is written: a card says neither how long the devices ran nor whether they were
//! bought, and a fleet would make methods count their manufacturing.
//! `docs/interop/model-card.md` maps every field.

pub mod front_matter;
pub mod place;

use std::collections::{BTreeMap, BTreeSet};

use bilan_core::indicator::Indicator;
use bilan_core::inventory::{
    Ownership, Phase, Provenance, ProvenanceClass, Service, SourcedQuantity,
};
use bilan_hardware::Catalogue;
use bilan_io::{FileError, FileErrors, SourceFile};
use bilan_units::Quantity;
use bilan_units::text::clip;

use crate::draft::{self, Draft};
use crate::{Import, ImportReport};
use front_matter::{Card, Node, Value};

/// The keys of `co2_eq_emissions` the Hub documents.
pub const FIELDS: [&str; 5] = [
    "emissions",
    "source",
    "training_type",
    "geographical_location",
    "hardware_used",
];

/// Variables of the card body's "Environmental Impact" template, sometimes put in the
/// metadata by hand.
const TEMPLATE_VARIABLES: [&str; 5] = [
    "hardware_type",
    "hours_used",
    "cloud_provider",
    "cloud_region",
    "co2_emitted",
];

/// Words that mark a front-matter key as being about the footprint.
const FOOTPRINT_WORDS: [&str; 11] = [
    "co2",
    "carbon",
    "emission",
    "energy",
    "power",
    "kwh",
    "hardware",
    "gpu",
    "hours",
    "climate",
    "footprint",
];

/// What one card discloses.
struct Disclosure {
    name: String,
    grams: f64,
    line: usize,
    source: Option<String>,
    training_type: Option<String>,
    location: Option<String>,
    hardware: Option<String>,
}

/// Imports model cards (README.md files with YAML front matter).
pub fn import(files: &[SourceFile], catalogue: &Catalogue) -> Result<Import, FileErrors> {
    let mut report = ImportReport::default();
    let mut errors = Vec::new();
    let mut cards = Vec::new();
    for file in files {
        match front_matter::read(file) {
            Ok(card) => match disclosure(file, &card, &mut report) {
                Ok(d) => cards.push((file, d)),
                Err(e) => errors.extend(e),
            },
            Err(e) => errors.extend(e.errors),
        }
    }
    if !errors.is_empty() {
        return Err(FileErrors { errors });
    }
    let name = match cards.as_slice() {
        [(_, d)] => d.name.clone(),
        _ => format!("Models disclosed in {} model cards", cards.len()),
    };
    let mut draft = Draft::new(
        name,
        format!(
            "emissions disclosed in model cards, imported by bilan from {}",
            files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let mut services = Vec::new();
    let mut ids = BTreeSet::new();
    for (file, d) in &cards {
        services.push(service(
            file,
            d,
            catalogue,
            &mut draft,
            &mut report,
            &mut ids,
        )?);
    }
    let year = jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .year();
    let fallback = draft::year_span(i32::from(year), i32::from(year)).ok_or_else(|| {
        FileErrors::from(FileError::plain(
            "<import>",
            "cannot form the reporting period",
        ))
    })?;
    report.notes.push(format!(
        "a model card gives no date: the reporting period is {year}, and the disclosed emissions count in it"
    ));
    let mut inventory = draft.finish(fallback);
    inventory.services = services;
    Ok(Import { inventory, report })
}

/// Reads `co2_eq_emissions` and records what the front matter and body hold besides.
fn disclosure(
    file: &SourceFile,
    card: &Card<'_>,
    report: &mut ImportReport,
) -> Result<Disclosure, Vec<FileError>> {
    let root = &card.root;
    let located = |node: &Node, path: &str, message: String| {
        FileError::located(file, Some(node.span.clone()), path.to_owned(), message)
    };
    let Some(co2) = root.get("co2_eq_emissions") else {
        let mut e = FileError::plain(
            &file.name,
            "no `co2_eq_emissions` in the front matter: the card discloses no emissions (the Hub's key is `co2_eq_emissions`, with `emissions` in grams)",
        );
        e.line = Some(1);
        return Err(vec![e]);
    };
    let mut errors = Vec::new();
    let (emissions, fields) = match &co2.value {
        Value::Int(_) | Value::Float(_) => (Some(co2), BTreeMap::new()),
        Value::Map(m) => {
            let e = co2.get("emissions");
            if e.is_none() {
                errors.push(located(
                    co2,
                    "co2_eq_emissions.emissions",
                    "missing: `co2_eq_emissions` needs `emissions`, a number of grams of CO2eq"
                        .to_owned(),
                ));
            }
            (e, m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        }
        other => {
            errors.push(located(
                co2,
                "co2_eq_emissions",
                format!(
                    "{} ({}): expected a number of grams, or a mapping with `emissions` in grams",
                    other.kind(),
                    other.show()
                ),
            ));
            (None, BTreeMap::new())
        }
    };
    let grams = emissions.and_then(|node| {
        let path = if fields.is_empty() {
            "co2_eq_emissions"
        } else {
            "co2_eq_emissions.emissions"
        };
        match grams(&node.value) {
            Ok(g) => Some((g, line_of(&file.text, node.span.start))),
            Err(m) => {
                errors.push(located(node, path, m));
                None
            }
        }
    });
    let mut text = |key: &str| -> Option<String> {
        let node = fields.get(key)?;
        match &node.value {
            Value::Str(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Value::Null => None,
            other => {
                errors.push(located(
                    node,
                    &format!("co2_eq_emissions.{key}"),
                    format!(
                        "{} ({}): the Hub's `{key}` is a string",
                        other.kind(),
                        other.show()
                    ),
                ));
                None
            }
        }
    };
    let source = text("source");
    let training_type = text("training_type");
    let location = text("geographical_location");
    let hardware = text("hardware_used");
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some((grams, line)) = grams else {
        return Err(errors);
    };
    for (key, node) in &fields {
        if FIELDS.contains(key) {
            continue;
        }
        let why = if TEMPLATE_VARIABLES.contains(key) {
            "a variable of the card body's Environmental Impact template, not a key of `co2_eq_emissions`: bilan reads the five documented keys"
        } else {
            "not a key of the Hub's `co2_eq_emissions` (emissions, source, training_type, geographical_location, hardware_used)"
        };
        report.lose(
            &file.name,
            format!(
                "co2_eq_emissions.{key} (line {})",
                line_of(&file.text, node.span.start)
            ),
            format!("`{}` = {}", clip(key), node.value.show()),
            why,
        );
    }
    others(file, card, report);
    Ok(Disclosure {
        name: model_name(file, card),
        grams,
        line,
        source,
        training_type,
        location,
        hardware,
    })
}

/// The emissions in grams, or why the value is not a number of grams.
fn grams(value: &Value) -> Result<f64, String> {
    let g = match value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::Str(s) => {
            let hint = Quantity::parse(s)
                .ok()
                .and_then(|q| q.to_str_unit("g").ok())
                .map(|g| format!("; write {}", number(g)))
                .unwrap_or_default();
            return Err(format!(
                "`{}` is a string: expected a number of grams of CO2eq, as the Hub's metadata specifies{hint}",
                clip(s)
            ));
        }
        other => {
            return Err(format!(
                "{} ({}): expected a number of grams of CO2eq",
                other.kind(),
                other.show()
            ));
        }
    };
    if g.is_finite() && g >= 0.0 {
        Ok(g)
    } else {
        Err(format!("`{g}`: expected a number of grams of zero or more"))
    }
}

/// What the front matter and the body hold besides `co2_eq_emissions`.
fn others(file: &SourceFile, card: &Card<'_>, report: &mut ImportReport) {
    let Value::Map(keys) = &card.root.value else {
        return;
    };
    let mut unread = Vec::new();
    for (key, node) in keys {
        if key == "co2_eq_emissions" {
            continue;
        }
        let lower = key.to_lowercase();
        if FOOTPRINT_WORDS.iter().any(|w| lower.contains(w)) {
            report.lose(
                &file.name,
                format!("{} (line {})", clip(key), line_of(&file.text, node.span.start)),
                format!("`{}` = {}", clip(key), node.value.show()),
                "about the footprint, but outside `co2_eq_emissions`, the only key of the front matter bilan reads",
            );
        } else {
            unread.push(clip(key).into_owned());
        }
    }
    if !unread.is_empty() {
        report.notes.push(format!(
            "{}: front-matter keys not about emissions, not read: {}",
            file.name,
            unread.join(", ")
        ));
    }
    for (n, line) in card.body.lines().enumerate() {
        let lower = line.to_lowercase();
        let heading = line.trim_start().starts_with('#')
            && (lower.contains("environmental impact") || lower.contains("carbon"));
        let figure = [
            "co2 emissions",
            "carbon emitted",
            "co2 emitted",
            "hours used",
            "hardware type",
            "cloud provider",
            "compute region",
        ]
        .iter()
        .any(|w| lower.contains(w));
        if heading || figure {
            report.lose(
                &file.name,
                format!("line {}", card.body_line + n),
                format!("`{}`", clip(line.trim())),
                "Markdown text of the card body, not metadata: bilan reads the figures of the front matter only",
            );
        }
    }
}

/// The model's name: `model_name` in the front matter, the body's first `# ` heading, else
/// the file's name (its folder's for a README).
fn model_name(file: &SourceFile, card: &Card<'_>) -> String {
    if let Some(Node {
        value: Value::Str(s),
        ..
    }) = card.root.get("model_name")
        && !s.trim().is_empty()
    {
        return s.trim().to_owned();
    }
    if let Some(h) = card
        .body
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        return h.to_owned();
    }
    let path = std::path::Path::new(&file.name);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("model");
    if stem.eq_ignore_ascii_case("readme")
        && let Some(dir) = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|d| d.to_str())
    {
        return dir.to_owned();
    }
    stem.to_owned()
}

/// The phase a `training_type` names, when it names one.
fn phase_of(text: &str) -> Option<Phase> {
    let t: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match t.as_str() {
        "pretraining" | "pretrain" | "training" | "fromscratch" => Some(Phase::Training),
        "finetuning" | "finetune" | "finetuned" | "posttraining" => Some(Phase::FineTuning),
        "inference" => Some(Phase::Inference),
        _ => None,
    }
}

fn service(
    file: &SourceFile,
    d: &Disclosure,
    catalogue: &Catalogue,
    draft: &mut Draft,
    report: &mut ImportReport,
    ids: &mut BTreeSet<String>,
) -> Result<Service, FileErrors> {
    let phase = match d.training_type.as_deref() {
        None => {
            report.notes.push(format!(
                "{}: no `training_type`: the emissions count as training, which the Hub's `co2_eq_emissions` describes",
                file.name
            ));
            Phase::Training
        }
        Some(t) => phase_of(t).unwrap_or_else(|| {
            report.lose(
                &file.name,
                "co2_eq_emissions.training_type",
                format!("`{}`", clip(t)),
                "not a phase bilan knows (pre-training, fine-tuning, inference): the emissions count as training",
            );
            Phase::Training
        }),
    };
    let g = number(d.grams);
    let value = Quantity::parse(&format!("{g} gCO2e")).map_err(|e| {
        FileErrors::from(FileError::plain(
            &file.name,
            format!("co2_eq_emissions.emissions: `{g}`: {e}"),
        ))
    })?;
    let mut description = format!(
        "{} emissions of `{}` as its model card discloses them ({}, co2_eq_emissions)",
        phase, d.name, file.name
    );
    if let Some(h) = &d.hardware {
        description.push_str(&format!("; hardware used: {h}"));
        match crate::hardware::identify(h, catalogue) {
            Some((id, n)) => report.notes.push(format!(
                "{}: hardware_used `{}` names {n} × `{id}` in the hardware catalogue; no fleet is written, since the card says neither how long the devices ran nor whether they were bought",
                file.name,
                clip(h)
            )),
            None => report.notes.push(format!(
                "{}: hardware_used `{}` is not a device the hardware catalogue knows with certainty; it is kept in the service's description",
                file.name,
                clip(h)
            )),
        }
    }
    if let Some(l) = &d.location {
        description.push_str(&format!("; geographical location: {l}"));
        match place::region(l).filter(|r| !r.is_world()) {
            Some(region) => {
                let code = region.code().to_owned();
                draft.site(
                    region,
                    None,
                    None,
                    Ownership::Owned,
                    Some(Provenance {
                        class: ProvenanceClass::Disclosed,
                        file: file.name.clone(),
                        at: "co2_eq_emissions.geographical_location".to_owned(),
                        tool: d.source.clone(),
                        fields: BTreeMap::from([
                            ("region".to_owned(), format!("geographical_location = {l}")),
                            (
                                "ownership".to_owned(),
                                "not stated in a model card: `owned` stands in".to_owned(),
                            ),
                        ]),
                    }),
                );
                report.notes.push(format!(
                    "{}: geographical_location `{}` is region {code}: a site records it (no workload runs there, since the card gives no energy)",
                    file.name,
                    clip(l)
                ));
            }
            None => report.notes.push(format!(
                "{}: geographical_location `{}` is not a country or region bilan reads with certainty (the world, WORLD): no site is written, the text is kept in the service's description",
                file.name,
                clip(l)
            )),
        }
    }
    if let Some(s) = &d.source {
        description.push_str(&format!("; source: {s}"));
    }
    let mut id = crate::draft::slug(&d.name, "model-card", 48);
    let base = id.clone();
    let mut n = 1;
    while !ids.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    Ok(Service {
        id,
        description,
        provider: None,
        cloud_compute: false,
        allocated: BTreeMap::from([(
            Indicator::Gwp,
            SourcedQuantity {
                value,
                source: format!(
                    "disclosed in the model card {}, co2_eq_emissions (line {}): {g} g CO2eq; its source: {}",
                    file.name,
                    d.line,
                    d.source.as_deref().unwrap_or("not stated")
                ),
            },
        )]),
        phase: Some(phase),
        period: None,
        provenance: Some(bilan_core::inventory::Provenance {
            class: bilan_core::inventory::ProvenanceClass::Disclosed,
            file: file.name.clone(),
            at: format!("co2_eq_emissions (line {})", d.line),
            tool: d.source.clone(),
            fields: BTreeMap::from([(
                "allocated.gwp".to_owned(),
                "co2_eq_emissions.emissions (grams)".to_owned(),
            )]),
        }),
    })
}

/// A number as written back: its shortest form, without float noise past 12 digits.
pub fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".to_owned();
    }
    let digits = 12 - 1 - v.abs().log10().floor() as i32;
    let rounded = if (0..=300).contains(&digits) {
        let f = 10f64.powi(digits);
        (v * f).round() / f
    } else {
        v
    };
    format!("{rounded}")
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests;
