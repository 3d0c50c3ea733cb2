use bilan_core::assessment::ItemKind;
use bilan_core::figure::FigurePath;
use bilan_io::{SourceFile, load_inventory};

use super::*;

const BASE: &str = r#"
schema = 1
[system]
name = "test"
organisation = "Org"
period = { start = 2025-01-01, end = 2025-12-31 }

[[functional-unit]]
id = "request"
kind = "request"

[[site]]
id = "paris"
region = "FR"
ownership = "owned"

[[fleet]]
id = "gpus"
model = "nvidia-h100-sxm-80gb"
count = 8
site = "paris"
host = { model = "gpu-server-8gpu-base", devices-per-host = 8 }

[[workload]]
id = "serve"
phase = "inference"
site = "paris"
fleet = "gpus"
energy = "1000 kWh"
idle-energy = "100 kWh"
host-overhead = 0.5
device-hours = "8760 GPU·h"
utilisation = 0.5
volume = { requests = 1e6 }
"#;

fn inventory(extra: &str) -> Inventory {
    let file = SourceFile {
        name: "test.toml".into(),
        text: format!("{BASE}\n{extra}"),
    };
    load_inventory(&file).unwrap_or_else(|e| panic!("{e:?}"))
}

fn assess(inv: &Inventory, params: &[(&str, &str)]) -> Assessment {
    let method = AdemeLca::default();
    let mut p = Parameters::default();
    for (k, v) in params {
        let spec = method.descriptor().parameter(k).expect("known parameter");
        p.set(*k, spec.kind.parse(v).expect("valid value"));
    }
    let factors = bilan_factors::embedded().expect("embedded factors");
    let a = method
        .assess(inv, factors, &p)
        .unwrap_or_else(|e| panic!("{e}"));
    a.check().expect("audit trail reproduces every value");
    a
}

fn figure(a: &Assessment, path: &str) -> f64 {
    path.parse::<FigurePath>()
        .expect("valid path")
        .value(a)
        .unwrap_or_else(|| panic!("{path} has no value"))
}

#[test]
fn electricity_counts_idle_host_and_pue() {
    let inv = inventory("");
    let a = assess(&inv, &[]);
    // 1000 kWh + 100 idle + 500 host, × default PUE 1.56, × France 56.039 g/kWh.
    let expected = 1600.0 * 1.56 * 0.056039;
    assert!(
        (figure(&a, "gwp.item.serve") - expected).abs() < 1e-6,
        "{}",
        figure(&a, "gwp.item.serve")
    );
    assert!(
        a.assumptions
            .iter()
            .any(|x| x.topic == "default-pue" && x.text.contains("1.56"))
    );
    // On-site water applies to IT energy, off-site water to facility energy.
    let water = figure(&a, "water.item.serve");
    let expected_water = 1600.0 * 0.36 / 1000.0 + 1600.0 * 1.56 * 3.6739 / 1000.0;
    assert!(
        (water - expected_water).abs() < 1e-3,
        "{water} vs {expected_water}"
    );
}

#[test]
fn idle_and_host_can_be_excluded_with_a_reason() {
    let inv = inventory("");
    let a = assess(
        &inv,
        &[
            ("include-idle", "false"),
            ("include-host-overhead", "false"),
        ],
    );
    let expected = 1000.0 * 1.56 * 0.056039;
    assert!((figure(&a, "gwp.item.serve") - expected).abs() < 1e-6);
    assert!(a.exclusions.iter().any(
        |e| e.aspect == Some(Aspect::IdleElectricity) && e.driver == Some(Driver::IdleOverhead)
    ));
    assert!(
        a.exclusions
            .iter()
            .any(|e| e.aspect == Some(Aspect::HostElectricity))
    );
}

#[test]
fn embodied_is_amortised_and_optionally_divided_by_utilisation() {
    let inv = inventory("");
    let a = assess(&inv, &[]);
    // 8760 GPU·h over a 4-year default lifetime (35,040 h) = 0.25 device-lifetimes.
    let share = 8760.0 / 35_040.0;
    let expected = share * (164.0 + 5700.0 / 8.0);
    let manufacturing = figure(&a, "gwp.stage.manufacturing");
    assert!(
        (manufacturing - expected).abs() < 1e-9,
        "{manufacturing} vs {expected}"
    );
    assert!(a.assumptions.iter().any(|x| x.topic == "default-lifetime"));
    let divided = assess(&inv, &[("utilisation-divisor", "inventory")]);
    assert!((figure(&divided, "gwp.stage.manufacturing") - expected / 0.5).abs() < 1e-9);
    // The whole embodied impact belongs to the inference phase through the allocation.
    assert!((figure(&a, "gwp.phase.inference") - figure(&a, "gwp.total")).abs() < 1e-9);
}

#[test]
fn preference_order_is_a_parameter() {
    let inv = inventory("");
    let pcf = assess(&inv, &[("include-host-embodied", "false")]);
    let parametric = assess(
        &inv,
        &[
            ("include-host-embodied", "false"),
            ("embodied-preference", "parametric"),
        ],
    );
    let ratio =
        figure(&parametric, "gwp.stage.manufacturing") / figure(&pcf, "gwp.stage.manufacturing");
    assert!((ratio - 273.0 / 164.0).abs() < 1e-9, "{ratio}");
    assert!(
        pcf.exclusions
            .iter()
            .any(|e| e.aspect == Some(Aspect::HostEmbodied))
    );
}

#[test]
fn building_transport_and_end_of_life_are_amortised() {
    let inv = inventory(
        r#"
[[building]]
id = "dc"
site = "paris"
impacts.gwp = { value = "1000 t CO2e", source = "test" }
lifetime = "20 years"
share = 0.1
time = "1 year"

[[transport]]
id = "ship"
fleet = "gpus"
impacts.gwp = { value = "80 kg CO2e", source = "test" }

[[end-of-life]]
id = "recycle"
impacts.gwp = { value = "5 kg CO2e", source = "test" }
"#,
    );
    let a = assess(&inv, &[]);
    assert!((figure(&a, "gwp.stage.infrastructure") - 1_000_000.0 / 20.0 * 0.1).abs() < 1e-6);
    // Transport follows the fleet: 8760 GPU·h / (35,040 h × 8 devices).
    assert!((figure(&a, "gwp.stage.transport") - 80.0 * 8760.0 / (35_040.0 * 8.0)).abs() < 1e-9);
    // End of life with no fleet counts whole.
    assert!((figure(&a, "gwp.stage.end-of-life") - 5.0).abs() < 1e-12);
    // Indicators an item does not give are excluded, not zero.
    assert!(
        a.exclusions
            .iter()
            .any(|e| &*e.item.id == "dc" && e.indicator == Some(Indicator::Water))
    );
}

#[test]
fn every_item_is_included_or_excluded() {
    let inv = inventory(
        r#"
[[fleet]]
id = "unused"
model = "nvidia-b200-192gb"
count = 4
site = "paris"

[[instrument]]
id = "go"
kind = "guarantee-of-origin"
tracking-system = "t"
energy = "1 MWh"
region = "FR"
period = { start = 2025-01-01, end = 2025-12-31 }
emission-factor = "0 g/kWh"
retired = true
on-behalf-of = "Org"

[[offset]]
id = "credits"
amount = "1 t CO2e"
"#,
    );
    let a = assess(&inv, &[]);
    let accounted = |kind: ItemKind, id: &str| {
        a.contributions
            .iter()
            .any(|c| c.item.kind == kind && &*c.item.id == id)
            || a.exclusions
                .iter()
                .any(|e| e.item.kind == kind && &*e.item.id == id && e.indicator.is_none())
    };
    for (kind, id) in [
        (ItemKind::Workload, "serve"),
        (ItemKind::Fleet, "gpus"),
        (ItemKind::Fleet, "unused"),
        (ItemKind::Instrument, "go"),
        (ItemKind::Offset, "credits"),
    ] {
        assert!(accounted(kind, id), "{kind:?} {id}");
    }
    let go = a
        .exclusions
        .iter()
        .find(|e| &*e.item.id == "go")
        .expect("instrument excluded");
    assert_eq!(go.driver, Some(Driver::ElectricityBasis));
}

#[test]
fn disclosures_follow_mistral() {
    let inv = inventory("");
    let a = assess(&inv, &[]);
    let per_request = a
        .disclosures
        .iter()
        .find(|d| d.id == "inference-per-request" && d.indicator == Some(Indicator::Gwp))
        .and_then(|d| d.value)
        .expect("per request");
    assert!((per_request - figure(&a, "gwp.phase.inference") / 1e6).abs() < 1e-15);
    let share = a
        .disclosures
        .iter()
        .find(|d| d.id == "inference-share" && d.indicator == Some(Indicator::Gwp))
        .and_then(|d| d.value);
    assert_eq!(share, Some(1.0));
    assert!((figure(&a, "gwp.unit.request") - per_request).abs() < 1e-15);
}

#[test]
fn unknown_or_bad_parameters_are_refused() {
    let inv = inventory("");
    let mut p = Parameters::default();
    p.set("lifetime", ParamValue::Text("3".into()));
    let factors = bilan_factors::embedded().expect("embedded factors");
    let err = AdemeLca::default().assess(&inv, factors, &p).unwrap_err();
    assert!(
        err.to_string().contains("has no parameter `lifetime`"),
        "{err}"
    );
    let spec = AdemeLca::default()
        .descriptor()
        .parameter("default-lifetime")
        .cloned()
        .expect("spec");
    assert!(
        spec.kind
            .parse("3 kg")
            .unwrap_err()
            .contains("expected time")
    );
}

/// The default WUE is the database's factor, listed once (m³ per IT kWh) and cited by the
/// cooling-water contributions; it used to be listed twice (the database figure in L/kWh
/// and a `default:wue:` copy the contributions cited).
#[test]
fn the_default_wue_is_one_listed_database_factor() {
    let inv = inventory("");
    let a = assess(&inv, &[]);
    let wue: Vec<_> = a.factors.iter().filter(|f| f.symbol == "WUE").collect();
    assert_eq!(wue.len(), 1, "{wue:?}");
    assert_eq!(wue[0].id.as_ref(), "lbnl-2024-wue-us-average");
    assert_eq!(wue[0].canonical_unit.as_ref(), "m3/kWh");
    let water = a
        .contributions
        .iter()
        .find(|c| c.aspect == bilan_core::assessment::Aspect::CoolingWater)
        .expect("cooling water");
    assert_eq!(water.values[0].factor, wue[0].id);
    assert!(
        a.assumptions
            .iter()
            .any(|x| x.topic == "default-wue" && x.text.contains("(region US;"))
    );
}
