//! The user's configuration and `BILAN_*` variables, read by the real binary: they give
//! defaults under the command line, the report's stamp lists them, `--no-config` ignores
//! them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `bilan ARGS` from the repository root with only `env` set besides PATH: its exit code,
/// stdout and stderr.
fn bilan(args: &[&str], env: &[(&str, &Path)], vars: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bilan"));
    command.args(args).current_dir(root()).env_clear();
    for (k, v) in env {
        command.env(k, v);
    }
    for (k, v) in vars {
        command.env(k, v);
    }
    let out = command.output().expect("bilan runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The method ids and settings of a JSON comparison.
fn methods_and_settings(json: &str) -> (Vec<String>, Vec<serde_json::Value>) {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON report");
    let stamp = &v["stamp"];
    let ids = stamp["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect();
    let settings = stamp["settings"].as_array().cloned().unwrap_or_default();
    (ids, settings)
}

#[test]
fn the_configuration_gives_default_methods_and_is_stamped_unless_ignored() {
    let home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-config-{}", std::process::id()));
    std::fs::create_dir_all(home.join("bilan")).expect("temp dir");
    std::fs::write(home.join("bilan/config.toml"), "methods = [\"sci\"]\n").expect("write");
    let xdg = [("XDG_CONFIG_HOME", home.as_path())];
    let compare = [
        "compare",
        "examples/llama-3.1.toml",
        "-f",
        "json",
        "--trail",
        "none",
    ];

    let (code, out, err) = bilan(&compare, &xdg, &[]);
    assert_eq!(code, 0, "{err}");
    let (ids, settings) = methods_and_settings(&out);
    assert_eq!(ids, ["sci"]);
    assert_eq!(settings.len(), 1, "{settings:?}");
    assert_eq!(settings[0]["name"], "methods");
    assert_eq!(settings[0]["value"], "sci");
    let from = settings[0]["from"].as_str().unwrap_or("");
    assert!(from.ends_with("bilan/config.toml"), "{from}");

    // The environment wins over the file.
    let (code, out, err) = bilan(&compare, &xdg, &[("BILAN_METHODS", "ghg-protocol")]);
    assert_eq!(code, 0, "{err}");
    let (ids, settings) = methods_and_settings(&out);
    assert_eq!(ids, ["ghg-protocol"]);
    assert_eq!(settings[0]["from"], "BILAN_METHODS");

    // --no-config: every method, nothing stamped.
    let mut ignored = compare.to_vec();
    ignored.push("--no-config");
    let (code, out, err) = bilan(&ignored, &xdg, &[("BILAN_METHODS", "ghg-protocol")]);
    assert_eq!(code, 0, "{err}");
    let (ids, settings) = methods_and_settings(&out);
    assert!(ids.len() > 3, "{ids:?}");
    assert!(settings.is_empty());

    // A plugin in the implicit configuration is refused, never loaded.
    std::fs::write(
        home.join("bilan/config.toml"),
        "[[plugin]]\npath = \"/nonexistent/libx.so\"\n",
    )
    .expect("write");
    let (code, _, err) = bilan(&compare, &xdg, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("only from --plugin"), "{err}");
    // Commands that take no setting do not read it.
    let (code, out, err) = bilan(&["completions", "bash"], &xdg, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("_bilan"));

    // An unknown method from the environment names where it came from.
    std::fs::write(home.join("bilan/config.toml"), "").expect("write");
    let (code, _, err) = bilan(&compare, &xdg, &[("BILAN_METHODS", "nope")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown method `nope` (methods from BILAN_METHODS)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn the_configured_language_writes_compare_in_french_unless_the_command_line_says_otherwise() {
    let home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-config-lang-{}", std::process::id()));
    std::fs::create_dir_all(home.join("bilan")).expect("temp dir");
    std::fs::write(home.join("bilan/config.toml"), "lang = \"fr\"\n").expect("write");
    let xdg = [("XDG_CONFIG_HOME", home.as_path())];
    let md = [
        "compare",
        "examples/llama-3.1.toml",
        "-m",
        "sci",
        "-f",
        "md",
    ];

    let (code, out, err) = bilan(&md, &xdg, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# Comparaison — "), "{out}");
    assert!(
        out.contains("- réglage lang = fr (de ") && out.contains("bilan/config.toml)"),
        "the language and where it came from are stamped: {out}"
    );
    // The process locale is never read; --lang wins over the configuration.
    let (code, out, err) = bilan(&md, &xdg, &[("LANG", "en_US.UTF-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# Comparaison — "), "{out}");
    let mut english = md.to_vec();
    english.extend(["--lang", "en"]);
    let (code, out, err) = bilan(&english, &xdg, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# Comparison — "), "{out}");
    assert!(
        !out.contains("setting lang"),
        "a setting not applied is not stamped: {out}"
    );
    // BILAN_LANG wins over the file, and a language bilan cannot write is refused.
    let (code, out, err) = bilan(&md, &xdg, &[("BILAN_LANG", "en")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# Comparison — "), "{out}");
    assert!(
        out.contains("- setting lang = en (from BILAN_LANG)"),
        "{out}"
    );
    let (code, _, err) = bilan(&md, &xdg, &[("BILAN_LANG", "xx")]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("BILAN_LANG: `xx` is not a report language (available: en, fr)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn no_output_overwrites_the_configuration_it_read() {
    // The implicit configuration is read like any input: `-o` naming it once replaced it
    // with the report (exit 0), and the next run failed on a configuration that was a report.
    let home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-config-output-{}", std::process::id()));
    std::fs::create_dir_all(home.join("bilan")).expect("temp dir");
    let config = home.join("bilan/config.toml");
    std::fs::write(&config, "methods = [\"sci\"]\n").expect("write");
    let output = config.display().to_string();
    for command in ["assess", "compare", "explain"] {
        let mut args = vec![command, "examples/llama-3.1.toml", "-o", &output];
        if command == "explain" {
            args.extend(["-m", "sci", "--figure", "gwp.total"]);
        }
        let (code, _, err) = bilan(&args, &[("XDG_CONFIG_HOME", home.as_path())], &[]);
        assert_eq!(code, 2, "{command}: {err}");
        assert!(
            err.contains("is the configuration file") && err.contains("would destroy it"),
            "{command}: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(&config).expect("config"),
            "methods = [\"sci\"]\n",
            "{command}"
        );
    }
}
