use bilan_core::assessment::{Builder, ItemKind};
use bilan_core::factor::{Boundary, FactorSet};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Inventory;
use bilan_core::method::{Descriptor, ParamKind, ParamSpec, ParamValue, Parameters};
use bilan_core::units::Dimension;
use bilan_io::{SourceFile, load_inventory};

use crate::site::{self, Defaults, Grid, Origin, SiteFigure};
use crate::wording::GridNoun;

const INVENTORY: &str = r#"
schema = 1
[system]
name = "test"
organisation = "Org"
period = { start = 2025-01-01, end = 2025-12-31 }

[[site]]
id = "paris"
region = "FR"
ownership = "owned"

[[site]]
id = "ashburn"
region = "US-VA"
ownership = "colocation"
pue = 1.2

[[workload]]
id = "serve"
phase = "inference"
site = "paris"
energy = "1000 kWh"

[[workload]]
id = "train"
phase = "training"
site = "ashburn"
energy = "1000 kWh"
"#;

fn inventory() -> Inventory {
    let file = SourceFile {
        name: "test.toml".into(),
        text: INVENTORY.into(),
    };
    load_inventory(&file).unwrap_or_else(|e| panic!("{e:?}"))
}

fn descriptor() -> Descriptor {
    Descriptor {
        id: "kit-test".into(),
        name: "kit test".into(),
        version: semver::Version::new(1, 0, 0),
        summary: String::new(),
        indicators: Indicator::ALL.to_vec(),
        boundary: String::new(),
        parameters: vec![
            ParamSpec::new(
                "default-pue",
                ParamKind::Number {
                    min: Some(1.0),
                    max: None,
                },
                None,
                "PUE",
            ),
            ParamSpec::new(
                "default-wue",
                ParamKind::quantity(Dimension::VOLUME_PER_ENERGY),
                None,
                "WUE",
            ),
        ],
        rules: Vec::new(),
        references: Vec::new(),
    }
}

fn fixture() -> (Inventory, Descriptor, &'static FactorSet) {
    let factors = bilan_factors::embedded().expect("embedded factors");
    (inventory(), descriptor(), factors)
}

#[test]
fn a_default_pue_is_looked_up_listed_cited_and_assumed() {
    let (inv, d, factors) = fixture();
    let params = Parameters::default();
    let mut b = Builder::new(&d, &params);
    let defaults = Defaults::new(&d, &params, factors);
    let SiteFigure::Default(pue) = site::pue(&mut b, defaults, &inv.sites[0]).expect("pue") else {
        panic!("the site gives no PUE: a default");
    };
    assert_eq!(pue.origin, Origin::Database);
    let id = pue.factor.expect("a database default is listed");
    let SiteFigure::Override(own) = site::pue(&mut b, defaults, &inv.sites[1]).expect("pue") else {
        panic!("the site gives its PUE");
    };
    assert_eq!((own.origin, own.term.value), (Origin::Inventory, 1.2));
    let a = b.finish();
    let listed = a.factors.iter().find(|f| f.id == id).expect("listed");
    assert_eq!(listed.requested_region.as_deref(), Some("FR"));
    let assumption = a
        .assumptions
        .iter()
        .find(|x| x.topic == "default-pue")
        .expect("assumed");
    assert!(
        assumption
            .text
            .starts_with("PUE not given: default 1.56 from `"),
        "{}",
        assumption.text
    );
    assert_eq!(
        assumption.items.len(),
        1,
        "applied to the one site without a PUE"
    );
}

#[test]
fn a_parameter_pue_wins_over_the_database_and_lists_no_factor() {
    let (inv, d, factors) = fixture();
    let mut params = Parameters::default();
    params.set("default-pue", ParamValue::Number(1.3));
    let mut b = Builder::new(&d, &params);
    let defaults = Defaults::new(&d, &params, factors);
    let pue = site::pue(&mut b, defaults, &inv.sites[0])
        .expect("pue")
        .or_error(&inv.sites[0])
        .expect("found");
    assert_eq!(
        (pue.origin, pue.term.value, pue.factor),
        (Origin::Parameter, 1.3, None)
    );
    assert!(b.finish().factors.is_empty());
}

#[test]
fn the_default_wue_measured_elsewhere_is_used_and_disclosed() {
    let (inv, d, factors) = fixture();
    let params = Parameters::default();
    let mut b = Builder::new(&d, &params);
    let defaults = Defaults::new(&d, &params, factors);
    // FR's chain (FR, WORLD) holds no WUE: the single US figure is used, its region shown.
    let SiteFigure::Default(wue) = site::wue(&mut b, defaults, &inv.sites[0]).expect("wue") else {
        panic!("a default");
    };
    assert_eq!((wue.origin, wue.term.value), (Origin::Database, 0.36));
    let a = b.finish();
    let listed = a
        .factors
        .iter()
        .find(|f| Some(&f.id) == wue.factor.as_ref())
        .expect("listed");
    assert_eq!(listed.canonical_unit, "m3/kWh");
    assert!((listed.canonical - 0.00036).abs() < 1e-12);
    assert!(a.assumptions.iter().any(|x| x.text.contains("(region US;")));
}

#[test]
fn a_grid_factor_found_by_fallback_is_warned_once_in_the_methods_words() {
    let (inv, d, factors) = fixture();
    let params = Parameters::default();
    let mut b = Builder::new(&d, &params);
    let site = &inv.sites[1];
    let Grid::Found(r) = site::grid(
        &mut b,
        factors,
        site,
        Indicator::Gwp,
        Boundary::LifeCycle,
        GridNoun::IndicatorFactor,
    ) else {
        panic!("US-VA falls back to US");
    };
    assert!(!r.fallback.is_empty());
    let a = b.finish();
    assert!(
        a.warnings
            .iter()
            .any(|w| w
                .starts_with("site `ashburn`: no gwp factor for electricity in US-VA; used US (")),
        "{:?}",
        a.warnings
    );
}

#[test]
fn every_item_to_account_for_is_listed_once() {
    let inv = inventory();
    let items = crate::accounted::items(&inv);
    assert_eq!(
        items,
        vec![(ItemKind::Workload, "serve"), (ItemKind::Workload, "train")]
    );
}

#[test]
fn host_overhead_is_a_share_of_device_energy_or_an_amount() {
    use crate::terms::{HostOverhead, host_overhead};
    use bilan_core::assessment::ItemRef;
    use bilan_core::units::Quantity;
    let item = ItemRef::new(ItemKind::Workload, "w");
    let share = Quantity::parse("0.5").expect("parses");
    let (h, kwh) = host_overhead(&share, 1000.0, &item).expect("a share");
    assert!(matches!(h, HostOverhead::Share(t) if t.symbol == "f_host" && t.value == 0.5));
    assert_eq!(kwh, 500.0);
    let amount = Quantity::parse("2 MWh").expect("parses");
    let (h, kwh) = host_overhead(&amount, 1000.0, &item).expect("an amount");
    assert!(matches!(h, HostOverhead::Energy(t) if t.symbol == "E_host"));
    assert_eq!(kwh, 2000.0);
    let wrong = Quantity::parse("3 kg").expect("parses");
    let e = host_overhead(&wrong, 1000.0, &item).expect_err("not energy");
    assert!(e.to_string().contains("workload `w`"), "{e}");
}
