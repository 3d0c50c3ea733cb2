//! The real `bilan` binary, run as a process: what in-process tests cannot show (working
//! directory, standard streams, exit status).

use std::path::Path;
use std::process::Command;

fn bilan() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bilan"));
    command.arg("--no-config");
    command
}

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// A methodology file dropped in the working directory's `methodologies/` appears in
/// `bilan methods` and `bilan compare`, with no rebuild.
#[test]
fn a_dropped_methodology_file_shows_up_without_a_rebuild() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-drop-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("methodologies")).expect("temp dir");
    std::fs::write(
        dir.join("methodologies/no-water.toml"),
        r#"schema = 1
id = "lca-carbon-only"
version = "0.1.0"
name = "LCA, carbon only"
description = "the ADEME-style LCA restricted to GWP"
extends = "ademe-lca@^1"
indicators = ["gwp"]
"#,
    )
    .expect("write");
    let out = bilan()
        .arg("methods")
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains("lca-carbon-only 0.1.0 — LCA, carbon only"),
        "{listing}"
    );
    assert!(
        listing.contains("origin: file methodologies/no-water.toml (sha256 "),
        "{listing}"
    );

    let llama = examples().join("llama-3.1.toml");
    let out = bilan()
        .args(["compare", &llama.display().to_string(), "-f", "md"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("| lca-carbon-only "), "{report}");
    assert!(report.contains("ademe-lca → lca-carbon-only"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_methodology_file_is_an_input_error_with_its_line() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("m.toml");
    std::fs::write(&file, "schema = 1\nid = \"x\"\nversion = \"1.0\"\nname = \"x\"\ndescription = \"x\"\nextends = \"ademe-lca@^1\"\n").expect("write");
    let out = bilan()
        .args(["methods", "--method-file", &file.display().to_string()])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("m.toml:3: version: `1.0` is not a semver version"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exit_codes_and_a_closed_pipe() {
    let out = bilan()
        .args(["validate", "no-such-file.toml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let llama = examples().join("llama-3.1.toml");
    let out = bilan()
        .args(["assess", &llama.display().to_string()])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
