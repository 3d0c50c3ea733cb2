use std::path::Path;

use super::*;

fn fixture(rel: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interop")
        .join(rel);
    SourceFile::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn catalogue() -> &'static Catalogue {
    Catalogue::embedded().expect("catalogue")
}

#[test]
fn codecarbon_3x_and_2x_files_import_into_a_valid_inventory() {
    for name in [
        "codecarbon/emissions-3x.csv",
        "codecarbon/emissions-2x.csv",
        "codecarbon/emissions-3x-cloud.csv",
        "codecarbon/emissions-2x-cloud.csv",
    ] {
        let file = fixture(name);
        let import = import(Kind::Codecarbon, std::slice::from_ref(&file), catalogue())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let inv = &import.inventory;
        assert!(!inv.workloads.is_empty(), "{name}");
        for w in &inv.workloads {
            let p = w.provenance.as_ref().expect("provenance");
            assert_eq!(p.class, bilan_core::inventory::ProvenanceClass::Measured);
            assert!(
                p.tool
                    .as_deref()
                    .is_some_and(|t| t.starts_with("codecarbon ")),
                "{p:?}"
            );
            let r = w.reported.as_ref().expect("reported");
            assert!(
                r.gwp.is_some() && r.grid_intensity.is_some(),
                "{name}: {r:?}"
            );
            assert!(w.energy.is_some() && w.duration.is_some() && w.period.is_some());
        }
        // Nothing silently dropped: every column bilan does not keep is listed.
        assert!(
            import
                .report
                .lost
                .iter()
                .any(|l| l.what.contains("cpu_model")),
            "{name}"
        );
    }
}

#[test]
fn malformed_codecarbon_files_are_refused_with_their_row() {
    for (name, needle) in [
        (
            "codecarbon/emissions-malformed-missing-column.csv",
            "energy_consumed",
        ),
        ("codecarbon/emissions-malformed-non-numeric.csv", "`n/a`"),
        (
            "codecarbon/emissions-malformed-unknown-header.csv",
            "not a CodeCarbon emissions.csv",
        ),
    ] {
        let file = fixture(name);
        let err = import(Kind::Codecarbon, std::slice::from_ref(&file), catalogue())
            .expect_err(name)
            .to_string();
        assert!(err.contains(needle), "{name}: {err}");
    }
}

/// The TOML written workload by workload is the same document as one written whole: for
/// every bundled example, both parse to the same table (the workloads come last).
#[test]
fn toml_written_workload_by_workload_is_the_same_document() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&examples).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let file = SourceFile::read(&path).expect("example");
        let inventory = bilan_io::load_inventory(&file).expect("valid");
        let whole: toml::Table =
            toml::from_str(&toml::to_string(&inventory).expect("whole")).expect("parses");
        let written = draft::write(&inventory, bilan_io::Format::Toml).expect("written");
        let pieces: toml::Table = toml::from_str(&written).expect("parses");
        assert_eq!(whole, pieces, "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 5, "{seen} examples");
}
