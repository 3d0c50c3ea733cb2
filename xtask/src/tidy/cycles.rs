//! No module imports another that imports it back, inside any crate.
//!
//! The module tree is read from `mod` lines (files `name.rs` or `name/mod.rs`, and inline
//! `mod name { … }` blocks); `mod` itself is containment, not a dependency. A module depends
//! on another when its code names a path into it: `use crate::a::b`, `super::x`, `self::c::y`,
//! or `child::f()` for a declared child module, in `use` lines or anywhere in the code. The
//! deepest module a path reaches is the one depended on.
//!
//! A module naming one of its ancestors (`super::Io`, `crate::Failure`) is not an edge: a
//! child is part of its parent, sees its private items, and a parent that dispatches to its
//! children and holds what they share is a layout, not a tangle. What is refused is a cycle
//! through modules that are not each other's ancestors: siblings or cousins that import each
//! other, directly or around a ring. (The limit: an ancestor's item that itself uses a child
//! can hide a ring through the ancestor; keep logic out of `lib.rs` and `mod.rs`.)
//!
//! Comments, strings and `$crate` in macros are ignored. A cycle is reported with the file
//! and line of each edge.

use std::collections::{BTreeMap, BTreeSet};

/// Edges that close a cycle today, ignored until they are fixed: (crate, from, to). Each is a
/// debt; add none.
const KNOWN: &[(&str, &str, &str)] = &[];

/// A crate's source files: path relative to `src/` (`lib.rs`, `a/b.rs`) → text.
pub(crate) type Sources = BTreeMap<String, String>;

/// One module: its path from the crate root (empty for the root), file and code.
#[derive(Debug)]
struct Module {
    path: Vec<String>,
    file: String,
    /// Tokens of the module's own code (inline child modules removed).
    tokens: Vec<Token>,
    children: BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Semi,
    Other(char),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
}

/// `text` with comments, string and char literals blanked (newlines kept).
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, s: &[char]| {
        for &ch in s {
            out.push(if ch == '\n' { '\n' } else { ' ' });
        }
    };
    while i < c.len() {
        let prev = if i > 0 { Some(c[i - 1]) } else { None };
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            let end = (i..c.len()).find(|&j| c[j] == '\n').unwrap_or(c.len());
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let (mut depth, mut j) = (1, i + 2);
            while j < c.len() && depth > 0 {
                if c[j] == '/' && c.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if c[j] == '*' && c.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, &c[i..j.min(c.len())]);
            i = j;
        } else if c[i] == 'r'
            && (prev.is_none_or(|p| !ident(p))
                || (prev == Some('b') && (i < 2 || !ident(c[i - 2]))))
            && matches!(c.get(i + 1), Some('#') | Some('"'))
        {
            let hashes = (i + 1..c.len()).take_while(|&j| c[j] == '#').count();
            if c.get(i + 1 + hashes) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            let mut j = i + 2 + hashes;
            while j < c.len() {
                if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            blank(&mut out, &c[i..j.min(c.len())]);
            i = j;
        } else if c[i] == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(c.len());
            blank(&mut out, &c[i..end]);
            i = end;
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{1F}'), or a lifetime ('a), kept.
            let end = if c.get(i + 1) == Some(&'\\') {
                (i + 2..c.len()).find(|&j| c[j] == '\'').map(|j| j + 1)
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            match end {
                Some(end) => {
                    blank(&mut out, &c[i..end]);
                    i = end;
                }
                None => {
                    out.push(c[i]);
                    i += 1;
                }
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn tokens(stripped: &str) -> Vec<Token> {
    let c: Vec<char> = stripped.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let ch = c[i];
        let tok = if ch == '\n' {
            line += 1;
            i += 1;
            continue;
        } else if ch.is_whitespace() {
            i += 1;
            continue;
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(c[start..i].iter().collect()),
                line,
            });
            continue;
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            i += 1;
            Tok::PathSep
        } else if ch == '{' {
            Tok::Open
        } else if ch == '}' {
            Tok::Close
        } else if ch == ',' {
            Tok::Comma
        } else if ch == ';' {
            Tok::Semi
        } else {
            Tok::Other(ch)
        };
        out.push(Token { tok, line });
        i += 1;
    }
    out
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Ident(s)) => Some(s),
        _ => None,
    }
}

/// Splits a file's tokens into its own code and inline `mod name { … }` bodies.
fn split_inline(toks: Vec<Token>) -> (Vec<Token>, Vec<(String, Vec<Token>)>) {
    let mut own = Vec::new();
    let mut inline = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if ident(toks.get(i)) == Some("mod")
            && let Some(name) = ident(toks.get(i + 1))
            && toks.get(i + 2).map(|t| &t.tok) == Some(&Tok::Open)
        {
            let mut depth = 0;
            let mut j = i + 2;
            while j < toks.len() {
                match toks[j].tok {
                    Tok::Open => depth += 1,
                    Tok::Close => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            inline.push((name.to_owned(), toks[i + 3..j.min(toks.len())].to_vec()));
            i = j + 1;
            continue;
        }
        own.push(toks[i].clone());
        i += 1;
    }
    (own, inline)
}

/// Names declared by `mod name;` in `toks`.
fn file_mods(toks: &[Token]) -> Vec<String> {
    toks.windows(3)
        .filter_map(|w| match (&w[0].tok, &w[1].tok, &w[2].tok) {
            (Tok::Ident(m), Tok::Ident(name), Tok::Semi) if m == "mod" => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// Reads the module tree from `file` (module `path`), adding every module to `out`.
fn read_module(
    sources: &Sources,
    file: &str,
    path: Vec<String>,
    toks: Vec<Token>,
    out: &mut Vec<Module>,
) {
    let (own, inline) = split_inline(toks);
    let declared = file_mods(&own);
    // Where a file module's children live: beside a root or mod.rs, else in a folder named
    // after the file.
    let dir = match file.rsplit_once('/') {
        Some((dir, "mod.rs")) => format!("{dir}/"),
        Some((dir, name)) => format!("{dir}/{}/", name.trim_end_matches(".rs")),
        None if file == "lib.rs" || file == "main.rs" => String::new(),
        None => format!("{}/", file.trim_end_matches(".rs")),
    };
    let mut children = BTreeSet::new();
    for name in &declared {
        children.insert(name.clone());
        let candidates = [format!("{dir}{name}.rs"), format!("{dir}{name}/mod.rs")];
        if let Some(child) = candidates.iter().find(|c| sources.contains_key(*c)) {
            let mut child_path = path.clone();
            child_path.push(name.clone());
            let text = strip(&sources[child]);
            read_module(sources, child, child_path, tokens(&text), out);
        }
    }
    for (name, body) in inline {
        children.insert(name.clone());
        let mut child_path = path.clone();
        child_path.push(name);
        read_module(sources, file, child_path, body, out);
    }
    out.push(Module {
        path,
        file: file.to_owned(),
        tokens: own,
        children,
    });
}

/// Expands the use tree starting at `toks[i]` (after `use`), with `prefix`, into `out`;
/// returns the index after it.
fn use_tree(
    toks: &[Token],
    mut i: usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, usize)>,
) -> usize {
    let mut path = prefix.to_vec();
    let line = toks.get(i).map_or(0, |t| t.line);
    while i < toks.len() {
        match &toks[i].tok {
            Tok::Ident(s) if s == "as" => {
                // `as name`: the name is local.
                i += 2;
                break;
            }
            Tok::Ident(s) if s == "self" && !path.is_empty() => i += 1,
            Tok::Ident(s) => {
                path.push(s.clone());
                i += 1;
            }
            Tok::PathSep => i += 1,
            Tok::Open => {
                i += 1;
                while i < toks.len() && toks[i].tok != Tok::Close {
                    if toks[i].tok == Tok::Comma {
                        i += 1;
                        continue;
                    }
                    i = use_tree(toks, i, &path, out);
                }
                return i + 1;
            }
            _ => break,
        }
    }
    if !path.is_empty() && path.len() > prefix.len() {
        out.push((path, line));
    } else if !path.is_empty() {
        // `a::{self}`.
        out.push((path, line));
    }
    // Skip to the end of this item (`,` `}` or `;` are left for the caller).
    while i < toks.len() && !matches!(toks[i].tok, Tok::Comma | Tok::Close | Tok::Semi) {
        i += 1;
    }
    i
}

/// Every path a module's code names, with its line.
fn paths(toks: &[Token]) -> Vec<(Vec<String>, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let after_sep = i > 0 && toks[i - 1].tok == Tok::PathSep;
        let after_dollar = i > 0 && toks[i - 1].tok == Tok::Other('$');
        if ident(toks.get(i)) == Some("use") && !after_sep {
            let mut used = Vec::new();
            i = use_tree(toks, i + 1, &[], &mut used);
            out.extend(used);
            continue;
        }
        if let Some(first) = ident(toks.get(i))
            && !after_sep
            && !after_dollar
            && toks.get(i + 1).map(|t| &t.tok) == Some(&Tok::PathSep)
        {
            let line = toks[i].line;
            let mut path = vec![first.to_owned()];
            let mut j = i + 1;
            while toks.get(j).map(|t| &t.tok) == Some(&Tok::PathSep)
                && let Some(next) = ident(toks.get(j + 1))
            {
                path.push(next.to_owned());
                j += 2;
            }
            out.push((path, line));
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// The module `path` (named from module `from`) reaches, if it is one of this crate's.
fn resolve(
    from: &[String],
    path: &[String],
    modules: &BTreeMap<Vec<String>, usize>,
    all: &[Module],
) -> Option<Vec<String>> {
    let here = &all[modules[from]];
    let (mut base, rest): (Vec<String>, &[String]) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (from.to_vec(), &path[1..]),
        Some("super") => {
            let supers = path.iter().take_while(|s| *s == "super").count();
            let keep = from.len().checked_sub(supers)?;
            (from[..keep].to_vec(), &path[supers..])
        }
        Some(first) if here.children.contains(first) => (from.to_vec(), path),
        _ => return None,
    };
    for seg in rest {
        let m = &all[*modules.get(&base)?];
        if m.children.contains(seg) {
            base.push(seg.clone());
        } else {
            break;
        }
    }
    modules.contains_key(&base).then_some(base)
}

type Edges = BTreeMap<usize, BTreeMap<usize, (String, usize)>>;

struct Tarjan<'e> {
    edges: &'e Edges,
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    counter: usize,
    components: Vec<Vec<usize>>,
}

impl Tarjan<'_> {
    fn visit(&mut self, v: usize) {
        self.index[v] = self.counter;
        self.low[v] = self.counter;
        self.counter += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        let edges = self.edges;
        for &w in edges.get(&v).into_iter().flat_map(|e| e.keys()) {
            if self.index[w] == usize::MAX {
                self.visit(w);
                self.low[v] = self.low[v].min(self.low[w]);
            } else if self.on_stack[w] {
                self.low[v] = self.low[v].min(self.index[w]);
            }
        }
        if self.low[v] == self.index[v] {
            let mut component = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                self.components.push(component);
            }
        }
    }
}

fn name(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

/// The module cycles of the crate whose root file is `root` (`lib.rs` or `main.rs`), one
/// message each, naming every edge's file and line.
pub(crate) fn cycles(krate: &str, sources: &Sources, root: &str) -> Vec<String> {
    let Some(text) = sources.get(root) else {
        return Vec::new();
    };
    let mut all = Vec::new();
    read_module(sources, root, Vec::new(), tokens(&strip(text)), &mut all);
    let modules: BTreeMap<Vec<String>, usize> = all
        .iter()
        .enumerate()
        .map(|(i, m)| (m.path.clone(), i))
        .collect();
    // Edges, with where each is first named.
    let mut edges: Edges = BTreeMap::new();
    for (i, m) in all.iter().enumerate() {
        for (path, line) in paths(&m.tokens) {
            if let Some(target) = resolve(&m.path, &path, &modules, &all)
                && !m.path.starts_with(&target)
                && !KNOWN.contains(&(krate, &name(&m.path), &name(&target)))
            {
                edges
                    .entry(i)
                    .or_default()
                    .entry(modules[&target])
                    .or_insert_with(|| (format!("{}:{line}", m.file), line));
            }
        }
    }
    // Tarjan's strongly connected components; each one with more than a module is a cycle.
    let mut tarjan = Tarjan {
        edges: &edges,
        index: vec![usize::MAX; all.len()],
        low: vec![0; all.len()],
        on_stack: vec![false; all.len()],
        stack: Vec::new(),
        counter: 0,
        components: Vec::new(),
    };
    for v in 0..all.len() {
        if tarjan.index[v] == usize::MAX {
            tarjan.visit(v);
        }
    }
    let components = tarjan.components;
    components
        .into_iter()
        .map(|component| {
            let members: BTreeSet<usize> = component.iter().copied().collect();
            let mut names: Vec<String> = component.iter().map(|&m| name(&all[m].path)).collect();
            names.sort();
            let mut lines = Vec::new();
            for &from in &members {
                for (to, (place, _)) in edges.get(&from).into_iter().flatten() {
                    if members.contains(to) {
                        lines.push(format!(
                            "    {} → {} ({place})",
                            name(&all[from].path),
                            name(&all[*to].path)
                        ));
                    }
                }
            }
            format!(
                "{krate}: module cycle between {}; move what they share into a module \
                 below them:\n{}",
                names.join(", "),
                lines.join("\n")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> Sources {
        files
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn a_cycle_between_siblings_is_found_with_its_lines() {
        let s = sources(&[
            ("lib.rs", "//! x\nmod a;\nmod b;\nmod c;\n"),
            ("a.rs", "use crate::b::Thing;\n"),
            ("b.rs", "\n\nfn f() { super::a::g(); crate::c::h() }\n"),
            ("c.rs", "use crate::{a, b::Other as O};\n"),
        ]);
        let found = cycles("demo", &s, "lib.rs");
        assert_eq!(found.len(), 1, "{found:?}");
        let msg = &found[0];
        assert!(msg.contains("between a, b, c"), "{msg}");
        assert!(msg.contains("a → b (a.rs:1)"), "{msg}");
        assert!(msg.contains("b → a (b.rs:3)"), "{msg}");
        assert!(msg.contains("c → a (c.rs:1)"), "{msg}");
    }

    #[test]
    fn a_child_may_use_its_parent_but_not_a_sibling_that_uses_it() {
        let s = sources(&[
            ("lib.rs", "mod commands;\n"),
            (
                "commands/mod.rs",
                "mod assess;\npub(crate) struct Io;\nfn run() { assess::run() }\n",
            ),
            ("commands/assess.rs", "use super::Io;\n"),
        ]);
        assert!(cycles("demo", &s, "lib.rs").is_empty());
        // The streams used by the writers, which the commands call: a ring.
        let s = sources(&[
            ("lib.rs", "mod commands;\nmod output;\n"),
            (
                "commands/mod.rs",
                "mod assess;\npub(crate) struct Io;\nfn run() { assess::run() }\n",
            ),
            ("commands/assess.rs", "fn run() { crate::output::emit() }\n"),
            ("output.rs", "use crate::commands::Io;\n"),
        ]);
        let found = cycles("demo", &s, "lib.rs");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("between commands, commands::assess, output"),
            "{found:?}"
        );
        assert!(
            found[0].contains("output → commands (output.rs:1)"),
            "{found:?}"
        );
    }

    #[test]
    fn containment_tests_comments_strings_and_macros_are_not_edges() {
        let s = sources(&[
            (
                "lib.rs",
                "mod a;\nmod b;\npub(crate) fn f() { a::g() }\n\
                 #[cfg(test)]\nmod tests { use super::*; }\n",
            ),
            (
                "a.rs",
                "// crate::b::x\n/* crate::b */ fn g() { let s = \"crate::b::y\"; \
                 let r = r#\"crate::b\"#; let c = '\"'; }\n\
                 macro_rules! m { () => { $crate::b::z() } }\nuse crate::b as _;\n",
            ),
            ("b.rs", "pub(crate) fn z<'a>(x: &'a str) -> &'a str { x }\n"),
        ]);
        // a → b only through `use crate::b as _` (an edge), b uses nothing: no cycle.
        assert!(cycles("demo", &s, "lib.rs").is_empty());
        let s2 = sources(&[
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "// crate::b::x\nfn g() { let s = \"crate::b\"; }\n"),
            ("b.rs", "use crate::a;\n"),
        ]);
        assert!(cycles("demo", &s2, "lib.rs").is_empty());
    }
}
