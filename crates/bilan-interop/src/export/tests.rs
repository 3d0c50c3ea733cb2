//! What the three exports do when the figure they need is missing: each refuses, with the
//! true reason (not covered by the method, or covered but not computed here), and none
//! writes a workload the method excluded.

use std::borrow::Cow;

use bilan_core::assessment::{Aspect, Assessment, Exclusion, IndicatorCoverage};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::item::{ItemKind, ItemRef};

use super::{Figure, Source};
use crate::boamps::tests::{at, fixture, import, no_figures};

/// An inference-only inventory with one site and one workload.
fn inventory() -> Inventory {
    import(&[fixture("samples/llm-inference-h100.json")]).inventory
}

/// Each format's output, or why it was refused.
fn exports(inv: &Inventory, a: &Assessment) -> [(&'static str, Result<String, String>); 3] {
    let s = Source {
        inventory: inv,
        assessment: a,
        bilan_version: "0.1.0",
        inventory_file: "x.toml",
    };
    [
        ("model-card", super::model_card::write(&s)),
        ("if-manifest", super::if_manifest::write(&s)),
        ("boamps", super::boamps::write_at(&s, at())),
    ]
}

fn set(a: &mut Assessment, indicator: Indicator, covered: bool, not_computed: bool, note: &str) {
    a.coverage.retain(|c| c.indicator != indicator);
    a.coverage.push(IndicatorCoverage {
        indicator,
        covered,
        note: Some(note.to_owned()),
        not_computed,
    });
}

fn exclusion(kind: ItemKind, id: &str, indicator: Option<Indicator>, reason: &str) -> Exclusion {
    Exclusion {
        item: ItemRef::new(kind, id),
        aspect: Some(Aspect::Electricity),
        indicator,
        reason: Cow::Owned(reason.to_owned()),
        driver: None,
    }
}

const RULE: &str = "rule `training-only`: a training model card covers training";

/// The method covers GWP and energy, but excluded the only workload: "not computed".
fn nothing_computed(inv: &Inventory) -> Assessment {
    let mut a = no_figures();
    for i in [Indicator::Gwp, Indicator::Energy] {
        let note = format!(
            "not computed: every contribution to {} was excluded: workload `{}` {RULE}",
            i.id(),
            inv.workloads[0].id
        );
        set(&mut a, i, false, true, &note);
    }
    let id = inv.workloads[0].id.to_string();
    a.exclusions
        .push(exclusion(ItemKind::Workload, &id, None, RULE));
    a
}

#[test]
fn the_state_of_a_figure_is_read_from_the_coverage() {
    let inv = inventory();
    let a = nothing_computed(&inv);
    assert!(matches!(
        Figure::of(&a, Indicator::Gwp),
        Figure::NotComputed(Some(_))
    ));
    assert_eq!(Figure::of(&a, Indicator::Water), Figure::NotCovered(None));
    assert_eq!(Figure::of(&no_figures(), Indicator::Gwp), Figure::Computed);
    assert_eq!(Figure::Computed.why_not(&a, Indicator::Gwp), None);
    let why = Figure::of(&a, Indicator::Gwp)
        .why_not(&a, Indicator::Gwp)
        .expect("why");
    assert_eq!(
        why,
        format!(
            "the method test-method@1.2.3 covers gwp, but computed none for this inventory: every contribution to gwp was excluded: workload `{}` (electricity): {RULE}",
            inv.workloads[0].id
        )
    );
}

#[test]
fn a_figure_not_computed_is_refused_by_every_export_with_its_reason() {
    let inv = inventory();
    let a = nothing_computed(&inv);
    for (format, out) in exports(&inv, &a) {
        let err = out.expect_err(format);
        let indicator = if format == "boamps" { "energy" } else { "gwp" };
        assert!(
            err.contains(&format!(
                "the method test-method@1.2.3 covers {indicator}, but computed none for this inventory: every contribution to {indicator} was excluded"
            )) && err.contains(RULE)
                && err.contains("cannot state it as unknown"),
            "{format}: {err}"
        );
        assert!(
            !err.contains("does not cover") && !err.contains("does not compute"),
            "{format}: {err}"
        );
    }
}

#[test]
fn an_indicator_not_covered_is_said_so() {
    let inv = inventory();
    let mut a = no_figures();
    set(
        &mut a,
        Indicator::Gwp,
        false,
        false,
        "not selected by m.toml",
    );
    for (format, out) in exports(&inv, &a) {
        match out {
            Err(err) => {
                assert_ne!(format, "boamps", "{err}");
                assert!(
                    err.contains(
                        "the method test-method@1.2.3 does not cover gwp (not selected by m.toml)"
                    ),
                    "{format}: {err}"
                );
            }
            // BoAmps gives energy; its description says why there is no GWP.
            Ok(text) => {
                assert_eq!(format, "boamps", "{text}");
                assert!(
                    text.contains("GWP: none, as the method test-method@1.2.3 does not cover gwp"),
                    "{text}"
                );
            }
        }
    }
    a.coverage.retain(|c| c.indicator != Indicator::Energy);
    let (_, boamps) = &exports(&inv, &a)[2];
    let err = boamps.as_ref().expect_err("no energy");
    assert!(
        err.contains("does not cover energy") && err.contains("energy of each measure"),
        "{err}"
    );
}

#[test]
fn a_workload_the_method_excluded_is_never_written() {
    let inv = inventory();
    let w = inv.workloads[0].id.to_string();
    let mut a = no_figures();
    a.exclusions
        .push(exclusion(ItemKind::Workload, &w, None, RULE));
    for (format, out) in exports(&inv, &a) {
        let err = out.expect_err(format);
        assert!(
            err.contains(&format!("excluded workload `{w}`: {RULE}")),
            "{format}: {err}"
        );
    }
    // A site without a grid factor for GWP: no carbon for its workloads, but their energy
    // is counted, so BoAmps still gives it.
    let site = inv.workloads[0].site.clone();
    let mut a = no_figures();
    a.exclusions.push(exclusion(
        ItemKind::Site,
        &site,
        Some(Indicator::Gwp),
        "no factor",
    ));
    for (format, out) in exports(&inv, &a) {
        match out {
            Err(err) => assert!(
                format != "boamps" && err.contains(&format!("excluded site `{site}`: no factor")),
                "{format}: {err}"
            ),
            Ok(_) => assert_eq!(format, "boamps"),
        }
    }
}
