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

/// `file` with the cell of `column` on data row `row` (0 the first) set to `value`, or the
/// row cut just before `column` when `value` is `None`.
fn edited(file: &SourceFile, row: usize, column: &str, value: Option<&str>) -> SourceFile {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(file.text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let i = header.iter().position(|h| h == column).expect("column");
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    writer.write_record(&header).expect("header");
    for (n, record) in reader.records().enumerate() {
        let mut cells: Vec<String> = record.expect("row").iter().map(str::to_owned).collect();
        if n == row {
            match value {
                Some(v) => cells[i] = v.to_owned(),
                None => cells.truncate(i),
            }
        }
        writer.write_record(&cells).expect("row");
    }
    SourceFile {
        name: format!("edited-{column}.csv"),
        text: String::from_utf8(writer.into_inner().expect("written")).expect("utf-8"),
    }
}

fn refused(file: &SourceFile) -> bilan_io::FileErrors {
    import(Kind::Codecarbon, std::slice::from_ref(file), catalogue()).expect_err(&file.name)
}

/// A run without its energy, duration, date or CodeCarbon's emissions is missing data: it
/// is refused on its line and column, never left out of an import that succeeds.
#[test]
fn a_run_with_an_empty_required_cell_is_refused_on_its_line() {
    let file = fixture("codecarbon/emissions-3x.csv");
    for column in ["energy_consumed", "duration", "timestamp", "emissions"] {
        for (value, found) in [(Some(""), "empty"), (Some("  "), "empty"), (None, "stops")] {
            if value.is_none() && column == "timestamp" {
                continue; // the first column: a row cut before it is no row
            }
            let err = refused(&edited(&file, 1, column, value));
            // The header is line 1, so the second run is on line 3. A row cut before the
            // column lacks the required columns after it too.
            assert!(
                err.errors.iter().all(|e| e.line == Some(3)),
                "{column} {value:?}: {err:?}"
            );
            assert!(
                err.errors
                    .iter()
                    .any(|e| e.message.contains(&format!("column `{column}`"))
                        && e.message.contains(found)),
                "{column} {value:?}: {err:?}"
            );
            if value.is_some() {
                assert_eq!(err.errors.len(), 1, "{column} {value:?}: {err:?}");
            }
        }
    }
    // The energy columns the file has are filled for every run: an empty one is missing
    // data, not a zero.
    for column in ["cpu_energy", "gpu_energy", "ram_energy"] {
        let err = refused(&edited(&file, 1, column, Some("")));
        assert_eq!(err.errors.len(), 1, "{column}: {err:?}");
        assert!(
            err.errors[0].line == Some(3)
                && err.errors[0]
                    .message
                    .contains(&format!("column `{column}`"))
                && err.errors[0].message.contains("empty"),
            "{column}: {err:?}"
        );
    }
    // Columns a run may leave empty still read.
    let rate = edited(&file, 1, "emissions_rate", Some(""));
    let runs = import(Kind::Codecarbon, std::slice::from_ref(&rate), catalogue()).expect("read");
    let all = import(Kind::Codecarbon, std::slice::from_ref(&file), catalogue()).expect("read");
    assert_eq!(
        runs.inventory.workloads.len(),
        all.inventory.workloads.len()
    );
}

/// Errors and provenance name the same line whether the file ends its lines with `\n` or
/// `\r\n`.
#[test]
fn lines_are_the_same_in_a_crlf_file() {
    let lf = fixture("codecarbon/emissions-malformed-non-numeric.csv");
    let crlf = SourceFile {
        name: lf.name.clone(),
        text: lf.text.replace('\n', "\r\n"),
    };
    let lines = |f: &SourceFile| -> Vec<Option<usize>> {
        refused(f).errors.iter().map(|e| e.line).collect()
    };
    assert_eq!(lines(&lf), [Some(3)]);
    assert_eq!(lines(&crlf), lines(&lf));

    let lf = fixture("codecarbon/emissions-3x.csv");
    let crlf = SourceFile {
        name: lf.name.clone(),
        text: lf.text.replace('\n', "\r\n"),
    };
    let rows = |f: &SourceFile| -> Vec<String> {
        import(Kind::Codecarbon, std::slice::from_ref(f), catalogue())
            .expect("read")
            .inventory
            .workloads
            .iter()
            .filter_map(|w| w.provenance.as_ref().map(|p| p.at.clone()))
            .collect()
    };
    assert_eq!(rows(&lf), ["row 2", "row 3", "row 4"]);
    assert_eq!(rows(&crlf), rows(&lf));
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

/// An importer that produced an invalid inventory is caught before anything is written, with
/// the key that fails and the files it was read from.
#[test]
fn an_invalid_import_is_refused_in_memory_naming_the_key_and_the_files() {
    let file = fixture("codecarbon/emissions-3x.csv");
    let mut inventory = import(Kind::Codecarbon, std::slice::from_ref(&file), catalogue())
        .expect("import")
        .inventory;
    assert!(draft::validated(&inventory, &["emissions.csv"]).is_ok());
    inventory.workloads[0].site = "nowhere".to_owned();
    let errors = draft::validated(&inventory, &["emissions.csv"]).expect_err("refused");
    let text = format!("{errors:?}");
    assert!(
        text.contains("emissions.csv")
            && text.contains("workload[0].site")
            && text.contains("a defect of the importer"),
        "{text}"
    );
}
