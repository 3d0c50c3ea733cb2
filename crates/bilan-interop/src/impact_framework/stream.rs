//! A manifest's leaves read while the manifest is: each leaf's observations run through
//! its pipeline as soon as the leaf's map is complete, then dropped from the tree, so that
//! a manifest of millions of observations takes the memory of its largest leaf, not of all.
//!
//! A leaf is read this way once the manifest's plugins are known, that is when
//! `initialize` comes before `tree` (as IF writes it). What a leaf inherits is what its
//! ancestors have written before their `children`; when the whole manifest is read, each
//! leaf read early is checked to have inherited what it would have from the whole tree,
//! and `initialize`, `execution` and `aggregation` are checked not to come after `tree`.

use std::cell::OnceCell;
use std::collections::HashMap;

use bilan_io::{FileError, SourceFile};

use super::build::Build;
use super::group::Per;
use super::leaf::{Shared, read_leaf};
use super::manifest::Leaf;
use super::verify::Sums;
use super::yaml::{self, Frame, Node, Slot, Value};
use super::{Header, top_level};
use crate::ImportReport;

/// Where the reading of the manifest's header stands.
pub(crate) enum Head<'h> {
    /// No leaf read yet.
    Unknown,
    /// `initialize` is not before `tree`: the leaves are read at the end.
    Off,
    /// The header had an error (reported): nothing more is read.
    Failed,
    Read(Header<'h>),
}

/// A leaf read early: its sums (`None` after an error) and the key paths of the pipeline
/// and defaults it inherited.
pub(crate) struct Done {
    sums: Option<Sums>,
    pipeline: Option<String>,
    defaults: Option<String>,
}

impl Done {
    /// The leaf's sums, after checking that the whole tree gives it the pipeline and
    /// defaults it was read with.
    pub(crate) fn check(
        self,
        file: &SourceFile,
        leaf: &Leaf<'_>,
        errors: &mut Vec<FileError>,
    ) -> Option<Sums> {
        for (what, used, whole) in [
            ("pipeline", &self.pipeline, leaf.pipeline.as_ref().map(|p| &p.1)),
            ("defaults", &self.defaults, leaf.defaults.as_ref().map(|d| &d.1)),
        ] {
            if used.as_ref() != whole {
                let whole = whole.map_or("none".to_owned(), |w| format!("`{w}`"));
                errors.push(yaml::at(file, leaf.node, &leaf.at, format!("this node's {what} is {whole}, written after the node's observations: bilan reads a manifest's observations as it goes, so a node's `pipeline` and `defaults` must come before its `children`")));
                return None;
            }
        }
        self.sums
    }
}

/// The reading of leaves as they complete.
pub(crate) struct Stream<'h> {
    per: Per,
    pub(crate) head: Head<'h>,
    /// Leaves read early, by key path.
    pub(crate) done: HashMap<String, Done>,
    pub(crate) shared: Shared,
}

impl<'h> Stream<'h> {
    pub(crate) fn new(per: Per) -> Self {
        Stream {
            per,
            head: Head::Unknown,
            done: HashMap::new(),
            shared: Shared::default(),
        }
    }

    /// Reads `node`'s observations when it is a leaf of the tree and the plugins are known,
    /// then drops them from it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_map(
        &mut self,
        file: &SourceFile,
        before_tree: &'h OnceCell<Node>,
        above: &[Frame],
        node: &mut Node,
        build: &mut Build,
        report: &mut ImportReport,
        errors: &mut Vec<FileError>,
    ) {
        let Some(names) = leaf_names(above, node) else {
            return;
        };
        if let Head::Unknown = self.head {
            let root = above[0].entries();
            self.head = if root.iter().any(|(k, _)| k == "initialize") {
                let head = before_tree.get_or_init(|| Node {
                    value: Value::Map(root.to_vec()),
                    start: 0,
                });
                match Header::read(file, head, self.per, report, errors) {
                    Some(h) => Head::Read(h),
                    None => Head::Failed,
                }
            } else {
                Head::Off
            };
        }
        let Head::Read(header) = &self.head else {
            return;
        };
        let at = std::iter::once("tree".to_owned())
            .chain(names.iter().map(|n| format!("children.{n}")))
            .collect::<Vec<_>>()
            .join(".");
        let leaf = Leaf {
            pipeline: inherited(above, node, "pipeline"),
            defaults: inherited(above, node, "defaults"),
            names,
            at,
            node,
        };
        let sums = read_leaf(
            &header.ctx(file),
            &leaf,
            build,
            report,
            errors,
            &mut self.shared,
        );
        let done = Done {
            sums,
            pipeline: leaf.pipeline.map(|p| p.1),
            defaults: leaf.defaults.map(|d| d.1),
        };
        self.done.insert(leaf.at, done);
        if let Value::Map(entries) = &mut node.value {
            for (k, v) in entries {
                if k == "inputs" || k == "outputs" {
                    v.value = Value::Seq(Vec::new());
                }
            }
        }
    }
}

/// The names from `tree` down to `node` when `node` is a leaf of the tree with `inputs`
/// (a node without `children`, at most 32 levels down, as the whole tree's walk reads it).
fn leaf_names(above: &[Frame], node: &Node) -> Option<Vec<String>> {
    if above.len() % 2 == 0
        || above[0].slot() != Slot::Key("tree")
        || !node.get("inputs").is_some_and(|i| i.items().is_some())
        || node.get("children").is_some_and(|c| !c.is_null())
    {
        return None;
    }
    let mut names = Vec::new();
    for (i, frame) in above.iter().enumerate().skip(1) {
        match (i % 2, frame.slot(), frame) {
            (1, Slot::Key("children"), Frame::Map { .. }) => {}
            (0, Slot::Key(name), Frame::Map { .. }) => names.push(name.to_owned()),
            _ => return None,
        }
    }
    (names.len() <= 32).then_some(names)
}

/// What `node` inherits at `key` (`pipeline`, `defaults`): its own, else its nearest
/// ancestor's written so far, with its key path.
fn inherited<'a>(above: &'a [Frame], node: &'a Node, key: &str) -> Option<(&'a Node, String)> {
    let mut found = None;
    let mut at = "tree".to_owned();
    // The node maps above: the tree's, then every other frame below it.
    for (i, frame) in above.iter().enumerate().skip(1) {
        if i % 2 == 1 {
            if let Some((_, v)) = frame.entries().iter().find(|(k, v)| k == key && !v.is_null()) {
                found = Some((v, format!("{at}.{key}")));
            }
        } else if let Slot::Key(name) = frame.slot() {
            at = format!("{at}.children.{name}");
        }
    }
    match node.get(key).filter(|v| !v.is_null()) {
        Some(v) => Some((v, format!("{at}.{key}"))),
        None => found,
    }
}

/// With the header read from the keys before `tree`: refuses the keys after `tree` that
/// the leaves read early would have needed, and reports the others as the header does.
pub(crate) fn after_tree(
    file: &SourceFile,
    root: &Node,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
) -> Option<()> {
    let entries = root.entries();
    let tree = entries.iter().position(|(k, _)| k == "tree")?;
    let after = &entries[tree + 1..];
    if let Some((k, v)) = after
        .iter()
        .find(|(k, _)| matches!(k.as_str(), "initialize" | "execution" | "aggregation"))
    {
        errors.push(yaml::at(file, v, k, format!("`{k}` comes after `tree`: bilan reads a manifest's observations as it goes, with the plugins and run written before them, so `{k}` must come before `tree` (as IF writes it)")));
        return None;
    }
    top_level(file, after, report);
    Some(())
}
