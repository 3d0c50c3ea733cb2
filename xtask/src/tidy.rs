//! Repository conventions, checked by `cargo xtask tidy` and by `cargo test`: crate docs,
//! `unsafe` only where allowed, every crate in ARCHITECTURE.md, no module cycle inside a
//! crate ([`cycles`]), every crate's dependencies within the layering table
//! ([`layering`]), and metadata fit for publishing ([`metadata`]).

mod cycles;
mod layering;
mod metadata;

use std::path::{Path, PathBuf};

use anyhow::bail;

/// Crates allowed to contain `unsafe` code: the plugin ABI boundary only.
const UNSAFE_ALLOWED: [&str; 3] = ["bilan-plugin-abi", "bilan-plugin-sdk", "bilan-plugin-host"];

fn crate_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for group in ["crates", "plugins"] {
        if let Ok(entries) = std::fs::read_dir(root.join(group)) {
            dirs.extend(
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.join("Cargo.toml").exists()),
            );
        }
    }
    dirs.sort();
    dirs
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
}

/// The workspace's member directories, relative to `root`, from the root `Cargo.toml`'s
/// `members` (a trailing `/*` stands for every folder below with a `Cargo.toml`).
fn members(root: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    let list = manifest
        .split_once("members")
        .and_then(|(_, rest)| rest.split_once('['))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map_or("", |(list, _)| list);
    let mut out = Vec::new();
    for entry in list.split(',').map(|e| e.trim().trim_matches('"')) {
        if entry.is_empty() {
            continue;
        }
        if let Some(dir) = entry.strip_suffix("/*") {
            let mut found: Vec<String> = std::fs::read_dir(root.join(dir))
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .filter(|e| e.path().join("Cargo.toml").exists())
                .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
                .collect();
            found.sort();
            out.extend(found);
        } else if root.join(entry).join("Cargo.toml").exists() {
            out.push(entry.to_owned());
        }
    }
    out
}

/// A crate's `src/` files, by path relative to `src/`.
fn sources(src: &Path) -> cycles::Sources {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .into_iter()
        .filter_map(|f| {
            let rel = f
                .strip_prefix(src)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some((rel, std::fs::read_to_string(&f).ok()?))
        })
        .collect()
}

/// Module cycles and layering violations of the workspace at `root`.
fn structure_problems(root: &Path, architecture: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut manifests = Vec::new();
    for dir in members(root) {
        let text = std::fs::read_to_string(root.join(&dir).join("Cargo.toml")).unwrap_or_default();
        let manifest = layering::parse_manifest(&dir, &text);
        let src = sources(&root.join(&dir).join("src"));
        for entry in ["lib.rs", "main.rs"] {
            problems.extend(cycles::cycles(&manifest.name, &src, entry));
        }
        manifests.push(manifest);
    }
    problems.extend(layering::problems(&manifests));
    problems.extend(layering::doc_problem(architecture));
    problems
}

/// Every violation found, as messages.
pub(crate) fn problems(root: &Path) -> Vec<String> {
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap_or_default();
    let mut problems = structure_problems(root, &architecture);
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    problems.extend(metadata::workspace_problems(&workspace));
    for dir in crate_dirs(root) {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !architecture.contains(&name) {
            problems.push(format!("ARCHITECTURE.md does not mention crate `{name}`"));
        }
        let lib = dir.join("src/lib.rs");
        let entry = if lib.exists() {
            lib
        } else {
            dir.join("src/main.rs")
        };
        match std::fs::read_to_string(&entry) {
            Ok(text) if text.trim_start().starts_with("//!") => {}
            _ => problems.push(format!(
                "{}: the crate has no `//!` documentation",
                entry.display()
            )),
        }
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        problems.extend(metadata::problems(&name, &manifest, &workspace));
        if !manifest.contains("[lints]") || !manifest.contains("workspace = true") {
            problems.push(format!(
                "{name}: Cargo.toml must inherit the workspace lints (`[lints] workspace = true`)"
            ));
        }
        if UNSAFE_ALLOWED.contains(&name.as_str()) {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            if text.contains("allow(unsafe_code)")
                || text.contains("unsafe {")
                || text.contains("unsafe fn")
                || text.contains("unsafe impl")
            {
                problems.push(format!(
                    "{}: `unsafe` outside the plugin ABI crates",
                    f.display()
                ));
            }
        }
    }
    problems
}

pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    let found = problems(root);
    if found.is_empty() {
        eprintln!("tidy: ok");
        return Ok(());
    }
    for p in &found {
        eprintln!("tidy: {p}");
    }
    bail!("{} convention problems", found.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn repository_follows_its_conventions() {
        let found = super::problems(&crate::root());
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn tidy_catches_a_missing_crate_doc() {
        let dir = std::env::temp_dir().join(format!("bilan-tidy-{}", std::process::id()));
        let krate = dir.join("crates/bilan-nodoc/src");
        std::fs::create_dir_all(&krate).expect("temp dir");
        std::fs::write(
            dir.join("crates/bilan-nodoc/Cargo.toml"),
            "[package]\nname = \"x\"\n",
        )
        .expect("write");
        std::fs::write(krate.join("lib.rs"), "pub fn f() { unsafe { } }\n").expect("write");
        let found = super::problems(&dir);
        assert!(
            found.iter().any(|p| p.contains("no `//!` documentation")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("ARCHITECTURE.md does not mention")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.contains("workspace lints")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.contains("`unsafe` outside")),
            "{found:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
