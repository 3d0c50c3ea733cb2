//! Running bilan in process and keeping snapshots stable.

use std::path::{Path, PathBuf};

/// What one run of bilan produced.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) code: u8,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// The repository root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Where a test writes its scratch files: cargo's temporary directory for integration tests
/// (under `target/`, removed by `cargo clean`), never the system's `/tmp`, where every run
/// would leave its files behind.
pub(crate) fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// A scratch directory of this test process, `bilan-e2e-TAG-PID`, created.
pub(crate) fn scratch_dir(tag: &str) -> PathBuf {
    let dir = scratch().join(format!("bilan-e2e-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The repository file `from` with `edit` applied, written as `name` in the scratch
/// directory `tag`; the edit must change the text. The written file's path.
pub(crate) fn edited_file(
    tag: &str,
    from: &str,
    name: &str,
    edit: impl Fn(String) -> String,
) -> String {
    let text = std::fs::read_to_string(root().join(from)).expect("repository file");
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed the file");
    let path = scratch_dir(tag).join(name);
    std::fs::write(&path, edited).expect("write");
    path.display().to_string()
}

/// `bilan validate` refuses `path` (exit 2) with each of `expected` in its errors.
#[track_caller]
pub(crate) fn refused(path: &str, expected: &[&str]) {
    let out = bilan(&["validate", path]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    for e in expected {
        assert!(out.stderr.contains(e), "missing `{e}` in:\n{}", out.stderr);
    }
}

/// A copy of fixture directory `fixture` (its files, not its subdirectories) in a scratch
/// directory of its own, named after `name`, with `edit` applied to its `inventory.toml`:
/// the copy's inventory path.
pub(crate) fn edited_fixture(fixture: &str, name: &str, edit: impl Fn(String) -> String) -> String {
    let from = root().join(fixture);
    let tag = fixture
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(fixture);
    let dir = scratch_dir(&format!("{tag}-{name}"));
    for entry in std::fs::read_dir(&from).expect("fixture") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let path = dir.join("inventory.toml");
    let text = std::fs::read_to_string(&path).expect("inventory");
    std::fs::write(&path, edit(text)).expect("write");
    path.display().to_string()
}

/// The bundled examples' names (`examples/NAME.toml`), sorted.
pub(crate) fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Runs `bilan ARGS` from the repository root.
pub(crate) fn bilan(args: &[&str]) -> Output {
    let root = root();
    // Never the user's configuration: every test sees the same defaults.
    let args: Vec<String> = ["bilan".to_owned(), "--no-config".to_owned()]
        .into_iter()
        .chain(args.iter().map(|a| {
            // Paths in the arguments are relative to the repository root.
            if a.ends_with(".toml") || a.ends_with(".json") {
                let p = root.join(a);
                if p.exists() {
                    p.display().to_string()
                } else {
                    (*a).to_owned()
                }
            } else {
                (*a).to_owned()
            }
        }))
        .collect();
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let code = bilan_cli::run(args, &mut stdout, &mut stderr);
    let root_text = format!("{}/", root.display());
    let clean = |b: Vec<u8>| String::from_utf8_lossy(&b).replace(&root_text, "");
    Output {
        code,
        stdout: clean(stdout),
        stderr: clean(stderr),
    }
}

/// insta settings shared by the snapshot tests: hashes and paths redacted.
pub(crate) fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("tests/e2e/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(r"[0-9a-f]{64}", "[sha256]");
    s
}

/// Ids of every method available by default: built-in and shipped declarative ones.
pub(crate) fn builtin_ids() -> Vec<String> {
    let out = bilan(&["methods", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed: serde_json::Value = serde_json::from_str(&out.stdout).expect("methods JSON");
    // A reference method (CodeCarbon's calculation) runs only on its tool's records.
    listed
        .as_array()
        .expect("a list")
        .iter()
        .filter(|m| m.get("runs-by-default-on-records-of").is_none())
        .map(|m| m["descriptor"]["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// `html` with a line break before each block element, so a snapshot reads and diffs by
/// section, row and list item (the page itself is one line per section).
pub(crate) fn html_lines(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    for (n, part) in html.split('<').enumerate() {
        if n > 0 {
            let block = [
                "section", "h1", "h2", "h3", "p ", "p>", "table", "tr>", "details", "li>", "ul>",
                "footer", "svg", "div",
            ]
            .iter()
            .any(|b| part.starts_with(b));
            if block {
                out.push('\n');
            }
            out.push('<');
        }
        out.push_str(part);
    }
    out
}
