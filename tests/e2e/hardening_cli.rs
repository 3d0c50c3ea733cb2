//! The CLI with careless and hostile input: `--output` never destroys an input, a file with
//! many problems does not flood the terminal, devices and directories are refused where a
//! file is expected, and nothing a file says can drive the terminal.

use std::path::{Path, PathBuf};

use crate::support::{Output, bilan, root};

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = crate::support::scratch()
        .join(format!("bilan-e2e-hardening-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn arg(p: &Path) -> String {
    p.display().to_string()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(root().join("examples").join(name)).expect("example")
}

/// A valid factor file (one grid factor), so that only the output check can stop a run.
const FACTORS: &str = r#"schema = 1

[[factor]]
id = "e2e-fr-grid-gwp"
subject = "electricity/grid"
indicator = "gwp"
value = "52 gCO2e/kWh"
boundary = "life-cycle"
region = "FR"
year = 2022
basis = "dataset"
dataset = "e2e"
citation = "illustrative figure for a test"
licence = "CC0-1.0"
attribution = "bilan tests"
"#;

fn assert_refused(out: &Output, output: &Path, input: &Path) {
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    for p in [output, input] {
        let name = p.file_name().expect("a name").to_string_lossy();
        assert!(
            out.stderr.contains(&*name),
            "{name} not named: {}",
            out.stderr
        );
    }
    assert!(out.stderr.contains("--output"), "{}", out.stderr);
}

#[test]
fn the_output_is_never_an_input_of_the_run_under_any_name() {
    let dir = scratch("output");
    let inventory = dir.join("inventory.toml");
    let text = example("llama-3.1.toml");
    std::fs::write(&inventory, &text).expect("write");
    let factors = dir.join("factors.toml");
    std::fs::write(&factors, FACTORS).expect("write");
    let config = dir.join("bilan.toml");
    std::fs::write(&config, "# no plugins\n").expect("write");
    // The run works with these inputs and another output…
    let report = dir.join("report.json");
    let ok = bilan(&[
        "compare",
        &arg(&inventory),
        "--factors",
        &arg(&factors),
        "--config",
        &arg(&config),
        "-f",
        "json",
        "-o",
        &arg(&report),
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // …and refuses to write over any of them.
    let symlink = dir.join("symlink.toml");
    std::os::unix::fs::symlink(&inventory, &symlink).expect("symlink");
    let hard = dir.join("hard-link.toml");
    std::fs::hard_link(&inventory, &hard).expect("hard link");
    for (output, input) in [
        (&inventory, &inventory),
        (&symlink, &inventory),
        (&hard, &inventory),
        (&factors, &factors),
        (&config, &config),
    ] {
        for command in ["compare", "assess", "explain"] {
            let mut args = vec![
                command.to_owned(),
                arg(&inventory),
                "--factors".into(),
                arg(&factors),
                "--config".into(),
                arg(&config),
                "-o".into(),
                arg(output),
            ];
            if command == "explain" {
                args.extend(["-m", "ademe-lca", "--figure", "gwp.total"].map(String::from));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = bilan(&args);
            assert_refused(&out, output, input);
        }
    }
    assert_eq!(std::fs::read_to_string(&inventory).expect("read"), text);
    assert_eq!(std::fs::read_to_string(&factors).expect("read"), FACTORS);
    assert_eq!(
        std::fs::read_to_string(&config).expect("read"),
        "# no plugins\n"
    );
}

#[test]
fn a_report_is_written_whole_even_when_a_method_fails_and_leaves_no_temporary_file() {
    let dir = scratch("atomic");
    let report = dir.join("report.json");
    std::fs::write(&report, "the previous report\n").expect("write");
    let out = bilan(&[
        "compare",
        "examples/llama-3.1.toml",
        "-m",
        "ademe-lca",
        "--plugin",
        "/nonexistent/libnothing.so",
        "-f",
        "json",
        "-o",
        &arg(&report),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("read")).expect("whole JSON");
    assert!(written["methods"].is_array() || written.is_object());
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.json"]);
    // A directory is not overwritten, and says so.
    let out = bilan(&["compare", "examples/llama-3.1.toml", "-o", &arg(&dir)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
}

#[test]
fn many_problems_are_capped_at_fifty_unless_all_errors() {
    let dir = scratch("many");
    let text = example("llama-3.1.toml");
    let head = &text[..text.find("[[workload]]").expect("workloads")];
    let mut inventory = head.to_owned();
    for i in 0..200 {
        inventory.push_str(&format!(
            "[[workload]]\nid = \"w{i}\"\nphase = \"training\"\nsite = \"meta-research-clusters\"\n\
             fleet = \"no-such-fleet\"\ndevice-hours = \"1 GPU·h\"\npower-per-device = \"700 W\"\n\n"
        ));
    }
    let path = dir.join("broken.toml");
    std::fs::write(&path, inventory).expect("write");
    let out = bilan(&["validate", &arg(&path)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let total: usize = out
        .stderr
        .split_once(" problems")
        .and_then(|(head, _)| head.rsplit(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no count: {}", &out.stderr[..out.stderr.len().min(500)]));
    assert!(total >= 200, "{total}");
    let shown = out.stderr.matches("unknown fleet `no-such-fleet`").count();
    assert!(shown <= 2 * 50, "{shown} lines of dangling fleets");
    let more = format!(
        "… and {} more problems (--all-errors shows every one)",
        total - 50
    );
    assert!(
        out.stderr.trim_end().ends_with(&more),
        "{}",
        &out.stderr[out.stderr.len() - 300..]
    );
    let all = bilan(&["validate", &arg(&path), "--all-errors"]);
    assert_eq!(all.code, 2);
    assert!(!all.stderr.contains("more problems"));
    assert!(
        all.stderr.matches("workload[199].fleet").count() >= 1,
        "{}",
        all.stderr.len()
    );
    assert!(!out.stderr.contains("workload[199].fleet"));
}

#[test]
fn devices_and_directories_are_refused_where_a_file_is_expected() {
    let dir = scratch("devices");
    for flag in ["--plugin", "--config", "--factors", "--method-file"] {
        for path in ["/dev/zero".to_owned(), arg(&dir)] {
            let out = bilan(&["compare", "examples/llama-3.1.toml", flag, &path]);
            assert_eq!(out.code, 2, "{flag} {path}: {}", out.stderr);
            // `bilan()` shows paths under the repository relative to it, as a user would.
            let root = format!("{}/", crate::support::root().display());
            let shown = path.strip_prefix(&root).unwrap_or(&path);
            assert!(
                out.stderr.contains(shown) && out.stderr.contains("expected a regular file"),
                "{flag} {path}: {}",
                out.stderr
            );
        }
    }
    let out = bilan(&["methods", "--config", "/dev/zero"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = bilan(&["factors", "--factors", "/dev/zero"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = bilan(&["validate", "/dev/zero"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("expected a regular file"),
        "{}",
        out.stderr
    );
    let out = bilan(&["plugins", "inspect", "/dev/zero"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
}

/// Runs bilan, keeping stdout and stderr as bytes (the helper's lossy text would hide
/// nothing here, but bytes are what a terminal receives).
fn raw(args: &[&str]) -> (u8, Vec<u8>, Vec<u8>) {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let args = ["bilan", "--no-config"]
        .into_iter()
        .chain(args.iter().copied());
    let code = bilan_cli::run(args, &mut stdout, &mut stderr);
    (code, stdout, stderr)
}

#[test]
fn nothing_in_a_file_reaches_the_terminal_as_a_control_sequence() {
    let dir = scratch("escape");
    let text = example("llama-3.1.toml");
    let hostile = r"\u001b]0;pwned\u0007 \u001b[2J\u009b2J\u202e";
    // In a name (which validation may refuse, echoing it) and in a factor's boundary text
    // (which reports print).
    let named = dir.join("named.toml");
    std::fs::write(
        &named,
        text.replace(
            "name = \"Llama 3.1",
            &format!("name = \"Llama {hostile} 3.1"),
        ),
    )
    .expect("write");
    let cited = dir.join("cited.toml");
    std::fs::write(
        &cited,
        text.replace(
            "\"as published by Meta\"",
            &format!("\"as published {hostile} by Meta\""),
        ),
    )
    .expect("write");
    let clean = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        !bytes.contains(&0x1b)
            && !bytes.contains(&0x07)
            && !text.contains('\u{9b}')
            && !text.contains('\u{202e}')
    };
    for inventory in [&named, &cited] {
        let inventory = arg(inventory);
        for command in ["compare", "assess"] {
            for format in ["table", "md", "csv", "json", "html"] {
                if command == "assess" && matches!(format, "csv" | "html") {
                    continue;
                }
                let (code, stdout, stderr) = raw(&[command, &inventory, "-f", format]);
                assert!(code <= 2);
                assert!(
                    clean(&stdout),
                    "{command} {format}: {}",
                    String::from_utf8_lossy(&stdout)
                );
                assert!(
                    clean(&stderr),
                    "{command} {format}: {}",
                    String::from_utf8_lossy(&stderr)
                );
                if format == "json" && code == 0 {
                    serde_json::from_slice::<serde_json::Value>(&stdout).expect("still JSON");
                }
            }
        }
        let (_, stdout, stderr) = raw(&["validate", &inventory]);
        assert!(
            clean(&stdout) && clean(&stderr),
            "{}",
            String::from_utf8_lossy(&stderr)
        );
    }
    // What the report printed is still there, escaped.
    let (code, stdout, _) = raw(&["assess", &arg(&cited)]);
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&stdout).contains(r"\u{1b}]0;pwned\u{7}"));
    // A file name and an argument are user text too.
    let strange = dir.join("in\u{1b}[2Jvisible.toml");
    let (_, _, stderr) = raw(&["validate", &arg(&strange)]);
    assert!(clean(&stderr), "{}", String::from_utf8_lossy(&stderr));
    let (_, _, stderr) = raw(&["compare", "--no-such-flag\u{1b}[2J"]);
    assert!(clean(&stderr), "{}", String::from_utf8_lossy(&stderr));
}

#[test]
fn listing_commands_refuse_the_formats_they_do_not_write() {
    // `bilan factors -f csv` printed the terminal table with exit 0, so a CSV pipeline
    // read a table.
    for command in ["factors", "hardware", "methods"] {
        for format in ["csv", "md", "html"] {
            let out = bilan(&[command, "-f", format]);
            assert_eq!(out.code, 2, "{command} -f {format}: {}", out.stdout);
            assert!(
                out.stderr.contains(&format!(
                    "`bilan {command}` writes table or json, not {format}"
                )),
                "{command} -f {format}: {}",
                out.stderr
            );
            assert!(out.stdout.is_empty(), "{command} -f {format}");
        }
        for format in ["table", "json"] {
            assert_eq!(
                bilan(&[command, "-f", format]).code,
                0,
                "{command} -f {format}"
            );
        }
    }
}
