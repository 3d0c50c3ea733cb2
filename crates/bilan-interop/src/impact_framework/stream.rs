//! A manifest's leaves read while the manifest is: each leaf's map, once complete, is
//! taken out of the tree and sent to a second thread that runs its observations through
//! the pipeline while the parser goes on, so that a manifest of millions of observations
//! takes the memory of a few leaves, not of all, and its parsing and its arithmetic share
//! two cores. The leaves are read in the manifest's order, one after the other, as they
//! would be on one thread.
//!
//! A leaf is read this way once the manifest's plugins are known, that is when
//! `initialize` comes before `tree` (as IF writes it). What a leaf inherits is what its
//! ancestors have written before their `children`; when the whole manifest is read, each
//! leaf read early is checked to have inherited what it would have from the whole tree,
//! and `initialize`, `execution` and `aggregation` are checked not to come after `tree`.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, SyncSender};

use bilan_io::{FileError, SourceFile};

use super::build::Build;
use super::group::Per;
use super::leaf::{Shared, read_leaf};
use super::manifest::Leaf;
use super::verify::Sums;
use super::yaml::{self, Frame, Node, Slot, Value};
use super::{Header, top_level};
use crate::ImportReport;

/// What the parser sends the reader.
pub(crate) enum Job {
    /// The manifest's keys before `tree`, `initialize` among them: sent before any leaf.
    Header(Node),
    /// A leaf, its observations moved out of the tree.
    Leaf(OwnedLeaf),
    /// The whole manifest, its leaves already sent left without observations.
    End(Node),
}

/// A leaf taken out of the tree, with what it inherits.
pub(crate) struct OwnedLeaf {
    names: Vec<String>,
    at: String,
    node: Node,
    pipeline: Option<(Node, String)>,
    defaults: Option<(Node, String)>,
}

/// The parser's side: decides whether leaves are sent as they complete, and sends them.
pub(crate) struct Feeder {
    tx: SyncSender<Job>,
    /// The leaves the reader is done with, dropped here: freeing a leaf's tree is the
    /// parser's work (it allocated it, and has time to spare), not the reader's.
    spent: Receiver<OwnedLeaf>,
    /// `None` until the first leaf; then whether leaves are sent as they complete.
    on: Option<bool>,
}

impl Feeder {
    pub(crate) fn new(tx: SyncSender<Job>, spent: Receiver<OwnedLeaf>) -> Self {
        Feeder {
            tx,
            spent,
            on: None,
        }
    }

    /// Sends `node` to the reader when it is a leaf of the tree and `initialize` came
    /// before `tree`, leaving it in the tree without observations.
    pub(crate) fn on_map(&mut self, above: &[Frame], node: &mut Node) {
        // Checked at every map, so that a spent leaf waits no longer than an observation.
        while let Ok(leaf) = self.spent.try_recv() {
            drop(leaf);
        }
        let Some(names) = leaf_names(above, node) else {
            return;
        };
        let on = *self.on.get_or_insert_with(|| {
            let root = above[0].entries();
            let on = root.iter().any(|(k, _)| k == "initialize");
            if on {
                let header = Node {
                    value: Value::Map(root.to_vec()),
                    start: 0,
                };
                // A reader that has stopped has nothing more to read: the parse goes on.
                let _ = self.tx.send(Job::Header(header));
            }
            on
        });
        if !on {
            return;
        }
        let at = std::iter::once("tree".to_owned())
            .chain(names.iter().map(|n| format!("children.{n}")))
            .collect::<Vec<_>>()
            .join(".");
        let pipeline = inherited(above, node, "pipeline").map(|(n, at)| (n.clone(), at));
        let defaults = inherited(above, node, "defaults").map(|(n, at)| (n.clone(), at));
        let mut taken = Vec::new();
        for (k, v) in node.entries_mut() {
            let v = if k == "inputs" || k == "outputs" {
                std::mem::replace(
                    v,
                    Node {
                        value: Value::Seq(Vec::new()),
                        start: v.start,
                    },
                )
            } else {
                v.clone()
            };
            taken.push((k.clone(), v));
        }
        let leaf = OwnedLeaf {
            names,
            at,
            node: Node {
                value: Value::Map(taken),
                start: node.start,
            },
            pipeline,
            defaults,
        };
        let _ = self.tx.send(Job::Leaf(leaf));
    }

    /// Sends the whole manifest (once parsed), which ends the reading.
    pub(crate) fn end(self, root: Node) {
        let _ = self.tx.send(Job::End(root));
    }
}

/// The reader's side: reads every leaf sent, then the rest of the manifest; the manifest's
/// name, or `None` after an error.
pub(crate) fn read(
    file: &SourceFile,
    per: Per,
    rx: Receiver<Job>,
    spent: &Sender<OwnedLeaf>,
    build: &mut Build,
    report: &mut ImportReport,
    errors: &mut Vec<FileError>,
) -> Option<String> {
    let mut done = HashMap::new();
    let mut shared = Shared::default();
    let header_node = match rx.recv().ok()? {
        Job::Header(node) => node,
        // No leaf was read as it came: the whole manifest is read here.
        Job::End(root) => {
            let read = Read {
                header: None,
                done,
                shared,
            };
            return super::finish(file, per, &root, read, build, report, errors);
        }
        Job::Leaf(_) => return None,
    };
    let Some(header) = Header::read(file, &header_node, per, report, errors) else {
        // The header had an error: drain what the parser sends.
        rx.iter().for_each(drop);
        return None;
    };
    let mut end = None;
    for job in rx.iter() {
        match job {
            Job::Leaf(leaf) => {
                let sums = read_leaf(
                    &header.ctx(file),
                    &leaf.view(),
                    build,
                    report,
                    errors,
                    &mut shared,
                );
                done.insert(
                    leaf.at.clone(),
                    Done {
                        sums,
                        pipeline: leaf.pipeline.as_ref().map(|p| p.1.clone()),
                        defaults: leaf.defaults.as_ref().map(|d| d.1.clone()),
                    },
                );
                // Once the parser has stopped, the leaf comes back and is dropped here.
                let _ = spent.send(leaf);
            }
            Job::End(root) => end = Some(root),
            Job::Header(_) => {}
        }
    }
    let root = end?;
    let read = Read {
        header: Some(header),
        done,
        shared,
    };
    super::finish(file, per, &root, read, build, report, errors)
}

/// What the leaves read as they came leave for the end of the reading.
pub(crate) struct Read<'h> {
    /// The header, when leaves were read as they came.
    pub(crate) header: Option<Header<'h>>,
    /// Those leaves, by key path.
    pub(crate) done: HashMap<String, Done>,
    pub(crate) shared: Shared,
}

impl OwnedLeaf {
    fn view(&self) -> Leaf<'_> {
        Leaf {
            names: self.names.clone(),
            at: self.at.clone(),
            node: &self.node,
            pipeline: self.pipeline.as_ref().map(|(n, at)| (n, at.clone())),
            defaults: self.defaults.as_ref().map(|(n, at)| (n, at.clone())),
        }
    }
}

/// A leaf read as it came: its sums (`None` after an error) and the key paths of the
/// pipeline and defaults it inherited.
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
            (
                "pipeline",
                &self.pipeline,
                leaf.pipeline.as_ref().map(|p| &p.1),
            ),
            (
                "defaults",
                &self.defaults,
                leaf.defaults.as_ref().map(|d| &d.1),
            ),
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

/// The names from `tree` down to `node` when `node` is a leaf of the tree with `inputs`
/// (a node without `children`, at most 32 levels down, as the whole tree's walk reads it).
fn leaf_names(above: &[Frame], node: &Node) -> Option<Vec<String>> {
    if above.len().is_multiple_of(2)
        || above[0].slot() != Slot::Key("tree")
        || node.get("inputs").is_none_or(|i| i.items().is_none())
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
            if let Some((_, v)) = frame
                .entries()
                .iter()
                .find(|(k, v)| k == key && !v.is_null())
            {
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
