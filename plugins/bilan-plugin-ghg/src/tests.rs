//! One test per rule, on small inventories written in TOML. Every assessment is also
//! checked for the invariants the runner relies on (see [`assess_with`]).

use std::collections::HashSet;

use bilan_core::assessment::{Contribution, Exclusion, ItemKind, Stage, TermSource};
use bilan_core::factor::FactorSet;
use bilan_core::inventory::{Inventory, Phase};
use bilan_core::method::{ParamValue, Parameters};
use bilan_io::SourceFile;

use super::*;

const HEADER: &str = r#"
schema = 1
[system]
name = "test"
organisation = "Example Labs"
period = { start = 2025-01-01, end = 2025-12-31 }
"#;

/// A colocation site in Virginia (eGRID combustion factor), PUE 1.5, and one workload of
/// 1,000 kWh of IT energy: 1,500 kWh of facility energy.
const COLO_VA: &str = r#"
[[site]]
id = "va"
region = "US-VA"
pue = 1.5
ownership = "colocation"

[[workload]]
id = "train"
phase = "training"
site = "va"
energy = "1000 kWh"
"#;

/// eGRID2023 Virginia, combustion only, kg/kWh.
const EGRID_VA: f64 = 0.244758;

fn inventory(body: &str) -> Inventory {
    inventory_with_header(HEADER, body)
}

fn inventory_with_header(header: &str, body: &str) -> Inventory {
    let file = SourceFile {
        name: "test.toml".into(),
        text: format!("{header}{body}"),
    };
    bilan_io::load_inventory(&file).unwrap_or_else(|e| panic!("test inventory: {e}"))
}

fn db() -> &'static FactorSet {
    bilan_factors::embedded().expect("embedded database loads")
}

fn params(pairs: &[(&str, ParamValue)]) -> Parameters {
    let mut p = Parameters::default();
    for (k, v) in pairs {
        p.set(*k, v.clone());
    }
    p
}

fn assess(inv: &Inventory) -> Assessment {
    assess_with(inv, db(), &Parameters::default())
}

/// Assesses and checks the invariants: every value is reproducible from its terms and
/// factor, every inventory item is a contribution or an exclusion, and no (item, aspect)
/// has two counted contributions.
fn assess_with(inv: &Inventory, factors: &FactorSet, p: &Parameters) -> Assessment {
    let a = GhgProtocol::default()
        .assess(inv, factors, p)
        .unwrap_or_else(|e| panic!("assessment failed: {e}"));
    a.check().unwrap_or_else(|e| panic!("audit trail: {e}"));
    let items = bilan_method_kit::accounted::items(inv)
        .into_iter()
        .map(|(kind, id)| ItemRef::new(kind, id));
    for item in items {
        assert!(
            a.contributions.iter().any(|c| c.item == item)
                || a.exclusions.iter().any(|e| e.item == item),
            "{item} is neither counted nor excluded"
        );
    }
    let mut seen = HashSet::new();
    for c in a.contributions.iter().filter(|c| !c.memo) {
        assert!(
            seen.insert((c.item.clone(), c.aspect)),
            "two counted contributions for {} {}",
            c.item,
            c.aspect
        );
    }
    a
}

fn gwp(c: &Contribution) -> f64 {
    c.value(Indicator::Gwp).expect("a GWP value")
}

fn find<'a>(a: &'a Assessment, kind: ItemKind, id: &str, aspect: Aspect) -> &'a Contribution {
    a.contributions
        .iter()
        .find(|c| c.item.kind == kind && &*c.item.id == id && c.aspect == aspect)
        .unwrap_or_else(|| panic!("no {aspect} contribution for {} `{id}`", kind.key()))
}

fn excluded<'a>(a: &'a Assessment, kind: ItemKind, id: &str, aspect: Aspect) -> &'a Exclusion {
    a.exclusions
        .iter()
        .find(|e| e.item.kind == kind && &*e.item.id == id && e.aspect == Some(aspect))
        .unwrap_or_else(|| {
            panic!(
                "no {aspect} exclusion for {} `{id}`: {:#?}",
                kind.key(),
                a.exclusions
            )
        })
}

/// Sum of a category, memo items included.
fn category(a: &Assessment, cat: &str) -> f64 {
    a.contributions
        .iter()
        .filter(|c| c.category.as_deref() == Some(cat))
        .filter_map(|c| c.value(Indicator::Gwp))
        .sum()
}

fn disclosure(a: &Assessment, id: &str) -> f64 {
    a.disclosures
        .iter()
        .find(|d| d.id == id)
        .and_then(|d| d.value)
        .unwrap_or_else(|| panic!("no disclosure `{id}`"))
}

fn close(value: f64, expected: f64) -> bool {
    (value - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}

#[track_caller]
fn assert_close(value: f64, expected: f64) {
    assert!(close(value, expected), "{value} ≠ {expected}");
}

fn has_assumption(a: &Assessment, topic: &str, text: &str) -> bool {
    a.assumptions
        .iter()
        .any(|x| x.topic == topic && x.text.contains(text))
}

// -------------------------------------------------------------------------------------
// Descriptor and coverage
// -------------------------------------------------------------------------------------

#[test]
fn descriptor_states_the_rules_the_runner_explains() {
    let m = GhgProtocol::default();
    let d = m.descriptor();
    assert_eq!(d.id, "ghg-protocol");
    assert_eq!(d.version, semver::Version::new(1, 0, 0));
    assert_eq!(d.indicators, vec![Indicator::Gwp, Indicator::Energy]);
    assert!(d.boundary.contains("GWP100") && d.boundary.contains("AR5"));
    for (driver, treatment) in [
        (Driver::CapitalGoods, "expensed"),
        (Driver::ElectricityBasis, "dual reporting"),
        (Driver::ElectricityBoundary, "combustion-only"),
        (Driver::TimeFrame, "reporting year"),
        (Driver::IndicatorCoverage, "carbon and energy"),
    ] {
        assert_eq!(
            d.rule(driver).map(|r| r.treatment.as_str()),
            Some(treatment)
        );
    }
    let year = d.parameter("reporting-year").expect("reporting-year");
    assert_eq!(year.kind, ParamKind::Year);
    assert!(year.default.is_none());
    assert_eq!(
        d.parameter("scope-2-basis-for-total")
            .and_then(|p| p.default.clone()),
        Some(ParamValue::Text("location".into()))
    );
}

#[test]
fn water_adpe_and_adpf_are_out_of_scope_not_zero() {
    let a = assess(&inventory(COLO_VA));
    assert!(a.covers(Indicator::Gwp));
    for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
        assert!(!a.covers(indicator));
        assert_eq!(a.total(indicator), None);
        let note = a
            .coverage
            .iter()
            .find(|c| c.indicator == indicator)
            .and_then(|c| c.note.clone())
            .unwrap_or_default();
        assert!(note.contains("greenhouse gases only"), "{note}");
    }
    assert!(a.contributions.iter().all(|c| {
        c.values
            .iter()
            .all(|v| matches!(v.indicator, Indicator::Gwp | Indicator::Energy))
    }));
    // Final electricity: the location-based rows only, IT energy × PUE.
    assert!(a.covers(Indicator::Energy));
    assert!(a.contributions.iter().all(|c| {
        c.value(Indicator::Energy).is_none()
            || matches!(
                c.aspect,
                Aspect::Electricity | Aspect::IdleElectricity | Aspect::HostElectricity
            )
    }));
}

// -------------------------------------------------------------------------------------
// Scope 2, location-based, and Cat. 3
// -------------------------------------------------------------------------------------

#[test]
fn location_based_uses_the_combustion_only_grid_factor() {
    let a = assess(&inventory(COLO_VA));
    let c = find(&a, ItemKind::Workload, "train", Aspect::Electricity);
    assert_eq!(c.category.as_deref(), Some(SCOPE_2_LOCATION));
    assert!(!c.memo);
    assert_close(gwp(c), 1000.0 * 1.5 * EGRID_VA);
    let f = a.factor(&c.values[0].factor).expect("factor listed");
    assert_eq!(f.boundary, "combustion");
    assert_eq!(&*f.id, "egrid-us-va-grid-gwp-combustion-2023");
    assert_close(disclosure(&a, SCOPE_2_LOCATION), 1000.0 * 1.5 * EGRID_VA);
    assert_close(
        a.total(Indicator::Gwp).unwrap_or_default(),
        1000.0 * 1.5 * EGRID_VA,
    );
}

#[test]
fn idle_and_host_energy_are_their_own_slices_like_ademe() {
    let inv = inventory(&COLO_VA.replace(
        "energy = \"1000 kWh\"",
        "energy = \"1000 kWh\"\nidle-energy = \"200 kWh\"\nhost-overhead = 0.5",
    ));
    let a = assess(&inv);
    assert_close(
        gwp(find(
            &a,
            ItemKind::Workload,
            "train",
            Aspect::IdleElectricity,
        )),
        200.0 * 1.5 * EGRID_VA,
    );
    let host = find(&a, ItemKind::Workload, "train", Aspect::HostElectricity);
    assert_close(gwp(host), 500.0 * 1.5 * EGRID_VA);
    assert!(host.terms.iter().any(|t| t.symbol == "f_host"));
    // The market-based figure takes all of it at once.
    let mb = find(&a, ItemKind::Workload, "train", Aspect::MarketElectricity);
    assert_close(mb.terms[0].value, 1700.0);
}

#[test]
fn outside_the_us_location_based_falls_back_to_the_life_cycle_factor_with_disclosure() {
    let inv = inventory(
        &COLO_VA
            .replace("US-VA", "FR")
            .replace("colocation", "owned"),
    );
    let a = assess(&inv);
    let c = find(&a, ItemKind::Workload, "train", Aspect::Electricity);
    let f = a.factor(&c.values[0].factor).expect("factor listed");
    assert_eq!(f.boundary, "life-cycle");
    assert_eq!(f.region.as_deref(), Some("FR"));
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("no combustion-only grid factor for FR")),
        "{:?}",
        a.warnings
    );
    assert!(has_assumption(&a, "location-based-fallback", "overstated"));
    let e = excluded(&a, ItemKind::Site, "va", Aspect::ElectricityUpstream);
    assert!(
        e.reason.contains("already uses the life-cycle factor"),
        "{}",
        e.reason
    );
    assert_eq!(e.driver, Some(Driver::ElectricityBoundary));
}

#[test]
fn a_site_factor_in_the_inventory_wins_over_the_database() {
    let inv = inventory(&format!(
        "{COLO_VA}\n[site.electricity.gwp]\nvalue = \"0.5 kgCO2e/kWh\"\nsource = \"utility statement\"\nboundary = \"combustion\"\n"
    ));
    let a = assess(&inv);
    let c = find(&a, ItemKind::Workload, "train", Aspect::Electricity);
    assert_close(gwp(c), 1000.0 * 1.5 * 0.5);
    let f = a.factor(&c.values[0].factor).expect("factor listed");
    assert!(f.from_inventory);
    assert_eq!(&*f.id, "inventory:site[va].electricity.gwp");
    let e = excluded(&a, ItemKind::Site, "va", Aspect::ElectricityUpstream);
    assert!(e.reason.contains("inventory value"), "{}", e.reason);
}

#[test]
fn cat3_is_not_computed_from_factors_of_different_sources() {
    let a = assess(&inventory(COLO_VA));
    assert_eq!(category(&a, SCOPE_3_CAT_3), 0.0);
    assert!(
        !a.contributions
            .iter()
            .any(|c| c.aspect == Aspect::ElectricityUpstream)
    );
    let e = excluded(&a, ItemKind::Site, "va", Aspect::ElectricityUpstream);
    // eGRID US-VA 2023 against Ember/OWID US 2023: same year, not the same region or dataset.
    assert!(
        e.reason.contains("different region, dataset"),
        "{}",
        e.reason
    );
    assert!(
        e.reason.contains("egrid-us-va-grid-gwp-combustion-2023"),
        "{}",
        e.reason
    );
    assert!(
        e.reason.contains("owid-ember-us-grid-gwp-2023"),
        "{}",
        e.reason
    );
}

fn pair(combustion: f64, life_cycle: f64) -> FactorSet {
    let factor = |id: &str, value: f64, boundary: &str| {
        format!(
            "[[factor]]\nid = \"{id}\"\nsubject = \"electricity/grid\"\nindicator = \"gwp\"\nvalue = \"{value} gCO2e/kWh\"\nboundary = \"{boundary}\"\nregion = \"FR\"\nyear = 2024\nbasis = \"dataset\"\ndataset = \"Test grid data\"\ncitation = \"test\"\nlicence = \"test\"\nattribution = \"test\"\n"
        )
    };
    let file = SourceFile {
        name: "pair.toml".into(),
        text: format!(
            "schema = 1\n{}{}",
            factor("test-fr-comb", combustion, "combustion"),
            factor("test-fr-lc", life_cycle, "life-cycle")
        ),
    };
    let (factors, _) = bilan_factors::parse_factor_file(&file).expect("test factor file parses");
    let mut set = db().clone();
    set.layer("pair.toml", 1, factors);
    set
}

#[test]
fn cat3_is_life_cycle_minus_combustion_from_a_matched_pair() {
    let inv = inventory(&COLO_VA.replace("US-VA", "FR"));
    let a = assess_with(&inv, &pair(30.0, 50.0), &Parameters::default());
    let lb = find(&a, ItemKind::Workload, "train", Aspect::Electricity);
    assert_close(gwp(lb), 1500.0 * 0.030);
    let c = find(&a, ItemKind::Workload, "train", Aspect::ElectricityUpstream);
    assert_eq!(c.category.as_deref(), Some(SCOPE_3_CAT_3));
    assert_eq!(c.presence, Some(Driver::ElectricityBoundary));
    assert_close(gwp(c), 1500.0 * 0.020);
    assert_eq!(
        &*c.values[0].factor,
        "derived:upstream:test-fr-lc-minus-test-fr-comb"
    );
}

#[test]
fn cat3_is_never_negative() {
    let inv = inventory(&COLO_VA.replace("US-VA", "FR"));
    let a = assess_with(&inv, &pair(30.0, 20.0), &Parameters::default());
    assert!(
        !a.contributions
            .iter()
            .any(|c| c.aspect == Aspect::ElectricityUpstream)
    );
    let e = excluded(&a, ItemKind::Site, "va", Aspect::ElectricityUpstream);
    assert!(e.reason.contains("negative"), "{}", e.reason);
}

// -------------------------------------------------------------------------------------
// Scope 2, market-based
// -------------------------------------------------------------------------------------

fn instrument(id: &str, energy: &str, region: &str, period: (&str, &str), extra: &str) -> String {
    format!(
        "\n[[instrument]]\nid = \"{id}\"\nkind = \"rec\"\ntracking-system = \"test\"\nenergy = \"{energy}\"\nregion = \"{region}\"\nperiod = {{ start = {}, end = {} }}\nemission-factor = \"0 g/kWh\"\nretired = true\non-behalf-of = \"Example Labs\"\n{extra}",
        period.0, period.1
    )
}

const YEAR: (&str, &str) = ("2025-01-01", "2025-12-31");

#[test]
fn market_based_is_zero_when_qualifying_instruments_cover_all_energy() {
    let inv = inventory(&format!(
        "{COLO_VA}{}",
        instrument("rec", "10 MWh", "US", YEAR, "")
    ));
    let a = assess(&inv);
    let mb = find(&a, ItemKind::Workload, "train", Aspect::MarketElectricity);
    assert!(mb.memo, "the headline total is location-based");
    assert_eq!(mb.category.as_deref(), Some(SCOPE_2_MARKET));
    assert_eq!(gwp(mb), 0.0);
    assert_eq!(disclosure(&a, SCOPE_2_MARKET), 0.0);
    assert_close(
        a.total(Indicator::Gwp).unwrap_or_default(),
        1500.0 * EGRID_VA,
    );
    let record = find(&a, ItemKind::Instrument, "rec", Aspect::MarketElectricity);
    assert!(record.memo && record.category.is_none());
    assert_close(record.terms[0].value, 1500.0);
    assert!(
        has_assumption(
            &a,
            "instrument-used",
            "1500 kWh to site `va`; unused 8500 kWh"
        ),
        "{:#?}",
        a.assumptions
    );
    assert!(
        !a.warnings.iter().any(|w| w.contains("residual mix")),
        "nothing is uncovered"
    );
}

#[test]
fn instruments_failing_the_quality_criteria_are_refused_with_the_reason() {
    let body = [
        instrument("wrong-region", "10 MWh", "FR", YEAR, ""),
        instrument(
            "wrong-period",
            "10 MWh",
            "US",
            ("2023-01-01", "2023-12-31"),
            "",
        ),
        instrument("world", "10 MWh", "WORLD", YEAR, ""),
        instrument("not-retired", "10 MWh", "US", YEAR, "")
            .replace("retired = true", "retired = false"),
        instrument("someone-else", "10 MWh", "US", YEAR, "").replace(
            "on-behalf-of = \"Example Labs\"",
            "on-behalf-of = \"Other Corp\"",
        ),
        instrument("other-state", "10 MWh", "US-TX", YEAR, ""),
    ]
    .concat();
    let a = assess(&inventory(&format!("{COLO_VA}{body}")));
    for (id, reason) in [
        ("wrong-region", "wrong market: issued in FR"),
        ("wrong-period", "wrong period"),
        ("world", "wrong market: issued for WORLD"),
        ("not-retired", "not retired"),
        ("someone-else", "on behalf of `Other Corp`"),
        ("other-state", "wrong market: issued in US-TX"),
    ] {
        let e = excluded(&a, ItemKind::Instrument, id, Aspect::MarketElectricity);
        assert!(e.reason.contains(reason), "{id}: {}", e.reason);
        assert_eq!(e.driver, Some(Driver::ElectricityBasis));
    }
    // Nothing qualifies: market-based = location-based (fallback, no residual mix).
    assert_close(disclosure(&a, SCOPE_2_MARKET), 1500.0 * EGRID_VA);
}

#[test]
fn instruments_cannot_be_shown_to_qualify_without_an_organisation() {
    let header = HEADER.replace("organisation = \"Example Labs\"\n", "");
    let inv = inventory_with_header(
        &header,
        &format!("{COLO_VA}{}", instrument("rec", "10 MWh", "US", YEAR, "")),
    );
    let a = assess(&inv);
    let e = excluded(&a, ItemKind::Instrument, "rec", Aspect::MarketElectricity);
    assert!(
        e.reason.contains("names no `system.organisation`"),
        "{}",
        e.reason
    );
}

#[test]
fn missing_residual_mix_falls_back_to_the_location_based_factor_with_disclosure() {
    let inv = inventory(&format!(
        "{COLO_VA}{}",
        instrument("rec", "1000 kWh", "US", YEAR, "")
    ));
    let a = assess(&inv);
    assert_close(disclosure(&a, SCOPE_2_MARKET), 500.0 * EGRID_VA);
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("no residual mix supplied for US-VA")),
        "{:?}",
        a.warnings
    );
    assert!(has_assumption(
        &a,
        "residual-mix-fallback",
        "500 kWh not covered"
    ));
    let f = a.factor("derived:market:site[va]").expect("site factor");
    assert!(
        f.source.contains("instrument `rec`") && f.source.contains("no residual mix supplied"),
        "{}",
        f.source
    );
}

#[test]
fn a_residual_mix_of_the_sites_market_prices_uncovered_energy() {
    let residual = "\n[[residual-mix]]\nregion = \"US\"\nfactor = \"500 g/kWh\"\nsource = \"test residual mix\"\nyear = 2024\n";
    let inv = inventory(&format!(
        "{COLO_VA}{}{residual}",
        instrument("rec", "1000 kWh", "US", YEAR, "")
    ));
    let a = assess(&inv);
    assert_close(disclosure(&a, SCOPE_2_MARKET), 500.0 * 0.5);
    assert!(!a.warnings.iter().any(|w| w.contains("no residual mix")));
}

#[test]
fn an_instrument_is_allocated_once_in_inventory_order() {
    let second_site = "\n[[site]]\nid = \"tx\"\nregion = \"US-TX\"\npue = 1.0\nownership = \"owned\"\n\n[[workload]]\nid = \"serve\"\nphase = \"inference\"\nsite = \"tx\"\nenergy = \"1000 kWh\"\n";
    let two = [
        instrument("first", "2000 kWh", "US", YEAR, ""),
        instrument("second", "400 kWh", "US", YEAR, ""),
    ]
    .concat();
    // `first` covers va (1,500 kWh) then 500 kWh of tx; `second` 400 more of tx; 100 kWh of
    // tx stay uncovered.
    let a = assess(&inventory(&format!("{COLO_VA}{second_site}{two}")));
    assert!(has_assumption(
        &a,
        "instrument-used",
        "1500 kWh to site `va`, 500 kWh to site `tx`; unused 0 kWh"
    ));
    assert!(has_assumption(
        &a,
        "instrument-used",
        "400 kWh to site `tx`; unused 0 kWh"
    ));
    assert_eq!(
        gwp(find(
            &a,
            ItemKind::Workload,
            "train",
            Aspect::MarketElectricity
        )),
        0.0
    );
    let tx = a
        .factor("egrid-us-tx-grid-gwp-combustion-2023")
        .map(|f| f.canonical)
        .expect("Texas eGRID factor");
    assert_close(
        gwp(find(
            &a,
            ItemKind::Workload,
            "serve",
            Aspect::MarketElectricity,
        )),
        100.0 * tx,
    );
    // A third instrument covers the last 100 kWh; a fourth finds nothing left to claim.
    let four = format!(
        "{two}{}{}",
        instrument("third", "400 kWh", "US", YEAR, ""),
        instrument("fourth", "1 kWh", "US", YEAR, "")
    );
    let a = assess(&inventory(&format!("{COLO_VA}{second_site}{four}")));
    assert!(has_assumption(
        &a,
        "instrument-used",
        "100 kWh to site `tx`; unused 300 kWh"
    ));
    assert_eq!(
        gwp(find(
            &a,
            ItemKind::Workload,
            "serve",
            Aspect::MarketElectricity
        )),
        0.0
    );
    let e = excluded(
        &a,
        ItemKind::Instrument,
        "fourth",
        Aspect::MarketElectricity,
    );
    assert!(e.reason.starts_with("unused"), "{}", e.reason);
}

#[test]
fn an_instrument_straddling_the_period_counts_pro_rata() {
    // 2024-07-01 to 2025-06-30: 365 days, 181 of them in 2025.
    let inv = inventory(&format!(
        "{COLO_VA}{}",
        instrument(
            "straddle",
            "730 kWh",
            "US",
            ("2024-07-01", "2025-06-30"),
            ""
        )
    ));
    let a = assess(&inv);
    let counted = 730.0 * 181.0 / 365.0;
    assert_close(
        find(
            &a,
            ItemKind::Instrument,
            "straddle",
            Aspect::MarketElectricity,
        )
        .terms[0]
            .value,
        counted,
    );
    assert_close(
        disclosure(&a, SCOPE_2_MARKET),
        (1500.0 - counted) * EGRID_VA,
    );
}

#[test]
fn the_total_can_take_the_market_based_scope_2_instead() {
    let inv = inventory(&format!(
        "{COLO_VA}{}",
        instrument("rec", "1000 kWh", "US", YEAR, "")
    ));
    let p = params(&[("scope-2-basis-for-total", ParamValue::Text("market".into()))]);
    let a = assess_with(&inv, db(), &p);
    let lb = find(&a, ItemKind::Workload, "train", Aspect::Electricity);
    let mb = find(&a, ItemKind::Workload, "train", Aspect::MarketElectricity);
    assert!(lb.memo && !mb.memo);
    assert_close(
        a.total(Indicator::Gwp).unwrap_or_default(),
        500.0 * EGRID_VA,
    );
    let b = a.breakdown(Indicator::Gwp);
    assert!(b.memo.contains_key(SCOPE_2_LOCATION) && b.by_category.contains_key(SCOPE_2_MARKET));
}

// -------------------------------------------------------------------------------------
// Scope 3 Cat. 2, capital goods
// -------------------------------------------------------------------------------------

const FLEET: &str = r#"
[[fleet]]
id = "gpus"
model = "nvidia-h100-sxm-80gb"
count = 100
acquired = 2025-03-01
lifetime = "4 years"
site = "va"
host = { model = "gpu-server-8gpu-base", devices-per-host = 8 }
"#;

#[test]
fn capital_goods_count_100_percent_in_the_year_of_acquisition() {
    let uses_fleet = COLO_VA.replace(
        "energy = \"1000 kWh\"",
        "energy = \"1000 kWh\"\nfleet = \"gpus\"\ndevice-hours = \"1000 GPU·h\"",
    );
    let inv = inventory(&format!("{uses_fleet}{FLEET}"));
    let a = assess(&inv);
    let gpus = find(&a, ItemKind::Fleet, "gpus", Aspect::Embodied);
    assert_eq!(gpus.category.as_deref(), Some(SCOPE_3_CAT_2));
    assert_eq!(gpus.stage, Stage::Manufacturing);
    assert_close(gwp(gpus), 100.0 * 164.0);
    let expensed = gpus
        .terms
        .iter()
        .find(|t| t.symbol == "expensed")
        .expect("expensed term");
    assert_eq!(expensed.value, 1.0);
    assert_eq!(expensed.driver, Some(Driver::CapitalGoods));
    assert!(
        matches!(&expensed.source, TermSource::Rule { rule } if rule.contains("never amortised"))
    );
    let hosts = find(&a, ItemKind::Fleet, "gpus", Aspect::HostEmbodied);
    assert_close(gwp(hosts), 100.0 / 8.0 * 5700.0);
    assert_eq!(hosts.presence, Some(Driver::HostEmbodied));
    assert_close(category(&a, SCOPE_3_CAT_2), 16_400.0 + 71_250.0);
    // The run that used the fleet carries it in its phase and functional unit.
    assert_eq!(gpus.allocation.len(), 1);
    assert_close(
        a.breakdown(Indicator::Gwp).by_phase[&Phase::Training],
        a.total(Indicator::Gwp).unwrap_or_default(),
    );
}

#[test]
fn capital_goods_acquired_in_another_year_count_zero_and_say_so() {
    let inv = inventory(&format!(
        "{COLO_VA}{}",
        FLEET.replace("2025-03-01", "2024-11-15")
    ));
    let a = assess(&inv);
    let gpus = find(&a, ItemKind::Fleet, "gpus", Aspect::Embodied);
    assert_eq!(gwp(gpus), 0.0);
    let expensed = gpus
        .terms
        .iter()
        .find(|t| t.symbol == "expensed")
        .expect("expensed term");
    assert_eq!(expensed.value, 0.0);
    assert!(
        matches!(&expensed.source, TermSource::Rule { rule } if rule.contains("acquired 2024-11-15, outside the reporting period"))
    );
    assert!(has_assumption(
        &a,
        "capital-goods-other-year",
        "0 in any other year"
    ));
    // No workload used the fleet: it belongs to no phase.
    assert!(gpus.allocation.is_empty() && gpus.phase.is_none());
}

#[test]
fn capital_goods_without_an_acquisition_date_are_excluded() {
    let inv = inventory(&format!(
        "{COLO_VA}{}",
        FLEET.replace("acquired = 2025-03-01\n", "")
    ));
    let a = assess(&inv);
    for aspect in [Aspect::Embodied, Aspect::HostEmbodied] {
        let e = excluded(&a, ItemKind::Fleet, "gpus", aspect);
        assert!(e.reason.contains("no acquisition date"), "{}", e.reason);
        assert_eq!(e.driver, Some(Driver::CapitalGoods));
    }
}

#[test]
fn hardware_takes_cradle_to_gate_first_and_an_override_wins() {
    let a = assess(&inventory(&format!("{COLO_VA}{FLEET}")));
    let f = a.factor("nvidia-pcf-hgx-h100-per-gpu").expect("vendor PCF");
    assert_eq!(f.boundary, "cradle-to-gate");
    // Only a cradle-to-grave figure exists for the H200: used, with a warning.
    let a = assess(&inventory(&format!(
        "{COLO_VA}{}",
        FLEET.replace("nvidia-h100-sxm-80gb", "nvidia-h200-141gb")
    )));
    assert_close(
        gwp(find(&a, ItemKind::Fleet, "gpus", Aspect::Embodied)),
        100.0 * 364.0,
    );
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("no cradle-to-gate figure")),
        "{:?}",
        a.warnings
    );
    let overridden = FLEET.replace(
        "host = {",
        "embodied.gwp = { value = \"200 kgCO2e/device\", source = \"vendor PCF\", boundary = \"cradle-to-gate\" }\nhost = {",
    );
    let a = assess(&inventory(&format!("{COLO_VA}{overridden}")));
    let c = find(&a, ItemKind::Fleet, "gpus", Aspect::Embodied);
    assert_close(gwp(c), 100.0 * 200.0);
    assert_eq!(&*c.values[0].factor, "inventory:fleet[gpus].embodied.gwp");
}

#[test]
fn buildings_count_when_owned_and_acquired_in_the_year() {
    let building = |id: &str, owned: bool, acquired: &str| {
        format!(
            "\n[[building]]\nid = \"{id}\"\nsite = \"va\"\nlifetime = \"20 years\"\nshare = 0.25\nacquired = {acquired}\nowned = {owned}\nimpacts.gwp = {{ value = \"1000 t CO2e\", source = \"test\" }}\n"
        )
    };
    let body = [
        building("new", true, "2025-06-01"),
        building("old", true, "2010-06-01"),
        building("rented", false, "2025-06-01"),
    ]
    .concat();
    let a = assess(&inventory(&format!("{COLO_VA}{body}")));
    let new = find(&a, ItemKind::Building, "new", Aspect::Building);
    assert_eq!(new.category.as_deref(), Some(SCOPE_3_CAT_2));
    assert_close(gwp(new), 1_000_000.0 * 0.25);
    assert_eq!(
        gwp(find(&a, ItemKind::Building, "old", Aspect::Building)),
        0.0
    );
    let e = excluded(&a, ItemKind::Building, "rented", Aspect::Building);
    assert!(e.reason.contains("not owned"), "{}", e.reason);
}

// -------------------------------------------------------------------------------------
// Cloud, services, Cat. 4 and 5, Scope 1, offsets
// -------------------------------------------------------------------------------------

const CLOUD: &str = r#"
[[site]]
id = "cloud"
region = "FR"
pue = 1.2
ownership = "cloud"
provider = "Cloudy"

[[fleet]]
id = "rented"
model = "nvidia-h100-sxm-80gb"
count = 8
acquired = 2025-01-01
site = "cloud"

[[workload]]
id = "finetune"
phase = "fine-tuning"
site = "cloud"
fleet = "rented"
energy = "1000 kWh"
"#;

#[test]
fn cloud_electricity_is_cat1_and_cloud_hardware_is_not_a_capital_good() {
    let a = assess(&inventory(CLOUD));
    let c = find(&a, ItemKind::Workload, "finetune", Aspect::Electricity);
    assert_eq!(c.category.as_deref(), Some(SCOPE_3_CAT_1));
    let f = a.factor(&c.values[0].factor).expect("factor");
    assert_eq!(f.boundary, "life-cycle");
    assert_close(gwp(c), 1200.0 * f.canonical);
    assert!(
        !a.contributions
            .iter()
            .any(|c| c.aspect == Aspect::MarketElectricity)
    );
    assert_eq!(disclosure(&a, SCOPE_2_LOCATION), 0.0);
    let e = excluded(&a, ItemKind::Fleet, "rented", Aspect::Embodied);
    assert!(
        e.reason.contains("provider owns the hardware"),
        "{}",
        e.reason
    );
}

#[test]
fn a_cloud_service_with_allocated_emissions_replaces_the_energy_estimate() {
    let service = "\n[[service]]\nid = \"gpu-rental\"\ndescription = \"GPU instances\"\nprovider = \"Cloudy\"\ncloud-compute = true\nphase = \"fine-tuning\"\nallocated.gwp = { value = \"300 kg CO2e\", source = \"provider's carbon report\" }\n";
    let a = assess(&inventory(&format!("{CLOUD}{service}")));
    let e = excluded(&a, ItemKind::Workload, "finetune", Aspect::Electricity);
    assert!(e.reason.contains("service `gpu-rental`"), "{}", e.reason);
    let s = find(&a, ItemKind::Service, "gpu-rental", Aspect::Service);
    assert_eq!(s.category.as_deref(), Some(SCOPE_3_CAT_1));
    assert_close(gwp(s), 300.0);
    assert_eq!(
        s.allocation.len(),
        1,
        "shared among the workloads it covers"
    );
    assert_close(a.total(Indicator::Gwp).unwrap_or_default(), 300.0);
    // Another provider's service does not cover the workload.
    let a = assess(&inventory(&format!(
        "{CLOUD}{}",
        service.replace("\"Cloudy\"", "\"Other\"")
    )));
    assert_eq!(
        find(&a, ItemKind::Workload, "finetune", Aspect::Electricity)
            .category
            .as_deref(),
        Some(SCOPE_3_CAT_1)
    );
    assert_close(
        category(&a, SCOPE_3_CAT_1),
        300.0
            + gwp(find(
                &a,
                ItemKind::Workload,
                "finetune",
                Aspect::Electricity,
            )),
    );
}

#[test]
fn transport_and_end_of_life_count_in_the_year_they_happen() {
    let items = "\n[[transport]]\nid = \"ship\"\nfleet = \"gpus\"\nimpacts.gwp = { value = \"2 t CO2e\", source = \"test\" }\n\n[[end-of-life]]\nid = \"recycle-now\"\ndate = 2025-10-01\nimpacts.gwp = { value = \"1 t CO2e\", source = \"test\" }\n\n[[end-of-life]]\nid = \"recycle-later\"\ndate = 2029-03-01\nimpacts.gwp = { value = \"1 t CO2e\", source = \"test\" }\n\n[[end-of-life]]\nid = \"recycle-someday\"\nimpacts.gwp = { value = \"1 t CO2e\", source = \"test\" }\n";
    let a = assess(&inventory(&format!("{COLO_VA}{FLEET}{items}")));
    let ship = find(&a, ItemKind::Transport, "ship", Aspect::Transport);
    assert_eq!(ship.category.as_deref(), Some(SCOPE_3_CAT_4));
    assert_close(gwp(ship), 2000.0);
    assert!(has_assumption(&a, "transport-date", "acquisition date"));
    let eol = find(&a, ItemKind::EndOfLife, "recycle-now", Aspect::EndOfLife);
    assert_eq!(eol.category.as_deref(), Some(SCOPE_3_CAT_5));
    assert_close(gwp(eol), 1000.0);
    let later = excluded(&a, ItemKind::EndOfLife, "recycle-later", Aspect::EndOfLife);
    assert!(
        later.reason.contains("outside the reporting period"),
        "{}",
        later.reason
    );
    let someday = excluded(
        &a,
        ItemKind::EndOfLife,
        "recycle-someday",
        Aspect::EndOfLife,
    );
    assert!(someday.reason.contains("no date"), "{}", someday.reason);
    assert_eq!(category(&a, SCOPE_3_CAT_12), 0.0);
}

#[test]
fn fuel_and_refrigerant_are_scope_1_at_owned_sites_only() {
    let direct = |site: &str| {
        format!(
            "\n[[fuel]]\nid = \"diesel-{site}\"\nsite = \"{site}\"\nfuel = \"diesel\"\namount = \"100 L\"\nfactor = {{ value = \"2.68 kgCO2e/L\", source = \"test\", boundary = \"combustion\" }}\n\n[[refrigerant]]\nid = \"r134a-{site}\"\nsite = \"{site}\"\ngas = \"R-134a\"\nleaked = \"2 kg\"\ngwp100 = 1300\nsource = \"IPCC AR5\"\n"
        )
    };
    let owned = "\n[[site]]\nid = \"own\"\nregion = \"FR\"\npue = 1.1\nownership = \"owned\"\n";
    let a = assess(&inventory(&format!(
        "{COLO_VA}{owned}{}{}",
        direct("own"),
        direct("va")
    )));
    assert_close(disclosure(&a, SCOPE_1), 268.0 + 2600.0);
    assert_eq!(
        find(&a, ItemKind::Fuel, "diesel-va", Aspect::Fuel)
            .category
            .as_deref(),
        Some(SCOPE_3_CAT_1)
    );
    assert_eq!(
        find(&a, ItemKind::Refrigerant, "r134a-va", Aspect::Refrigerant)
            .category
            .as_deref(),
        Some(SCOPE_3_CAT_1)
    );
    assert!(has_assumption(
        &a,
        "operator-direct-emissions",
        "operator's Scope 1"
    ));
}

#[test]
fn offsets_are_reported_apart_and_never_netted() {
    let offset = "\n[[offset]]\nid = \"credits\"\namount = \"5 t CO2e\"\nregistry = \"test\"\nvintage = 2025\n";
    let without = assess(&inventory(COLO_VA));
    let with = assess(&inventory(&format!("{COLO_VA}{offset}")));
    assert_eq!(with.total(Indicator::Gwp), without.total(Indicator::Gwp));
    let c = find(&with, ItemKind::Offset, "credits", Aspect::Offset);
    assert!(c.memo);
    assert_eq!(c.category.as_deref(), Some(OFFSETS));
    assert_close(gwp(c), 5000.0);
    assert_close(disclosure(&with, OFFSETS), 5000.0);
    assert_close(with.breakdown(Indicator::Gwp).memo[OFFSETS], 5000.0);
}

// -------------------------------------------------------------------------------------
// Reporting period
// -------------------------------------------------------------------------------------

#[test]
fn dated_workloads_count_pro_rata_of_their_days_in_the_reporting_period() {
    // 2024-12-01 to 2025-01-30: 61 days, 30 in 2025 and 31 in 2024.
    let body = COLO_VA.replace(
        "energy = \"1000 kWh\"",
        "energy = \"1000 kWh\"\noutside-period = \"prorate\"\nperiod = { start = 2024-12-01, end = 2025-01-30 }",
    );
    let a = assess(&inventory(&body));
    let c = find(&a, ItemKind::Workload, "train", Aspect::Electricity);
    let share = c
        .terms
        .iter()
        .find(|t| t.symbol == "s_period")
        .expect("period share");
    assert_eq!(share.driver, Some(Driver::TimeFrame));
    assert_close(share.value, 30.0 / 61.0);
    assert_close(gwp(c), 1500.0 * EGRID_VA * 30.0 / 61.0);
    let a = assess_with(
        &inventory(&body),
        db(),
        &params(&[("reporting-year", ParamValue::Year(2024))]),
    );
    assert_close(
        gwp(find(&a, ItemKind::Workload, "train", Aspect::Electricity)),
        1500.0 * EGRID_VA * 31.0 / 61.0,
    );
    assert!(has_assumption(&a, "reporting-period", "calendar 2024"));
}

#[test]
fn the_reporting_year_places_undated_items_and_capital_goods() {
    let inv = inventory(&format!(
        "{COLO_VA}{}",
        FLEET.replace("2025-03-01", "2024-03-01")
    ));
    // 2024: the undated workload lies in the inventory's period (2025), the fleet is expensed.
    let a = assess_with(
        &inv,
        db(),
        &params(&[("reporting-year", ParamValue::Year(2024))]),
    );
    let e = a
        .exclusions
        .iter()
        .find(|e| &*e.item.id == "train" && e.aspect.is_none())
        .expect("workload outside the period");
    assert_eq!(e.driver, Some(Driver::TimeFrame));
    assert!(has_assumption(
        &a,
        "undated",
        "taken to lie in the inventory's period"
    ));
    assert_close(
        category(&a, SCOPE_3_CAT_2),
        100.0 * 164.0 + 100.0 / 8.0 * 5700.0,
    );
    assert_eq!(disclosure(&a, SCOPE_2_LOCATION), 0.0);
}

#[test]
fn a_reporting_period_longer_than_a_year_is_flagged() {
    let header = HEADER.replace("end = 2025-12-31", "end = 2026-06-30");
    let a = assess(&inventory_with_header(&header, COLO_VA));
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("set parameter `reporting-year`")),
        "{:?}",
        a.warnings
    );
}

#[test]
fn capital_goods_can_be_amortised_as_a_declared_variant() {
    // Acquired 2025-03-01 with a 4-year life (1,460 days): 306 of them fall in 2025.
    let inv = inventory(&format!("{COLO_VA}{FLEET}"));
    let p = params(&[("capital-goods", ParamValue::Text("amortised".into()))]);
    let a = assess_with(&inv, db(), &p);
    let gpus = find(&a, ItemKind::Fleet, "gpus", Aspect::Embodied);
    let share = gpus
        .terms
        .iter()
        .find(|t| t.symbol == "s_amort")
        .expect("amortised share");
    assert_close(share.value, 306.0 / 1460.0);
    assert_eq!(share.driver, Some(Driver::CapitalGoods));
    assert_close(gwp(gpus), 100.0 * 164.0 * 306.0 / 1460.0);
    assert!(has_assumption(
        &a,
        "capital-goods-amortised",
        "departs from the GHG Protocol"
    ));
    // Acquired two years earlier: 2025 is still inside its service life, in full.
    let earlier = inventory(&format!(
        "{COLO_VA}{}",
        FLEET.replace("2025-03-01", "2023-01-01")
    ));
    let a = assess_with(&earlier, db(), &p);
    let gpus = find(&a, ItemKind::Fleet, "gpus", Aspect::Embodied);
    assert_close(gwp(gpus), 100.0 * 164.0 * 365.0 / 1460.0);
    // Out of service before the year starts: nothing.
    let retired = inventory(&format!(
        "{COLO_VA}{}",
        FLEET.replace("2025-03-01", "2020-01-01")
    ));
    let a = assess_with(&retired, db(), &p);
    assert_eq!(
        gwp(find(&a, ItemKind::Fleet, "gpus", Aspect::Embodied)),
        0.0
    );
}

/// The default PUE is resolved and listed as in every method (the method kit): looked up
/// from the site's region, listed once in the factors, cited by the term, assumed on the
/// site. ghg-protocol used to cite it without listing it.
#[test]
fn a_default_pue_is_listed_cited_and_assumed_like_every_method() {
    let inv = inventory(&COLO_VA.replace("pue = 1.5\n", ""));
    let a = assess(&inv);
    let listed = a
        .factors
        .iter()
        .find(|f| f.subject == "datacentre/pue/industry-average")
        .expect("the default PUE is listed");
    assert_eq!(listed.requested_region.as_deref(), Some("US-VA"));
    let c = a
        .contributions
        .iter()
        .find(|c| c.item.id.as_ref() == "train" && c.aspect == Aspect::Electricity)
        .expect("electricity");
    let pue = c
        .terms
        .iter()
        .find(|t| t.symbol == "PUE")
        .expect("PUE term");
    assert_eq!(
        pue.source,
        TermSource::Factor {
            id: listed.id.clone()
        }
    );
    let assumed = a
        .assumptions
        .iter()
        .find(|x| x.topic == "default-pue")
        .expect("assumed");
    assert!(
        assumed.text.starts_with(&format!(
            "PUE not given: default 1.56 from `{}` (region WORLD; ",
            listed.id
        )),
        "{}",
        assumed.text
    );
    assert_eq!(assumed.items, vec![ItemRef::new(ItemKind::Site, "va")]);
}
