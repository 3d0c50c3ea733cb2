use std::sync::Arc;

use bilan_core::assessment::{Aspect, Assessment, Driver, ItemKind, Stage};
use bilan_core::figure::FigurePath;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Methodology, ParamValue, Parameters};
use bilan_io::{SourceFile, load_inventory};

use crate::{Loaded, resolve};

pub(crate) fn bases() -> Vec<Arc<dyn Methodology>> {
    vec![
        Arc::new(bilan_plugin_ademe::AdemeLca::default()),
        Arc::new(bilan_plugin_ghg::GhgProtocol::default()),
    ]
}

pub(crate) fn file(name: &str, text: &str) -> SourceFile {
    SourceFile {
        name: name.to_owned(),
        text: text.to_owned(),
    }
}

fn method(body: &str) -> String {
    format!(
        "schema = 1\nid = \"test-method\"\nversion = \"1.0.0\"\nname = \"test\"\ndescription = \"a test\"\nextends = \"ademe-lca@^1\"\n{body}"
    )
}

pub(crate) fn load(text: &str) -> Vec<Loaded> {
    resolve(vec![file("m.toml", text)], &bases()).unwrap_or_else(|e| panic!("{e:?}"))
}

pub(crate) fn load_err(files: Vec<SourceFile>) -> String {
    let e = resolve(files, &bases()).expect_err("refused");
    e.errors
        .iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn inventory() -> Inventory {
    let path = format!(
        "{}/../../examples/mistral-large-2-illustrative.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let f = SourceFile::read(std::path::Path::new(&path)).expect("example");
    load_inventory(&f).expect("valid")
}

pub(crate) fn run(m: &dyn Methodology, inv: &Inventory) -> Assessment {
    let a = m
        .assess(
            inv,
            bilan_factors::embedded().expect("factors"),
            &Parameters::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    a.check().expect("audit trail reproduces every value");
    a
}

fn base(inv: &Inventory) -> Assessment {
    run(&bilan_plugin_ademe::AdemeLca::default(), inv)
}

fn figure(a: &Assessment, path: &str) -> f64 {
    path.parse::<FigurePath>()
        .expect("path")
        .value(a)
        .unwrap_or(0.0)
}

#[test]
fn parameters_become_defaults_and_reach_the_base() {
    let m = &load(&method(
        "[parameters]\nembodied-preference = \"parametric\"\ninclude-host-embodied = false\n",
    ))[0];
    let d = m.method.descriptor();
    assert_eq!(d.id, "test-method");
    assert_eq!(
        d.parameter("embodied-preference")
            .and_then(|p| p.default.clone()),
        Some(ParamValue::Text("parametric".into()))
    );
    let inv = inventory();
    let a = run(m.method.as_ref(), &inv);
    assert_eq!(a.method.id, "test-method");
    let ratio = figure(&a, "gwp.stage.manufacturing")
        / run(&bilan_plugin_ademe::AdemeLca::default(), &inv)
            .contributions
            .iter()
            .filter(|c| c.aspect == Aspect::Embodied)
            .map(|c| c.value(Indicator::Gwp).unwrap_or(0.0))
            .sum::<f64>();
    assert!((ratio - 273.0 / 164.0).abs() < 1e-9, "{ratio}");
    assert!(a.assumptions.iter().any(|x| {
        x.text
            .contains("parameter `embodied-preference` = parametric, set by m.toml")
    }));
    // A user's --param still wins over the file's default.
    let mut p = Parameters::default();
    p.set("embodied-preference", ParamValue::Text("vendor-pcf".into()));
    let a2 = m
        .method
        .assess(&inv, bilan_factors::embedded().expect("factors"), &p)
        .expect("assessed");
    assert!(figure(&a2, "gwp.stage.manufacturing") < figure(&a, "gwp.stage.manufacturing"));
}

#[test]
fn exclude_rules_remove_with_the_reason_rule_and_file() {
    let m = &load(&method(
        "[[rule]]\nid = \"no-building\"\nkind = \"exclude\"\nmatch = { stage = \"infrastructure\" }\nreason = \"out of the audit's scope\"\n",
    ))[0];
    let inv = inventory();
    let a = run(m.method.as_ref(), &inv);
    assert_eq!(figure(&a, "gwp.stage.infrastructure"), 0.0);
    assert!(
        (figure(&a, "gwp.total")
            - (figure(&base(&inv), "gwp.total") - figure(&base(&inv), "gwp.stage.infrastructure")))
        .abs()
            < 1e-6
    );
    let e = a
        .exclusions
        .iter()
        .find(|e| e.item.kind == ItemKind::Building && e.driver == Some(Driver::AuditorRule))
        .expect("excluded by the rule");
    assert!(
        e.reason
            .contains("rule `no-building` (m.toml:8): out of the audit's scope"),
        "{}",
        e.reason
    );
    assert!(
        a.assumptions
            .iter()
            .any(|x| x.topic == "auditor-rule" && x.text.contains("no-building"))
    );
    assert!(
        a.disclosures.is_empty(),
        "the base's disclosures no longer hold once rules changed results"
    );
}

#[test]
fn excluding_a_phase_removes_only_its_share_of_shared_items() {
    let m = &load(&method(
        "[[rule]]\nid = \"no-dev\"\nkind = \"exclude\"\nmatch = { phase = \"development\" }\nreason = \"development runs are out of scope\"\n",
    ))[0];
    let inv = inventory();
    let a = run(m.method.as_ref(), &inv);
    let b = base(&inv);
    assert_eq!(figure(&a, "gwp.phase.development"), 0.0);
    assert!((figure(&a, "gwp.phase.training") - figure(&b, "gwp.phase.training")).abs() < 1e-6);
    assert!(
        (figure(&a, "gwp.total") - (figure(&b, "gwp.total") - figure(&b, "gwp.phase.development")))
            .abs()
            < 1e-6
    );
}

#[test]
fn scale_rules_add_a_term_and_keep_the_trail_exact() {
    let m = &load(&method(
        "[[rule]]\nid = \"margin\"\nkind = \"scale\"\nmatch = { stage = \"use\" }\nmultiplier = 1.1\nreason = \"metering uncertainty\"\n",
    ))[0];
    let inv = inventory();
    let a = run(m.method.as_ref(), &inv);
    assert!(
        (figure(&a, "gwp.stage.use") / figure(&base(&inv), "gwp.stage.use") - 1.1).abs() < 1e-12
    );
    let c = a
        .contributions
        .iter()
        .find(|c| c.stage == Stage::Use)
        .expect("use");
    let k = c
        .terms
        .iter()
        .find(|t| t.symbol == "k_margin")
        .expect("rule term");
    assert_eq!(k.driver, Some(Driver::AuditorRule));
}

/// A scale rule that names an indicator scales that indicator's values only, through a term
/// that applies to it alone: the other values are the base's, bit for bit, and the audit
/// trail still reproduces every value.
#[test]
fn a_scale_rule_with_an_indicator_scales_that_indicator_only() {
    let m = &load(&method(
        "[[rule]]\nid = \"water-margin\"\nkind = \"scale\"\nmatch = { stage = \"use\", indicator = \"water\" }\nmultiplier = 1.25\nreason = \"unmetered cooling losses\"\n",
    ))[0];
    let inv = inventory();
    let (a, b) = (run(m.method.as_ref(), &inv), base(&inv));
    let ratio = |path: &str| figure(&a, path) / figure(&b, path);
    assert!((ratio("water.stage.use") - 1.25).abs() < 1e-12);
    assert_eq!(ratio("gwp.stage.use"), 1.0);
    assert_eq!(ratio("energy.total"), 1.0);
    let scaled = a
        .contributions
        .iter()
        .filter(|c| c.terms.iter().any(|t| t.symbol == "k_water-margin"))
        .collect::<Vec<_>>();
    assert!(!scaled.is_empty());
    for c in scaled {
        let k = c
            .terms
            .iter()
            .find(|t| t.symbol == "k_water-margin")
            .expect("rule term");
        assert_eq!(k.indicator, Some(Indicator::Water));
        let before = b
            .contributions
            .iter()
            .find(|x| x.item == c.item && x.aspect == c.aspect && !x.memo)
            .expect("the base's contribution");
        for v in c.values.iter() {
            let old = before.value(v.indicator).expect("same indicators");
            if v.indicator == Indicator::Water {
                assert_eq!(v.value, old * 1.25);
            } else {
                assert_eq!(
                    v.value.to_bits(),
                    old.to_bits(),
                    "{} {}",
                    c.item,
                    v.indicator
                );
            }
        }
        assert_eq!(c.base(), before.base(), "the shared product is unchanged");
    }
}

#[test]
fn cut_off_excludes_small_items_per_indicator() {
    let m = &load(&method(
        "[[rule]]\nid = \"one-percent\"\nkind = \"cut-off\"\nthreshold = 0.01\nreason = \"ISO 14044 cut-off\"\n",
    ))[0];
    let inv = inventory();
    let a = run(m.method.as_ref(), &inv);
    let b = base(&inv);
    // Transport (3.8 t) and end of life (0.5 t) are under 1 % of 2.2 kt; the building is not.
    assert_eq!(figure(&a, "gwp.stage.transport"), 0.0);
    assert_eq!(figure(&a, "gwp.stage.end-of-life"), 0.0);
    assert!(figure(&a, "gwp.stage.infrastructure") > 0.0);
    assert!(
        (figure(&a, "gwp.total")
            - (figure(&b, "gwp.total")
                - figure(&b, "gwp.stage.transport")
                - figure(&b, "gwp.stage.end-of-life")))
        .abs()
            < 1e-6
    );
    assert!(a.exclusions.iter().any(
        |e| e.item.kind == ItemKind::Transport && e.reason.contains("below the cut-off of 1 %")
    ));
}

#[test]
fn indicator_selection_and_rules_that_match_nothing() {
    let m = &load(&method(
        "indicators = [\"gwp\"]\n[[rule]]\nid = \"no-fuel\"\nkind = \"exclude\"\nmatch = { item-kind = \"fuel\" }\nreason = \"none here\"\n",
    ))[0];
    let inv = inventory();
    let a = run(m.method.as_ref(), &inv);
    assert!(a.covers(Indicator::Gwp) && !a.covers(Indicator::Water));
    assert!(a.coverage.iter().any(|c| {
        c.indicator == Indicator::Water
            && c.note
                .as_deref()
                .is_some_and(|n| n.contains("not selected by m.toml"))
    }));
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("rule `no-fuel` (m.toml:9) matched nothing")),
        "{:?}",
        a.warnings
    );
    assert!(
        a.functional_units
            .iter()
            .all(|r| r.indicator == Indicator::Gwp)
    );
}

#[test]
fn factor_choices_are_layered_and_recorded() {
    let m = &load(&method(
        r#"[[factors.prefer]]
subject = "hardware/"
basis = "parametric-model"
reason = "one consistent model for every GPU"

[[factors.override]]
id = "my-fr-grid"
subject = "electricity/grid"
indicator = "gwp"
value = "52 gCO2e/kWh"
boundary = "life-cycle"
region = "FR"
year = 2022
basis = "dataset"
dataset = "ADEME Base Carbone"
citation = "ADEME Base Carbone, mix moyen consommation, France, 2022"
licence = "Licence Ouverte / Etalab 2.0"
attribution = "ADEME - Base Carbone"
"#,
    ))[0];
    let inv = inventory();
    let a = run(m.method.as_ref(), &inv);
    assert!(a.factors.iter().any(|f| &*f.id == "my-fr-grid"));
    assert!(
        a.factors
            .iter()
            .any(|f| &*f.id == "ecologits-hubblo-h100-80gb-gwp")
    );
    assert!(
        !a.factors
            .iter()
            .any(|f| &*f.id == "nvidia-pcf-hgx-h100-per-gpu")
    );
    let d = m.method.descriptor();
    assert!(
        d.rule(Driver::AuditorRule)
            .is_some_and(|r| r.description.contains("factor `my-fr-grid` overridden"))
    );
}

#[test]
fn errors_name_file_line_and_key() {
    let e = load_err(vec![file("m.toml", &method("colour = \"blue\"\n"))]);
    assert!(e.contains("m.toml:7: colour: unknown key `colour`"), "{e}");
    let e = load_err(vec![file("m.toml", &method("").replace("1.0.0", "one"))]);
    assert!(
        e.contains("m.toml:3: version: `one` is not a semver version"),
        "{e}"
    );
    let e = load_err(vec![file(
        "m.toml",
        &method("").replace("ademe-lca@^1", "nope@^1"),
    )]);
    assert!(
        e.contains(
            "m.toml:6: extends: unknown base method `nope` (available: ademe-lca, ghg-protocol"
        ),
        "{e}"
    );
    let e = load_err(vec![file(
        "m.toml",
        &method("").replace("ademe-lca@^1", "ademe-lca@^2"),
    )]);
    assert!(
        e.contains("requires `ademe-lca` ^2, but the available `ademe-lca` is version 1.0.0"),
        "{e}"
    );
    let e = load_err(vec![file(
        "m.toml",
        &method("").replace("ademe-lca@^1", "ademe-lca"),
    )]);
    assert!(
        e.contains("name the base method and a version requirement"),
        "{e}"
    );
    let e = load_err(vec![file(
        "m.toml",
        &method("[parameters]\nlifetime = \"3 years\"\n"),
    )]);
    assert!(
        e.contains("m.toml:8: parameters.lifetime: `ademe-lca` has no parameter `lifetime`"),
        "{e}"
    );
    let e = load_err(vec![file(
        "m.toml",
        &method("[[rule]]\nid = \"x\"\nkind = \"scale\"\nreason = \"r\"\n"),
    )]);
    assert!(
        e.contains("rule[0].multiplier: a `scale` rule needs `multiplier`"),
        "{e}"
    );
    // A value that is no aspect, alone or in a list, says which are (an untagged enum said
    // only "data did not match any variant").
    for aspect in ["\"nonsense\"", "[\"embodied\", \"nonsense\"]"] {
        let e = load_err(vec![file(
            "m.toml",
            &method(&format!(
                "[[rule]]\nid = \"x\"\nkind = \"exclude\"\nmatch = {{ aspect = {aspect} }}\nreason = \"r\"\n"
            )),
        )]);
        assert!(
            e.contains("rule[0].match.aspect")
                && e.contains("unknown variant `nonsense`, expected one of `electricity`"),
            "{e}"
        );
    }
    // A subnormal multiplier scaled every figure to 0.
    let e = load_err(vec![file(
        "m.toml",
        &method("[[rule]]\nid = \"x\"\nkind = \"scale\"\nmultiplier = 5e-324\nreason = \"r\"\n"),
    )]);
    assert!(
        e.contains("rule[0].multiplier: `5e-324`: a multiplier must be a positive number"),
        "{e}"
    );
}

#[test]
fn identical_files_count_once_and_conflicting_ones_are_named() {
    let text = method("");
    let loaded = resolve(
        vec![
            file("<embedded>/m.toml", &text),
            file("methodologies/m.toml", &text),
        ],
        &bases(),
    )
    .expect("same file twice");
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].file, "<embedded>/m.toml");
    let e = load_err(vec![
        file("a.toml", &text),
        file("b.toml", &format!("{text}follows = [\"x\"]\n")),
    ]);
    assert!(e.contains("b.toml:2: id: `test-method` 1.0.0 is also defined by a.toml (test-method 1.0.0): two different files with the same id and version"), "{e}");
    let e = load_err(vec![file(
        "a.toml",
        &text.replace("test-method", "ademe-lca"),
    )]);
    assert!(
        e.contains("is the id of a built-in or plugin method"),
        "{e}"
    );
}

#[test]
fn files_extend_files_and_cycles_are_refused() {
    let a = method("").replace("test-method", "a");
    let b = method("")
        .replace("test-method", "b")
        .replace("ademe-lca@^1", "a@^1");
    let loaded = resolve(vec![file("b.toml", &b), file("a.toml", &a)], &bases()).expect("chain");
    assert_eq!(loaded.len(), 2);
    let cyc_a = a.replace("ademe-lca@^1", "b@^1");
    let e = load_err(vec![file("a.toml", &cyc_a), file("b.toml", &b)]);
    assert!(
        e.contains("`extends` forms a cycle: a (a.toml) → b (b.toml) → a (a.toml)"),
        "{e}"
    );
}

#[test]
fn the_shipped_methodologies_load_and_assess_every_example() {
    let files: Vec<SourceFile> = crate::embedded::EMBEDDED
        .iter()
        .map(|(name, text)| SourceFile {
            name: format!("<embedded>/{name}"),
            text: (*text).to_owned(),
        })
        .collect();
    assert!(files.len() >= 3);
    let loaded = resolve(files, &bases()).expect("shipped files are valid");
    let dir = format!("{}/../../examples", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).expect("examples") {
        let path = entry.expect("entry").path();
        let mut inv = load_inventory(&SourceFile::read(&path).expect("read")).expect("valid");
        // What the CLI does before any method runs: the estimators and the power model.
        bilan_estimate::resolve(
            &mut inv,
            bilan_hardware::Catalogue::embedded().expect("catalogue"),
            bilan_hardware::power::PowerModel::Curve,
        )
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        for m in &loaded {
            run(m.method.as_ref(), &inv);
        }
    }
}

#[test]
fn a_factor_preference_that_matches_nothing_is_a_warning() {
    // A misspelt subject ran as if the preference were not there, without a word.
    let m = &load(&method(
        "[[factors.prefer]]\nsubject = \"hardwre/\"\ndataset = \"no such dataset\"\nreason = \"ours\"\n",
    ))[0];
    let a = run(m.method.as_ref(), &inventory());
    assert!(
        a.warnings.iter().any(|w| w.starts_with(
            "factors.prefer[0] of m.toml (subject `hardwre/`, dataset `no such dataset`) matches no factor of the run's database"
        )),
        "{:?}",
        a.warnings
    );
}
