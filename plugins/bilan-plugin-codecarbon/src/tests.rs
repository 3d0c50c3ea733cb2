use std::path::Path;

use bilan_core::indicator::Indicator;
use bilan_core::method::{Methodology, Parameters};

use super::*;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn imported(name: &str) -> Inventory {
    let file =
        bilan_io::SourceFile::read(&root().join("tests/fixtures/interop/codecarbon").join(name))
            .expect("fixture");
    bilan_interop::import(
        bilan_interop::Kind::Codecarbon,
        &[file],
        bilan_hardware::Catalogue::embedded().expect("catalogue"),
    )
    .expect("imports")
    .inventory
}

fn assess(inv: &Inventory) -> Assessment {
    let a = CodeCarbon::default()
        .assess(
            inv,
            bilan_factors::embedded().expect("factors"),
            &Parameters::default(),
        )
        .expect("assesses");
    a.check().expect("the trail reproduces every value");
    a
}

#[test]
fn the_reproduction_equals_what_codecarbon_recorded() {
    for name in [
        "emissions-3x.csv",
        "emissions-2x.csv",
        "emissions-3x-cloud.csv",
        "emissions-2x-cloud.csv",
    ] {
        let inv = imported(name);
        let a = assess(&inv);
        let reported: f64 = inv
            .workloads
            .iter()
            .filter_map(|w| w.reported.as_ref()?.gwp.as_ref()?.to(&units::KG).ok())
            .sum();
        let total = a.total(Indicator::Gwp).expect("gwp");
        assert!(
            (total / reported - 1.0).abs() < 1e-9,
            "{name}: {total} vs {reported}"
        );
        let d = a
            .disclosures
            .iter()
            .find(|d| d.id == "codecarbon-reported")
            .expect("the reported figure is disclosed");
        assert!((d.value.unwrap_or(0.0) - reported).abs() < 1e-15);
    }
}

#[test]
fn without_a_record_it_takes_the_database_intensity_and_pue_one() {
    let mut inv = imported("emissions-3x.csv");
    for w in &mut inv.workloads {
        w.reported = None;
    }
    let a = assess(&inv);
    assert!(a.total(Indicator::Gwp).is_some_and(|g| g > 0.0));
    assert!(
        a.factors
            .iter()
            .all(|f| !f.id.starts_with("inventory:workload"))
    );
    assert!(a.assumptions.iter().any(|x| x.text.contains("default-pue")));
}
