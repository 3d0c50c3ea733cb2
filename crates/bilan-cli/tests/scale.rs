//! `--engine`: the columnar path gives the row-checked reader's figures (within 1e-12), a
//! Ballista cluster gives one machine's report to the bit, and a compiled plugin is reported
//! as not applicable there. Built with the `scale` feature only.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const INVENTORY: &str = "tests/fixtures/telemetry/inventory.toml";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn bilan(args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_bilan"))
        .arg("--no-config")
        .args(args)
        .current_dir(root())
        .output()
        .expect("bilan runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The JSON report of `compare` with `args`, without its stamp (which names the engine).
fn report(args: &[&str]) -> Value {
    let mut all = vec!["compare", INVENTORY, "-f", "json"];
    all.extend_from_slice(args);
    let out = bilan(&all);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    let mut value: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let stamp = value
        .as_object_mut()
        .and_then(|o| o.remove("stamp"))
        .expect("a stamp");
    let settings = stamp["settings"].to_string();
    if args.contains(&"--engine") {
        assert!(settings.contains("\"engine\""), "{settings}");
    }
    value
}

/// `a` and `b` are the same but for numbers within 1e-12 of each other, relative, or
/// absolute below 1 (a divergence's residual is the rounding noise of totals of about 60).
fn close(a: &Value, b: &Value, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().expect("x"), y.as_f64().expect("y"));
            let scale = x.abs().max(y.abs()).max(1.0);
            assert!((x - y).abs() <= 1e-12 * scale, "{at}: {x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}");
            for (k, (p, q)) in x.iter().zip(y).enumerate() {
                close(p, q, &format!("{at}[{k}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys = |o: &serde_json::Map<String, Value>| o.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(x), keys(y), "{at}");
            for (k, p) in x {
                close(p, &y[k], &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

#[test]
fn datafusion_gives_the_figures_of_the_rows_within_1e_12() {
    let rows = report(&["--trail", "none"]);
    let plan = report(&["--trail", "none", "--engine", "datafusion"]);
    close(&rows, &plan, "report");
}

#[test]
fn a_ballista_cluster_gives_one_machines_report_to_the_bit() {
    let cluster = bilan_scale::cluster::LocalCluster::start(2, 2).expect("a local cluster");
    let one = report(&["--engine", "datafusion"]);
    let cluster = report(&["--engine", "ballista", "--ballista", cluster.url()]);
    assert!(one == cluster, "the reports differ");
}

#[test]
fn ballista_needs_its_scheduler() {
    let out = bilan(&["compare", INVENTORY, "--engine", "ballista"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--ballista df://HOST:PORT"),
        "{}",
        out.stderr
    );
}

/// The example plugin, built into this target's scratch directory.
fn example_plugin() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-tests");
    let out = Command::new(env!("CARGO"))
        .current_dir(root())
        .args([
            "build",
            "--locked",
            "-p",
            "bilan-plugin-example",
            "--lib",
            "--target-dir",
        ])
        .arg(&target)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = format!(
        "{}bilan_plugin_example{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    target.join("debug").join(file)
}

#[test]
fn a_compiled_plugin_is_not_applicable_on_the_columnar_path() {
    let plugin = example_plugin();
    let plugin = plugin.to_str().expect("path");
    let args = ["compare", INVENTORY, "-f", "json", "--trail", "none"];
    let out = bilan(&[&args[..], &["--engine", "datafusion", "--plugin", plugin]].concat());
    // A warning, not a failure: the other methods' figures stand.
    assert_eq!(out.code, 0, "{}", out.stderr);
    let why = "not applicable on the columnar path: a compiled plugin cannot run inside the DataFusion plan";
    assert!(
        out.stderr.contains("warning: green-algorithms@") && out.stderr.contains(why),
        "{}",
        out.stderr
    );
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let column = report["comparison"]["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .find(|m| m["id"] == "green-algorithms")
        .expect("the plugin's column")
        .clone();
    assert!(
        column["error"].as_str().is_some_and(|e| e.contains(why)),
        "{column}"
    );
    // Row by row, the plugin runs.
    let out = bilan(&[&args[..], &["--plugin", plugin]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains(why), "{}", out.stderr);
}
