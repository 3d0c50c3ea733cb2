//! BoAmps, Boavizta's JSON report of the energy of an AI task (`Boavizta/BoAmps`).
//!
//! Each file is first validated against the published BoAmps JSON Schema ([`schema`]);
//! a report that breaks it is refused with one error per violation, located by its JSON
//! pointer and line. The numbers the schema leaves unbounded are checked next (`check.rs`):
//! a negative energy, intensity or request count, a measure that lasts no time, a GPU
//! component of no device are refused the same way. A valid report then becomes:
//!
//! * one *measured* workload per measure: `powerConsumption` (kWh: CPU, GPU and RAM
//!   together, BoAmps does not split them) as its `energy`, `measurementDuration` as its
//!   `duration`, the days from `measurementDateTime` as its `period`, the phase from
//!   `taskStage`, the measuring tool and the report's format version in its provenance;
//!   the task's requests and token counts as the first workload's volume;
//! * one site from `environment` (country, and a subdivision when `location` names one) and
//!   `infrastructure` (`infraType`, `cloudProvider`), *disclosed*; the report's
//!   `powerSourceCarbonIntensity` is kept as `[workload.reported]`, not as a factor that
//!   would replace every method's;
//! * a fleet from the one GPU component, when the hardware catalogue knows its name for
//!   certain (else a note), *disclosed*.
//!
//! Every field not kept is listed in the import report with why. `docs/interop/boamps.md`
//! maps every field, both ways; [`crate::export::boamps`] writes reports.

mod check;
mod doc;
pub mod map;
pub mod schema;
mod work;

use std::collections::BTreeSet;

use bilan_hardware::Catalogue;
use bilan_io::{FileError, FileErrors, SourceFile};

use crate::draft::{self, Draft};
use crate::{Import, ImportReport};

/// Why a field bilan does not keep is lost, by its key.
fn why(key: &str) -> &'static str {
    match key {
        "licensing" => "the report's licence: an inventory has none",
        "formatVersionSpecificationUri" => {
            "the address of the specification; the format version is in the provenance"
        }
        "reportDatetime" => {
            "the publication date: workloads are dated by their measures (an undated report's reporting period is the year it was published)"
        }
        "reportStatus" => "the report's status (draft, final…), not part of the footprint",
        "division" | "projectName" | "confidentialityLevel" | "publicKey" => {
            "about the publisher, not the footprint"
        }
        "taskFamily" => {
            "the kind of task: an inventory gives a workload's phase, not its task family"
        }
        "algorithms"
        | "trainingType"
        | "algorithmType"
        | "algorithmName"
        | "algorithmUri"
        | "foundationModelName"
        | "foundationModelUri"
        | "parametersNumber"
        | "framework"
        | "frameworkVersion"
        | "classPath"
        | "layersNumber"
        | "epochsNumber"
        | "optimizer"
        | "quantization" => {
            "describes the model, not its footprint (the energy was measured, so no estimator reads the model's size)"
        }
        "dataUsage" | "dataType" | "dataFormat" | "dataSize" | "dataQuantity" | "shape"
        | "source" | "sourceUri" | "owner" => {
            "describes the data, not the footprint (bilan keeps token counts as a workload's volume)"
        }
        "measuredAccuracy" | "estimatedAccuracy" => "the model's accuracy, not its footprint",
        "cpuTrackingMode" | "gpuTrackingMode" => {
            "how the tool tracked the device; the tool is in the workload's provenance"
        }
        "averageUtilizationCpu" | "averageUtilizationGpu" => {
            "sampled activity of the device; bilan's `utilisation` is the reservation's, not a kernel-time share"
        }
        "powerCalibrationMeasurement" | "durationCalibrationMeasurement" => {
            "an idle baseline measured apart from the task: bilan neither adds nor subtracts it"
        }
        "os" | "distribution" | "distributionVersion" | "language" | "version" => {
            "software environment, not part of the footprint"
        }
        "cloudInstance" => "the instance type: the fleet is the GPUs the catalogue knows",
        "cloudService" => {
            "an AI service's name: give its emissions as a [[service]] if the provider allocates any"
        }
        "location" => "a place below the region's resolution",
        "latitude" | "longitude" => "coordinates below the region's resolution",
        "powerSupplierType" | "powerSource" => {
            "the electricity supply: location-based methods use the grid's; a supply contract is an [[instrument]] with its certificates"
        }
        "quality" => {
            "the report's error band (high ±10 %, medium ±25 %, low ±50 %): an imported inventory keeps nominal values; write the energy as `… ± 10 %` to propagate it"
        }
        "measurementDateTime" => "not a date and time bilan reads",
        _ => "not a BoAmps field bilan knows",
    }
}

/// Imports BoAmps reports.
pub fn import(files: &[SourceFile], catalogue: &Catalogue) -> Result<Import, FileErrors> {
    let mut report = ImportReport::default();
    let mut errors = Vec::new();
    let mut abouts = Vec::new();
    let mut draft = Draft::new("", "");
    let mut ids = BTreeSet::new();
    for file in files {
        let value: serde_json::Value = match serde_json::from_str(&file.text) {
            Ok(v) => v,
            Err(e) => {
                let mut err = FileError::plain(&file.name, format!("not a JSON file: {e}"));
                err.line = Some(e.line());
                errors.push(err);
                continue;
            }
        };
        if let Err(e) = schema::check(file, &value) {
            errors.extend(e);
            continue;
        }
        let mut doc = doc::Doc::new(file, &value);
        let invalid = check::values(&doc);
        if !invalid.is_empty() {
            errors.extend(invalid);
            continue;
        }
        abouts.push(map::map(
            &mut doc,
            catalogue,
            &mut draft,
            &mut report,
            &mut ids,
        ));
        doc.rest(&mut report, why);
    }
    if !errors.is_empty() {
        return Err(FileErrors { errors });
    }
    let one = |f: &dyn Fn(&map::About) -> Option<String>| -> Option<String> {
        let values: BTreeSet<Option<String>> = abouts.iter().map(f).collect();
        match values.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(v)] => Some(v.clone()),
            _ => None,
        }
    };
    let name = one(&|a| a.name.clone()).unwrap_or_else(|| "AI tasks reported in BoAmps".to_owned());
    let organisation = one(&|a| a.organisation.clone());
    let descriptions: Vec<String> = files
        .iter()
        .zip(&abouts)
        .map(|(f, a)| match &a.description {
            Some(d) => format!("{}: {d}", f.name),
            None => f.name.clone(),
        })
        .collect();
    let year = abouts
        .iter()
        .filter_map(|a| a.year)
        .min()
        .unwrap_or_else(|| {
            jiff::tz::Offset::UTC
                .to_datetime(jiff::Timestamp::now())
                .year()
        });
    let fallback = draft::year_span(i32::from(year), i32::from(year)).ok_or_else(|| {
        FileErrors::from(FileError::plain(
            "<import>",
            "cannot form the reporting period",
        ))
    })?;
    let mut inventory = draft.finish(fallback);
    inventory.system.name = name;
    inventory.system.organisation = organisation;
    inventory.system.description = Some(format!(
        "imported by bilan from BoAmps reports: {}",
        descriptions.join("; ")
    ));
    Ok(Import { inventory, report })
}

#[cfg(test)]
pub(crate) mod tests;
