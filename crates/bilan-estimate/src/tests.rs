use bilan_core::inventory::Inventory;
use bilan_units::Distribution;

use super::*;

fn inventory(workloads: &str) -> Inventory {
    let inv = parsed(workloads);
    let problems = inv.validate();
    assert!(problems.is_empty(), "{problems:?}");
    inv
}

/// The inventory of `workloads` on a fleet of 20,000 H100, not validated.
fn parsed(workloads: &str) -> Inventory {
    let text = format!(
        r#"
schema = 1
[system]
name = "t"
period = {{ start = 2025-01-01, end = 2025-12-31 }}
[[site]]
id = "s"
region = "FR"
ownership = "owned"
pue = 1.2
[[fleet]]
id = "h100"
model = "nvidia-h100-sxm-80gb"
count = 20000
site = "s"
{workloads}
"#
    );
    toml::from_str(&text).expect("parses")
}

fn resolved(workloads: &str, model: PowerModel) -> Result<Inventory, Vec<Problem>> {
    let mut inv = inventory(workloads);
    let catalogue = Catalogue::embedded().expect("catalogue");
    resolve(&mut inv, catalogue, model).map(|()| inv)
}

const TRAINING: &str = r#"
[[workload]]
id = "pretrain"
phase = "training"
site = "s"
fleet = "h100"
volume = { training-tokens = "15.6e12 token" }
[workload.estimate]
estimator = "training-compute"
active-parameters = 405.853e9
"#;

#[test]
fn training_from_compute_gives_device_hours_and_the_power_model_gives_power() {
    let inv = resolved(TRAINING, PowerModel::Curve).expect("resolves");
    let w = &inv.workloads[0];
    let keys: Vec<&str> = w.estimated.iter().map(|e| e.key).collect();
    assert_eq!(keys, ["device-hours", "power-per-device"]);
    let t = &w.estimated[0];
    // 6 × 405.853e9 × 15.6e12 ÷ (989.4e12 × 0.40) ÷ 3600
    let expected = 6.0 * 405.853e9 * 15.6e12 / (989.4e12 * 0.4) / 3600.0;
    assert!((t.value / expected - 1.0).abs() < 1e-12, "{}", t.value);
    assert_eq!(&*t.estimator, "training-compute");
    assert!(matches!(t.distribution, Some(Distribution::Lognormal { gsd }) if gsd > 1.05));
    assert!(t.formula.contains("6 · N · D"), "{}", t.formula);
    let hours = w
        .device_hours
        .as_ref()
        .expect("filled")
        .to(&bilan_core::units::DEVICE_HOUR)
        .expect("GPU·h");
    assert!((hours - expected).abs() < 1e-6 * expected);
    // No utilisation: maximum power, a bound without spread.
    let p = &w.estimated[1];
    assert_eq!(p.value, 700.0);
    assert!(p.distribution.is_none());
    assert!(p.formula.contains("upper bound"), "{}", p.formula);
}

#[test]
fn a_given_utilisation_takes_the_power_models_curve() {
    let text = TRAINING.replace(
        "fleet = \"h100\"",
        "fleet = \"h100\"\nutilisation = \"40 %\"",
    );
    let inv = resolved(&text, PowerModel::Curve).expect("resolves");
    let p = &inv.workloads[0].estimated[1];
    assert!(
        (p.value - (122.0 + 0.4 * 578.0)).abs() < 1e-9,
        "{}",
        p.value
    );
    assert!(p.distribution.is_some());
    let inv = resolved(&text, PowerModel::Max).expect("resolves");
    assert_eq!(inv.workloads[0].estimated[1].value, 700.0);
}

#[test]
fn a_workload_that_gives_its_power_keeps_it() {
    let text = TRAINING.replace(
        "fleet = \"h100\"",
        "fleet = \"h100\"\npower-per-device = \"650 W\"",
    );
    let inv = resolved(&text, PowerModel::Curve).expect("resolves");
    let w = &inv.workloads[0];
    assert_eq!(w.estimated.len(), 1);
    assert_eq!(
        w.power_per_device
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("650 W")
    );
}

#[test]
fn device_hours_without_power_on_a_catalogued_fleet_get_the_power_model() {
    let text = r#"
[[workload]]
id = "w"
phase = "training"
site = "s"
fleet = "h100"
device-hours = "1000 GPU·h"
utilisation = 0.5
"#;
    let inv = resolved(text, PowerModel::Curve).expect("resolves");
    let w = &inv.workloads[0];
    assert_eq!(w.estimated.len(), 1);
    assert_eq!(w.estimated[0].key, "power-per-device");
    assert!((w.estimated[0].value - (122.0 + 0.5 * 578.0)).abs() < 1e-9);
    // A measured workload is left alone.
    let measured = text.replace("utilisation = 0.5", "power-per-device = \"500 W\"");
    let inv = resolved(&measured, PowerModel::Curve).expect("resolves");
    assert!(inv.workloads[0].estimated.is_empty());
}

const INFERENCE: &str = r#"
[[workload]]
id = "serve"
phase = "inference"
site = "s"
fleet = "h100"
volume = { requests = 1e6, tokens-out = 4e8 }
[workload.estimate]
estimator = "llm-inference-ecologits"
active-parameters = 70e9
"#;

#[test]
fn ecologits_inference_follows_its_published_model() {
    let inv = resolved(INFERENCE, PowerModel::Curve).expect("resolves");
    let w = &inv.workloads[0];
    let keys: Vec<&str> = w.estimated.iter().map(|e| e.key).collect();
    assert_eq!(keys, ["energy", "device-hours", "host-overhead"]);
    // 70 B at 16 bits: 168 GB → 3 GPUs → 4 (power of two).
    assert_eq!(serving::gpus(70.0, 16.0, 80.0), 4.0);
    let f_e = 1.166_527_317_045_191_4e-6 * (-0.011_205_921_025_579_175f64 * 64.0).exp() * 70.0
        + 4.052_928_146_734_005e-5;
    let kwh = 4e8 * 4.0 * f_e / 1000.0;
    assert!((w.estimated[0].value / kwh - 1.0).abs() < 1e-12);
    // The published example: Mistral Small (24 B), 400 tokens: 0.0217 Wh on one GPU.
    let wh = 400.0 * serving::ecologits_wh_per_token_per_gpu(24.0, 64.0);
    assert!((wh - 0.02168).abs() < 5e-5, "{wh}");
    for e in &w.estimated {
        assert!(e.distribution.is_some(), "{}", e.key);
    }
}

#[test]
fn the_calibrated_model_is_fitted_on_the_shipped_measurements() {
    let text = INFERENCE.replace("llm-inference-ecologits", "llm-inference-calibrated");
    let inv = resolved(&text, PowerModel::Curve).expect("resolves");
    let e = &inv.workloads[0].estimated[0];
    assert_eq!(&*e.estimator, "llm-inference-calibrated");
    let f = calibration::model().expect("fitted");
    assert!((e.value / (4e8 * f.joules_per_token(70.0, 3.0) / 3.6e6) - 1.0).abs() < 1e-12);
    // Leave-one-out errors exist for every row, and the spread is a real one.
    assert_eq!(
        calibration::leave_one_out().len(),
        calibration::measurements().len()
    );
    assert!(calibration::ln_variance() > 0.0);
}

#[test]
fn missing_or_contradictory_inputs_are_problems_with_their_key_path() {
    let cases = [
        (
            TRAINING.replace("active-parameters = 405.853e9", ""),
            "workload[0].estimate.active-parameters",
        ),
        (
            TRAINING.replace("volume = { training-tokens = \"15.6e12 token\" }", ""),
            "workload[0].estimate.training-tokens",
        ),
        (
            format!("{TRAINING}precision = \"fp4\"\n"),
            "workload[0].estimate.precision",
        ),
        (
            format!("{TRAINING}hardware = \"nvidia-h1000\"\n"),
            "workload[0].estimate.hardware",
        ),
        (
            format!("{TRAINING}batch-size = 8\n"),
            "workload[0].estimate.batch-size",
        ),
        (
            format!("{TRAINING}flops = \"1e24 FLOP\"\n"),
            "workload[0].estimate.flops",
        ),
        (
            INFERENCE.replace(
                "volume = { requests = 1e6, tokens-out = 4e8 }",
                "volume = { requests = 1e6 }",
            ),
            "workload[0].volume.tokens-out",
        ),
        (
            format!("{INFERENCE}mfu = 0.4\n"),
            "workload[0].estimate.mfu",
        ),
        (
            format!("{INFERENCE}total-parameters = 7e9\n"),
            "workload[0].estimate.total-parameters",
        ),
    ];
    for (text, path) in cases {
        let problems = resolved(&text, PowerModel::Curve).expect_err(path);
        assert!(
            problems.iter().any(|p| p.path == path),
            "{path}: {problems:?}"
        );
    }
    let a100 = TRAINING.to_owned() + "hardware = \"nvidia-a100-sxm-80gb\"\nprecision = \"fp8\"\n";
    let problems = resolved(&a100, PowerModel::Curve).expect_err("no fp8 on A100");
    assert!(
        problems[0].message.contains("fp32, tf32, bf16"),
        "{problems:?}"
    );
}

#[test]
fn the_validation_tables_cover_every_shipped_case() {
    assert_eq!(validation::inference_rows().len(), 18);
    for r in validation::inference_rows() {
        assert!(
            r.ecologits.is_finite() && r.calibrated_loo.is_finite(),
            "{r:?}"
        );
    }
    assert_eq!(
        validation::training_rows().len(),
        validation::training_cases().len()
    );
    let llama2 = &validation::training_rows()[0];
    // 6 × 6.738e9 × 2e12 ÷ (312e12 × 0.4) ÷ 3600 ≈ 180 k GPU·h against 184,320 published.
    assert!(
        (llama2.gpu_hours / 184_320.0 - 1.0).abs() < 0.05,
        "{}",
        llama2.gpu_hours
    );
}

#[test]
fn an_mfu_is_refused_outside_0_to_1_at_every_value_its_distribution_reaches() {
    for (mfu, expected) in [
        ("1.5", "`1.5` is out of range"),
        ("{ min = 0.3, max = 1.5 }", "reaches 1.5, out of range"),
        ("{ min = 0, max = 0.5 }", "reaches 0, out of range"),
        (
            "{ min = 0.3, mode = 0.4, max = 1.2 }",
            "reaches 1.2, out of range",
        ),
        (
            "{ min = \"30 %\", max = \"150 %\" }",
            "reaches 150 %, out of range",
        ),
    ] {
        let problems = parsed(&format!("{TRAINING}mfu = {mfu}\n")).validate();
        assert_eq!(problems.len(), 1, "{mfu}: {problems:?}");
        let p = &problems[0];
        assert_eq!(p.path.to_string(), "workload[0].estimate.mfu", "{mfu}");
        assert!(
            p.message.contains(expected) && p.message.contains("0 < MFU ≤ 1"),
            "{mfu}: {p}"
        );
    }
    let within = parsed(&format!("{TRAINING}mfu = {{ min = 0.3, max = 0.5 }}\n"));
    assert!(within.validate().is_empty());
    // A percentage is the fraction it writes: 40 % is the default's 0.40.
    let percent = resolved(&format!("{TRAINING}mfu = \"40 %\"\n"), PowerModel::Curve)
        .expect("40 % is an MFU");
    let default = resolved(TRAINING, PowerModel::Curve).expect("resolves");
    assert_eq!(
        percent.workloads[0].estimated[0].value,
        default.workloads[0].estimated[0].value
    );
    // A count an estimator reads may not reach zero either.
    let zero = TRAINING.replace(
        "active-parameters = 405.853e9",
        "active-parameters = { min = 0, max = 811.706e9 }",
    );
    let problems = parsed(&zero).validate();
    assert_eq!(
        problems.first().map(|p| p.path.to_string()).as_deref(),
        Some("workload[0].estimate.active-parameters"),
        "{problems:?}"
    );
}

/// The problems of resolving `workloads`, which must fail.
fn refused(workloads: &str) -> Vec<Problem> {
    resolved(workloads, PowerModel::Curve).expect_err("refused")
}

#[test]
fn an_estimate_beyond_the_range_of_f64_is_refused_at_the_estimate_with_its_inputs() {
    let cases = [
        (
            INFERENCE.replace("70e9", "1e300"),
            [
                "the `energy` that llm-inference-ecologits estimates",
                "P_act 1e291 B",
            ],
        ),
        (
            TRAINING.replace("405.853e9", "1e300"),
            [
                "the `device-hours` that training-compute estimates",
                "6 × 1e300 × 1.56e13 token",
            ],
        ),
        (
            TRAINING.replace("\"15.6e12 token\"", "1e300"),
            [
                "the `device-hours` that training-compute estimates",
                "× 1e300 token",
            ],
        ),
    ];
    for (text, expected) in cases {
        let problems = refused(&text);
        let overflow = problems
            .iter()
            .find(|p| p.message.contains("beyond the range of 64-bit numbers"))
            .unwrap_or_else(|| panic!("no overflow among {problems:?}"));
        assert_eq!(overflow.path, "workload[0].estimate");
        for e in expected {
            assert!(overflow.message.contains(e), "{e}: {overflow:?}");
        }
        assert!(!overflow.message.contains("NaN"), "{overflow:?}");
    }
}

/// `INFERENCE` on a fleet of `count` H100.
fn on_fleet(count: u32, workload: &str) -> Result<Inventory, Vec<Problem>> {
    let mut inv = parsed(workload);
    inv.fleets[0].count = f64::from(count);
    assert!(inv.validate().is_empty());
    resolve(
        &mut inv,
        Catalogue::embedded().expect("catalogue"),
        PowerModel::Curve,
    )
    .map(|()| inv)
}

#[test]
fn an_inference_estimate_reserves_no_more_gpus_than_its_fleet_has() {
    // 1,000 B parameters at 16 bit: 2.4 TB, 30 GPUs of 80 GB, 32 in a power of two.
    let large = INFERENCE.replace("70e9", "1e12");
    for estimator in ["llm-inference-ecologits", "llm-inference-calibrated"] {
        let text = large.replace("llm-inference-ecologits", estimator);
        let problems = on_fleet(8, &text).expect_err(estimator);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!(p.path, "workload[0].estimate");
        assert!(
            p.message.contains("workload `serve`")
                && p.message.contains(estimator)
                && p.message
                    .contains("devices reserved, but fleet `h100` has 8"),
            "{p:?}"
        );
        on_fleet(32, &text).expect("32 GPUs hold it");
    }
    // The rule is the one written `devices` follow.
    let written = bilan_core::inventory::Fleet::reserve(&parsed(INFERENCE).fleets[0], 20_001.0);
    assert_eq!(
        written,
        Err("20001 devices reserved, but fleet `h100` has 20000".to_owned())
    );
}
