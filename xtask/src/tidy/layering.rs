//! Which workspace crate may depend on which: the one table, checked against every
//! `Cargo.toml` and against the copy in ARCHITECTURE.md.
//!
//! Only normal and build dependencies count. Dev-dependencies do not: a crate's own tests may
//! load the examples through `bilan-io` and `bilan-factors` or run a real method, which puts
//! nothing of those crates in what the crate ships (cargo builds them for the tests only).

use std::collections::BTreeSet;

/// Each crate and the workspace crates its normal dependencies may name. `plugins/*` is
/// the rule for a plugin crate not listed by name (what `cargo xtask new-plugin` writes).
/// A crate may be listed before it exists.
pub(crate) const ALLOWED: &[(&str, &[&str])] = &[
    ("bilan-units", &[]),
    ("bilan-core", &["bilan-units"]),
    ("bilan-telemetry", &["bilan-core", "bilan-units"]),
    (
        "bilan-io",
        &["bilan-core", "bilan-telemetry", "bilan-units"],
    ),
    ("bilan-scale", &["bilan-core", "bilan-telemetry"]),
    ("bilan-method-kit", &["bilan-core", "bilan-units"]),
    ("bilan-runner", &["bilan-core", "bilan-units"]),
    ("bilan-plugin-abi", &["bilan-core"]),
    ("bilan-factors", &["bilan-core", "bilan-io", "bilan-units"]),
    ("bilan-hardware", &["bilan-io", "bilan-units"]),
    (
        "bilan-estimate",
        &["bilan-core", "bilan-hardware", "bilan-units"],
    ),
    ("bilan-measure", &["bilan-core", "bilan-io", "bilan-units"]),
    (
        "bilan-interop",
        &["bilan-core", "bilan-hardware", "bilan-io", "bilan-units"],
    ),
    (
        "bilan-declarative",
        &["bilan-core", "bilan-factors", "bilan-io", "bilan-units"],
    ),
    (
        "bilan-report",
        &["bilan-core", "bilan-runner", "bilan-units"],
    ),
    ("bilan-plugin-host", &["bilan-core", "bilan-plugin-abi"]),
    (
        "bilan-plugin-sdk",
        &[
            "bilan-core",
            "bilan-method-kit",
            "bilan-plugin-abi",
            "bilan-units",
        ],
    ),
    (
        "bilan-plugin-ademe",
        &["bilan-core", "bilan-method-kit", "bilan-units"],
    ),
    (
        "bilan-plugin-ghg",
        &["bilan-core", "bilan-method-kit", "bilan-units"],
    ),
    (
        "bilan-plugin-sci",
        &["bilan-core", "bilan-method-kit", "bilan-units"],
    ),
    (
        "bilan-plugin-codecarbon",
        &["bilan-core", "bilan-method-kit"],
    ),
    (
        "plugins/*",
        &[
            "bilan-core",
            "bilan-method-kit",
            "bilan-plugin-sdk",
            "bilan-units",
        ],
    ),
    (
        "bilan-builtins-cdylib",
        &[
            "bilan-plugin-ademe",
            "bilan-plugin-ghg",
            "bilan-plugin-sci",
            "bilan-plugin-sdk",
        ],
    ),
    (
        "bilan-cli",
        &[
            "bilan-core",
            "bilan-declarative",
            "bilan-estimate",
            "bilan-factors",
            "bilan-hardware",
            "bilan-interop",
            "bilan-io",
            "bilan-measure",
            "bilan-plugin-ademe",
            "bilan-plugin-codecarbon",
            "bilan-plugin-ghg",
            "bilan-plugin-host",
            "bilan-plugin-sci",
            "bilan-report",
            "bilan-runner",
            "bilan-scale",
            "bilan-telemetry",
            "bilan-units",
        ],
    ),
    ("bilan-python", &["bilan-cli"]),
    (
        "bilan-plugin-fixtures",
        &[
            "bilan-core",
            "bilan-method-kit",
            "bilan-plugin-sdk",
            "bilan-units",
        ],
    ),
    (
        "bilan-plugin-scaffolded",
        &[
            "bilan-core",
            "bilan-method-kit",
            "bilan-plugin-sdk",
            "bilan-units",
        ],
    ),
    ("bilan-e2e", &[]),
    ("bilan-fuzz", &["bilan-cli"]),
    (
        "xtask",
        &[
            "bilan-cli",
            "bilan-core",
            "bilan-declarative",
            "bilan-estimate",
            "bilan-factors",
            "bilan-hardware",
            "bilan-io",
            "bilan-report",
            "bilan-runner",
            "bilan-telemetry",
            "bilan-units",
        ],
    ),
];

/// One workspace crate as its manifest says.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Manifest {
    /// Where it is, relative to the workspace root (`plugins/bilan-plugin-sci`).
    pub(crate) dir: String,
    pub(crate) name: String,
    /// Normal and build dependencies, with the manifest line naming each.
    pub(crate) deps: Vec<(String, usize)>,
}

/// Reads a `Cargo.toml`'s package name and normal and build dependencies (every form:
/// `x.workspace = true`, `x = { … }`, `x = "1"`, `[dependencies.x]`, target tables).
pub(crate) fn parse_manifest(dir: &str, text: &str) -> Manifest {
    let mut m = Manifest {
        dir: dir.to_owned(),
        ..Manifest::default()
    };
    let mut section = String::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = header.trim().to_owned();
            let last = section.rsplit('.').next().unwrap_or("");
            let table_dep = section.split('.').rev().nth(1).unwrap_or("");
            if counts(table_dep) && !last.is_empty() && section.contains('.') {
                // `[dependencies.x]`
                if !counts(last) {
                    m.deps.push((last.trim_matches('"').to_owned(), n + 1));
                }
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if section == "package" && key == "name" {
            m.name = value.trim().trim_matches('"').to_owned();
        }
        let table = section.rsplit('.').next().unwrap_or("");
        if counts(table) {
            let dep = key.split('.').next().unwrap_or("").trim().trim_matches('"');
            if !dep.is_empty() {
                m.deps.push((dep.to_owned(), n + 1));
            }
        }
    }
    m
}

/// Whether a table of this name lists dependencies that layering counts.
fn counts(table: &str) -> bool {
    matches!(table, "dependencies" | "build-dependencies")
}

fn allowed_for(m: &Manifest) -> Option<&'static [&'static str]> {
    let by_name = ALLOWED.iter().find(|(n, _)| *n == m.name).map(|(_, a)| *a);
    by_name.or_else(|| {
        m.dir
            .starts_with("plugins/")
            .then(|| {
                ALLOWED
                    .iter()
                    .find(|(n, _)| *n == "plugins/*")
                    .map(|(_, a)| *a)
            })
            .flatten()
    })
}

/// Every dependency of a workspace crate on another that the table does not allow, and
/// every crate the table does not place.
pub(crate) fn problems(manifests: &[Manifest]) -> Vec<String> {
    let internal: BTreeSet<&str> = manifests
        .iter()
        .map(|m| m.name.as_str())
        .chain(ALLOWED.iter().map(|(n, _)| *n))
        .collect();
    let mut out = Vec::new();
    for m in manifests {
        let Some(allowed) = allowed_for(m) else {
            out.push(format!(
                "{}/Cargo.toml: crate `{}` is not placed in the layering table \
                 (xtask/src/tidy/layering.rs and ARCHITECTURE.md)",
                m.dir, m.name
            ));
            continue;
        };
        for (dep, line) in &m.deps {
            if internal.contains(dep.as_str()) && !allowed.contains(&dep.as_str()) {
                out.push(format!(
                    "{}/Cargo.toml:{line}: `{}` depends on `{dep}`, which the layering table \
                     does not allow (it may depend on: {})",
                    m.dir,
                    m.name,
                    if allowed.is_empty() {
                        "no workspace crate".to_owned()
                    } else {
                        allowed.join(", ")
                    }
                ));
            }
        }
    }
    out
}

pub(crate) const DOC_START: &str = "<!-- layering table: generated from xtask/src/tidy/layering.rs; `cargo xtask tidy` checks it -->";
pub(crate) const DOC_END: &str = "<!-- end of layering table -->";

/// The table as ARCHITECTURE.md shows it, between [`DOC_START`] and [`DOC_END`].
pub(crate) fn doc_table() -> String {
    let mut out = String::from("| Crate | May depend on (normal and build dependencies) |\n");
    out.push_str("| --- | --- |\n");
    for (name, allowed) in ALLOWED {
        let deps = if allowed.is_empty() {
            "nothing of the workspace".to_owned()
        } else {
            allowed
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("| `{name}` | {deps} |\n"));
    }
    out
}

/// Whether ARCHITECTURE.md's copy of the table is the table.
pub(crate) fn doc_problem(architecture: &str) -> Option<String> {
    let expected = doc_table();
    let found = architecture
        .split_once(DOC_START)
        .and_then(|(_, rest)| rest.split_once(DOC_END))
        .map(|(table, _)| table.trim());
    if found == Some(expected.trim()) {
        None
    } else {
        Some(format!(
            "ARCHITECTURE.md: the layering table differs from xtask/src/tidy/layering.rs; \
             between `{DOC_START}` and `{DOC_END}` it must read:\n{expected}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_read_in_every_form() {
        let m = parse_manifest(
            "crates/x",
            "[package]\nname = \"bilan-x\"\n\n[dependencies]\nbilan-core.workspace = true\n\
             bilan-io = { workspace = true }\nserde = \"1\"\n\n[dev-dependencies]\n\
             bilan-cli.workspace = true\n\n[target.'cfg(unix)'.dependencies]\nbilan-units = \"0.1\"\n\
             \n[dependencies.bilan-runner]\npath = \"../r\"\n",
        );
        assert_eq!(m.name, "bilan-x");
        let deps: Vec<&str> = m.deps.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(
            deps,
            [
                "bilan-core",
                "bilan-io",
                "serde",
                "bilan-units",
                "bilan-runner"
            ]
        );
    }

    #[test]
    fn a_forbidden_dependency_fails_the_check() {
        let core =
            "[package]\nname = \"bilan-core\"\n[dependencies]\nbilan-units.workspace = true\n";
        let mut manifests = vec![
            parse_manifest("crates/bilan-units", "[package]\nname = \"bilan-units\"\n"),
            parse_manifest("crates/bilan-core", core),
        ];
        assert!(
            problems(&manifests).is_empty(),
            "{:?}",
            problems(&manifests)
        );
        // The core reaching up into the runner: refused, with the line.
        manifests[1] = parse_manifest(
            "crates/bilan-core",
            &format!("{core}bilan-runner.workspace = true\n"),
        );
        let found = problems(&manifests);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(
                "crates/bilan-core/Cargo.toml:5: `bilan-core` depends on `bilan-runner`"
            ),
            "{found:?}"
        );
        // A dev-dependency does not count; an unplaced crate does.
        manifests[1] = parse_manifest(
            "crates/bilan-core",
            &format!("{core}[dev-dependencies]\nbilan-runner.workspace = true\n"),
        );
        assert!(problems(&manifests).is_empty());
        manifests.push(parse_manifest(
            "crates/bilan-new",
            "[package]\nname = \"bilan-new\"\n",
        ));
        assert!(problems(&manifests)[0].contains("not placed"));
        // A new plugin follows the `plugins/*` rule.
        let plugin = parse_manifest(
            "plugins/bilan-plugin-new",
            "[package]\nname = \"bilan-plugin-new\"\n[dependencies]\nbilan-runner.workspace = true\n",
        );
        assert!(problems(&[plugin])[0].contains("does not allow"));
    }

    #[test]
    fn the_doc_table_must_match() {
        let doc = format!("x\n{DOC_START}\n{}\n{DOC_END}\n", doc_table());
        assert_eq!(doc_problem(&doc), None);
        let stale = doc.replace("| `bilan-core` | `bilan-units` |", "| `bilan-core` | |");
        assert!(doc_problem(&stale).is_some());
    }
}
