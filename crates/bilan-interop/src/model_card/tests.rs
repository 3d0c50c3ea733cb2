//! The model-card importer on the fixtures of `tests/fixtures/interop/model-card/`.

use std::path::Path;

use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Phase, ProvenanceClass};
use bilan_hardware::Catalogue;
use bilan_io::SourceFile;

use crate::{Import, Kind};

pub(crate) fn fixture(rel: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interop/model-card")
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

pub(crate) fn import(name: &str) -> Import {
    let file = fixture(name);
    crate::import(Kind::ModelCard, std::slice::from_ref(&file), catalogue())
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// The disclosed emissions of the one service, in grams.
fn grams(import: &Import) -> f64 {
    let [service] = import.inventory.services.as_slice() else {
        panic!("one service: {:?}", import.inventory.services);
    };
    service.allocated[&Indicator::Gwp]
        .value
        .to_str_unit("g")
        .expect("a mass")
}

#[test]
fn the_full_form_becomes_a_disclosed_service_and_a_site() {
    let import = import("full-codecarbon.md");
    let inv = &import.inventory;
    assert_eq!(inv.system.name, "llama-3.1-8b-alpaca-lora (fixture)");
    assert!(inv.workloads.is_empty() && inv.fleets.is_empty());
    assert!((grams(&import) - 536.4).abs() < 1e-9);
    let s = &inv.services[0];
    assert_eq!(s.phase, Some(Phase::FineTuning));
    let gwp = &s.allocated[&Indicator::Gwp];
    assert_eq!(gwp.value.to_string(), "536.4 gCO2e");
    assert!(gwp.source.contains("CodeCarbon 3.3.2"), "{}", gwp.source);
    assert!(gwp.source.contains("full-codecarbon.md"), "{}", gwp.source);
    assert!(
        s.description.contains("6 x NVIDIA A100-SXM4-80GB"),
        "{}",
        s.description
    );
    let [site] = inv.sites.as_slice() else {
        panic!("one site: {:?}", inv.sites);
    };
    assert_eq!(site.region.code(), "SE");
    let p = site.provenance.as_ref().expect("provenance");
    assert_eq!(p.class, ProvenanceClass::Disclosed);
    assert_eq!(p.at, "co2_eq_emissions.geographical_location");
    let notes = import.report.notes.join("\n");
    assert!(notes.contains("nvidia-a100-sxm-80gb"), "{notes}");
    assert!(notes.contains("language, license"), "{notes}");
    // The body's Environmental Impact section is listed, line by line.
    let lost: Vec<&str> = import.report.lost.iter().map(|l| l.at.as_str()).collect();
    assert!(lost.contains(&"line 24"), "{lost:?}");
    assert!(
        import
            .report
            .lost
            .iter()
            .any(|l| l.what.contains("Hours used")),
        "{:?}",
        import.report.lost
    );
}

#[test]
fn integers_minimal_and_short_forms_read_in_grams() {
    let paper = import("pretraining-paper.md");
    assert_eq!(grams(&paper), 24_600_000.0);
    assert_eq!(paper.inventory.services[0].phase, Some(Phase::Training));
    assert_eq!(paper.inventory.sites[0].region.code(), "CA-QC");
    // "512 NVIDIA H100 80GB GPUs for 21 days" is not a certain device description.
    assert!(
        paper
            .report
            .notes
            .iter()
            .any(|n| n.contains("not a device the hardware catalogue knows")),
        "{:?}",
        paper.report.notes
    );

    let minimal = import("emissions-only.md");
    assert!((grams(&minimal) - 1.2345).abs() < 1e-12);
    assert!(minimal.inventory.sites.is_empty());
    assert!(
        minimal
            .report
            .notes
            .iter()
            .any(|n| n.contains("no `training_type`")),
        "{:?}",
        minimal.report.notes
    );

    let short = import("short-form.md");
    assert!((grams(&short) - 0.0231).abs() < 1e-12);
    assert_eq!(
        short.inventory.system.name,
        "Model Trained Using AutoTrain (fixture)"
    );
    assert!(
        short
            .report
            .lost
            .iter()
            .any(|l| l.what.contains("CO2 Emissions (in grams)")),
        "{:?}",
        short.report.lost
    );
}

#[test]
fn malformed_cards_are_refused_at_their_line() {
    for (name, line, needles) in [
        (
            "malformed-emissions-with-unit.md",
            Some(4),
            &[
                "co2_eq_emissions.emissions",
                "`1.2 kg` is a string",
                "write 1200",
            ][..],
        ),
        (
            "malformed-missing-emissions.md",
            Some(4),
            &["co2_eq_emissions.emissions", "missing"][..],
        ),
        ("malformed-front-matter.md", Some(1), &["never closed"][..]),
    ] {
        let file = fixture(name);
        let err = crate::import(Kind::ModelCard, std::slice::from_ref(&file), catalogue())
            .expect_err(name);
        let [e] = err.errors.as_slice() else {
            panic!("{name}: one error: {err:?}");
        };
        let text = e.to_string();
        for n in needles {
            assert!(text.contains(n), "{name}: {text}");
        }
        assert_eq!(e.line, line, "{name}: {text}");
    }
}

#[test]
fn wrong_types_and_other_keys_are_located_or_listed() {
    let card = |text: &str| SourceFile {
        name: "README.md".into(),
        text: text.into(),
    };
    let bad =
        card("---\nco2_eq_emissions:\n  emissions: 3\n  hardware_used: [1 x NVIDIA L4]\n---\n");
    let err = crate::import(Kind::ModelCard, &[bad], catalogue()).expect_err("list");
    let text = err.to_string();
    assert!(
        text.contains("co2_eq_emissions.hardware_used") && text.contains("a string"),
        "{text}"
    );
    assert_eq!(err.errors[0].line, Some(4));

    let odd = card(
        "---\nco2_eq_emissions:\n  emissions: 3\n  hours_used: 12\n  training_type: distillation\n  geographical_location: San Francisco, CA\ncarbon_footprint_kg: 1\nlicense: mit\n---\n",
    );
    let import = crate::import(Kind::ModelCard, &[odd], catalogue()).expect("imports");
    let lost: Vec<String> = import
        .report
        .lost
        .iter()
        .map(|l| format!("{} | {}", l.at, l.what))
        .collect();
    assert!(
        lost.iter()
            .any(|l| l.starts_with("co2_eq_emissions.hours_used (line 4)")),
        "{lost:?}"
    );
    assert!(lost.iter().any(|l| l.contains("distillation")), "{lost:?}");
    assert!(
        lost.iter()
            .any(|l| l.starts_with("carbon_footprint_kg (line 7)")),
        "{lost:?}"
    );
    assert!(
        import.inventory.sites.is_empty(),
        "CA is California here, not Canada"
    );
    assert_eq!(import.inventory.services[0].phase, Some(Phase::Training));

    let negative = card("---\nco2_eq_emissions: -3\n---\n");
    assert!(crate::import(Kind::ModelCard, &[negative], catalogue()).is_err());
    let text = card("---\nco2_eq_emissions: lots\n---\n");
    let err = crate::import(Kind::ModelCard, &[text], catalogue()).expect_err("text");
    assert!(
        err.to_string().contains("a mapping with `emissions`"),
        "{err}"
    );
    let none = card("---\nlicense: mit\n---\n");
    let err = crate::import(Kind::ModelCard, &[none], catalogue()).expect_err("none");
    assert!(err.to_string().contains("no `co2_eq_emissions`"), "{err}");
}

#[test]
fn several_cards_make_one_inventory() {
    let files = [
        fixture("full-codecarbon.md"),
        fixture("pretraining-paper.md"),
    ];
    let import = crate::import(Kind::ModelCard, &files, catalogue()).expect("imports");
    assert_eq!(import.inventory.services.len(), 2);
    assert_eq!(import.inventory.sites.len(), 2);
    assert_eq!(
        import.inventory.system.name,
        "Models disclosed in 2 model cards"
    );
}

#[test]
fn a_card_round_trips_through_the_export() {
    let first = import("full-codecarbon.md");
    let a = crate::boamps::tests::assess(&first.inventory);
    let text = crate::export::model_card::write(&crate::export::Source {
        inventory: &first.inventory,
        assessment: &a,
        bilan_version: "0.1.0",
        inventory_file: "imported.toml",
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let file = SourceFile {
        name: "README.md".into(),
        text,
    };
    let again = crate::import(Kind::ModelCard, std::slice::from_ref(&file), catalogue())
        .unwrap_or_else(|e| panic!("{e}: {}", file.text));
    assert!((grams(&again) - 536.4).abs() < 1e-9, "{}", file.text);
    assert_eq!(again.inventory.services[0].phase, Some(Phase::FineTuning));
    assert_eq!(again.inventory.sites[0].region.code(), "SE");
    assert!(
        file.text.contains("training_type: \"fine-tuning\""),
        "{}",
        file.text
    );
}

#[test]
fn the_disclosed_emissions_carry_their_provenance() {
    for name in ["full-codecarbon.md", "short-form.md", "emissions-only.md"] {
        let import = import(name);
        let p = import.inventory.services[0]
            .provenance
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no provenance"));
        assert_eq!(p.class, ProvenanceClass::Disclosed, "{name}");
        assert_eq!(p.file, name);
        assert!(p.at.starts_with("co2_eq_emissions"), "{name}: {}", p.at);
    }
}
