//! Methodology plugins end to end: the example plugin beside the built-ins, the conformance
//! of the built-ins' two deliveries (rlib and cdylib), the `cargo xtask new-plugin` scaffold,
//! `bilan plugins inspect`, `--config`, and every way a plugin can fail, each with a clear
//! error while the other methods still report.
//!
//! The plugin libraries are built by the first test that needs them, once per test binary,
//! with one `cargo build` into `<target>/tmp/plugin-tests` (its own target directory, so it
//! never waits for the lock of the `cargo test` that runs us; incremental across runs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use bilan_core::method::{Methodology, Parameters};

use crate::support::{bilan, root};

/// The directory of the built plugin libraries (`…/plugin-tests/debug`).
fn built() -> &'static Path {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let result = BUILT.get_or_init(|| {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-tests");
        let started = std::time::Instant::now();
        let out = Command::new(env!("CARGO"))
            .current_dir(root())
            .args([
                "build",
                "--locked",
                "-p",
                "bilan-builtins-cdylib",
                "-p",
                "bilan-plugin-example",
                "-p",
                "bilan-plugin-fixtures",
                "-p",
                "bilan-plugin-scaffolded",
                "--features",
                "bilan-plugin-fixtures/fixtures",
                "--lib",
                "--examples",
                "--target-dir",
            ])
            .arg(&target)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "building the plugin libraries failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        #[expect(
            clippy::print_stderr,
            reason = "the build time, shown with --nocapture"
        )]
        {
            eprintln!(
                "plugin libraries built in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Ok(target.join("debug"))
    });
    match result {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    }
}

/// The library of crate or example `name`.
fn library(name: &str) -> String {
    let file = format!(
        "{}{name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let dir = built();
    let path = if name.starts_with("bilan_fixture_") {
        dir.join("examples").join(file)
    } else {
        dir.join(file)
    };
    assert!(path.exists(), "{} was not built", path.display());
    path.display().to_string()
}

pub(crate) fn example_plugin() -> String {
    library("bilan_plugin_example")
}

fn sha256(path: &str) -> String {
    bilan_plugin_host::sha256_file(Path::new(path)).expect("readable")
}

/// `path` as the reports show it (the repository root is stripped by `support::bilan`).
fn shown(path: &str) -> String {
    path.replace(&format!("{}/", root().display()), "")
}

fn compare_json(args: &[&str]) -> (u8, serde_json::Value, String) {
    let mut all = vec!["compare", "examples/llama-3.1.toml", "-f", "json"];
    all.extend_from_slice(args);
    let out = bilan(&all);
    let json = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    (out.code, json, out.stderr)
}

/// The comparison's column for method `id`.
fn column<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["comparison"]["methods"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["id"] == id))
        .unwrap_or_else(|| panic!("no method `{id}` in {:#}", json["comparison"]["methods"]))
}

/// The GWP total of method `id`.
fn gwp_total(json: &serde_json::Value, id: &str) -> Option<f64> {
    json["comparison"]["indicators"]
        .as_array()?
        .iter()
        .find(|i| i["indicator"] == "gwp")?["rows"]
        .as_array()?
        .iter()
        .find(|r| r["method"] == id)?["total"]
        .as_f64()
}

#[test]
fn the_example_plugin_reports_beside_the_builtins_with_its_identity_in_the_stamp() {
    let plugin = example_plugin();
    let (code, json, stderr) = compare_json(&["--plugin", &plugin]);
    assert_eq!(code, 0, "{stderr}");
    let ga = column(&json, "green-algorithms");
    assert!(ga.get("error").is_none(), "{ga:#}");
    let origin = serde_json::json!({
        "kind": "plugin",
        "path": shown(&plugin),
        "sha256": sha256(&plugin),
        "plugin": "bilan-plugin-example 0.1.0",
    });
    assert_eq!(ga["origin"], origin);
    let stamped = json["stamp"]["methods"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["id"] == "green-algorithms"))
        .expect("the plugin's method is in the stamp");
    assert_eq!(stamped["origin"], origin);
    // 39.3 M GPU·h × 0.7 kW × PUE 1.0 × 0.41403 kgCO2e/kWh, Meta's location-based figure.
    let total = gwp_total(&json, "green-algorithms").expect("a GWP total");
    assert!(
        (total - 39.3e6 * 0.7 * 0.41403).abs() < 1e-6 * total,
        "{total}"
    );
    for id in crate::support::builtin_ids() {
        assert!(gwp_total(&json, &id).is_some(), "{id} still reports");
    }
    // Its divergence from the built-ins is explained by driver, to a zero residual.
    let divergences = json["comparison"]["divergences"]
        .as_array()
        .expect("divergences");
    let ga_vs_ademe = divergences
        .iter()
        .find(|d| d["a"] == "ademe-lca" && d["b"] == "green-algorithms" && d["indicator"] == "gwp")
        .unwrap_or_else(|| panic!("no ademe-lca → green-algorithms divergence"));
    assert!(
        ga_vs_ademe.to_string().contains("capital-goods"),
        "{ga_vs_ademe:#}"
    );

    let table = bilan(&["compare", "examples/llama-3.1.toml", "--plugin", &plugin]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    // The table wraps lines longer than 100 columns, indenting what follows.
    let flat = table.stdout.replace("\n  ", " ");
    assert!(
        flat.contains(&format!(
            "- method green-algorithms 0.1.0 (plugin bilan-plugin-example 0.1.0 at {} sha256 {})",
            shown(&plugin),
            sha256(&plugin)
        )),
        "{}",
        table.stdout
    );
}

#[test]
fn parameters_cross_the_boundary_and_text_reports_name_the_plugin() {
    let plugin = example_plugin();
    let (code, json, stderr) = compare_json(&[
        "-m",
        "green-algorithms",
        "--plugin",
        &plugin,
        "-p",
        "green-algorithms:pragmatic-scaling-factor=2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let total = gwp_total(&json, "green-algorithms").expect("a GWP total");
    assert!(
        (total - 2.0 * 39.3e6 * 0.7 * 0.41403).abs() < 1e-6 * total,
        "{total}"
    );
    assert_eq!(
        column(&json, "green-algorithms")["parameters"]["pragmatic-scaling-factor"],
        "2"
    );
    let identity = format!(
        "method green-algorithms 0.1.0: plugin bilan-plugin-example 0.1.0 from {} (sha256 {})",
        shown(&plugin),
        sha256(&plugin)
    );
    let assess = bilan(&[
        "assess",
        "examples/llama-3.1.toml",
        "-m",
        "green-algorithms",
        "--plugin",
        &plugin,
    ]);
    assert_eq!(assess.code, 0, "{}", assess.stderr);
    assert!(assess.stdout.contains(&identity), "{}", assess.stdout);
    let explain = bilan(&[
        "explain",
        "examples/llama-3.1.toml",
        "-m",
        "green-algorithms",
        "--plugin",
        &plugin,
        "--figure",
        "gwp.total",
    ]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    assert!(explain.stdout.contains(&identity), "{}", explain.stdout);
}

#[test]
fn a_correct_pin_loads_and_methods_lists_the_plugin_with_its_origin() {
    let plugin = example_plugin();
    let pinned = format!("{plugin}#sha256={}", sha256(&plugin));
    let out = bilan(&["methods", "--plugin", &pinned]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("green-algorithms 0.1.0 — Green Algorithms")
    );
    assert!(
        out.stdout.contains(&format!(
            "origin: plugin bilan-plugin-example 0.1.0 from {} (sha256 {})",
            shown(&plugin),
            sha256(&plugin)
        )),
        "{}",
        out.stdout
    );
}

/// Every example, every built-in: the rlib linked into bilan and the same code loaded as a
/// cdylib through the host give identical assessments (or identical errors).
#[test]
fn the_builtins_give_identical_results_as_rlibs_and_as_cdylibs() {
    let loaded = bilan_plugin_host::load(Path::new(&library("bilan_builtins_cdylib")), None)
        .expect("the built-ins' cdylib loads");
    let dynamic = loaded.methodologies();
    let linked = bilan_cli::registry::builtin();
    let ids = |ms: &[&dyn Methodology]| -> Vec<String> {
        ms.iter().map(|m| m.descriptor().id.clone()).collect()
    };
    let linked_refs: Vec<&dyn Methodology> = linked.iter().map(|m| m.as_ref()).collect();
    let dynamic_refs: Vec<&dyn Methodology> =
        dynamic.iter().map(|m| m as &dyn Methodology).collect();
    assert_eq!(ids(&linked_refs), ids(&dynamic_refs));
    let factors = bilan_factors::load(&[] as &[&Path]).expect("embedded factors");
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    examples.sort();
    assert!(!examples.is_empty());
    let mut compared = 0;
    for path in &examples {
        let (_, inventory) = bilan_io::read_inventory(path).expect("example reads");
        for (rlib, cdylib) in linked_refs.iter().zip(&dynamic_refs) {
            let params = Parameters::default();
            let a = rlib.assess(&inventory, &factors, &params);
            let b = cdylib.assess(&inventory, &factors, &params);
            let what = format!("{} on {}", rlib.descriptor().id, path.display());
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(
                        serde_json::to_value(&a).expect("json"),
                        serde_json::to_value(&b).expect("json"),
                        "{what}"
                    );
                    assert_eq!(a, b, "{what}");
                    compared += 1;
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{what}"),
                (a, b) => panic!("{what}: rlib {:?} but cdylib {:?}", a.err(), b.err()),
            }
        }
    }
    assert!(compared >= examples.len(), "too few assessments compared");
}

/// What `cargo xtask new-plugin` writes (committed as `tests/fixtures/scaffold`, checked
/// equal by xtask's tests) builds, loads and assesses beside the built-ins.
#[test]
fn a_scaffolded_plugin_builds_and_loads() {
    let plugin = library("bilan_plugin_scaffolded");
    let (code, json, stderr) =
        compare_json(&["-m", "ademe-lca", "-m", "scaffolded", "--plugin", &plugin]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        column(&json, "scaffolded")["origin"]["plugin"],
        "bilan-plugin-scaffolded 0.1.0"
    );
    // E × PUE × I: Meta's location-based figure again.
    let total = gwp_total(&json, "scaffolded").expect("a GWP total");
    assert!(
        (total - 39.3e6 * 0.7 * 0.41403).abs() < 1e-6 * total,
        "{total}"
    );
}

#[test]
fn plugins_inspect_prints_versions_methods_and_hash_without_running_them() {
    let plugin = example_plugin();
    let out = bilan(&["plugins", "inspect", &plugin]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for expected in [
        format!("sha256: {}", sha256(&plugin)),
        "ABI version: 1 (this host: 1)".to_owned(),
        "plugin: bilan-plugin-example 0.1.0".to_owned(),
        format!(
            "API version: {} (this host: {})",
            bilan_core::API_VERSION,
            bilan_core::API_VERSION
        ),
        "green-algorithms 0.1.0 — Green Algorithms".to_owned(),
        "pragmatic-scaling-factor (default 1)".to_owned(),
        "status: loadable".to_owned(),
    ] {
        assert!(out.stdout.contains(&expected), "{expected}\n{}", out.stdout);
    }
    let json = bilan(&["plugins", "inspect", &plugin, "-f", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["abi-version"], 1);
    assert_eq!(v["manifest"]["api-version"], bilan_core::API_VERSION);
    assert_eq!(v["manifest"]["methodologies"][0]["id"], "green-algorithms");
    assert_eq!(v["sha256"], sha256(&plugin));
}

#[test]
fn plugins_inspect_describes_what_it_can_of_an_unloadable_library() {
    let abi = bilan(&["plugins", "inspect", &library("bilan_fixture_abi_v2")]);
    assert_eq!(abi.code, 2);
    assert!(
        abi.stdout.contains("ABI version: 2 (this host: 1)"),
        "{}",
        abi.stdout
    );
    assert!(
        abi.stderr
            .contains("was built for ABI v2, this host supports v1"),
        "{}",
        abi.stderr
    );
    let api = bilan(&["plugins", "inspect", &library("bilan_fixture_api_future")]);
    assert_eq!(api.code, 2);
    assert!(api.stdout.contains("API version: 9.0.0"), "{}", api.stdout);
    assert!(api.stderr.contains("requires ^9.0.0"), "{}", api.stderr);
}

/// Runs `ademe-lca` beside a plugin that cannot be loaded: exit 1, an error row whose
/// message contains `expected`, and the built-in's figures.
fn assert_unloadable(plugin: &str, expected: &str) {
    let (code, json, stderr) = compare_json(&["-m", "ademe-lca", "--plugin", plugin]);
    assert_eq!(code, 1, "{stderr}");
    let row = column(&json, &format!("plugin:{}", shown(plugin)));
    let error = row["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(expected),
        "expected `{expected}` in `{error}`"
    );
    assert!(
        error.contains(&shown(plugin)),
        "the error names the path: {error}"
    );
    assert!(stderr.contains(expected), "{stderr}");
    assert_eq!(row["origin"]["kind"], "plugin");
    assert!(
        gwp_total(&json, "ademe-lca").is_some_and(|t| t > 0.0),
        "the other methods still report"
    );
}

#[test]
fn a_plugin_built_for_another_abi_is_an_error_row() {
    assert_unloadable(
        &library("bilan_fixture_abi_v2"),
        "was built for ABI v2, this host supports v1",
    );
}

#[test]
fn a_plugin_built_against_an_incompatible_api_is_an_error_row() {
    assert_unloadable(
        &library("bilan_fixture_api_future"),
        &format!(
            "plugin API 9.0.0 is not compatible with host API {} (requires ^9.0.0)",
            bilan_core::API_VERSION
        ),
    );
}

#[test]
fn a_library_without_the_plugin_symbols_is_an_error_row() {
    assert_unloadable(
        &library("bilan_plugin_fixtures"),
        "missing symbol `bilan_plugin_abi_version`",
    );
}

#[test]
fn a_file_that_is_not_a_library_is_an_error_row() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-tests-files");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("not-a-plugin{}", std::env::consts::DLL_SUFFIX));
    std::fs::write(&path, "this is a text file with a library's name\n").expect("write");
    assert_unloadable(&path.display().to_string(), "is not a loadable library");
}

#[test]
fn a_plugin_with_a_malformed_manifest_is_an_error_row() {
    assert_unloadable(&library("bilan_fixture_bad_manifest"), "malformed manifest");
}

#[test]
fn a_library_whose_hash_changed_since_it_was_pinned_is_not_loaded() {
    let plugin = example_plugin();
    let wrong = "0".repeat(64);
    let pinned = format!("{plugin}#sha256={wrong}");
    let (code, json, stderr) = compare_json(&["-m", "ademe-lca", "--plugin", &pinned]);
    assert_eq!(code, 1, "{stderr}");
    let row = column(&json, &format!("plugin:{}", shown(&plugin)));
    let expected = format!(
        "SHA-256 mismatch: pinned {wrong}, found {}",
        sha256(&plugin)
    );
    assert!(
        row["error"].as_str().is_some_and(|e| e.contains(&expected)),
        "{row:#}"
    );
    assert!(gwp_total(&json, "ademe-lca").is_some());
    let bad_pin = bilan(&["methods", "--plugin", &format!("{plugin}#sha256=abc")]);
    assert_eq!(bad_pin.code, 2);
    assert!(
        bad_pin.stderr.contains("is not a SHA-256"),
        "{}",
        bad_pin.stderr
    );
}

/// Runs `ademe-lca` and the fixture method `id`: exit 1, the fixture's error row says
/// `expected`, the built-in reports.
fn assert_misbehaves(id: &str, expected: &str) {
    let plugin = library("bilan_fixture_misbehaving");
    let (code, json, stderr) = compare_json(&["-m", "ademe-lca", "-m", id, "--plugin", &plugin]);
    assert_eq!(code, 1, "{stderr}");
    let error = column(&json, id)["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        error.contains(expected),
        "expected `{expected}` in `{error}`"
    );
    if id == "fixture-panic" {
        assert!(
            error.ends_with("panicked: fixture: deliberate panic in assess"),
            "{error}"
        );
    }
    assert!(stderr.contains(&format!("error: {id}@0.0.1: ")), "{stderr}");
    assert!(gwp_total(&json, "ademe-lca").is_some_and(|t| t > 0.0));
    assert!(column(&json, "ademe-lca").get("error").is_none());
}

#[test]
fn the_misbehaving_fixture_itself_works_when_it_behaves() {
    let plugin = library("bilan_fixture_misbehaving");
    let (code, json, stderr) =
        compare_json(&["-m", "ademe-lca", "-m", "fixture-ok", "--plugin", &plugin]);
    assert_eq!(code, 0, "{stderr}");
    // It excludes every item: its gwp is not computed, never a 0.
    assert_eq!(gwp_total(&json, "fixture-ok"), None);
    let row = json["comparison"]["indicators"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["indicator"] == "gwp"))
        .and_then(|i| i["rows"].as_array())
        .and_then(|r| r.iter().find(|r| r["method"] == "fixture-ok"))
        .expect("the gwp row of fixture-ok");
    assert_eq!(row["not-computed"], true, "{row}");
}

#[test]
fn a_trail_rebuilt_for_the_json_report_must_give_the_figures_compared() {
    // The comparison drops each method's trail and the JSON report runs the method again to
    // write it: a plugin whose results change from one run to the next is refused there,
    // not written with a trail that is not the one behind its figures.
    let plugin = library("bilan_fixture_misbehaving");
    let args = [
        "compare",
        "examples/llama-3.1.toml",
        "-m",
        "fixture-unsteady",
        "--plugin",
        &plugin,
    ];
    let table = bilan(&args);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let json = bilan(&[&args[..], &["-f", "json"]].concat());
    assert_ne!(json.code, 0, "{}", json.stdout);
    assert!(
        json.stderr.contains("the audit trail of fixture-unsteady")
            && json
                .stderr
                .contains("gave other figures than those compared"),
        "{}",
        json.stderr
    );
    // Nothing is wrong with where the report goes: the error says what could not be made,
    // and no output is blamed.
    assert!(
        json.stderr.contains("cannot make the report") && !json.stderr.contains("cannot write"),
        "{}",
        json.stderr
    );
    let out = crate::support::scratch_dir("unsteady").join("report.json");
    std::fs::write(&out, "previous report\n").expect("write");
    let to_file = bilan(&[&args[..], &["-f", "json", "-o", &out.display().to_string()]].concat());
    assert_ne!(to_file.code, 0, "{}", to_file.stdout);
    assert!(
        to_file.stderr.contains("cannot make the report")
            && !to_file.stderr.contains("cannot write"),
        "{}",
        to_file.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "previous report\n"
    );
}

#[test]
fn a_plugin_that_panics_is_an_error_row() {
    assert_misbehaves(
        "fixture-panic",
        "plugin `bilan-fixture-misbehaving 0.0.1` (`",
    );
}

#[test]
fn a_plugins_typed_error_reads_like_a_builtins() {
    assert_misbehaves("fixture-error", "fixture: a deliberate method error");
}

#[test]
fn a_plugin_returning_malformed_json_is_an_error_row() {
    assert_misbehaves("fixture-bad-json", "returned malformed JSON");
}

#[test]
fn a_plugin_returning_json_that_is_not_an_assessment_is_an_error_row() {
    assert_misbehaves(
        "fixture-not-assessment",
        "returned JSON that is not an assessment",
    );
}

#[test]
fn a_plugin_whose_audit_trail_does_not_reproduce_is_an_error_row() {
    assert_misbehaves(
        "fixture-bad-trail",
        "returned an assessment whose audit trail does not reproduce",
    );
}

#[test]
fn a_plugin_answering_for_another_method_is_an_error_row() {
    assert_misbehaves(
        "fixture-wrong-method",
        "returned an assessment of `ademe-lca@0.0.1` when asked for `fixture-wrong-method@0.0.1`",
    );
}

#[test]
fn a_plugin_method_may_not_take_an_existing_id() {
    let out = bilan(&[
        "compare",
        "examples/llama-3.1.toml",
        "--plugin",
        &library("bilan_builtins_cdylib"),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("provides method `ademe-lca`, which is already provided (built in)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_config_file_names_plugins_relative_to_itself_and_refuses_unknown_keys() {
    let plugin = PathBuf::from(example_plugin());
    let dir = plugin.parent().expect("a directory");
    let config = dir.join("bilan-plugins.toml");
    let file = plugin.file_name().expect("a name").to_string_lossy();
    std::fs::write(
        &config,
        format!(
            "[[plugin]]\npath = \"{file}\"\nsha256 = \"{}\"\n",
            sha256(&plugin.display().to_string())
        ),
    )
    .expect("write");
    let config_arg = config.display().to_string();
    let (code, json, stderr) = compare_json(&["--config", &config_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert!(column(&json, "green-algorithms").get("error").is_none());

    let typo = dir.join("bilan-plugins-typo.toml");
    std::fs::write(
        &typo,
        format!("[[plugin]]\npath = \"{file}\"\nsha265 = \"00\"\n"),
    )
    .expect("write");
    let out = bilan(&["methods", "--config", &typo.display().to_string()]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("sha265"), "{}", out.stderr);
}

/// A declarative file can extend a plugin's method: plugins load first.
#[test]
fn a_methodology_file_can_extend_a_plugin_method() {
    let plugin = example_plugin();
    let dir = crate::support::scratch_dir("extends-plugin");
    let file = dir.join("ga-repeated.toml");
    std::fs::write(
        &file,
        "schema = 1\nid = \"ga-three-runs\"\nversion = \"1.0.0\"\nname = \"Green Algorithms, three runs\"\n\
         description = \"the example plugin with a pragmatic scaling factor of 3\"\nextends = \"green-algorithms@^0.1\"\n\
         [parameters]\npragmatic-scaling-factor = 3\n",
    )
    .expect("write");
    let file = file.display().to_string();
    let (code, json, stderr) = compare_json(&[
        "--plugin",
        &plugin,
        "--method-file",
        &file,
        "-m",
        "green-algorithms",
        "-m",
        "ga-three-runs",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (base, tripled) = (
        gwp_total(&json, "green-algorithms"),
        gwp_total(&json, "ga-three-runs"),
    );
    assert!(
        base.is_some_and(|b| tripled.is_some_and(|t| (t - 3.0 * b).abs() < 1e-6 * t)),
        "{base:?} {tripled:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
