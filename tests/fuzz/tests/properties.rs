//! Properties of every built-in and shipped method on generated small valid inventories:
//! every item is reconciled, every contribution equals the product of its terms and its
//! factor, finite inputs give finite figures; and quantities round-trip through text.

use std::path::{Path, PathBuf};

use bilan_core::assessment::Assessment;
use bilan_fuzz::classify::non_finite_json;
use bilan_fuzz::generate::{self, Fleet, MODELS, PHASES, REGIONS, Workload};
use bilan_units::Quantity;
use proptest::prelude::*;

/// Cases per property: enough to vary every choice, fast in a debug build.
const CASES: u32 = 64;

/// Few cases, a fixed seed (the same inventories on every run, so a failure reproduces),
/// and no regression file written into the source tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        max_shrink_iters: 64,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(11),
        ..ProptestConfig::default()
    }
}

fn fleet() -> impl Strategy<Value = Fleet> {
    (
        prop::sample::select(&MODELS[..]),
        1u64..5000,
        1u32..8,
        prop::sample::select(&REGIONS[..]),
        prop::option::of(1.0f64..2.5),
    )
        .prop_map(|(model, count, lifetime_years, region, pue)| Fleet {
            model,
            count,
            lifetime_years,
            region,
            pue,
        })
}

/// Workloads on `fleets` fleets whose device-hours stay well within each fleet's capacity
/// (at most six workloads of at most 1,000 h per device, in a period of about 7,000 h).
fn workload(fleets: usize) -> impl Strategy<Value = (Workload, f64)> {
    (
        0..fleets,
        prop::sample::select(&PHASES[..]),
        0.001f64..1.0,
        50.0f64..1500.0,
        prop::option::of(0.0f64..1.0),
        prop::option::of(1.0f64..1e9),
    )
        .prop_map(|(fleet, phase, share, power_w, host_overhead, requests)| {
            (
                Workload {
                    fleet,
                    phase,
                    device_hours: 0.0,
                    power_w,
                    host_overhead,
                    requests,
                },
                share,
            )
        })
}

fn inventory() -> impl Strategy<Value = String> {
    prop::collection::vec(fleet(), 1..4).prop_flat_map(|fleets| {
        let n = fleets.len();
        prop::collection::vec(workload(n), 1..7).prop_map(move |ws| {
            let workloads: Vec<Workload> = ws
                .into_iter()
                .map(|(mut w, share)| {
                    let count = fleets.get(w.fleet).map_or(1, |f| f.count) as f64;
                    w.device_hours = (share * count * 1000.0).max(1.0).round();
                    w
                })
                .collect();
            generate::inventory(&fleets, &workloads)
        })
    })
}

fn scratch(text: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("properties");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("inventory-{}-{n}.toml", std::process::id()));
    std::fs::write(&path, text).expect("write the inventory");
    path
}

fn bilan(args: &[&str], path: &Path) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut all: Vec<String> = ["bilan", "--no-config"]
        .into_iter()
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect();
    all.push(path.display().to_string());
    let code = bilan_cli::run(all, &mut out, &mut err);
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// Every method's assessment in `assess -f json`, or the methods that failed.
fn assessments(json: &str) -> Result<Vec<Assessment>, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let methods = v["methods"].as_array().ok_or("no methods")?;
    methods
        .iter()
        .map(|m| {
            if let Some(e) = m.get("error") {
                return Err(format!("{}: {e}", m["method"]));
            }
            serde_json::from_value(m["assessment"].clone()).map_err(|e| e.to_string())
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// Every method assesses a valid inventory, accounts for every item, keeps its audit
    /// trail exact (value = product of terms × factor) and gives finite figures.
    #[test]
    fn every_method_reconciles_checks_and_stays_finite(text in inventory()) {
        let path = scratch(&text);
        let (code, out, err) = bilan(&["assess", "-f", "json"], &path);
        prop_assert_eq!(code, 0, "{}\n{}", err, text);
        let file = bilan_io::SourceFile { name: path.display().to_string(), text: text.clone() };
        let inv = bilan_io::load_inventory(&file).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let items = bilan_runner::reconcile::items(&inv);
        let all = assessments(&out).map_err(TestCaseError::fail)?;
        prop_assert!(all.len() >= 3, "{} assessments", all.len());
        for a in &all {
            let r = bilan_runner::reconcile::reconcile(&items, a);
            prop_assert!(r.unaccounted.is_empty(), "{}: unaccounted {:?}\n{}", a.method.id, r.unaccounted, text);
            prop_assert_eq!(r.included + r.excluded, items.len());
            if let Err(e) = a.check() {
                return Err(TestCaseError::fail(format!("{}: {e}\n{text}", a.method.id)));
            }
            for c in &a.contributions {
                for v in &c.values {
                    prop_assert!(v.value.is_finite(), "{}: {} {}: {}", a.method.id, c.item, v.indicator, v.value);
                }
            }
        }
        prop_assert_eq!(non_finite_json(&out), None);
        let (code, out, err) = bilan(&["compare", "-f", "json"], &path);
        prop_assert_eq!(code, 0, "{}", err);
        prop_assert_eq!(non_finite_json(&out), None);
        let _ = std::fs::remove_file(&path);
    }

    /// A quantity printed and read back is the same quantity.
    #[test]
    fn quantities_round_trip_through_text(
        value in prop_oneof![
            -1e12f64..1e12,
            1e-12f64..1e-3,
            prop::num::f64::NORMAL,
            Just(0.0),
        ],
        unit in prop::sample::select(&UNITS[..]),
    ) {
        let written = if unit.is_empty() { format!("{value}") } else { format!("{value} {unit}") };
        let q = Quantity::parse(&written).map_err(|e| TestCaseError::fail(format!("`{written}`: {e}")))?;
        let shown = q.to_string();
        let back = Quantity::parse(&shown).map_err(|e| TestCaseError::fail(format!("`{shown}`: {e}")))?;
        prop_assert_eq!(&back, &q, "`{}` → `{}`", written, shown);
        prop_assert_eq!(back.value().to_bits(), q.value().to_bits());
    }
}

/// Units as the documentation writes them.
const UNITS: [&str; 18] = [
    "",
    "%",
    "kWh",
    "MWh",
    "W",
    "kW",
    "GPU·h",
    "g/kWh",
    "kgCO2e",
    "t CO2e",
    "L/kWh",
    "h",
    "yr",
    "kgCO2e/device",
    "MJ",
    "request",
    "token",
    "kg Sb eq/device",
];
