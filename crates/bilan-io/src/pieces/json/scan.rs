//! Where the `workload` array of a JSON inventory lies: one pass over the text that follows
//! strings and nesting (a comma or bracket inside a string or a nested value is not a
//! boundary) and refuses anything nested deeper than [`crate::MAX_DEPTH`].
//!
//! On a large text the pass runs in chunks on every core. JSON has no raw line feed inside a
//! string, so a line starts outside every string; a machine-written inventory writes one
//! element per line. Each chunk after the first starts at a line start and is scanned from
//! the state between two elements of the array; it is kept only if the chunk before it ends
//! in exactly that state, which makes the chunks' pass the single pass. Otherwise (another
//! layout, an element over several lines) the single pass runs.

use rayon::prelude::*;

/// The key of the array read in pieces, as written (unescaped) in the file.
const KEY: &[u8] = b"workload";

/// Below this size the single pass is as quick as starting tasks.
const CHUNKED_FROM: usize = 1 << 20;

/// Where the `workload` array lies: its brackets, and each element's span.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Split {
    pub(super) open: usize,
    pub(super) close: usize,
    pub(super) elements: Vec<(usize, usize)>,
}

/// The `workload` array of a document that is one object, or `None` when there is none, when
/// the key is written more than once, or when the text nests deeper than
/// [`crate::MAX_DEPTH`] or is plainly not JSON (unbalanced brackets, an unterminated string).
pub(super) fn scan(bytes: &[u8]) -> Option<Split> {
    let chunks = rayon::current_num_threads() * 4;
    if bytes.len() >= CHUNKED_FROM
        && chunks > 4
        && let Some(split) = in_chunks(bytes, chunks)
    {
        return Some(split);
    }
    whole(bytes)
}

/// The pass over the whole text, in one piece.
fn whole(bytes: &[u8]) -> Option<Split> {
    let mut state = State::START;
    let mut found = Found::default();
    run(bytes, 0..bytes.len(), &mut state, &mut found)?;
    finish(state, found)
}

/// The pass in about `n` chunks that start at line starts, or `None` when the chunks do not
/// join into it (see the module documentation) or the text is not a split.
fn in_chunks(bytes: &[u8], n: usize) -> Option<Split> {
    join(bytes, &bounds(bytes, n))
}

/// About `n` chunks' bounds: 0, line starts near each n-th of the text, and its end.
fn bounds(bytes: &[u8], n: usize) -> Vec<usize> {
    let mut bounds = vec![0];
    for k in 1..n {
        let last = bounds.last().copied().unwrap_or(0);
        let from = (bytes.len() / n * k).max(last);
        let Some(at) = memchr::memchr(b'\n', &bytes[from..]) else {
            break;
        };
        let start = from + at + 1;
        if start < bytes.len() && start > last {
            bounds.push(start);
        }
    }
    bounds.push(bytes.len());
    bounds
}

/// The pass in the chunks between `bounds` (each chunk after the first from a line start),
/// or `None` when they do not join into it or the text is not a split.
fn join(bytes: &[u8], bounds: &[usize]) -> Option<Split> {
    let chunks: Vec<(State, Found)> = bounds
        .par_windows(2)
        .enumerate()
        .map(|(k, w)| {
            let mut state = if k == 0 {
                State::START
            } else {
                State::BETWEEN_ELEMENTS
            };
            let mut found = Found::default();
            run(bytes, w[0]..w[1], &mut state, &mut found).map(|()| (state, found))
        })
        .collect::<Option<Vec<_>>>()?;
    let (last, rest) = chunks.split_last()?;
    if rest
        .iter()
        .any(|(state, _)| *state != State::BETWEEN_ELEMENTS)
    {
        return None;
    }
    let mut found = Found {
        open: None,
        close: last.1.close,
        elements: Vec::with_capacity(chunks.iter().map(|c| c.1.elements.len()).sum()),
    };
    for (_, f) in &chunks {
        found.open = found.open.or(f.open);
        found.elements.extend_from_slice(&f.elements);
    }
    finish(last.0, found)
}

/// Where the pass is: what it decides the next byte by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct State {
    depth: usize,
    /// At depth 1: whether the next string is a key…
    expect_key: bool,
    /// …and whether the last key was `workload`.
    after_key: bool,
    /// Whether the `workload` array's `[` was seen.
    found: bool,
    /// Inside the array (its depth is 2).
    in_array: bool,
    /// After the array's `[` or a `,` in it: the next byte that is not white space starts an
    /// element, unless it ends the array or is another comma.
    pending: bool,
    /// Whether the array had an element (a `]` after a `,` is then a trailing comma).
    any_element: bool,
    /// Where the current element started.
    element: Option<usize>,
}

impl State {
    const START: State = State {
        depth: 0,
        expect_key: false,
        after_key: false,
        found: false,
        in_array: false,
        pending: false,
        any_element: false,
        element: None,
    };

    /// At a line start between two elements of the array: after a `,` and the line feed.
    const BETWEEN_ELEMENTS: State = State {
        depth: 2,
        expect_key: false,
        after_key: false,
        found: true,
        in_array: true,
        pending: true,
        any_element: true,
        element: None,
    };
}

/// What a pass (or a chunk of it) found.
#[derive(Debug, Default)]
struct Found {
    open: Option<usize>,
    close: Option<usize>,
    elements: Vec<(usize, usize)>,
}

/// The pass over `bytes[range]` (positions are in the whole text), from `state`; `None` when
/// the text is not a split (or, for a chunk, a string does not end within it).
fn run(
    bytes: &[u8],
    range: std::ops::Range<usize>,
    state: &mut State,
    found: &mut Found,
) -> Option<()> {
    let (mut i, to) = (range.start, range.end);
    while i < to {
        if state.pending {
            i += bytes[i..to].iter().take_while(|&&b| is_space(b)).count();
            if i == to {
                break;
            }
            if !matches!(bytes[i], b']' | b',') {
                state.element = Some(i);
            }
            state.pending = false;
        }
        // Numbers, literals, colons and white space: nothing to follow.
        i += bytes[i..to]
            .iter()
            .take_while(|&&b| !STRUCTURAL[usize::from(b)])
            .count();
        let Some(&b) = bytes[..to].get(i) else { break };
        match b {
            b'"' => {
                let end = string_end(&bytes[..to], i)?;
                if state.depth == 1 && state.expect_key {
                    if &bytes[i + 1..end - 1] == KEY {
                        if state.found || state.after_key {
                            return None;
                        }
                        state.after_key = true;
                    }
                    state.expect_key = false;
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                if state.depth == 0 && (b != b'{' || i != first_non_space(bytes)) {
                    return None;
                }
                state.depth += 1;
                if state.depth > crate::MAX_DEPTH {
                    return None;
                }
                if state.depth == 1 {
                    state.expect_key = true;
                } else if state.depth == 2 && state.after_key {
                    if b != b'[' {
                        return None;
                    }
                    state.after_key = false;
                    state.found = true;
                    state.in_array = true;
                    state.pending = true;
                    found.open = Some(i);
                }
            }
            b'}' | b']' => {
                if state.depth == 2 && state.in_array {
                    match state.element.take() {
                        Some(start) => {
                            found.elements.push((start, trim_end(bytes, start, i)));
                            state.any_element = true;
                        }
                        // `[a, ]`: a trailing comma, which JSON refuses.
                        None if state.any_element => return None,
                        None => {}
                    }
                    found.close = Some(i);
                    state.in_array = false;
                }
                state.depth = state.depth.checked_sub(1)?;
            }
            _ => {
                // A comma.
                if state.depth == 1 {
                    state.expect_key = true;
                    if state.after_key {
                        // `"workload": 3,`: not an array; the whole reading says so.
                        return None;
                    }
                } else if state.depth == 2 && state.in_array {
                    let start = state.element.take()?;
                    found.elements.push((start, trim_end(bytes, start, i)));
                    state.any_element = true;
                    state.pending = true;
                }
            }
        }
        i += 1;
    }
    Some(())
}

/// The split a whole pass ending in `state` found.
fn finish(state: State, found: Found) -> Option<Split> {
    if state.depth != 0 || state.after_key {
        return None;
    }
    let (open, close) = (found.open?, found.close?);
    (close > open).then_some(Split {
        open,
        close,
        elements: found.elements,
    })
}

/// The bytes the pass stops at: string quotes, brackets and commas.
const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    let bytes = *b"\"{}[],";
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
};

/// The offset just past the string that starts at `start` (a `"`), or `None` when it is not
/// terminated.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// JSON's white space: space, tab, line feed, carriage return (not form feed).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn first_non_space(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len())
}

/// `end` moved back over white space, not before `start`.
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_space(bytes[end - 1]) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests;
