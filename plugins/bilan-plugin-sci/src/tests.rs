use super::*;

use bilan_core::assessment::{Disclosure, Exclusion, ItemKind, Stage, TermSource};

const HEADER: &str = r#"
schema = 1

[system]
name = "test system"
period = { start = 2025-01-01, end = 2025-12-31 }

[[site]]
id = "dc"
region = "FR"
pue = 1.5
ownership = "cloud"
"#;

/// The fleet and workload of the specification's example: 1,000 kg embodied, a 4-year
/// life, one device reserved for one hour, no energy.
const SPEC_EXAMPLE: &str = r#"
[[functional-unit]]
id = "run"
kind = "training-run"

[[fleet]]
id = "server"
model = "example-server"
count = 1
lifetime = "4 years"
site = "dc"
embodied.gwp = { value = "1000 kgCO2e/device", source = "SCI specification example", boundary = "cradle-to-grave" }

[[workload]]
id = "job"
phase = "training"
site = "dc"
fleet = "server"
energy = "0 kWh"
device-hours = "1 GPU·h"
"#;

/// Training and inference on two fleets of H100s, with idle, host and volumes.
const TWO_BOUNDARIES: &str = r#"
[[functional-unit]]
id = "run"
kind = "training-run"
workloads = ["pretrain"]

[[functional-unit]]
id = "request"
kind = "request"

[[functional-unit]]
id = "token"
kind = "token"

[[functional-unit]]
id = "training-token"
kind = "training-token"

[[functional-unit]]
id = "flop"
kind = "flop"

[[fleet]]
id = "train"
model = "nvidia-h100-sxm-80gb"
count = 100
lifetime = "4 years"
site = "dc"
host = { model = "gpu-server-8gpu-base", devices-per-host = 8 }

[[fleet]]
id = "serve"
model = "nvidia-h100-sxm-80gb"
count = 10
lifetime = "5 years"
site = "dc"

[[workload]]
id = "pretrain"
phase = "training"
site = "dc"
fleet = "train"
device-hours = "100000 GPU·h"
power-per-device = "700 W"
idle-energy = "7000 kWh"
host-overhead = 0.5
utilisation = 0.5
volume = { training-tokens = 1e9, flops = 1e21 }

[[workload]]
id = "experiments"
phase = "development"
site = "dc"
fleet = "train"
device-hours = "50000 GPU·h"
power-per-device = "700 W"
volume = { training-tokens = 5e8, flops = 5e20 }

[[workload]]
id = "serving"
phase = "inference"
site = "dc"
fleet = "serve"
energy = "10000 kWh"
host-overhead = "2000 kWh"
devices = 10
duration = "1000 h"
volume = { requests = 1e6, tokens-in = 3e8, tokens-out = 2e8 }
"#;

fn inventory(toml: &str) -> Inventory {
    let file = bilan_io::SourceFile {
        name: "test.toml".to_owned(),
        text: toml.to_owned(),
    };
    bilan_io::load_inventory(&file).unwrap_or_else(|e| panic!("the test inventory is valid: {e}"))
}

fn assess_with(inv: &Inventory, params: &[(&str, &str)]) -> Result<Assessment, MethodError> {
    let factors = bilan_factors::embedded().expect("the embedded database loads");
    let method = Sci::default();
    let mut parameters = Parameters::default();
    for (name, text) in params {
        let spec = method
            .descriptor()
            .parameter(name)
            .unwrap_or_else(|| panic!("parameter {name} exists"));
        let value = spec.kind.parse(text).expect("the value parses");
        parameters.set(*name, value);
    }
    let a = method.assess(inv, factors, &parameters)?;
    a.check().expect("every value is the product of its terms");
    Ok(a)
}

fn assess(toml: &str) -> Assessment {
    assess_with(&inventory(toml), &[]).expect("the method assesses the inventory")
}

fn contribution<'a>(a: &'a Assessment, id: &str, aspect: Aspect) -> &'a Contribution {
    a.contributions
        .iter()
        .find(|c| &*c.item.id == id && c.aspect == aspect)
        .unwrap_or_else(|| panic!("a contribution for {id} {aspect}"))
}

fn gwp(c: &Contribution) -> f64 {
    c.value(Indicator::Gwp).expect("a gwp value")
}

fn disclosure<'a>(a: &'a Assessment, id: &str) -> &'a Disclosure {
    a.disclosures
        .iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("a disclosure `{id}`"))
}

fn value(a: &Assessment, id: &str) -> f64 {
    disclosure(a, id)
        .value
        .unwrap_or_else(|| panic!("`{id}` has a value"))
}

fn exclusions<'a>(a: &'a Assessment, id: &str) -> Vec<&'a Exclusion> {
    a.exclusions.iter().filter(|e| &*e.item.id == id).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn input_message(result: Result<Assessment, MethodError>) -> String {
    match result {
        Err(MethodError::Input { item, message }) => format!("{item}: {message}"),
        Err(other) => panic!("expected an input error, got {other}"),
        Ok(_) => panic!("expected an input error, got an assessment"),
    }
}

#[test]
fn descriptor_is_carbon_and_energy_with_its_references() {
    let d = Sci::default().descriptor().clone();
    assert_eq!(d.id, "sci");
    assert_eq!(d.version, semver::Version::new(1, 0, 0));
    assert_eq!(d.indicators, [Indicator::Gwp, Indicator::Energy]);
    assert!(
        d.references
            .iter()
            .any(|r| r.contains("ISO/IEC 21031:2024"))
    );
    assert!(d.references.iter().any(|r| r.contains("v1.1.0")));
    assert!(d.references.iter().any(|r| r.contains("SCI for AI")));
    for driver in Driver::ALL {
        if driver != Driver::AuditorRule {
            assert!(d.rule(driver).is_some(), "a rule for {driver}");
        }
    }
    assert!(
        d.parameter("default-lifetime")
            .and_then(|p| p.default.as_ref())
            .is_some()
    );
}

#[test]
fn water_and_resources_are_not_covered() {
    let a = assess(&format!("{HEADER}{SPEC_EXAMPLE}"));
    assert!(a.covers(Indicator::Gwp));
    for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
        let c = a
            .coverage
            .iter()
            .find(|c| c.indicator == indicator)
            .expect("listed");
        assert!(!c.covered);
        assert_eq!(c.note.as_deref(), Some(NOT_COVERED));
    }
    // One GWP value each; the electricity rows carry final electricity beside it.
    assert!(a.contributions.iter().all(|c| {
        let energy = c.value(Indicator::Energy).is_some();
        c.value(Indicator::Gwp).is_some() && c.values.len() == 1 + usize::from(energy)
    }));
}

/// The specification's example: 1,000 kg × 1 h / (4 × 365 × 24 h) = 28.54 g.
#[test]
fn specification_example_embodied_share_is_28_54_g() {
    let a = assess(&format!("{HEADER}{SPEC_EXAMPLE}"));
    let m = gwp(contribution(&a, "server", Aspect::Embodied));
    assert!((m * 1000.0 - 28.54).abs() <= 0.01, "M = {m} kg");
    assert!((value(&a, "sci.run") * 1000.0 - 28.54).abs() <= 0.01);
    assert!((value(&a, "sci.run.embodied") * 1000.0 - 28.54).abs() <= 0.01);
    assert_eq!(value(&a, "sci.run.operational"), 0.0);
    let fu = &a.functional_units[0];
    assert_eq!((fu.functional_unit.as_str(), fu.count), ("run", 1.0));
    assert!(close(fu.value, value(&a, "sci.run")));
}

/// Time reserved as devices × duration gives the same share as device-hours.
#[test]
fn time_reserved_may_be_devices_times_duration() {
    let toml = format!("{HEADER}{SPEC_EXAMPLE}").replace(
        "device-hours = \"1 GPU·h\"",
        "devices = 1\nduration = \"60 min\"",
    );
    let a = assess(&toml);
    let m = gwp(contribution(&a, "server", Aspect::Embodied));
    assert!((m * 1000.0 - 28.54).abs() <= 0.01, "M = {m} kg");
}

#[test]
fn embodied_share_has_no_utilisation_divisor() {
    let base = format!("{HEADER}{SPEC_EXAMPLE}");
    let busy = assess(&base);
    let idle = assess(&format!("{base}utilisation = 0.25\n"));
    let m = |a: &Assessment| gwp(contribution(a, "server", Aspect::Embodied));
    assert!(close(m(&busy), m(&idle)));
    let c = contribution(&idle, "server", Aspect::Embodied);
    assert!(c.terms.iter().all(|t| t.symbol != "u"));
    assert_eq!(c.formula, "T_res / L × EF_device");
}

#[test]
fn fleet_without_lifetime_takes_the_default_lifespan() {
    let toml = format!("{HEADER}{SPEC_EXAMPLE}").replace("lifetime = \"4 years\"\n", "");
    let a = assess_with(&inventory(&toml), &[("default-lifetime", "2 years")]).expect("assessed");
    let m = gwp(contribution(&a, "server", Aspect::Embodied));
    assert!(close(m, 1000.0 / (2.0 * 8760.0)));
    assert!(a.assumptions.iter().any(|x| x.topic == "default-lifetime"));
}

/// E includes reserved or provisioned hardware: idle energy and host servers, × PUE.
#[test]
fn energy_includes_idle_and_host_times_pue() {
    let a = assess(&format!("{HEADER}{TWO_BOUNDARIES}"));
    let i = 0.056_039; // FR, life-cycle, kg/kWh
    let device = contribution(&a, "pretrain", Aspect::Electricity);
    assert_eq!(device.formula, "t_dev × P_dev × PUE × I");
    assert!(close(gwp(device), 100_000.0 * 0.7 * 1.5 * i));
    let pue = device
        .terms
        .iter()
        .find(|t| t.symbol == "PUE")
        .expect("PUE");
    assert_eq!(pue.driver, Some(Driver::FacilityOverhead));
    let idle = contribution(&a, "pretrain", Aspect::IdleElectricity);
    assert!(close(gwp(idle), 7000.0 * 1.5 * i));
    let host = contribution(&a, "pretrain", Aspect::HostElectricity);
    assert!(close(gwp(host), 100_000.0 * 0.7 * 0.5 * 1.5 * i));
    let host = contribution(&a, "serving", Aspect::HostElectricity);
    assert!(close(gwp(host), 2000.0 * 1.5 * i));
    let e_provider = (70_000.0 + 7000.0 + 35_000.0 + 35_000.0) * 1.5;
    assert!(close(value(&a, "provider.energy"), e_provider));
    assert!(close(value(&a, "consumer.energy"), 12_000.0 * 1.5));
    assert!(close(value(&a, "provider.intensity"), i));
    assert!(close(
        value(&a, "sci.run.energy"),
        (70_000.0 + 7000.0 + 35_000.0) * 1.5
    ));
}

#[test]
fn a_boundary_without_the_data_centre_leaves_pue_out() {
    let inv = inventory(&format!("{HEADER}{TWO_BOUNDARIES}"));
    let with = assess_with(&inv, &[]).expect("assessed");
    let without = assess_with(&inv, &[("include-datacentre", "false")]).expect("assessed");
    let e = |a: &Assessment| gwp(contribution(a, "serving", Aspect::Electricity));
    assert!(close(e(&with), e(&without) * 1.5));
    let c = contribution(&without, "serving", Aspect::Electricity);
    let pue = c
        .terms
        .iter()
        .find(|t| t.symbol == "PUE")
        .expect("PUE term");
    assert_eq!(pue.value, 1.0);
    assert_eq!(
        pue.source,
        TermSource::Parameter {
            name: "include-datacentre".into()
        }
    );
    assert!(
        without
            .assumptions
            .iter()
            .any(|x| x.topic == "include-datacentre")
    );
    assert!(close(
        value(&with, "consumer.energy"),
        value(&without, "consumer.energy") * 1.5
    ));
}

#[test]
fn a_site_without_pue_takes_the_database_average_or_the_parameter() {
    let toml = format!("{HEADER}{SPEC_EXAMPLE}")
        .replace("pue = 1.5\n", "")
        .replace("energy = \"0 kWh\"", "energy = \"100 kWh\"");
    let inv = inventory(&toml);
    let a = assess_with(&inv, &[]).expect("assessed");
    let c = contribution(&a, "job", Aspect::Electricity);
    let pue = c.terms.iter().find(|t| t.symbol == "PUE").expect("PUE");
    assert_eq!(pue.value, 1.56);
    let TermSource::Factor { id } = &pue.source else {
        panic!("the default PUE is a cited factor, got {:?}", pue.source)
    };
    assert!(a.factor(id).is_some(), "the PUE factor is listed");
    assert!(a.assumptions.iter().any(|x| x.topic == "default-pue"));
    let a = assess_with(&inv, &[("default-pue", "1.2")]).expect("assessed");
    let c = contribution(&a, "job", Aspect::Electricity);
    assert!(c.terms.iter().any(|t| t.symbol == "PUE" && t.value == 1.2));
}

#[test]
fn grid_intensity_is_location_based_life_cycle_by_default() {
    let toml = format!("{HEADER}{SPEC_EXAMPLE}")
        .replace("region = \"FR\"", "region = \"US-VA\"")
        .replace("energy = \"0 kWh\"", "energy = \"100 kWh\"");
    let inv = inventory(&toml);
    let life_cycle = assess_with(&inv, &[]).expect("assessed");
    let f = &life_cycle
        .factors
        .iter()
        .find(|f| f.symbol == "I")
        .expect("I");
    assert_eq!(f.boundary, "life-cycle");
    assert_eq!(f.region.as_deref(), Some("US"));
    assert_eq!(f.driver, Some(Driver::ElectricityBoundary));
    assert!(
        life_cycle
            .warnings
            .iter()
            .any(|w| w.contains("no life-cycle grid intensity for US-VA")),
        "{:?}",
        life_cycle.warnings
    );
    let combustion = assess_with(&inv, &[("grid-boundary", "combustion")]).expect("assessed");
    let f = combustion
        .factors
        .iter()
        .find(|f| f.symbol == "I")
        .expect("I");
    assert_eq!(f.boundary, "combustion");
    assert_eq!(f.region.as_deref(), Some("US-VA"));
}

#[test]
fn a_site_with_no_intensity_is_an_error_not_a_silent_zero() {
    let inv = inventory(&format!("{HEADER}{SPEC_EXAMPLE}"));
    let message = input_message(assess_with(&inv, &[("grid-boundary", "combustion")]));
    assert!(message.starts_with("site `dc`"), "{message}");
    assert!(
        message.contains("no combustion grid intensity for FR, WORLD"),
        "{message}"
    );
    assert!(message.contains("[site.electricity.gwp]"), "{message}");
}

#[test]
fn the_sites_own_intensity_is_used_as_published() {
    let toml = format!("{HEADER}{SPEC_EXAMPLE}")
        .replace(
            "ownership = \"cloud\"\n",
            "ownership = \"cloud\"\nelectricity.gwp = { value = \"400 g/kWh\", source = \"operator\", boundary = \"location-based, annual average\" }\n",
        )
        .replace("energy = \"0 kWh\"", "energy = \"100 kWh\"");
    let a = assess(&toml);
    assert!(close(
        gwp(contribution(&a, "job", Aspect::Electricity)),
        100.0 * 1.5 * 0.4
    ));
    let f = a
        .factor("inventory:site[dc].electricity.gwp")
        .expect("listed");
    assert_eq!(f.boundary, "location-based, annual average");
    assert!(a.assumptions.iter().any(|x| x.topic == "grid-intensity"));
}

#[test]
fn a_market_based_site_intensity_is_refused() {
    let toml = format!("{HEADER}{SPEC_EXAMPLE}").replace(
        "ownership = \"cloud\"\n",
        "ownership = \"cloud\"\nelectricity.gwp = { value = \"0 g/kWh\", source = \"supplier\", boundary = \"market-based (PPA)\" }\n",
    );
    let message = input_message(assess_with(&inventory(&toml), &[]));
    assert!(message.starts_with("site[dc].electricity.gwp"), "{message}");
    assert!(
        message.contains("excludes any market-based measures"),
        "{message}"
    );
}

#[test]
fn instruments_and_offsets_are_refused_and_change_nothing() {
    let base = format!("{HEADER}{TWO_BOUNDARIES}");
    let with = format!(
        "{base}{}",
        r#"
[[instrument]]
id = "ppa"
kind = "ppa"
tracking-system = "registry"
energy = "1000 MWh"
region = "FR"
period = { start = 2025-01-01, end = 2025-12-31 }
emission-factor = "0 g/kWh"
retired = true
on-behalf-of = "us"

[[offset]]
id = "credits"
amount = "100 t CO2e"
"#
    );
    let plain = assess(&base);
    let refused = assess(&with);
    assert_eq!(plain.total(Indicator::Gwp), refused.total(Indicator::Gwp));
    let ppa = exclusions(&refused, "ppa");
    assert_eq!(ppa.len(), 1);
    assert_eq!(ppa[0].aspect, Some(Aspect::MarketElectricity));
    assert_eq!(ppa[0].driver, Some(Driver::ElectricityBasis));
    assert!(ppa[0].reason.contains("excludes any market-based measures"));
    let credits = exclusions(&refused, "credits");
    assert_eq!(credits.len(), 1);
    assert!(credits[0].reason.contains("do not reduce an SCI score"));
}

#[test]
fn embodied_share_follows_device_time_and_host_servers() {
    let a = assess(&format!("{HEADER}{TWO_BOUNDARIES}"));
    let l = 4.0 * 8760.0;
    let m = contribution(&a, "train", Aspect::Embodied);
    assert!(close(gwp(m), 150_000.0 / l * 164.0), "{}", gwp(m));
    assert_eq!(m.category.as_deref(), Some("provider"));
    let shares: Vec<(&str, f64)> = m
        .allocation
        .iter()
        .map(|x| (&*x.workload, x.share))
        .collect();
    assert_eq!(shares.len(), 2);
    assert!(close(shares[0].1, 2.0 / 3.0) && shares[0].0 == "pretrain");
    let host = contribution(&a, "train", Aspect::HostEmbodied);
    assert!(close(gwp(host), 150_000.0 / l / 8.0 * 5700.0));
    assert_eq!(host.presence, Some(Driver::HostEmbodied));
    // devices × duration on the inference fleet, over a 5-year lifespan.
    let serve = contribution(&a, "serve", Aspect::Embodied);
    assert!(close(gwp(serve), 10.0 * 1000.0 / (5.0 * 8760.0) * 164.0));
    assert_eq!(serve.category.as_deref(), Some("consumer"));
}

#[test]
fn functional_units_report_the_score_and_its_terms_per_r() {
    let a = assess(&format!("{HEADER}{TWO_BOUNDARIES}"));
    for (fu, kind, r) in [
        ("run", "training-run", 1.0),
        ("request", "request", 1e6),
        ("token", "token", 5e8),
        ("training-token", "training-token", 1e9),
        ("flop", "flop", 1.5e21),
    ] {
        let result = a
            .functional_units
            .iter()
            .find(|x| x.functional_unit == fu)
            .expect("a result");
        assert_eq!(result.count, r, "{fu}");
        let sci = value(&a, &format!("sci.{fu}"));
        let operational = value(&a, &format!("sci.{fu}.operational"));
        let embodied = value(&a, &format!("sci.{fu}.embodied"));
        let energy = value(&a, &format!("sci.{fu}.energy"));
        let intensity = value(&a, &format!("sci.{fu}.intensity"));
        assert!(close(sci, result.value), "{fu}: {sci} vs {}", result.value);
        assert!(close(sci, operational + embodied), "{fu}");
        assert!(close(energy * intensity, operational), "{fu}");
        assert!(embodied > 0.0 && operational > 0.0, "{fu}");
        assert_eq!(
            disclosure(&a, &format!("sci.{fu}")).unit,
            format!("kgCO2e/{kind}")
        );
    }
    // One request: the inference work only, never training.
    let i = 0.056_039;
    let serving = 12_000.0 * 1.5 * i + 10.0 * 1000.0 / (5.0 * 8760.0) * 164.0;
    assert!(close(value(&a, "sci.request"), serving / 1e6));
    assert!(disclosure(&a, "sci.request").label.contains("(consumer)"));
    assert!(disclosure(&a, "sci.run").label.contains("(provider)"));
}

#[test]
fn consumer_and_provider_boundaries_are_reported_apart() {
    let a = assess(&format!("{HEADER}{TWO_BOUNDARIES}"));
    let b = a.breakdown(Indicator::Gwp);
    let inference = b.by_phase.get(&Phase::Inference).copied().unwrap_or(0.0);
    let provider = b.total - inference;
    let consumer = value(&a, "consumer.operational") + value(&a, "consumer.embodied");
    assert!(close(consumer, inference));
    assert!(close(
        value(&a, "provider.operational") + value(&a, "provider.embodied"),
        provider
    ));
    assert!(close(b.by_category["consumer"], inference));
    assert!(close(b.by_category["provider"], provider));
    for c in &a.contributions {
        assert!(
            c.category.is_some(),
            "{} {} has a boundary",
            c.item,
            c.aspect
        );
    }
}

#[test]
fn a_boundary_without_work_is_not_applicable() {
    let toml = format!("{HEADER}{SPEC_EXAMPLE}").replace(
        "kind = \"training-run\"",
        "kind = \"training-run\"\n\n[[functional-unit]]\nid = \"request\"\nkind = \"request\"",
    );
    let a = assess(&toml);
    for id in [
        "consumer.energy",
        "consumer.intensity",
        "consumer.operational",
        "consumer.embodied",
        "sci.request",
        "sci.request.embodied",
    ] {
        let d = disclosure(&a, id);
        assert_eq!(d.value, None, "{id}");
        assert_eq!(
            d.note.as_deref(),
            Some("not applicable: no inference in this inventory"),
            "{id}"
        );
    }
    assert!(value(&a, "provider.embodied") > 0.0);
    assert!(
        a.functional_units
            .iter()
            .all(|r| r.functional_unit != "request")
    );
    let inference_only = assess(
        &format!("{HEADER}{SPEC_EXAMPLE}").replace("phase = \"training\"", "phase = \"inference\""),
    );
    assert_eq!(disclosure(&inference_only, "sci.run").value, None);
    assert!(value(&inference_only, "consumer.embodied") > 0.0);
    let d = disclosure(&inference_only, "provider.embodied");
    assert_eq!(
        d.note.as_deref(),
        Some("not applicable: no training, fine-tuning or development in this inventory")
    );
}

#[test]
fn work_without_its_volume_is_an_error() {
    let toml = format!("{HEADER}{TWO_BOUNDARIES}").replace(
        "volume = { requests = 1e6, tokens-in = 3e8, tokens-out = 2e8 }",
        "volume = { tokens-in = 3e8, tokens-out = 2e8 }",
    );
    let message = input_message(assess_with(&inventory(&toml), &[]));
    assert_eq!(
        message,
        "functional unit `request`: workload `serving` has no `volume.requests`"
    );
}

#[test]
fn r_of_zero_is_an_error_not_a_division_by_zero() {
    let toml = format!("{HEADER}{TWO_BOUNDARIES}").replace("requests = 1e6", "requests = 0");
    let message = input_message(assess_with(&inventory(&toml), &[]));
    assert_eq!(
        message,
        "functional unit `request`: R = 0: its workloads report no request to divide by"
    );
}

#[test]
fn transport_and_end_of_life_of_a_fleet_are_amortised_like_it() {
    let toml = format!(
        "{HEADER}{TWO_BOUNDARIES}{}",
        r#"
[[transport]]
id = "shipping"
fleet = "train"
impacts.gwp = { value = "10 t CO2e", source = "test" }

[[transport]]
id = "courier"
impacts.gwp = { value = "1 t CO2e", source = "test" }

[[end-of-life]]
id = "recycling"
fleet = "train"
impacts.gwp = { value = "2 t CO2e", source = "test" }
impacts.water = { value = "3 m3", source = "test" }

[[end-of-life]]
id = "water-only"
fleet = "train"
impacts.water = { value = "3 m3", source = "test" }
"#
    );
    let a = assess(&toml);
    let share = 150_000.0 / (4.0 * 8760.0 * 100.0);
    let shipping = contribution(&a, "shipping", Aspect::Transport);
    assert!(close(gwp(shipping), 10_000.0 * share));
    assert_eq!(shipping.formula, "TE × T_res / (L × N)");
    assert_eq!(shipping.stage, Stage::Transport);
    assert_eq!(shipping.allocation.len(), 2);
    let recycling = contribution(&a, "recycling", Aspect::EndOfLife);
    assert!(close(gwp(recycling), 2000.0 * share));
    let courier = exclusions(&a, "courier");
    assert_eq!(courier.len(), 1);
    assert_eq!(courier[0].driver, Some(Driver::Transport));
    assert!(courier[0].reason.contains("tied to no fleet"));
    assert!(
        exclusions(&a, "water-only")[0]
            .reason
            .contains("no gwp impact")
    );
    assert!(close(
        value(&a, "provider.embodied"),
        a.contributions
            .iter()
            .filter(|c| !is_operational(c) && c.category.as_deref() == Some("provider"))
            .map(gwp)
            .sum()
    ));
}

const BUILDING: &str = r#"
[[building]]
id = "hall"
site = "dc"
lifetime = "20 years"
share = 0.1
time = "1000 h"
impacts.gwp = { value = "1000 t CO2e", source = "test" }
"#;

#[test]
fn the_building_is_excluded_unless_asked_for() {
    let inv = inventory(&format!("{HEADER}{TWO_BOUNDARIES}{BUILDING}"));
    let plain = assess_with(&inv, &[]).expect("assessed");
    let hall = exclusions(&plain, "hall");
    assert_eq!(hall.len(), 1);
    assert_eq!(hall[0].driver, Some(Driver::Building));
    assert!(plain.contributions.iter().all(|c| &*c.item.id != "hall"));

    let with = assess_with(&inv, &[("include-building", "true")]).expect("assessed");
    let c = contribution(&with, "hall", Aspect::Building);
    let m = 1_000_000.0 * 1000.0 / (20.0 * 8760.0) * 0.1;
    assert!(close(gwp(c), m));
    let sum: f64 = c.allocation.iter().map(|x| x.share).sum();
    assert!(close(sum, 1.0));
    assert_eq!(c.category.as_deref(), Some("consumer+provider"));
    // Split by energy between the boundaries.
    let consumer_share = 12_000.0 / (12_000.0 + 77_000.0 + 35_000.0 + 35_000.0);
    assert!(close(
        value(&with, "consumer.embodied") - value(&plain, "consumer.embodied"),
        m * consumer_share
    ));
    assert!(exclusions(&with, "hall").is_empty());
}

#[test]
fn services_fuels_and_refrigerants_are_not_sci_terms() {
    let toml = format!(
        "{HEADER}{TWO_BOUNDARIES}{}",
        r#"
[[service]]
id = "cloud"
description = "GPU rental"
cloud-compute = true
allocated.gwp = { value = "5 t CO2e", source = "provider dashboard" }

[[fuel]]
id = "diesel"
site = "dc"
fuel = "diesel"
amount = "100 L"
factor = { value = "2.7 kgCO2e/L", source = "test", boundary = "combustion" }

[[refrigerant]]
id = "r134a"
site = "dc"
gas = "R-134a"
leaked = "2 kg"
gwp100 = 1530
source = "IPCC AR6"
"#
    );
    let a = assess(&toml);
    for (id, aspect) in [
        ("cloud", Aspect::Service),
        ("diesel", Aspect::Fuel),
        ("r134a", Aspect::Refrigerant),
    ] {
        let e = exclusions(&a, id);
        assert_eq!(e.len(), 1, "{id}");
        assert_eq!(e[0].aspect, Some(aspect));
        assert_eq!(e[0].driver, Some(Driver::OtherItems));
    }
    assert!(
        exclusions(&a, "cloud")[0]
            .reason
            .contains("cannot be split into E, I and M")
    );
}

#[test]
fn unused_fleets_and_fleetless_work_are_excluded_with_reasons() {
    let toml = format!(
        "{HEADER}{TWO_BOUNDARIES}{}",
        r#"
[[fleet]]
id = "spare"
model = "nvidia-h100-sxm-80gb"
count = 8
site = "dc"

[[workload]]
id = "notebook"
phase = "development"
site = "dc"
energy = "10 kWh"
volume = { flops = 1e18 }
"#
    );
    let a = assess(&toml);
    let spare = exclusions(&a, "spare");
    assert_eq!((spare.len(), spare[0].aspect), (1, None));
    assert!(
        spare[0]
            .reason
            .contains("no workload reserves device time on this fleet")
    );
    let notebook = exclusions(&a, "notebook");
    assert_eq!(notebook[0].aspect, Some(Aspect::Embodied));
    assert!(a.assumptions.iter().all(|x| x.topic != "default-lifetime"));
}

#[test]
fn hardware_without_a_figure_is_excluded_and_warned() {
    let toml = format!("{HEADER}{SPEC_EXAMPLE}").replace(
        "embodied.gwp = { value = \"1000 kgCO2e/device\", source = \"SCI specification example\", boundary = \"cradle-to-grave\" }\n",
        "",
    );
    let a = assess(&toml);
    let e = exclusions(&a, "server");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].indicator, Some(Indicator::Gwp));
    assert!(
        e[0].reason.contains("[fleet.embodied.gwp]"),
        "{}",
        e[0].reason
    );
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("embodied gwp left out, no factor"))
    );
}

/// Every inventory item is either in a contribution or excluded, and the runner's matching
/// key (item, aspect) is unique.
#[test]
fn every_item_is_accounted_for_once_per_aspect() {
    for example in [
        include_str!("../../../examples/llama-3.1.toml"),
        include_str!("../../../examples/mistral-large-2-illustrative.toml"),
    ] {
        let inv = inventory(example);
        let a = assess_with(&inv, &[]).expect("assessed");
        let mut keys = std::collections::HashSet::new();
        for c in &a.contributions {
            assert!(
                keys.insert((c.item.clone(), c.aspect)),
                "{} {}",
                c.item,
                c.aspect
            );
        }
        let accounted = |kind: ItemKind, id: &str| {
            a.contributions
                .iter()
                .map(|c| &c.item)
                .chain(a.exclusions.iter().map(|e| &e.item))
                .any(|i| i.kind == kind && &*i.id == id)
        };
        // The inventory's accountable items of the kinds SCI accounts for.
        let items = inv.accountable().into_iter().filter(|(kind, _)| {
            matches!(
                kind,
                ItemKind::Workload
                    | ItemKind::Fleet
                    | ItemKind::Building
                    | ItemKind::Transport
                    | ItemKind::EndOfLife
                    | ItemKind::Instrument
            )
        });
        for (kind, id) in items {
            assert!(accounted(kind, id), "{} `{id}`", kind.key());
        }
    }
}

/// The examples by hand: Llama 3.1's location-based figure and the split of Mistral.
#[test]
fn examples_match_a_hand_computation() {
    let llama = assess(include_str!("../../../examples/llama-3.1.toml"));
    let e = 39.3e6 * 0.7;
    assert!(close(value(&llama, "provider.energy"), e));
    assert!(close(value(&llama, "provider.operational"), e * 0.41403));
    assert!(close(
        value(&llama, "provider.embodied"),
        39.3e6 / 35_040.0 * 164.0
    ));
    assert_eq!(disclosure(&llama, "consumer.energy").value, None);
    let run = value(&llama, "sci.training-run-405b");
    assert!(close(
        run,
        30.84e6 * 0.7 * 0.41403 + 30.84e6 / 35_040.0 * 164.0
    ));

    let mistral = assess(include_str!(
        "../../../examples/mistral-large-2-illustrative.toml"
    ));
    let consumer_e = (6_060_000.0 + 3_030_000.0) * 1.3;
    assert!(close(value(&mistral, "consumer.energy"), consumer_e));
    let t_res = 1024.0 * 549.0 * 24.0;
    let m = t_res / 35_040.0 * (164.0 + 5700.0 / 8.0);
    assert!(close(value(&mistral, "consumer.embodied"), m));
    assert!(close(
        value(&mistral, "sci.request"),
        (consumer_e * 0.056_039 + m) / 2e9
    ));
    assert!(exclusions(&mistral, "eu-dc-building")[0].driver == Some(Driver::Building));
}

#[test]
fn helpers_name_phases_and_boundaries() {
    assert_eq!(phases_text(&[Phase::Inference]), "inference");
    assert_eq!(
        phases_text(Persona::Provider.phases()),
        "training, fine-tuning or development"
    );
    assert_eq!(
        persona_of([Phase::Training, Phase::Development]),
        Some(Persona::Provider)
    );
    assert_eq!(persona_of([Phase::Training, Phase::Inference]), None);
    assert!(bilan_method_kit::site::is_market_based(
        "Market-based, residual mix"
    ));
    assert!(!bilan_method_kit::site::is_market_based("location-based"));
    assert_eq!(r_text(2e9), "2000000000");
    assert_eq!(r_text(8.9e24), "8.9e24");
}

#[test]
fn a_life_cycle_hardware_figure_with_fleet_transport_warns_of_double_counting() {
    let toml = format!(
        "{HEADER}{TWO_BOUNDARIES}{}",
        r#"
[[transport]]
id = "shipping"
fleet = "train"
impacts.gwp = { value = "10 t CO2e", source = "test" }
"#
    );
    let inv = inventory(&toml);
    let twice = |a: &Assessment| {
        a.warnings
            .iter()
            .any(|w| w.contains("may count them twice"))
    };
    assert!(!twice(&assess_with(&inv, &[]).expect("assessed")));
    let parametric = assess_with(&inv, &[("embodied-preference", "parametric")]).expect("assessed");
    assert!(twice(&parametric), "{:?}", parametric.warnings);
    assert!(
        parametric
            .warnings
            .iter()
            .all(|w| !w.contains("fleet `serve`: TE")),
        "only the fleet with tied items: {:?}",
        parametric.warnings
    );
}

#[test]
fn a_functional_unit_across_both_boundaries_is_flagged() {
    let toml = format!("{HEADER}{TWO_BOUNDARIES}").replace(
        "id = \"flop\"\nkind = \"flop\"\n",
        "id = \"flop\"\nkind = \"flop\"\nworkloads = [\"pretrain\", \"serving\"]\n",
    );
    let toml = toml.replace(
        "volume = { requests = 1e6,",
        "volume = { flops = 1e20, requests = 1e6,",
    );
    let a = assess(&toml);
    assert!(
        disclosure(&a, "sci.flop")
            .label
            .contains("(consumer and provider)")
    );
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("`flop` covers work of both the consumer and the provider"))
    );
    assert!(close(
        value(&a, "sci.flop"),
        (value(&a, "sci.run") + value(&a, "sci.request") * 1e6) / 1.1e21
    ));
}
