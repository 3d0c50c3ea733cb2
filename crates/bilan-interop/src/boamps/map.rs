//! One BoAmps report mapped onto the inventory under construction: a workload per measure,
//! the site from the infrastructure and environment, a fleet from the GPU component when
//! the catalogue knows it for certain.

use std::collections::{BTreeMap, BTreeSet};

use bilan_core::inventory::{Fleet, Ownership, Phase, Provenance, ProvenanceClass, Reported};
use bilan_core::region::Region;
use bilan_hardware::Catalogue;
use bilan_units::Quantity;
use bilan_units::text::clip;

use super::doc::Doc;
use super::work;
use crate::ImportReport;
use crate::draft::{self, Draft};
use crate::model_card::place;

/// What a report says about the system as a whole.
#[derive(Debug, Default)]
pub(super) struct About {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub description: Option<String>,
    pub year: Option<i16>,
}

/// The phase a `taskStage` names, and whether the reading is exact.
pub fn phase_of(stage: &str) -> Option<Phase> {
    let t: String = stage
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match t.as_str() {
        "training" | "pretraining" | "retraining" => Some(Phase::Training),
        "finetuning" | "posttraining" => Some(Phase::FineTuning),
        "inference" => Some(Phase::Inference),
        "development" | "datacreation" | "preprocessing" | "experimentation" => {
            Some(Phase::Development)
        }
        _ => None,
    }
}

/// Maps one report whose values passed [`super::check::values`]; what is not kept goes to
/// `report`.
pub(super) fn map(
    doc: &mut Doc<'_>,
    catalogue: &Catalogue,
    draft: &mut Draft,
    report: &mut ImportReport,
    ids: &mut BTreeSet<String>,
) -> About {
    let file = doc.file;
    let format = doc.text("/header/formatVersion").map_or_else(
        || "BoAmps report".to_owned(),
        |v| format!("BoAmps report format {v}"),
    );
    let about = about(doc);
    let name = about
        .name
        .clone()
        .unwrap_or_else(|| stem(&file.name).to_owned());
    // Phase.
    let stage = doc.text("/task/taskStage").unwrap_or("");
    let phase = match phase_of(stage) {
        Some(p) => p,
        None => {
            let parts: BTreeSet<Phase> = stage.split('+').filter_map(phase_of).collect();
            match (parts.len(), parts.first()) {
                (1, Some(p)) => *p,
                _ => {
                    report.lose(
                        &file.name,
                        "/task/taskStage",
                        format!("`taskStage` = {}", clip(stage)),
                        "not one phase bilan knows (training, finetuning, inference, datacreation, preprocessing…): the measures count as development",
                    );
                    Phase::Development
                }
            }
        }
    };
    let site = site(doc, draft, report, &format);
    let fleet = fleet(doc, catalogue, draft, report, &format, &site, &name, ids);
    let (volume, volume_fields) = work::volume(doc, phase, report);
    // Every number read below passed `check::values`.
    let intensity = doc.number("/environment/powerSourceCarbonIntensity");
    // One workload per measure.
    let measures = doc.len("/measures");
    let base = format!("{}-{}", crate::draft::slug(&name, "task", 40), phase.id());
    for k in 0..measures {
        let at = format!("/measures/{k}");
        // Required by the schema, and a number of zero or more (`check::values`).
        let Some(energy) = doc.number(&format!("{at}/powerConsumption")) else {
            continue;
        };
        let mut fields = BTreeMap::from([
            (
                "energy".to_owned(),
                format!(
                    "{at}/powerConsumption (kWh; CPU, GPU and RAM together: BoAmps does not split them)"
                ),
            ),
            ("phase".to_owned(), format!("/task/taskStage = {stage}")),
        ]);
        let duration = doc.number(&format!("{at}/measurementDuration"));
        if duration.is_some() {
            fields.insert(
                "duration".to_owned(),
                format!("{at}/measurementDuration (s)"),
            );
        }
        let period = doc
            .peek(&format!("{at}/measurementDateTime"))
            .and_then(|v| v.as_str())
            .and_then(|t| {
                let p = work::period(t, duration.unwrap_or(0.0));
                if p.is_some() {
                    doc.used(&format!("{at}/measurementDateTime"));
                    fields.insert(
                        "period".to_owned(),
                        format!("{at}/measurementDateTime + measurementDuration (the days it ran)"),
                    );
                } else {
                    doc.lose(
                        report,
                        &format!("{at}/measurementDateTime"),
                        "not a date and time bilan reads (YYYY-MM-DD HH:MM:SS): the measure is undated, and counts in the reporting period",
                    );
                }
                p
            });
        let tool = tool(doc, &at, &format);
        let mut w = draft::workload(
            unique(
                ids,
                &if measures == 1 {
                    base.clone()
                } else {
                    format!("{base}-{}", k + 1)
                },
            ),
            phase,
            site.clone(),
        );
        w.energy = Quantity::parse(&format!("{energy} kWh")).ok();
        w.duration = duration.and_then(|d| Quantity::parse(&format!("{d} s")).ok());
        w.period = period;
        if let Some((id, devices)) = &fleet {
            w.fleet = Some(id.clone());
            w.devices = Some(*devices);
            fields.insert(
                "fleet".to_owned(),
                "/infrastructure/components (the GPU: componentName, nbComponent)".to_owned(),
            );
        }
        if k == 0 {
            w.volume = volume.clone().into();
            fields.extend(volume_fields.clone());
        }
        if let Some(i) = intensity {
            // The figures are the report's (its publisher states the intensity), not the
            // measuring tool's: the tool named is the report, so that a reference method
            // reproducing that tool's own calculation does not take them for its records.
            w.reported = Some(Box::new(Reported {
                tool: format!("{format} (energy measured by {})", tool_only(&tool)),
                gwp: None,
                gwp_rate: None,
                energy: w.energy.clone(),
                grid_intensity: Quantity::parse(&format!("{i} g/kWh")).ok(),
                pue: None,
            }));
            fields.insert(
                "reported".to_owned(),
                format!("grid-intensity = /environment/powerSourceCarbonIntensity (gCO2eq/kWh); energy = {at}/powerConsumption"),
            );
        }
        w.provenance = Some(Box::new(Provenance {
            class: ProvenanceClass::Measured,
            file: file.name.clone(),
            at,
            tool: Some(tool),
            fields,
        }));
        draft.workload(w);
    }
    about
}

/// The measuring tool of a `tool` label, without the report format.
fn tool_only(tool: &str) -> &str {
    tool.split(", BoAmps").next().unwrap_or(tool)
}

/// The system's name, organisation, description and year, from the header and task.
fn about(doc: &mut Doc<'_>) -> About {
    let name = doc
        .text("/task/algorithms/0/foundationModelName")
        .or_else(|| doc.text("/task/algorithms/0/algorithmName"))
        .map(str::to_owned);
    let id = doc.text("/header/reportId");
    let task = doc.text("/task/taskDescription");
    let description = match (task, id) {
        (Some(t), Some(id)) => Some(format!("{t} (BoAmps report {id})")),
        (Some(t), None) => Some(t.to_owned()),
        (None, Some(id)) => Some(format!("BoAmps report {id}")),
        (None, None) => None,
    };
    let year = doc
        .peek("/header/reportDatetime")
        .and_then(|v| v.as_str())
        .and_then(work::datetime)
        .map(|d| d.year());
    About {
        name,
        organisation: doc.text("/header/publisher/name").map(str::to_owned),
        description,
        year,
    }
}

/// The measuring tool and the report format, e.g. `codecarbon 3.3.2, BoAmps report format
/// 0.1`.
fn tool(doc: &mut Doc<'_>, at: &str, format: &str) -> String {
    let method = doc
        .text(&format!("{at}/measurementMethod"))
        .unwrap_or("unnamed method");
    let mut t = method.to_owned();
    if let Some(v) = doc.text(&format!("{at}/version")) {
        t.push(' ');
        t.push_str(v);
    }
    if let Some(m) = doc.text(&format!("{at}/manufacturer")) {
        t.push_str(&format!(" ({m})"));
    }
    format!("{t}, {format}")
}

fn site(doc: &mut Doc<'_>, draft: &mut Draft, report: &mut ImportReport, format: &str) -> String {
    let file = doc.file;
    let mut fields = BTreeMap::new();
    let region = match doc.text("/environment/country") {
        Some(country) => match place::region(country) {
            Some(r) => {
                fields.insert(
                    "region".to_owned(),
                    format!("/environment/country = {country}"),
                );
                match doc
                    .peek("/environment/location")
                    .and_then(|v| v.as_str())
                    .and_then(|l| place::within(&r, l).map(|s| (l, s)))
                {
                    Some((l, sub)) => {
                        doc.used("/environment/location");
                        fields.insert(
                            "region".to_owned(),
                            format!(
                                "/environment/country = {country}, /environment/location = {l}"
                            ),
                        );
                        sub
                    }
                    None => r,
                }
            }
            None => {
                doc.lose(
                    report,
                    "/environment/country",
                    "not a country bilan reads with certainty (an ISO 3166 name or code): the site is in WORLD",
                );
                Region::world()
            }
        },
        None => {
            report.notes.push(format!(
                "{}: no /environment/country: the site is in WORLD",
                file.name
            ));
            Region::world()
        }
    };
    let ownership = match doc.text("/infrastructure/infraType") {
        Some("publicCloud") => Ownership::Cloud,
        Some("privateCloud" | "onPremise") => Ownership::Owned,
        other => {
            report.lose(
                &file.name,
                "/infrastructure/infraType",
                format!("`infraType` = {}", other.unwrap_or("")),
                "not a kind of infrastructure bilan distinguishes: the site is written as owned",
            );
            Ownership::Owned
        }
    };
    fields.insert(
        "ownership".to_owned(),
        "/infrastructure/infraType".to_owned(),
    );
    let provider = doc.text("/infrastructure/cloudProvider").map(str::to_owned);
    if provider.is_some() {
        fields.insert(
            "provider".to_owned(),
            "/infrastructure/cloudProvider".to_owned(),
        );
    }
    draft.site(
        region,
        None,
        provider,
        ownership,
        Some(Provenance {
            class: ProvenanceClass::Disclosed,
            file: file.name.clone(),
            at: "/environment, /infrastructure".to_owned(),
            tool: Some(format.to_owned()),
            fields,
        }),
    )
}

/// The fleet of the report's one GPU component, when the catalogue knows it for certain:
/// its id and the devices the task used.
#[allow(clippy::too_many_arguments)]
fn fleet(
    doc: &mut Doc<'_>,
    catalogue: &Catalogue,
    draft: &mut Draft,
    report: &mut ImportReport,
    format: &str,
    site: &str,
    name: &str,
    ids: &mut BTreeSet<String>,
) -> Option<(String, f64)> {
    let file = doc.file;
    let n = doc.len("/infrastructure/components");
    let mut gpus = Vec::new();
    for i in 0..n {
        let at = format!("/infrastructure/components/{i}");
        if super::check::is_gpu(doc, &at) {
            gpus.push(at);
        } else {
            doc.lose(
                report,
                &at,
                "not an accelerator: bilan's fleets are catalogued accelerators, so no fleet and no embodied impacts; its energy is in the measures",
            );
        }
    }
    let mut mapped = Vec::new();
    for at in &gpus {
        let text = doc
            .peek(&format!("{at}/componentName"))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        // Required by the schema, and one or more (`check::values`).
        let Some(count) = doc
            .peek(&format!("{at}/nbComponent"))
            .and_then(serde_json::Value::as_f64)
        else {
            continue;
        };
        match crate::hardware::identify(text, catalogue) {
            Some((id, _)) => mapped.push((at.clone(), text.to_owned(), id, count)),
            None => {
                report.notes.push(format!(
                    "{}: GPU `{}` ({at}) is not a device the hardware catalogue knows with certainty: no fleet, so no embodied impacts (add the device with --hardware, or a fleet by hand)",
                    file.name,
                    clip(text)
                ));
                doc.lose(
                    report,
                    at,
                    "a GPU the hardware catalogue does not know with certainty",
                );
            }
        }
    }
    if mapped.len() > 1 {
        report.notes.push(format!(
            "{}: the report lists {} GPU components; a bilan workload runs on one fleet, so none is written",
            file.name,
            mapped.len()
        ));
        for (at, ..) in &mapped {
            doc.lose(
                report,
                at,
                "one of several GPU components: a bilan workload runs on one fleet",
            );
        }
        return None;
    }
    let (at, text, model, count) = mapped.pop()?;
    for key in ["componentName", "componentType", "nbComponent"] {
        doc.used(&format!("{at}/{key}"));
    }
    if let Some(share) = doc.number(&format!("{at}/share"))
        && share != 1.0
    {
        doc.lose(
            report,
            &format!("{at}/share"),
            "a share of the GPUs: bilan allocates a fleet by the device time its workloads reserve",
        );
    }
    for key in ["memorySize", "manufacturer", "family", "series"] {
        let p = format!("{at}/{key}");
        if doc.peek(&p).is_some() {
            doc.lose(report, &p, "the catalogue id describes the device");
        }
    }
    let id = unique(
        ids,
        &format!("{}-{model}", crate::draft::slug(name, "task", 40)),
    );
    draft.fleet(Fleet {
        id: id.clone(),
        model,
        count,
        acquired: None,
        lifetime: None,
        site: site.to_owned(),
        embodied: BTreeMap::new(),
        host: None,
        provenance: Some(Provenance {
            class: ProvenanceClass::Disclosed,
            file: file.name.clone(),
            at: at.clone(),
            tool: Some(format.to_owned()),
            fields: BTreeMap::from([
                ("model".to_owned(), format!("{at}/componentName = {text}")),
                ("count".to_owned(), format!("{at}/nbComponent")),
            ]),
        }),
    });
    Some((id, count))
}

/// `base`, or `base-2`, `base-3`… when taken.
fn unique(ids: &mut BTreeSet<String>, base: &str) -> String {
    let mut id = base.to_owned();
    let mut n = 1;
    while !ids.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

fn stem(name: &str) -> &str {
    std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("boamps")
}
