//! Setting bilan up where users are: versions, shell completions.

use crate::support::{bilan, builtin_ids};

#[test]
fn the_version_names_the_factor_database_and_the_inventory_schema() {
    let out = bilan(&["--version"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let version = lines.first().and_then(|l| l.strip_prefix("bilan "));
    assert!(
        version.is_some_and(|v| semver::Version::parse(v).is_ok()),
        "{}",
        out.stdout
    );
    assert_eq!(
        lines[1..],
        [
            format!("factor database {}", bilan_factors::DB_VERSION).as_str(),
            format!("inventory schema {}", bilan_core::INVENTORY_SCHEMA).as_str(),
        ]
    );
}

#[test]
fn completions_offer_the_methods_and_figure_paths_in_every_shell() {
    // PowerShell's script completes commands and options, not their values.
    let out = bilan(&["completions", "powershell"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("'compare'") && out.stdout.contains("'--method'"));
    for shell in ["bash", "zsh", "fish"] {
        let out = bilan(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for id in builtin_ids() {
            assert!(out.stdout.contains(&id), "{shell}: {id} not offered");
        }
        assert!(
            out.stdout.contains("harmonised-ai"),
            "{shell}: shipped methods"
        );
        assert!(
            out.stdout.contains("gwp.stage.use"),
            "{shell}: figure paths"
        );
        assert!(out.stdout.contains("compare"), "{shell}: subcommands");
    }
    let out = bilan(&["completions", "tcsh"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("possible values"), "{}", out.stderr);
}

#[test]
fn the_bash_script_completes_a_method_id() {
    let script = bilan(&["completions", "bash"]).stdout;
    let dir = crate::support::scratch().join(format!("bilan-completions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bilan.bash");
    std::fs::write(&path, script).expect("write");
    let probe = format!(
        "source {}; COMP_WORDS=(bilan compare x.toml --method ademe); COMP_CWORD=4; \
         COMP_LINE='bilan compare x.toml --method ademe'; COMP_POINT=${{#COMP_LINE}}; \
         _bilan bilan ademe --method; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .expect("bash runs");
    let offered = String::from_utf8_lossy(&out.stdout);
    assert!(
        offered.lines().any(|l| l == "ademe-lca"),
        "{offered}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn quiet_silences_warnings_but_not_errors() {
    let text = std::fs::read_to_string(crate::support::root().join("examples/llama-3.1.toml"))
        .expect("example");
    let edited = text.replacen("pue = ", "pue = 5.0 # was ", 1);
    assert_ne!(edited, text);
    let dir = crate::support::scratch().join(format!("bilan-quiet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("high-pue.toml");
    std::fs::write(&path, edited).expect("write");
    let path = path.display().to_string();
    let loud = bilan(&["validate", &path]);
    assert!(loud.stderr.contains("warning: "), "{}", loud.stderr);
    let quiet = bilan(&["-q", "validate", &path]);
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.stderr, "");
    let missing = bilan(&["-q", "validate", "no-such-inventory.toml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no-such-inventory.toml"),
        "{}",
        missing.stderr
    );
    assert!(
        bilan(&["-q", "-v", "validate", &path]).code == 2,
        "-q and -v conflict"
    );
}

#[test]
fn errors_can_be_read_by_programs_as_json_lines() {
    let bad =
        crate::support::scratch().join(format!("bilan-json-errors-{}.toml", std::process::id()));
    std::fs::write(&bad, "schema = 1\n[system]\nname = 3\n").expect("write");
    let path = bad.display().to_string();
    let out = bilan(&["--error-format", "json", "validate", &path]);
    assert_eq!(out.code, 2);
    let first: serde_json::Value =
        serde_json::from_str(out.stderr.lines().next().unwrap_or("")).expect("a JSON line");
    assert_eq!(first["kind"], "input");
    // (The helper shows paths relative to the repository.)
    assert!(
        first["file"].as_str().is_some_and(|f| path.ends_with(f)),
        "{first}"
    );
    assert_eq!(first["line"], 3);
    assert_eq!(first["key-path"], "system.name");
    let usage = bilan(&[
        "--error-format",
        "json",
        "compare",
        "examples/llama-3.1.toml",
        "-m",
        "nope",
    ]);
    assert_eq!(usage.code, 2);
    let line: serde_json::Value = serde_json::from_str(usage.stderr.trim()).expect("JSON");
    assert_eq!(line["kind"], "usage");
    assert!(
        line["message"].as_str().is_some_and(|m| m.contains("nope")),
        "{line}"
    );
}
