//! The `bilan` process's stderr as a CI log sees it (not a terminal): log lines without
//! ANSI colours, and each error once. Run as a process because the tracing subscriber
//! writes to the process's own stderr, which an in-process run does not capture.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the repository root")
        .to_path_buf()
}

/// Runs the built `bilan` from the repository root with stderr piped; its exit code and
/// stderr.
fn bilan(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bilan"));
    command
        .arg("--no-config")
        .args(args)
        .current_dir(root())
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("bilan runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const FAILING: [&str; 6] = [
    "compare",
    "examples/llama-3.1.toml",
    "-m",
    "ademe-lca",
    "--plugin",
    "/nonexistent/libnothing.so",
];

#[test]
fn an_error_is_printed_once() {
    let (code, stderr) = bilan(&FAILING, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr.matches("cannot read plugin").count(),
        1,
        "printed more than once:\n{stderr}"
    );
    let (code, stderr) = bilan(&["validate", "examples/no-such-inventory.toml"], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr.matches("no-such-inventory.toml").count(),
        1,
        "printed more than once:\n{stderr}"
    );
}

#[test]
fn logs_on_a_pipe_have_no_colours() {
    let (_, stderr) = bilan(&FAILING, &[("RUST_LOG", "bilan=debug")]);
    assert!(
        stderr.contains("DEBUG") || stderr.contains("WARN") || stderr.contains("INFO"),
        "no log line to check:\n{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "ANSI escapes in logs:\n{stderr:?}"
    );
    // A short human line: the level first, no timestamp, no module path.
    let logged: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("DEBUG") || l.contains("INFO"))
        .collect();
    assert!(!logged.is_empty(), "no debug line:\n{stderr}");
    for line in logged {
        let level = line.trim_start().split(' ').next().unwrap_or("");
        assert!(["DEBUG", "INFO", "WARN"].contains(&level), "{line}");
        assert!(!line.contains("bilan_"), "module path in {line}");
    }
}

#[test]
fn quiet_leaves_errors_only() {
    let mut args = vec!["-q"];
    args.extend(FAILING);
    let (code, stderr) = bilan(&args, &[("RUST_LOG", "bilan=debug")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        !stderr.contains("DEBUG") && !stderr.contains("INFO"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error"),
        "the error is still shown:\n{stderr}"
    );
}
