//! The BoAmps importer on the fixtures of `tests/fixtures/interop/boamps/`, and the round
//! trip through the exporter.

use std::path::Path;

use bilan_core::inventory::{Inventory, Ownership, Phase, ProvenanceClass};
use bilan_hardware::Catalogue;
use bilan_io::SourceFile;

use crate::{Import, Kind};

pub(crate) fn fixture(rel: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interop/boamps")
        .join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    SourceFile {
        name: rel.to_owned(),
        text,
    }
}

fn catalogue() -> &'static Catalogue {
    Catalogue::embedded().expect("catalogue")
}

pub(crate) fn import(files: &[SourceFile]) -> Import {
    crate::import(Kind::Boamps, files, catalogue()).unwrap_or_else(|e| panic!("{e:?}"))
}

pub(crate) const VALID: [&str; 5] = [
    "examples/energy-report-llm-inference.json",
    "examples/boamps_report-codecarbon.json",
    "codecarbon-3.3.2/boamps-report.json",
    "samples/llm-inference-h100.json",
    "samples/llm-finetuning-a100.json",
];

fn kwh(inv: &Inventory, i: usize) -> f64 {
    inv.workloads[i]
        .energy
        .as_ref()
        .expect("energy")
        .to_str_unit("kWh")
        .expect("energy")
}

#[test]
fn every_valid_report_imports_into_a_valid_inventory_with_nothing_dropped() {
    for name in VALID {
        let file = fixture(name);
        let import = import(std::slice::from_ref(&file));
        let inv = &import.inventory;
        assert!(!inv.workloads.is_empty(), "{name}");
        for w in &inv.workloads {
            let p = w.provenance.as_ref().expect("provenance");
            assert_eq!(p.class, ProvenanceClass::Measured, "{name}");
            assert!(
                p.tool
                    .as_deref()
                    .is_some_and(|t| t.contains("BoAmps report format 0.1")),
                "{p:?}"
            );
            assert!(w.energy.is_some(), "{name}");
        }
        for s in &inv.sites {
            assert_eq!(
                s.provenance.as_ref().map(|p| p.class),
                Some(ProvenanceClass::Disclosed)
            );
        }
        assert!(!import.report.lost.is_empty(), "{name}");
    }
}

#[test]
fn the_inference_sample_maps_its_measure_hardware_place_and_work() {
    let import = import(&[fixture("samples/llm-inference-h100.json")]);
    let inv = &import.inventory;
    assert_eq!(inv.system.name, "llama3.1-70b");
    assert_eq!(inv.system.organisation.as_deref(), Some("bilan"));
    let [w] = inv.workloads.as_slice() else {
        panic!("one workload: {:?}", inv.workloads);
    };
    assert_eq!(&*w.id, "llama3-1-70b-inference");
    assert_eq!(w.phase, Phase::Inference);
    assert!((kwh(inv, 0) - 3.07).abs() < 1e-12);
    assert_eq!(
        w.duration.as_ref().map(ToString::to_string).as_deref(),
        Some("3600 s")
    );
    assert_eq!(
        w.period.map(|p| p.to_string()).as_deref(),
        Some("2026-11-02 to 2026-11-02")
    );
    assert_eq!(w.volume.requests, Some(4200.0));
    assert_eq!(w.volume.tokens_in, Some(2_394_000.0));
    assert_eq!(w.volume.tokens_out, Some(1_512_000.0));
    assert_eq!(w.devices, Some(4.0));
    let r = w.reported.as_ref().expect("reported");
    assert_eq!(
        r.grid_intensity
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("56 g/kWh")
    );
    assert_eq!(
        r.tool,
        "BoAmps report format 0.1 (energy measured by codecarbon 3.3.2)"
    );
    let [fleet] = inv.fleets.as_slice() else {
        panic!("one fleet: {:?}", inv.fleets);
    };
    assert_eq!(fleet.model, "nvidia-h100-sxm-80gb");
    assert_eq!(fleet.count, 4.0);
    assert_eq!(w.fleet.as_deref(), Some(fleet.id.as_str()));
    let [site] = inv.sites.as_slice() else {
        panic!("one site");
    };
    // "paris" names the subdivision FR-75C; methods fall back to FR for factors.
    assert_eq!(site.region.code(), "FR-75C");
    assert_eq!(site.ownership, Ownership::Owned);
    assert_eq!(inv.system.period.start.year(), 2026);
    let lost = |p: &str| import.report.lost.iter().any(|l| l.at == p);
    for p in [
        "/quality",
        "/measures/0/powerCalibrationMeasurement",
        "/measures/0/averageUtilizationGpu",
        "/infrastructure/components/0",
        "/infrastructure/components/2",
        "/infrastructure/components/1/memorySize",
        "/task/algorithms/0/parametersNumber",
        "/system/os",
        "/environment/latitude",
        "/header/reportDatetime",
        "/task/taskFamily",
    ] {
        assert!(lost(p), "{p} not listed: {:#?}", import.report.lost);
    }
    for p in [
        "/measures/0/powerConsumption",
        "/environment/country",
        "/task/nbRequest",
    ] {
        assert!(!lost(p), "{p} is read");
    }
}

#[test]
fn several_measures_become_several_workloads() {
    let import = import(&[fixture("samples/llm-finetuning-a100.json")]);
    let inv = &import.inventory;
    assert_eq!(inv.workloads.len(), 3);
    let total: f64 = (0..3).map(|i| kwh(inv, i)).sum();
    assert!((total - 14.9).abs() < 1e-9);
    assert!(inv.workloads.iter().all(|w| w.phase == Phase::FineTuning));
    assert_eq!(&*inv.workloads[0].id, "llama3-1-8b-fine-tuning-1");
    assert_eq!(inv.sites[0].region.code(), "SE");
    assert_eq!(inv.sites[0].ownership, Ownership::Cloud);
    assert_eq!(inv.sites[0].provider.as_deref(), Some("aws"));
    assert_eq!(inv.fleets[0].model, "nvidia-a100-sxm-80gb");
    assert_eq!(inv.fleets[0].count, 6.0);
    // Text data is not a token count: listed, not kept.
    assert!(import.report.lost.iter().any(|l| l.at == "/task/dataset/0"));
}

#[test]
fn codecarbon_reports_and_unknown_hardware_import_with_notes() {
    let import = import(&[fixture("codecarbon-3.3.2/boamps-report.json")]);
    let inv = &import.inventory;
    assert!(inv.fleets.is_empty());
    assert_eq!(inv.sites[0].region.code(), "FR");
    let upstream = self::import(&[fixture("examples/energy-report-llm-inference.json")]);
    assert!(
        upstream.inventory.fleets.is_empty(),
        "a V100S is not catalogued"
    );
    assert!(
        upstream
            .report
            .notes
            .iter()
            .any(|n| n.contains("Tesla V100S-PCIE-32GB")),
        "{:?}",
        upstream.report.notes
    );
    assert_eq!(upstream.inventory.sites[0].ownership, Ownership::Cloud);
}

#[test]
fn malformed_reports_are_refused_with_their_pointer_and_line() {
    let file = fixture("samples/malformed-missing-measures.json");
    let err = crate::import(Kind::Boamps, std::slice::from_ref(&file), catalogue())
        .expect_err("no measures");
    let text = err.to_string();
    assert!(
        text.contains("measures") && text.contains("BoAmps report schema"),
        "{text}"
    );
    assert_eq!(err.errors[0].key_path.as_deref(), Some("/"));
    assert_eq!(err.errors[0].line, Some(1));

    let file = fixture("samples/malformed-wrong-types.json");
    let err = crate::import(Kind::Boamps, std::slice::from_ref(&file), catalogue())
        .expect_err("wrong types");
    let found: Vec<(String, Option<usize>)> = err
        .errors
        .iter()
        .map(|e| (e.key_path.clone().unwrap_or_default(), e.line))
        .collect();
    for (pointer, line) in [
        ("/infrastructure/components/0/nbComponent", 18),
        ("/infrastructure/infraType", 17),
        ("/measures/0/powerConsumption", 14),
        ("/quality", 20),
        ("/task/dataset/0/dataType", 11),
    ] {
        assert!(
            found.contains(&(pointer.to_owned(), Some(line))),
            "{pointer}: {found:?}"
        );
    }
    assert_eq!(err.errors.len(), 5, "{err:?}");
}

#[test]
fn json_syntax_and_values_the_schema_allows_but_bilan_cannot_are_located() {
    let file = |text: &str| SourceFile {
        name: "r.json".into(),
        text: text.into(),
    };
    let err = crate::import(Kind::Boamps, &[file("{\n\"a\": ")], catalogue()).expect_err("syntax");
    assert!(err.to_string().contains("not a JSON file"), "{err}");
    assert_eq!(err.errors[0].line, Some(2));
    let mut v: serde_json::Value =
        serde_json::from_str(&fixture("samples/llm-inference-h100.json").text).expect("json");
    v["measures"][0]["powerConsumption"] = serde_json::json!(-1.0);
    let text = serde_json::to_string_pretty(&v).expect("json");
    let err = crate::import(Kind::Boamps, &[file(&text)], catalogue()).expect_err("negative");
    assert_eq!(
        err.errors[0].key_path.as_deref(),
        Some("/measures/0/powerConsumption")
    );
    assert!(err.errors[0].line.is_some());
}

#[test]
fn stages_map_to_phases() {
    use super::map::phase_of;
    assert_eq!(phase_of("training"), Some(Phase::Training));
    assert_eq!(phase_of("finetuning"), Some(Phase::FineTuning));
    assert_eq!(phase_of("fine-tuning"), Some(Phase::FineTuning));
    assert_eq!(phase_of("inference"), Some(Phase::Inference));
    assert_eq!(phase_of("preprocessing"), Some(Phase::Development));
    assert_eq!(phase_of("training+inference"), None);
}

/// An assessment with no figures, for round trips that need none.
pub(crate) fn no_figures() -> bilan_core::assessment::Assessment {
    serde_json::from_value(serde_json::json!({
        "method": {"id": "test-method", "version": "1.2.3"},
        "parameters": {},
        "coverage": [
            {"indicator": "gwp", "covered": true},
            {"indicator": "energy", "covered": true},
        ],
        "contributions": [],
        "exclusions": [],
        "assumptions": [],
        "warnings": [],
        "functional-units": [],
        "disclosures": [],
        "factors": [],
    }))
    .expect("an empty assessment")
}

/// The inventory assessed by the ADEME-style method, as `bilan assess` would.
pub(crate) fn assess(inv: &Inventory) -> bilan_core::assessment::Assessment {
    use bilan_core::method::{Methodology, Parameters};
    let factors = bilan_factors::embedded().expect("factors");
    let a = bilan_plugin_ademe::AdemeLca::default()
        .assess(inv, factors, &Parameters::default())
        .unwrap_or_else(|e| panic!("assessment: {e}"));
    a.check().expect("audit trail");
    a
}

pub(crate) fn at() -> jiff::civil::DateTime {
    jiff::civil::date(2026, 12, 2).at(10, 0, 0, 0)
}

/// What a BoAmps report carries of an inventory, to compare round trips.
fn carried(inv: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    for w in &inv.workloads {
        let kwh = w
            .energy
            .as_ref()
            .and_then(|e| e.to_str_unit("kWh").ok())
            .unwrap_or(-1.0);
        let fleet = w.fleet.as_deref().and_then(|f| inv.fleet(f));
        let site = inv.site(&w.site).expect("site");
        out.push(format!(
            "{} {:.9} kWh {:?} {:?} devices {:?} fleet {:?} site {} {:?} {:?} volume {:?}",
            w.phase,
            kwh,
            w.duration.as_ref().and_then(|d| d.to_str_unit("s").ok()),
            w.period.map(|p| p.to_string()),
            w.devices,
            fleet.map(|f| (&f.model, f.count)),
            site.region.code(),
            site.ownership,
            site.provider,
            (
                w.volume.requests,
                w.volume.tokens_in,
                w.volume.tokens_out,
                w.volume.training_tokens
            ),
        ));
    }
    out
}

fn export(inv: &Inventory, a: &bilan_core::assessment::Assessment) -> SourceFile {
    let source = crate::export::Source {
        inventory: inv,
        assessment: a,
        bilan_version: "0.1.0",
        inventory_file: "imported.toml",
    };
    let text = crate::export::boamps::write_at(&source, at()).unwrap_or_else(|e| panic!("{e}"));
    SourceFile {
        name: "exported.json".into(),
        text,
    }
}

#[test]
fn every_fixture_round_trips_through_an_export_that_follows_the_schema() {
    for name in VALID {
        let first = import(&[fixture(name)]);
        let file = export(&first.inventory, &no_figures());
        let value: serde_json::Value = serde_json::from_str(&file.text).expect("json");
        let found = super::schema::violations(&value).expect("schema");
        assert!(found.is_empty(), "{name}: {found:?}");
        let again = import(std::slice::from_ref(&file));
        assert_eq!(
            carried(&first.inventory),
            carried(&again.inventory),
            "{name}"
        );
        assert_eq!(
            first.inventory.system.name, again.inventory.system.name,
            "{name}"
        );
        // And once more: the second export is the first (but for the reporting period an
        // undated report takes from the date it was written, cited in the description).
        let twice = export(&again.inventory, &no_figures());
        let strip = |text: &str| {
            let mut v: serde_json::Value = serde_json::from_str(text).expect("json");
            v["task"]["taskDescription"].take();
            v
        };
        assert_eq!(strip(&file.text), strip(&twice.text), "{name}");
    }
}

#[test]
fn the_export_carries_the_method_figures_and_grid_factor() {
    let first = import(&[fixture("samples/llm-inference-h100.json")]);
    let a = assess(&first.inventory);
    let file = export(&first.inventory, &a);
    let v: serde_json::Value = serde_json::from_str(&file.text).expect("json");
    assert_eq!(
        v["header"]["publisher"]["name"],
        "bilan 0.1.0 (method ademe-lca@1.0.0)"
    );
    assert_eq!(v["header"]["reportDatetime"], "2026-12-02 10:00:00");
    assert_eq!(v["task"]["taskStage"], "inference");
    assert_eq!(v["task"]["nbRequest"], 4200);
    assert_eq!(v["measures"][0]["measurementMethod"], "codecarbon");
    assert_eq!(v["measures"][0]["version"], "3.3.2");
    assert_eq!(v["measures"][0]["powerConsumption"], 3.07);
    assert_eq!(
        v["infrastructure"]["components"][0]["componentName"],
        "4 x NVIDIA H100 80GB HBM3"
    );
    assert_eq!(v["environment"]["country"], "France");
    assert_eq!(v["environment"]["location"], "Paris");
    let description = v["task"]["taskDescription"].as_str().expect("text");
    let total = a.total(bilan_core::indicator::Indicator::Gwp).expect("gwp");
    assert!(
        description.contains(&format!(
            "{} kgCO2e in all",
            crate::model_card::number(total)
        )),
        "{description}"
    );
    let g = v["environment"]["powerSourceCarbonIntensity"]
        .as_f64()
        .expect("a grid factor");
    assert!(g > 10.0 && g < 200.0, "France's grid, g/kWh: {g}");
    // Re-imported, the grid factor is the method's, kept as reported.
    let again = import(std::slice::from_ref(&file));
    let r = again.inventory.workloads[0]
        .reported
        .as_ref()
        .expect("reported");
    let back = r
        .grid_intensity
        .as_ref()
        .and_then(|q| q.to_str_unit("g/kWh").ok());
    assert!(back.is_some_and(|b| (b - g).abs() < 1e-9), "{back:?} {g}");
}

#[test]
fn inventories_the_format_cannot_hold_are_refused() {
    let mut inv = import(&[fixture("samples/llm-inference-h100.json")]).inventory;
    let source = |inv: &Inventory| {
        let a = no_figures();
        let s = crate::export::Source {
            inventory: inv,
            assessment: &a,
            bilan_version: "0.1.0",
            inventory_file: "x.toml",
        };
        crate::export::boamps::write_at(&s, at())
    };
    let mut other = inv.sites[0].clone();
    other.id = "us".into();
    other.region = bilan_core::region::Region::parse("US").expect("US");
    inv.sites.push(other);
    let mut w = inv.workloads[0].clone();
    w.id = "elsewhere".into();
    w.site = "us".into();
    inv.workloads.push(w);
    let err = source(&inv).expect_err("two places");
    assert!(
        err.contains("one environment") && err.contains("site `us`"),
        "{err}"
    );
    inv.workloads.clear();
    assert!(source(&inv).expect_err("nothing").contains("no workload"));
}

/// Every leaf of a JSON value, by JSON pointer.
fn leaves(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                leaves(x, format!("{at}/{k}"), out);
            }
        }
        serde_json::Value::Array(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(at),
    }
}

#[test]
fn every_field_is_read_or_listed_as_lost() {
    let file = fixture("samples/llm-inference-h100.json");
    let import = import(std::slice::from_ref(&file));
    let value: serde_json::Value = serde_json::from_str(&file.text).expect("json");
    let mut all = Vec::new();
    leaves(&value, String::new(), &mut all);
    let read = [
        "/header/formatVersion",
        "/header/reportId",
        "/header/publisher/name",
        "/task/taskStage",
        "/task/nbRequest",
        "/task/algorithms/0/foundationModelName",
        "/task/dataset/0/dataUsage",
        "/task/dataset/0/dataType",
        "/task/dataset/0/dataQuantity",
        "/task/dataset/1/dataUsage",
        "/task/dataset/1/dataType",
        "/task/dataset/1/dataQuantity",
        "/task/taskDescription",
        "/measures/0/measurementMethod",
        "/measures/0/version",
        "/measures/0/powerConsumption",
        "/measures/0/measurementDuration",
        "/measures/0/measurementDateTime",
        "/infrastructure/infraType",
        "/infrastructure/components/1/componentName",
        "/infrastructure/components/1/componentType",
        "/infrastructure/components/1/nbComponent",
        "/infrastructure/components/1/share",
        "/environment/country",
        "/environment/location",
        "/environment/powerSourceCarbonIntensity",
    ];
    let lost = |p: &str| {
        import
            .report
            .lost
            .iter()
            .any(|l| p == l.at || p.starts_with(&format!("{}/", l.at)))
    };
    for p in &all {
        assert!(
            read.contains(&p.as_str()) != lost(p),
            "{p}: read {} and lost {}",
            read.contains(&p.as_str()),
            lost(p)
        );
    }
}
