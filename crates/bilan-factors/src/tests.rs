use bilan_core::factor::{Basis, Boundary, FactorQuery, Lookup};
use bilan_core::indicator::Indicator;
use bilan_core::region::Region;
use bilan_io::SourceFile;

use super::*;

fn db() -> &'static FactorSet {
    embedded().expect("embedded database loads")
}

fn region(code: &str) -> Region {
    Region::parse(code).expect("valid region")
}

fn found<'a>(lookup: Lookup<'a>) -> bilan_core::factor::Resolved<'a> {
    match lookup {
        Lookup::Found(r) => r,
        other => panic!("expected a factor, got {other:?}"),
    }
}

#[test]
fn embedded_database_covers_the_required_data() {
    let set = db();
    let lc_countries = set
        .factors()
        .iter()
        .filter(|f| {
            f.subject == "electricity/grid"
                && f.indicator == Some(Indicator::Gwp)
                && f.boundary == Boundary::LifeCycle
        })
        .filter(|f| !f.region.is_world())
        .count();
    assert!(lc_countries >= 40, "{lc_countries} countries");
    assert_eq!(
        lc_countries, 213,
        "every row of the lifecycle extract but the world row maps to a country"
    );
    for state in ["US-VA", "US-IA", "US-OR", "US-TX", "US-GA", "US-AZ"] {
        assert!(
            set.factors()
                .iter()
                .any(|f| f.region.code() == state && f.boundary == Boundary::Combustion),
            "{state}"
        );
    }
    assert!(
        set.factors()
            .iter()
            .any(|f| f.indicator == Some(Indicator::Water) && f.region.code() == "FR")
    );
    for model in [
        "nvidia-a100-sxm-40gb",
        "nvidia-h100-sxm-80gb",
        "nvidia-h200-141gb",
        "nvidia-b200-192gb",
        "gpu-server-8gpu-base",
    ] {
        assert!(
            set.for_subject(&format!("hardware/{model}"))
                .next()
                .is_some(),
            "{model}"
        );
    }
    assert!(
        set.for_subject("datacentre/pue/industry-average")
            .next()
            .is_some()
    );
    assert!(
        set.for_subject("datacentre/wue/us-average")
            .next()
            .is_some()
    );
    for f in set.factors() {
        assert!(
            !f.citation.is_empty() && !f.licence.is_empty() && !f.attribution.is_empty(),
            "{}",
            f.id
        );
    }
}

#[test]
fn life_cycle_lookup_never_picks_up_a_combustion_rate() {
    let r = found(db().lookup(&FactorQuery {
        subject: "electricity/grid",
        indicator: Some(Indicator::Gwp),
        region: &region("US-VA"),
        boundaries: &[Boundary::LifeCycle],
        preference: &[],
    }));
    assert_eq!(r.factor.region.code(), "US");
    assert_eq!(r.factor.boundary, Boundary::LifeCycle);
    assert_eq!(r.fallback, vec![region("US-VA")]);

    let r = found(db().lookup(&FactorQuery {
        subject: "electricity/grid",
        indicator: Some(Indicator::Gwp),
        region: &region("US-VA"),
        boundaries: &[Boundary::Combustion],
        preference: &[],
    }));
    assert_eq!(r.factor.region.code(), "US-VA");
    assert!(
        (r.factor.value.value() - 244.757).abs() < 0.01,
        "{}",
        r.factor.value
    );
    assert!(r.fallback.is_empty());

    // No combustion rate outside the US: the walk ends without one rather than borrowing a
    // life-cycle figure.
    match db().lookup(&FactorQuery {
        subject: "electricity/grid",
        indicator: Some(Indicator::Gwp),
        region: &region("FR"),
        boundaries: &[Boundary::Combustion],
        preference: &[],
    }) {
        Lookup::Missing { tried, refused } => {
            assert_eq!(tried, vec![region("FR"), Region::world()]);
            assert!(refused.iter().all(|f| f.boundary == Boundary::LifeCycle));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_region_falls_back_to_the_world_and_says_so() {
    let r = found(db().lookup(&FactorQuery {
        subject: "electricity/grid",
        indicator: Some(Indicator::Water),
        region: &region("SG"),
        boundaries: &[Boundary::GenerationConsumption],
        preference: &[],
    }));
    assert!(r.factor.region.is_world());
    assert_eq!(r.fallback, vec![region("SG")]);
    assert_eq!(r.factor.quality, Quality::Unverified);
}

#[test]
fn disagreeing_sources_are_both_kept_and_chosen_by_preference() {
    let h100 = region("WORLD");
    let q = |indicator, preference: &'static [Basis]| FactorQuery {
        subject: "hardware/nvidia-h100-sxm-80gb",
        indicator: Some(indicator),
        region: &h100,
        boundaries: &[Boundary::CradleToGate, Boundary::CradleToGraveExclUse],
        preference,
    };
    let gwp = found(db().lookup(&q(Indicator::Gwp, &Basis::EMBODIED_PREFERENCE)));
    assert_eq!(gwp.factor.basis, Basis::VendorPcfIso14067);
    assert_eq!(gwp.factor.value.value(), 164.0);
    assert_eq!(gwp.alternatives.len(), 1);
    assert_eq!(gwp.alternatives[0].value.value(), 273.0);
    let parametric_first = found(db().lookup(&q(Indicator::Gwp, &[Basis::ParametricModel])));
    assert_eq!(parametric_first.factor.value.value(), 273.0);
    let adpe = found(db().lookup(&q(Indicator::Adpe, &Basis::EMBODIED_PREFERENCE)));
    assert_eq!(adpe.factor.basis, Basis::ParametricModel);
}

#[test]
fn absences_are_reported_not_zero() {
    match db().lookup(&FactorQuery {
        subject: "electricity/grid",
        indicator: Some(Indicator::Adpe),
        region: &region("FR"),
        boundaries: &[Boundary::LifeCycle],
        preference: &[],
    }) {
        Lookup::Absent { reason, region } => {
            assert!(region.is_world());
            assert!(reason.contains("ADPe"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn user_layers_win_and_are_recorded() {
    let dir = std::env::temp_dir().join(format!("bilan-factors-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("fr.toml");
    std::fs::write(
        &path,
        r#"schema = 1
[[factor]]
id = "ademe-base-carbone-fr-mix-2022"
subject = "electricity/grid"
indicator = "gwp"
value = "52 gCO2e/kWh"
boundary = "life-cycle"
region = "FR"
year = 2022
basis = "dataset"
dataset = "ADEME Base Carbone"
citation = "ADEME Base Carbone, mix moyen consommation France continentale 2022"
licence = "Licence Ouverte / Etalab 2.0"
attribution = "ADEME - Base Carbone"
"#,
    )
    .expect("write");
    let set = load(&[&path]).expect("loads");
    let r = found(set.lookup(&FactorQuery {
        subject: "electricity/grid",
        indicator: Some(Indicator::Gwp),
        region: &region("FR"),
        boundaries: &[Boundary::LifeCycle],
        preference: &[],
    }));
    assert_eq!(r.factor.id, "ademe-base-carbone-fr-mix-2022");
    assert_eq!(set.overrides().len(), 1);
    assert_eq!(
        set.overrides()[0].replaced,
        vec!["owid-ember-fr-grid-gwp-2023".to_owned()]
    );
    assert!(set.version().ends_with("+fr.toml"), "{}", set.version());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_factor_files_name_the_key_and_line() {
    let file = SourceFile {
        name: "mine.toml".into(),
        text: "schema = 1\n[[factor]]\nid = \"x\"\nsubject = \"hardware/foo\"\nindicator = \"gwp\"\nvalue = \"12 kWh\"\nboundary = \"cradle-to-gate\"\nregion = \"WORLD\"\nyear = 2024\nbasis = \"user\"\ndataset = \"d\"\ncitation = \"c\"\nlicence = \"l\"\nattribution = \"a\"\ncolour = \"blue\"\n".into(),
    };
    let err = parse_factor_file(&file).expect_err("refused");
    assert_eq!(
        err.errors[0].to_string(),
        "mine.toml:15: factor[0].colour: unknown key `colour`"
    );
    let file = SourceFile {
        text: file.text.replace("colour = \"blue\"\n", ""),
        ..file
    };
    let err = parse_factor_file(&file).expect_err("refused");
    assert_eq!(
        err.errors[0].to_string(),
        "mine.toml:6: factor[0].value: `12 kWh` is energy, expected mass per device (e.g. kg/device) for subject `hardware/foo`"
    );
}

#[test]
fn factors_for_subjects_no_method_looks_up_are_refused() {
    let file = SourceFile {
        name: "mine.toml".into(),
        text: "schema = 1\n[[factor]]\nid = \"x\"\nsubject = \"fuel/diesel\"\nindicator = \"gwp\"\nvalue = \"2.7 kgCO2e/L\"\nboundary = \"combustion\"\nregion = \"WORLD\"\nyear = 2024\nbasis = \"user\"\ndataset = \"d\"\ncitation = \"c\"\nlicence = \"l\"\nattribution = \"a\"\n".into(),
    };
    let err = parse_factor_file(&file).expect_err("refused");
    assert!(
        err.errors[0].to_string().starts_with(
            "mine.toml:4: factor[0].subject: `fuel/diesel` is not a subject bilan's methods look up"
        ),
        "{}",
        err.errors[0]
    );
}

#[test]
fn every_catalogued_device_has_embodied_figures_or_stated_absences() {
    // An import or an estimator names catalogue ids: each must be a hardware model the
    // methods know (a figure or an explicit absence per indicator), or the inventory would
    // be refused or treated differently by each method.
    let db = embedded().expect("database");
    let catalogue = bilan_hardware::Catalogue::embedded().expect("catalogue");
    for device in catalogue.devices() {
        let subject = format!("hardware/{}", device.id);
        for indicator in [
            Indicator::Gwp,
            Indicator::Adpe,
            Indicator::Adpf,
            Indicator::Water,
        ] {
            let found = db
                .for_subject(&subject)
                .any(|f| f.indicator == Some(indicator))
                || db
                    .absences()
                    .iter()
                    .any(|a| a.subject == subject && a.indicator == indicator);
            assert!(
                found,
                "{subject} {indicator}: neither a figure nor an absence"
            );
        }
    }
}

#[test]
fn absences_are_checked_as_factors_are() {
    // A misspelt subject stated the absence of nothing, and an empty reason became the
    // exclusion's reason "no factor: " in every report.
    let file = SourceFile {
        name: "mine.toml".into(),
        text: "schema = 1\n[[absent]]\nsubject = \"electricty/grid\"\nindicator = \"water\"\nregion = \"KE\"\nreason = \"\"\n".into(),
    };
    let err = parse_factor_file(&file).expect_err("refused");
    let shown: Vec<String> = err.errors.iter().map(ToString::to_string).collect();
    assert!(
        shown[0].starts_with(
            "mine.toml:3: absent[0].subject: `electricty/grid` is not a subject family bilan knows"
        ),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("mine.toml:6: absent[0].reason: an absence needs its reason"),
        "{shown:?}"
    );
}

#[test]
fn a_csv_file_is_told_what_a_factor_file_is() {
    let file = SourceFile {
        name: "extract.csv".into(),
        text: "id,subject,value\nx,electricity/grid,56\n".into(),
    };
    let err = parse_factor_file(&file).expect_err("refused");
    assert_eq!(
        err.errors[0].to_string(),
        "extract.csv: a factor file is TOML or JSON, with one [[factor]] per figure and its source and licence (docs/factors.md), not .csv"
    );
}
