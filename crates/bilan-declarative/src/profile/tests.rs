use bilan_core::inventory::{FactorOverride, FunctionalUnitKind, Inventory};
use bilan_core::method::{MethodError, Methodology, ParamValue, Parameters};
use bilan_core::quality::{GridBasis, RequiredStage};
use bilan_core::units::Quantity;
use bilan_core::{Assessment, Indicator};

use crate::tests::{file, inventory, load, load_err, run};

const ALL_STAGES: &str = "required-stages = [\"training\", \"development\", \"inference\", \"hardware-manufacturing\", \"data-centre-building\"]\n";

fn method(schema: u32, base: &str, body: &str) -> String {
    format!(
        "schema = {schema}\nid = \"p\"\nversion = \"1.0.0\"\nname = \"p\"\ndescription = \"a profile\"\nextends = \"{base}\"\n{body}"
    )
}

fn profiled(body: &str) -> String {
    method(2, "ademe-lca@^1", body)
}

fn assess(m: &dyn Methodology, inv: &Inventory) -> Result<Assessment, MethodError> {
    m.assess(
        inv,
        bilan_factors::embedded().expect("factors"),
        &Parameters::default(),
    )
}

fn result(a: &Assessment, unit: &str, indicator: Indicator) -> Option<(f64, f64)> {
    a.functional_units
        .iter()
        .find(|r| r.functional_unit == unit && r.indicator == indicator)
        .map(|r| (r.count, r.value))
}

#[test]
fn profile_errors_name_the_file_and_key() {
    let e = load_err(vec![file(
        "m.toml",
        &profiled("[profile]\nrequired-stages = [\"training\", \"networking\"]\n"),
    )]);
    assert!(e.contains("m.toml:8"), "{e}");
    assert!(e.contains("profile.required-stages"), "{e}");
    assert!(e.contains("networking"), "{e}");
    let e = load_err(vec![file(
        "m.toml",
        &profiled("[profile]\nrequired-stages = [\"training\", \"inference\", \"training\"]\n"),
    )]);
    assert!(
        e.contains("m.toml:8: profile.required-stages[2]: stage `training` is listed twice"),
        "{e}"
    );
    let e = load_err(vec![file(
        "m.toml",
        &profiled("[profile]\nfunctional-units = [\"request\", \"request\"]\n"),
    )]);
    assert!(
        e.contains("profile.functional-units[1]: functional unit `request` is listed twice"),
        "{e}"
    );
    let e = load_err(vec![file(
        "m.toml",
        &method(1, "ademe-lca@^1", "[profile]\ngrid-basis = \"location\"\n"),
    )]);
    assert!(
        e.contains("m.toml:7: profile: `[profile]` needs `schema = 2`"),
        "{e}"
    );
    let e = load_err(vec![file("m.toml", &profiled("[profile]\n"))]);
    assert!(e.contains("an empty `[profile]` fixes nothing"), "{e}");
    let e = load_err(vec![file("m.toml", &method(3, "ademe-lca@^1", ""))]);
    assert!(
        e.contains(
            "schema 3 is not supported; this build reads methodology files of schema 1 to 2"
        ),
        "{e}"
    );
    let e = load_err(vec![file(
        "m.toml",
        &profiled("[profile]\ngrid-basis = \"nuclear\"\n"),
    )]);
    assert!(e.contains("profile.grid-basis"), "{e}");
    let e = load_err(vec![file(
        "m.toml",
        &profiled("[profile]\ncolour = \"blue\"\n"),
    )]);
    assert!(e.contains("profile.colour: unknown field `colour`"), "{e}");
}

#[test]
fn a_grid_basis_the_base_cannot_report_is_refused() {
    let e = load_err(vec![file(
        "m.toml",
        &profiled("[profile]\ngrid-basis = \"market\"\n"),
    )]);
    assert!(
        e.contains("m.toml:8: profile.grid-basis: `market`: the base method `ademe-lca` cannot report a market-based grid (its electricity basis: `location-based`)"),
        "{e}"
    );
    // A dual-reporting base reports the basis its total takes.
    let e = load_err(vec![file(
        "m.toml",
        &method(2, "ghg-protocol@^1", "[profile]\ngrid-basis = \"market\"\n"),
    )]);
    assert!(
        e.contains("`market`: `ghg-protocol` puts the location-based Scope 2 in its total with this file's parameters; set `scope-2-basis-for-total = \"market\"` under [parameters]"),
        "{e}"
    );
    let m = &load(&method(
        2,
        "ghg-protocol@^1",
        "[parameters]\nscope-2-basis-for-total = \"market\"\n[profile]\ngrid-basis = \"market\"\n",
    ))[0];
    // The run may not move the total to the other basis.
    let mut p = Parameters::default();
    p.set(
        "scope-2-basis-for-total",
        ParamValue::Text("location".into()),
    );
    let e = m
        .method
        .assess(
            &inventory(),
            bilan_factors::embedded().expect("factors"),
            &p,
        )
        .expect_err("refused");
    assert!(
        e.to_string()
            .contains("`location` puts the location-based Scope 2 in the total, but the profile of m.toml fixes the grid basis to market"),
        "{e}"
    );
}

#[test]
fn schema_1_files_load_unchanged_and_carry_no_profile() {
    let m = &load(&method(1, "ademe-lca@^1", ""))[0];
    let a = run(m.method.as_ref(), &inventory());
    assert!(a.profile.is_none());
    assert!(a.missing_stages.is_empty() && a.missing_units.is_empty());
}

#[test]
fn the_profile_is_recorded_with_the_stages_an_assessment_misses() {
    let m = &load(&profiled(&format!(
        "[[rule]]\nid = \"no-building\"\nkind = \"exclude\"\nmatch = {{ stage = \"infrastructure\" }}\nreason = \"out of scope\"\n[profile]\n{ALL_STAGES}grid-basis = \"location\"\n"
    )))[0];
    let d = m.method.descriptor();
    assert!(
        d.boundary
            .contains("requires training, development, inference, hardware-manufacturing, data-centre-building; location-based grid"),
        "{}",
        d.boundary
    );
    let a = run(m.method.as_ref(), &inventory());
    let profile = a.profile.as_ref().expect("recorded");
    assert_eq!(profile.required_stages, RequiredStage::ALL.to_vec());
    assert_eq!(profile.grid_basis, Some(GridBasis::Location));
    assert_eq!(a.missing_stages.len(), 1, "{:?}", a.missing_stages);
    assert_eq!(a.missing_stages[0].stage, RequiredStage::DataCentreBuilding);
    assert!(
        a.missing_stages[0]
            .reason
            .starts_with("excluded: building `eu-dc-building`"),
        "{}",
        a.missing_stages[0].reason
    );
    assert!(a.assumptions.iter().any(|x| {
        x.topic == "grid-basis"
            && x.text
                .contains("the base `ademe-lca` is location-based already")
    }));
    // No inference workload: the stage is missing, and so are the units that need it.
    let mut inv = inventory();
    inv.workloads.retain(|w| &*w.id != "inference-18-months");
    inv.functional_units.clear();
    let m = &load(&profiled(&format!(
        "[profile]\n{ALL_STAGES}functional-units = [\"training-run\", \"request\", \"output-token\"]\n"
    )))[0];
    let a = run(m.method.as_ref(), &inv);
    let missing: Vec<_> = a.missing_stages.iter().map(|s| s.stage).collect();
    assert_eq!(missing, vec![RequiredStage::Inference]);
    assert_eq!(
        a.missing_stages[0].reason,
        "the inventory has no inference workload"
    );
    let units: Vec<(&str, &str)> = a
        .missing_units
        .iter()
        .map(|u| (u.functional_unit.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(
        units,
        vec![
            ("request", "the inventory has no inference workload"),
            ("output-token", "the inventory has no inference workload"),
        ]
    );
    assert_eq!(
        result(&a, "training-run", Indicator::Gwp).map(|r| r.0),
        Some(1.0)
    );
}

#[test]
fn profile_units_are_computed_beside_the_inventory_s_own() {
    let m = &load(&profiled(
        "[profile]\nfunctional-units = [\"training-run\", \"request\", \"output-token\"]\n",
    ))[0];
    let mut inv = inventory();
    // The inventory's own `request` stays; the profile adds `training-run` over every
    // training workload (the inventory's own lists only `pretrain`) under another id.
    inv.functional_units.retain(|fu| fu.id == "request");
    inv.functional_units[0].id = "per-request".into();
    let a = run(m.method.as_ref(), &inv);
    let own = result(&a, "per-request", Indicator::Gwp).expect("own unit");
    let profile = result(&a, "request", Indicator::Gwp).expect("profile unit");
    assert_eq!(own, profile);
    assert_eq!(profile.0, 2.0e9);
    assert_eq!(
        result(&a, "output-token", Indicator::Water).map(|r| r.0),
        Some(0.8e12)
    );
    assert!(result(&a, "training-run", Indicator::Adpe).is_some());
    assert!(a.missing_units.is_empty(), "{:?}", a.missing_units);
    // A unit the inventory already defines with the same kind and id is the inventory's.
    let a = run(m.method.as_ref(), &inventory());
    let n = a
        .functional_units
        .iter()
        .filter(|r| r.functional_unit == "training-run" && r.indicator == Indicator::Gwp)
        .count();
    assert_eq!(n, 1);
}

#[test]
fn a_unit_that_cannot_be_computed_is_missing_with_the_reason() {
    let m = &load(&profiled(
        "[profile]\nfunctional-units = [\"request\", \"output-token\"]\n",
    ))[0];
    let mut inv = inventory();
    inv.functional_units.clear();
    for w in inv
        .workloads
        .iter_mut()
        .filter(|w| &*w.id == "inference-18-months")
    {
        w.volume.requests = None;
    }
    let a = run(m.method.as_ref(), &inv);
    assert_eq!(a.missing_units.len(), 1, "{:?}", a.missing_units);
    assert_eq!(a.missing_units[0].functional_unit, "request");
    assert_eq!(a.missing_units[0].kind, FunctionalUnitKind::Request);
    assert_eq!(
        a.missing_units[0].reason,
        "workload `inference-18-months` has no `volume.requests`"
    );
    assert!(result(&a, "request", Indicator::Gwp).is_none());
    assert!(result(&a, "output-token", Indicator::Gwp).is_some());
    // R = 0 is no figure either.
    for w in inv
        .workloads
        .iter_mut()
        .filter(|w| &*w.id == "inference-18-months")
    {
        w.volume.tokens_out = Some(0.0);
    }
    let a = run(m.method.as_ref(), &inv);
    assert!(
        a.missing_units
            .iter()
            .any(|u| u.functional_unit == "output-token" && u.reason.contains("R = 0")),
        "{:?}",
        a.missing_units
    );
    // A unit whose workloads a rule excluded entirely.
    let m = &load(&profiled(
        "[[rule]]\nid = \"no-inference\"\nkind = \"exclude\"\nmatch = { phase = \"inference\" }\nreason = \"training only\"\n[profile]\nfunctional-units = [\"request\"]\n",
    ))[0];
    let a = run(m.method.as_ref(), &inventory());
    assert!(
        a.missing_units
            .iter()
            .any(|u| u.functional_unit == "request"
                && u.reason.contains("counts none of its workloads")),
        "{:?}",
        a.missing_units
    );
}

#[test]
fn an_inventory_unit_with_the_profile_s_id_and_another_kind_is_an_error() {
    let m = &load(&profiled("[profile]\nfunctional-units = [\"request\"]\n"))[0];
    let mut inv = inventory();
    for fu in inv
        .functional_units
        .iter_mut()
        .filter(|fu| fu.id == "request")
    {
        fu.kind = FunctionalUnitKind::Token;
    }
    let e = assess(m.method.as_ref(), &inv).expect_err("clash");
    assert_eq!(
        e.to_string(),
        "functional unit `request`: the inventory's `request` counts token, but the profile of m.toml reports `request` per request: rename the inventory's functional unit"
    );
}

fn with_grid_figure(boundary: &str) -> Inventory {
    let mut inv = inventory();
    inv.sites[0].electricity.insert(
        Indicator::Gwp,
        FactorOverride {
            value: Quantity::parse("0.05 kgCO2e/kWh").expect("quantity"),
            source: "the supplier".into(),
            boundary: boundary.into(),
            year: Some(2024),
            url: None,
        },
    );
    inv
}

#[test]
fn a_location_based_profile_refuses_market_based_site_figures() {
    let m = &load(&profiled("[profile]\ngrid-basis = \"location\"\n"))[0];
    for boundary in [
        "market-based",
        "residual mix",
        "supplier-specific (life-cycle)",
    ] {
        let e = assess(m.method.as_ref(), &with_grid_figure(boundary)).expect_err("refused");
        assert!(
            e.to_string().starts_with(&format!(
                "site[eu-dc].electricity.gwp.boundary: the figure's boundary is `{boundary}`, a market-based figure, but the profile of m.toml fixes the grid basis to location-based"
            )),
            "{e}"
        );
    }
    let a = run(m.method.as_ref(), &with_grid_figure("life-cycle"));
    assert!(
        a.assumptions
            .iter()
            .any(|x| x.topic == "grid-basis"
                && x.text.contains("eu-dc's gwp (boundary `life-cycle`)"))
    );
    // Without a grid basis, the base's own policy applies (ademe-lca takes the figure).
    let m = &load(&profiled("[profile]\nfunctional-units = [\"request\"]\n"))[0];
    run(m.method.as_ref(), &with_grid_figure("market-based"));
}

#[test]
fn a_file_extending_a_profiled_file_keeps_its_profile() {
    let a_text = profiled(&format!(
        "[profile]\n{ALL_STAGES}functional-units = [\"request\"]\n"
    ))
    .replace("id = \"p\"", "id = \"a\"");
    let b_text = method(
        1,
        "a@^1",
        "[[rule]]\nid = \"no-building\"\nkind = \"exclude\"\nmatch = { stage = \"infrastructure\" }\nreason = \"out of scope\"\n",
    )
    .replace("id = \"p\"", "id = \"b\"");
    let loaded = crate::resolve(
        vec![file("a.toml", &a_text), file("b.toml", &b_text)],
        &crate::tests::bases(),
    )
    .expect("chain");
    let b = loaded.iter().find(|l| l.file == "b.toml").expect("b");
    let mut inv = inventory();
    inv.functional_units.clear();
    let a = run(b.method.as_ref(), &inv);
    assert!(a.profile.is_some());
    // b's rule runs after a's profile: the stage it takes out is missing.
    let missing: Vec<_> = a.missing_stages.iter().map(|s| s.stage).collect();
    assert_eq!(missing, vec![RequiredStage::DataCentreBuilding]);
    let n = a
        .functional_units
        .iter()
        .filter(|r| r.functional_unit == "request" && r.indicator == Indicator::Gwp)
        .count();
    assert_eq!(n, 1);
}

#[test]
fn the_shipped_harmonised_profile_loads_and_fixes_what_it_says() {
    let files: Vec<_> = crate::embedded::EMBEDDED
        .iter()
        .map(|(name, text)| file(&format!("<embedded>/{name}"), text))
        .collect();
    let loaded = crate::resolve(files, &crate::tests::bases()).expect("shipped files");
    let h = loaded
        .iter()
        .find(|l| l.method.descriptor().id == "harmonised-ai")
        .expect("harmonised-ai is shipped");
    let d = h.method.descriptor();
    assert_eq!(
        d.indicators,
        vec![
            Indicator::Gwp,
            Indicator::Water,
            Indicator::Adpe,
            Indicator::Energy
        ]
    );
    for framework in [
        "ISO 14040",
        "Product Life Cycle",
        "AFNOR Spec 2314",
        "SCI for AI",
    ] {
        assert!(
            d.references.iter().any(|r| r.contains(framework)),
            "{framework}"
        );
    }
    let a = run(h.method.as_ref(), &inventory());
    let p = a.profile.as_ref().expect("profile");
    assert_eq!(p.required_stages, RequiredStage::ALL.to_vec());
    assert_eq!(
        p.functional_units,
        vec![
            FunctionalUnitKind::TrainingRun,
            FunctionalUnitKind::Request,
            FunctionalUnitKind::OutputToken
        ]
    );
    assert_eq!(p.grid_basis, Some(GridBasis::Location));
    assert!(a.missing_stages.is_empty(), "{:?}", a.missing_stages);
    assert!(a.missing_units.is_empty(), "{:?}", a.missing_units);
    for unit in ["training-run", "request", "output-token"] {
        assert!(result(&a, unit, Indicator::Water).is_some(), "{unit}");
        assert!(result(&a, unit, Indicator::Adpf).is_none(), "{unit}");
    }
}

#[test]
fn a_boundary_is_market_like_by_what_it_says_first() {
    use crate::profile::market_like;
    assert!(market_like("market-based"));
    assert!(market_like("supplier-specific emission rate"));
    assert!(market_like("Residual mix"));
    assert!(!market_like("location-based"));
    assert!(!market_like("location-based (not market-based)"));
    assert!(!market_like("life-cycle"));
}

#[test]
fn a_file_with_its_own_profile_drops_the_base_profiles_unit_notes_and_keeps_its_grid_basis() {
    let a_text = profiled(&format!(
        "[profile]\n{ALL_STAGES}functional-units = [\"training-run\"]\ngrid-basis = \"location\"\n"
    ))
    .replace("id = \"p\"", "id = \"a\"");
    let b_text = method(2, "a@^1", "[profile]\nrequired-stages = [\"training\"]\n")
        .replace("id = \"p\"", "id = \"b\"");
    let loaded = crate::resolve(
        vec![file("a.toml", &a_text), file("b.toml", &b_text)],
        &crate::tests::bases(),
    )
    .expect("chain");
    let mut inv = inventory();
    inv.functional_units.clear();
    // Two training workloads: the training-run unit then notes that R = 1 for both.
    let mut second = inv
        .workloads
        .iter()
        .find(|w| w.phase == bilan_core::inventory::Phase::Training)
        .expect("a training workload")
        .clone();
    second.id = "second-training".into();
    inv.workloads.push(second);
    let base = loaded.iter().find(|l| l.file == "a.toml").expect("a");
    let a = run(base.method.as_ref(), &inv);
    let note = |a: &Assessment| {
        a.warnings
            .iter()
            .any(|w| w.starts_with("functional unit `training-run`"))
    };
    let has_unit = |a: &Assessment| {
        a.functional_units
            .iter()
            .any(|r| r.functional_unit == "training-run")
    };
    assert!(has_unit(&a));
    assert!(note(&a), "{:?}", a.warnings);
    let child = loaded.iter().find(|l| l.file == "b.toml").expect("b");
    let b = run(child.method.as_ref(), &inv);
    assert!(!has_unit(&b), "{:?}", b.functional_units);
    assert!(!note(&b), "{:?}", b.warnings);
    let profile = b.profile.expect("profile");
    assert_eq!(profile.required_stages, vec![RequiredStage::Training]);
    assert_eq!(profile.grid_basis, Some(GridBasis::Location));
}
