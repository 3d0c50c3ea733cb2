//! Crate metadata fit for publishing: every crate of `crates/` and `plugins/` has a
//! description, keywords and categories (its own or the workspace's), and no manifest names
//! a `repository` until the project has a public home (a placeholder address would be
//! published as if it were one).

/// What is missing or wrong in the manifest `text` of crate `name`; `workspace` is the root
/// manifest, whose `[workspace.package]` a crate may inherit from.
pub(super) fn problems(name: &str, text: &str, workspace: &str) -> Vec<String> {
    let mut found = Vec::new();
    for key in ["description", "keywords", "categories"] {
        let own = has_key(text, key);
        let inherited = text.contains(&format!("{key}.workspace = true"))
            && has_key(package_table(workspace, "[workspace.package]"), key);
        if !own && !inherited {
            found.push(format!("{name}: Cargo.toml has no `{key}`"));
        }
    }
    if has_key(text, "repository") || text.contains("repository.workspace") {
        found.push(format!(
            "{name}: Cargo.toml names a `repository`, but the project has no public home yet"
        ));
    }
    found
}

/// Problems of the root manifest itself.
pub(super) fn workspace_problems(workspace: &str) -> Vec<String> {
    if has_key(
        package_table(workspace, "[workspace.package]"),
        "repository",
    ) {
        vec!["Cargo.toml: [workspace.package] names a `repository`, but the project has no public home yet".to_owned()]
    } else {
        Vec::new()
    }
}

/// The lines of the table `header` of `manifest`, up to the next table.
fn package_table<'a>(manifest: &'a str, header: &str) -> &'a str {
    let Some(start) = manifest.find(header) else {
        return "";
    };
    let body = &manifest[start + header.len()..];
    let end = body.find("\n[").map_or(body.len(), |n| n + 1);
    &body[..end]
}

/// Whether a line of `text` sets `key` (`key = …`, not `key.workspace = true`).
fn has_key(text: &str, key: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE: &str = "[workspace]\n[workspace.package]\nkeywords = [\"a\"]\ncategories = [\"science\"]\n[workspace.dependencies]\n";

    #[test]
    fn metadata_is_required_and_may_be_inherited() {
        let full = "[package]\ndescription = \"x\"\nkeywords.workspace = true\ncategories = [\"science\"]\n";
        assert!(problems("c", full, WORKSPACE).is_empty());
        let bare = "[package]\nname = \"c\"\n";
        assert_eq!(problems("c", bare, WORKSPACE).len(), 3);
        // Inherited from a workspace that does not set it.
        assert_eq!(
            problems(
                "c",
                full,
                "[workspace]
"
            )
            .len(),
            1
        );
        let placeholder = format!("{full}repository = \"https://example.invalid/c\"\n");
        assert_eq!(problems("c", &placeholder, WORKSPACE).len(), 1);
        assert!(workspace_problems(WORKSPACE).is_empty());
        let with_repository = WORKSPACE.replace(
            "[workspace.package]\n",
            "[workspace.package]\nrepository = \"x\"\n",
        );
        assert_eq!(workspace_problems(&with_repository).len(), 1);
    }
}
