use std::collections::{BTreeMap, BTreeSet};

use bilan_core::assessment::{Driver, ItemKind, RequiredStage, Stage};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnitKind, Phase};
use bilan_core::quality::DataClass;
use bilan_runner::systems::{Status, SystemDriver};
use fluent_syntax::ast;

use super::{CATALOGUES, Lang};

/// The variables `pattern` shows, in every variant of its selections (the variables a
/// selection chooses by are not counted: a language may choose its plural by the count
/// another only shows).
fn shown(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        let ast::PatternElement::Placeable { expression } = element else {
            continue;
        };
        match expression {
            ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
                vars.insert(id.name.to_owned());
            }
            ast::Expression::Select { variants, .. } => {
                for v in variants {
                    shown(&v.value, vars);
                }
            }
            ast::Expression::Inline(_) => {}
        }
    }
}

/// Each message of `catalogue` with the variables its value shows.
fn messages(catalogue: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(catalogue).unwrap_or_else(|(_, e)| panic!("{e:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    shown(p, &mut vars);
                }
                let id = m.id.name.to_owned();
                assert!(
                    out.insert(id.clone(), vars).is_none(),
                    "{id} is defined twice"
                );
            }
            ast::Entry::Comment(_)
            | ast::Entry::GroupComment(_)
            | ast::Entry::ResourceComment(_) => {}
            other => panic!("not a message or a comment: {other:?}"),
        }
    }
    out
}

#[test]
fn every_catalogue_has_every_message_with_the_same_placeables() {
    let english = messages(CATALOGUES[0]);
    for (lang, catalogue) in Lang::ALL.into_iter().zip(CATALOGUES).skip(1) {
        let other = messages(catalogue);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{lang} has messages English lacks: {extra:?}"
        );
        for (id, vars) in &english {
            assert_eq!(&other[id], vars, "{lang}: {id} fills other placeables");
        }
    }
}

#[test]
fn every_stage_phase_driver_class_and_indicator_has_a_label_in_every_language() {
    let english = messages(CATALOGUES[0]);
    for lang in Lang::ALL {
        let own = messages(CATALOGUES[lang as usize]);
        let keys = Stage::ALL
            .iter()
            .map(|s| format!("stage-{}", s.id()))
            .chain(Phase::ALL.iter().map(|p| format!("phase-{}", p.id())))
            .chain(Driver::ALL.iter().map(|d| format!("driver-{}", d.id())))
            .chain(
                RequiredStage::ALL
                    .iter()
                    .map(|s| format!("required-{}", s.id())),
            )
            .chain(DataClass::ALL.iter().map(|c| format!("class-{}", c.id())))
            .chain(
                Indicator::ALL
                    .iter()
                    .map(|i| format!("indicator-{}", i.id())),
            );
        for key in keys {
            assert!(own.contains_key(&key), "{lang} lacks {key}");
            assert!(english.contains_key(&key));
        }
    }
    // English labels are what the reports always showed: ids and `Indicator::name`.
    let en = Lang::En;
    for s in Stage::ALL {
        assert_eq!(en.stage(s), s.id());
    }
    for p in Phase::ALL {
        assert_eq!(en.phase(p), p.id());
    }
    for d in Driver::ALL {
        assert_eq!(en.driver(d), d.id());
    }
    for s in RequiredStage::ALL {
        assert_eq!(en.required_stage(s), s.id());
    }
    for d in SystemDriver::ALL {
        assert_eq!(en.system_driver(d), d.id());
    }
    for k in ItemKind::ALL {
        assert_eq!(en.item_kind(k), k.key());
    }
    for k in FunctionalUnitKind::ALL {
        assert_eq!(en.unit_kind(k), bilan_runner::systems::units::label(k));
    }
    for s in [
        Status::Ok,
        Status::NotCovered,
        Status::NotComputed,
        Status::Error,
        Status::NotRun,
    ] {
        assert_eq!(en.status(s), s.label());
    }
    for c in DataClass::ALL {
        assert_eq!(en.data_class(c), c.id());
    }
    for i in Indicator::ALL {
        assert_eq!(en.indicator(i), i.name());
    }
    assert_eq!(en.category("scope-2-market"), "scope-2-market");
}

#[test]
fn french_uses_ademe_and_beges_terms() {
    let fr = Lang::Fr;
    assert_eq!(
        fr.category("scope-2-location"),
        "scope 2 – méthode fondée sur la localisation"
    );
    assert_eq!(
        fr.category("scope-2-market"),
        "scope 2 – méthode fondée sur le marché"
    );
    assert!(fr.indicator(Indicator::Gwp).contains("émissions de GES"));
    assert!(
        fr.indicator(Indicator::Adpe)
            .starts_with("épuisement des ressources abiotiques")
    );
    // A method's own category is shown as it named it.
    assert_eq!(fr.category("my-own-category"), "my-own-category");
}

#[test]
fn messages_fill_their_placeables_without_isolation_marks() {
    assert_eq!(
        Lang::En.msg("compare-title", &[("system", "Llama")]),
        "Comparison — Llama"
    );
    assert_eq!(
        Lang::Fr.msg("reporting-period", &[("period", "2024")]),
        "période de déclaration\u{A0}: 2024"
    );
}

#[test]
fn french_numbers_have_narrow_spaces_for_thousands_and_a_decimal_comma() {
    let fr = Lang::Fr;
    assert_eq!(
        fr.amount(96_070.0, Indicator::Water),
        "96\u{202F}070\u{A0}m3"
    );
    assert_eq!(
        fr.amount(11_570_000.0, Indicator::Gwp),
        "11,57\u{A0}kt CO2e"
    );
    assert_eq!(
        fr.amount(-1_234_500.0, Indicator::Energy),
        "-1,235\u{A0}GWh"
    );
    assert_eq!(fr.amount(0.0, Indicator::Gwp), "0\u{A0}kg CO2e");
    assert_eq!(fr.percent(0.897), "89,7\u{202F}%");
    assert_eq!(fr.count(2.0e9), "2\u{202F}000\u{202F}000\u{202F}000");
    assert_eq!(fr.amount(1e300, Indicator::Gwp), "1,000e291\u{A0}Mt CO2e");
    // English is unchanged.
    assert_eq!(Lang::En.amount(96_070.0, Indicator::Water), "96,070 m3");
    assert_eq!(Lang::En.percent(0.897), "89.7 %");
}

#[test]
fn languages_are_named_by_their_codes() {
    for lang in Lang::ALL {
        assert_eq!(Lang::from_id(lang.id()), Some(lang));
    }
    assert_eq!(Lang::from_id("de"), None);
}

#[test]
fn a_range_is_in_the_unit_of_its_larger_end() {
    let en = Lang::En;
    assert_eq!(
        en.amount_range(998_000.0, 1_020_000.0, Indicator::Gwp),
        "0.9980 to 1.020 kt CO2e"
    );
    assert_eq!(
        en.amount_range(-2_500.0, 1_000.0, Indicator::Gwp),
        "-2.500 to 1.000 t CO2e"
    );
    assert_eq!(en.amount_range(0.0, 0.0, Indicator::Energy), "0 to 0 kWh");
    assert_eq!(
        Lang::Fr.amount_range(998_000.0, 1_020_000.0, Indicator::Gwp),
        "0,9980 à 1,020\u{A0}kt CO2e"
    );
}

#[test]
fn counts_choose_their_plural_in_each_language() {
    assert_eq!(Lang::Fr.msg_count("items-count", 1, &[]), "1 élément");
    assert_eq!(Lang::Fr.msg_count("items-count", 0, &[]), "0 élément");
    assert_eq!(Lang::Fr.msg_count("items-count", 12, &[]), "12 éléments");
    assert_eq!(Lang::En.msg_count("items-count", 1, &[]), "1 item");
    assert_eq!(
        Lang::En.msg_count("items-count", 1234567, &[]),
        "1,234,567 items"
    );
    assert_eq!(
        Lang::Fr.msg_count("items-count", 1234567, &[]),
        "1\u{202F}234\u{202F}567 éléments"
    );
}

#[test]
fn a_list_separator_keeps_its_spaces() {
    assert_eq!(Lang::En.t("list-separator"), "; ");
    assert_eq!(Lang::Fr.t("list-separator"), "\u{202F}; ");
}
