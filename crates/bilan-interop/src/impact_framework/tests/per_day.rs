//! `--per day`: observations summed per leaf and UTC day only where nothing but their
//! additive terms differ, to the same figures; and the streamed reading's order rules.

use bilan_hardware::Catalogue;
use bilan_io::SourceFile;

use super::{assess, fixture, import_file, messages, sci_g};
use crate::{Import, Kind, Per};

fn per_day(file: &SourceFile) -> Import {
    crate::import_per(
        Kind::ImpactFramework,
        std::slice::from_ref(file),
        Catalogue::embedded().expect("catalogue"),
        Per::Day,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", file.name))
}

#[test]
fn a_day_of_observations_is_one_workload_where_only_additive_terms_differ() {
    for name in ["sci-manifest.yml", "sci-output.yml"] {
        let file = fixture(name);
        let day = per_day(&file);
        let ids: Vec<&str> = day.inventory.workloads.iter().map(|w| &*w.id).collect();
        // The FR server's four hours share their intensity: one workload. The DE server's
        // intensity changes every hour: four.
        assert_eq!(
            ids,
            [
                "inference-fr-h100-2026-11-02",
                "inference-de-l40s-1",
                "inference-de-l40s-2",
                "inference-de-l40s-3",
                "inference-de-l40s-4"
            ],
            "{name}"
        );
        let fr = &day.inventory.workloads[0];
        let p = fr.provenance.as_ref().expect("provenance");
        assert_eq!(
            p.fields["observations"],
            "4 observations summed: inputs[0] to inputs[3] (energy, duration, time reserved and functional units)",
            "{:?}",
            p.fields
        );
        assert_eq!(p.at, "tree.children.inference-fr-h100.inputs[0]");
        // The same figures as one workload per observation.
        let each = assess(&import_file(&file).inventory);
        let summed = assess(&day.inventory);
        let (a, b) = (sci_g(&each, "requests"), sci_g(&summed, "requests"));
        assert!((a - b).abs() <= 1e-12 * a.abs(), "{name}: {a} against {b}");
        if name == "sci-output.yml" {
            let reported = fr.reported.as_ref().expect("IF's figures, summed");
            assert!(
                reported.gwp.is_some() && reported.energy.is_some(),
                "{reported:?}"
            );
        }
    }
}

#[test]
fn only_impact_framework_observations_are_summed_per_day() {
    let file = SourceFile {
        name: "emissions.csv".to_owned(),
        text: String::new(),
    };
    let e = crate::import_per(
        Kind::Codecarbon,
        std::slice::from_ref(&file),
        Catalogue::embedded().expect("catalogue"),
        Per::Day,
    )
    .expect_err("codecarbon per day");
    assert!(
        messages(&e).contains("only Impact Framework observations"),
        "{}",
        messages(&e)
    );
}

/// The fixture with `edit` applied to its text.
fn edited(edit: impl Fn(&str) -> String) -> SourceFile {
    let f = fixture("sci-manifest.yml");
    SourceFile {
        name: f.name,
        text: edit(&f.text),
    }
}

#[test]
fn what_a_leaf_inherits_must_come_before_its_observations() {
    // The FR server's defaults moved to the tree, after its children: the server was read
    // without them.
    let late = edited(|t| {
        let start = t
            .find("      defaults:\n        cloud/region: FR")
            .expect("defaults");
        let end = start + t[start..].find("      inputs:").expect("inputs");
        let moved: String = t[start..end]
            .lines()
            .map(|l| format!("{}\n", &l[4..]))
            .collect();
        format!("{}{}{moved}", &t[..start], &t[end..])
    });
    let e = super::refusal(&late);
    assert!(
        messages(&e).contains("written after the node's observations"),
        "{}",
        messages(&e)
    );
    // `execution` after the tree: the leaves were read as an input manifest's.
    let run = edited(|t| format!("{t}execution:\n  status: success\n"));
    let e = super::refusal(&run);
    assert!(
        messages(&e).contains("`execution` comes after `tree`"),
        "{}",
        messages(&e)
    );
    // `initialize` after the tree: nothing is read early, the manifest is read whole.
    let moved = edited(|t| {
        let (start, end) = (
            t.find("initialize:").expect("initialize"),
            t.find("tree:").expect("tree"),
        );
        format!("{}{}{}", &t[..start], &t[end..], &t[start..end])
    });
    assert_eq!(import_file(&moved).inventory.workloads.len(), 8);
}

#[test]
fn an_import_written_as_json_has_one_item_per_line_and_reads_back_the_same() {
    let file = fixture("sci-manifest.yml");
    let expected = import_file(&file).inventory;
    let checked = crate::import_checked(
        Kind::ImpactFramework,
        vec![file],
        Catalogue::embedded().expect("catalogue"),
        Per::Observation,
    )
    .expect("import");
    assert_eq!(checked.inventory.workloads.len(), 8);
    for format in [bilan_io::Format::Json, bilan_io::Format::Toml] {
        let mut out = Vec::new();
        checked.write(format, &mut out).expect("written");
        let text = String::from_utf8(out).expect("UTF-8");
        // What is written reads back, as `bilan validate` reads it, to the same inventory.
        let name = match format {
            bilan_io::Format::Json => "import.json",
            bilan_io::Format::Toml => "import.toml",
        };
        let read = bilan_io::load_inventory(&SourceFile {
            name: name.to_owned(),
            text: text.clone(),
        })
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(
            serde_json::to_value(&read).expect("value"),
            serde_json::to_value(&expected).expect("value"),
            "{name}"
        );
        if format == bilan_io::Format::Json {
            let lines: Vec<&str> = text.lines().collect();
            let workloads = lines
                .iter()
                .filter(|l| l.starts_with("    {\"id\":") && l.contains("\"phase\":"))
                .count();
            assert_eq!(workloads, 8, "{text}");
            assert!(lines.contains(&"  \"workload\":["), "{text}");
        }
    }
}
