//! Ordering `extends` chains: each file is built on top of its base, bases first, without
//! recursion, however long the chain.
//!
//! A chain is walked down from a file to a base that is ready (a built-in or plugin
//! method, or a file already built), then built back up. A file may sit on at most
//! [`MAX_EXTENDS`] declarative files, counting itself: a method runs its base, which runs
//! its own, so an unbounded chain would be an unbounded recursion when the method runs.
//! A cycle is refused whatever its length. A file whose chain fails is reported once, at
//! the file that fails; the files that extend it are not built (the whole load fails).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use bilan_core::method::Methodology;
use bilan_io::FileError;
use bilan_units::text::clip;

use super::{Parsed, boxed, declare};
use crate::Declarative;

/// The most declarative files a chain of `extends` may stack, the top file included.
pub const MAX_EXTENDS: usize = 64;

/// How many members of a long cycle or list a message names at each end.
const NAMED: usize = 4;

/// Builds every file of `parsed` listed in `by_id`: the methods built, by index into
/// `parsed`, and the errors of the files that could not be.
pub(super) fn build_all(
    parsed: &[Parsed],
    by_id: &BTreeMap<String, usize>,
    bases: &[Arc<dyn Methodology>],
) -> (HashMap<usize, Arc<Declarative>>, Vec<FileError>) {
    // Each built method with how many declarative files it stacks, itself included.
    let mut built: HashMap<usize, (Arc<Declarative>, usize)> = HashMap::new();
    let mut failed: HashSet<usize> = HashSet::new();
    let mut errors = Vec::new();
    for &top in by_id.values() {
        if built.contains_key(&top) || failed.contains(&top) {
            continue;
        }
        let chain = match walk(top, parsed, by_id, bases, &built, &failed) {
            Ok(chain) => chain,
            Err((chain, error)) => {
                failed.extend(chain);
                errors.extend(error.map(|e| *e));
                continue;
            }
        };
        // From the deepest file up: each one's base is now ready.
        for (n, &i) in chain.iter().enumerate().rev() {
            match build_one(i, parsed, by_id, bases, &built) {
                Ok(done) => {
                    built.insert(i, done);
                }
                Err(e) => {
                    errors.push(*e);
                    failed.extend(&chain[..=n]);
                    break;
                }
            }
        }
    }
    let methods = built.into_iter().map(|(i, (m, _))| (i, m)).collect();
    (methods, errors)
}

/// The chain from `top` down to the first file whose base is ready, `top` first; or the
/// files walked and the error (none when the chain reaches a file that already failed,
/// whose error is reported).
#[allow(clippy::type_complexity)]
fn walk(
    top: usize,
    parsed: &[Parsed],
    by_id: &BTreeMap<String, usize>,
    bases: &[Arc<dyn Methodology>],
    built: &HashMap<usize, (Arc<Declarative>, usize)>,
    failed: &HashSet<usize>,
) -> Result<Vec<usize>, (Vec<usize>, Option<Box<FileError>>)> {
    let mut chain = vec![top];
    let mut position: HashMap<usize, usize> = HashMap::from([(top, 0)]);
    loop {
        let Some(&i) = chain.last() else {
            return Ok(chain);
        };
        let p = &parsed[i];
        if bases.iter().any(|b| b.descriptor().id == p.base_id) {
            return Ok(chain);
        }
        let Some(&j) = by_id.get(&p.base_id) else {
            let error = unknown_base(p, bases, by_id);
            return Err((chain, Some(error)));
        };
        if built.contains_key(&j) {
            return Ok(chain);
        }
        if failed.contains(&j) {
            return Err((chain, None));
        }
        if let Some(&start) = position.get(&j) {
            let mut cycle: Vec<String> =
                chain[start..].iter().map(|&k| named(&parsed[k])).collect();
            cycle.push(named(&parsed[j]));
            let error = boxed(
                &parsed[j].file,
                "extends",
                format!("`extends` forms a cycle: {}", shortened(&cycle, " → ")),
            );
            return Err((chain, Some(error)));
        }
        position.insert(j, chain.len());
        chain.push(j);
    }
}

/// Builds file `i` on its base, which is ready.
fn build_one(
    i: usize,
    parsed: &[Parsed],
    by_id: &BTreeMap<String, usize>,
    bases: &[Arc<dyn Methodology>],
    built: &HashMap<usize, (Arc<Declarative>, usize)>,
) -> Result<(Arc<Declarative>, usize), Box<FileError>> {
    let p = &parsed[i];
    let (base, below): (Arc<dyn Methodology>, usize) =
        if let Some(b) = bases.iter().find(|b| b.descriptor().id == p.base_id) {
            (b.clone(), 0)
        } else if let Some((m, depth)) = by_id.get(&p.base_id).and_then(|j| built.get(j)) {
            (m.clone(), *depth)
        } else {
            return Err(unknown_base(p, bases, by_id));
        };
    let depth = below + 1;
    if depth > MAX_EXTENDS {
        return Err(boxed(
            &p.file,
            "extends",
            format!(
                "`extends` chain too long: `{}` would stack {depth} methodology files on top of one another; bilan reads chains of at most {MAX_EXTENDS}",
                clip(&p.spec.id)
            ),
        ));
    }
    let d = base.descriptor();
    if !p.requirement.matches(&d.version) {
        return Err(boxed(
            &p.file,
            "extends",
            format!(
                "requires `{}` {}, but the available `{}` is version {}",
                clip(&p.base_id),
                p.requirement,
                d.id,
                d.version
            ),
        ));
    }
    Ok((Arc::new(declare(p, base)?), depth))
}

fn unknown_base(
    p: &Parsed,
    bases: &[Arc<dyn Methodology>],
    by_id: &BTreeMap<String, usize>,
) -> Box<FileError> {
    let mut known: Vec<String> = bases.iter().map(|b| b.descriptor().id.clone()).collect();
    known.extend(by_id.keys().map(|k| clip(k).into_owned()));
    boxed(
        &p.file,
        "extends",
        format!(
            "unknown base method `{}` (available: {})",
            clip(&p.base_id),
            shortened(&known, ", ")
        ),
    )
}

/// `id (file)`.
fn named(p: &Parsed) -> String {
    format!("{} ({})", clip(&p.spec.id), p.file.name)
}

/// `items` joined by `sep`; a long list names its first and last few and counts the rest.
fn shortened(items: &[String], sep: &str) -> String {
    if items.len() <= 3 * NAMED {
        return items.join(sep);
    }
    let (head, rest) = items.split_at(NAMED);
    let tail = &rest[rest.len() - NAMED..];
    format!(
        "{}{sep}… ({} more) …{sep}{}",
        head.join(sep),
        items.len() - 2 * NAMED,
        tail.join(sep)
    )
}
