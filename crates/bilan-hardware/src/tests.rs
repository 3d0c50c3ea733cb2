use super::power::{PowerModel, power};
use super::*;
use bilan_units::Distribution;

fn file(text: &str) -> SourceFile {
    SourceFile {
        name: "mine.toml".into(),
        text: text.into(),
    }
}

const ONE: &str = r#"
schema = 1
[[device]]
id = "acme-x1"
name = "Acme X1"
driver-names = ["ACME X1 96GB"]
max-power = "500 W"
idle-power = "50 W ± 20 %"
memory-gb = 96
peak = { bf16 = "800 TFLOP/s" }
sources = [{ covers = "all", citation = "Acme X1 datasheet" }]
"#;

#[test]
fn the_embedded_catalogue_loads_and_every_entry_is_sourced_and_consistent() {
    let c = Catalogue::embedded().expect("embedded catalogue");
    assert!(c.devices().len() >= 11);
    for d in c.devices() {
        assert!(!d.sources.is_empty(), "{}", d.id);
        let max = d.max_watts();
        assert!(max > 0.0, "{}", d.id);
        if let Some(idle) = d.idle_watts() {
            assert!(idle > 0.0 && idle < max, "{}: idle {idle} max {max}", d.id);
        }
        // Dense peaks rise as precision falls.
        let peaks: Vec<f64> = Precision::ALL
            .iter()
            .filter_map(|p| d.peak.flop_per_second(*p))
            .collect();
        assert!(peaks.windows(2).all(|w| w[0] < w[1]), "{}: {peaks:?}", d.id);
        assert!(
            d.peak.flop_per_second(Precision::Bf16).is_some(),
            "{}",
            d.id
        );
    }
    let h100 = c.get("nvidia-h100-sxm-80gb").expect("h100");
    assert_eq!(h100.peak.flop_per_second(Precision::Bf16), Some(989.4e12));
    assert_eq!(h100.memory_gb, 80.0);
}

#[test]
fn a_driver_name_identifies_its_device() {
    let c = Catalogue::embedded().expect("embedded catalogue");
    let id = |name: &str| c.identify(name).map(|d| d.id.as_str());
    assert_eq!(id("NVIDIA H100 80GB HBM3"), Some("nvidia-h100-sxm-80gb"));
    assert_eq!(id("  nvidia a100-sxm4-40gb "), Some("nvidia-a100-sxm-40gb"));
    assert_eq!(id("NVIDIA GeForce RTX 4090"), None);
}

#[test]
fn a_user_file_adds_and_replaces_entries() {
    let devices = parse_file(&file(ONE)).expect("valid");
    assert_eq!(devices[0].origin, "mine.toml");
    let dir = std::env::temp_dir().join(format!("bilan-hw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("mine.toml");
    let replaced = ONE.replace("acme-x1", "nvidia-l4-24gb");
    std::fs::write(
        &path,
        format!(
            "{ONE}\n{}",
            &replaced[replaced.find("[[device]]").unwrap_or(0)..]
        ),
    )
    .expect("write");
    let c = Catalogue::load(&[&path]).expect("loads");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(c.get("acme-x1").map(|d| d.memory_gb), Some(96.0));
    let l4 = c.get("nvidia-l4-24gb").expect("l4");
    assert_eq!(l4.max_watts(), 500.0);
    assert!(l4.origin.ends_with("mine.toml"));
    assert_eq!(
        c.devices().len(),
        Catalogue::embedded().expect("embedded").devices().len() + 1
    );
}

#[test]
fn bad_entries_are_refused_with_their_key_path() {
    let cases = [
        (
            ONE.replace("\"50 W ± 20 %\"", "\"600 W\""),
            "device[0].idle-power",
            "above the maximum",
        ),
        (
            ONE.replace("\"500 W\"", "\"500 kWh\""),
            "device[0].max-power",
            "expected a power",
        ),
        (
            ONE.replace(
                "\"50 W ± 20 %\"",
                "{ min = \"1 W\", mode = \"50 W\", max = \"1.7e308 W\" }",
            ),
            "device[0].idle-power",
            "its spread is too large to carry into a power estimate",
        ),
        (
            ONE.replace("\"800 TFLOP/s\"", "\"800 TFLOP\""),
            "device[0].peak.bf16",
            "throughput",
        ),
        (
            ONE.replace("memory-gb = 96", "memory-gb = -1"),
            "device[0].memory-gb",
            "positive",
        ),
        (
            ONE.replace(
                "sources = [{ covers = \"all\", citation = \"Acme X1 datasheet\" }]",
                "sources = []",
            ),
            "device[0].sources",
            "cites",
        ),
        (
            ONE.replace("memory-gb = 96", "memory-gb = 96\nwatts = 3"),
            "watts",
            "unknown",
        ),
        (
            ONE.replace("schema = 1", "schema = 2"),
            "schema",
            "not supported",
        ),
        (
            format!("{ONE}{}", &ONE[ONE.find("[[device]]").unwrap_or(0)..]),
            "device[1].id",
            "duplicate",
        ),
    ];
    for (text, path, message) in cases {
        let err = parse_file(&file(&text)).expect_err(path).to_string();
        assert!(err.contains(path) && err.contains(message), "{path}: {err}");
    }
}

#[test]
fn the_power_model_interpolates_between_idle_and_maximum() {
    let devices = parse_file(&file(ONE)).expect("valid");
    let d = &devices[0];
    let p = power(d, Some(0.4), PowerModel::Curve);
    assert!((p.watts - (50.0 + 0.4 * 450.0)).abs() < 1e-9);
    assert!(p.formula.contains("= 230 W"), "{}", p.formula);
    let Some(Distribution::Lognormal { gsd }) = p.distribution else {
        panic!("a lognormal spread");
    };
    // The idle part's spread adds to the curve's.
    assert!(gsd > power::CURVE_GSD, "{gsd}");
    assert_eq!(power(d, Some(1.0), PowerModel::Curve).watts, 500.0);
    for (u, model) in [(None, PowerModel::Curve), (Some(0.4), PowerModel::Max)] {
        let p = power(d, u, model);
        assert_eq!(p.watts, 500.0);
        assert!(p.distribution.is_none());
        assert!(p.reason.contains("upper bound"), "{}", p.reason);
    }
    let mut no_idle = d.clone();
    no_idle.idle_power = None;
    let p = power(&no_idle, Some(0.4), PowerModel::Curve);
    assert_eq!(p.watts, 500.0);
    assert!(p.reason.contains("no idle power"), "{}", p.reason);
}
