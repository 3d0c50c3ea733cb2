//! Mutation operators on a file's bytes. Each returns a short description of what it did,
//! kept in the finding so a reader knows what to look for.

use crate::rng::Rng;

/// How large the largest mutations may be: smaller in the in-test fuzz of a debug build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    /// Longest string written into a value, in bytes.
    pub long_string: usize,
    /// Deepest nesting of arrays, inline tables or dotted keys.
    pub nesting: usize,
    /// Largest file that repetition may grow (a long string repeated a thousand times
    /// would only measure the machine's memory).
    pub max_file: usize,
}

impl Sizes {
    /// For the release fuzz (`cargo xtask fuzz`).
    pub const RELEASE: Sizes = Sizes {
        long_string: 4 << 20,
        nesting: 50_000,
        max_file: 64 << 20,
    };
    /// For the short fuzz that runs as a test in a debug build.
    pub const TEST: Sizes = Sizes {
        long_string: 1 << 20,
        nesting: 20_000,
        max_file: 8 << 20,
    };
}

/// Numbers at the edges of `f64` and of integers.
pub const EXTREMES: [&str; 16] = [
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "1e-320",
    "4.9e-324",
    "1e-300",
    "0",
    "-0",
    "0.0",
    "-0.0",
    "99999999999999999999999999",
    "-9223372036854775809",
    "18446744073709551616",
    "inf",
    "nan",
    "-inf",
];

/// Text that must never reach a terminal raw, or that confuses width and ordering.
pub const UNICODE: [&str; 12] = [
    "\u{202e}",
    "\u{202a}",
    "\u{2066}",
    "\u{2069}",
    "\u{200f}",
    "\u{7}",
    "\u{1b}[2J",
    "\u{1b}]0;pwned\u{7}",
    "\u{85}",
    "\u{feff}",
    "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
    "\u{0}",
];

/// Byte sequences that are not UTF-8.
pub const INVALID_UTF8: [&[u8]; 5] = [
    &[0xff],
    &[0xc3],
    &[0xed, 0xa0, 0x80],
    &[0xf4, 0x90, 0x80, 0x80],
    &[0xe2, 0x82],
];

/// Applies one to four random mutations to `data`; returns what was done.
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, sizes: Sizes) -> Vec<String> {
    let n = rng.range(1, 4);
    (0..n).map(|_| mutate_once(rng, data, sizes)).collect()
}

fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, sizes: Sizes) -> String {
    match rng.below(12) {
        0 => flip_bytes(rng, data),
        1 => truncate(rng, data),
        2 => delete_line(rng, data),
        3 => duplicate_line(rng, data, sizes),
        4 => swap_values(rng, data),
        5 | 6 => extreme_number(rng, data),
        7 => unicode(rng, data),
        8 => invalid_utf8(rng, data),
        9 => deep_nesting(rng, data, sizes),
        10 => long_string(rng, data, sizes),
        _ => duplicate_block(rng, data, sizes),
    }
}

/// Byte ranges of the lines of `data` (without their `\n`).
fn lines(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < data.len() {
        out.push((start, data.len()));
    }
    out
}

/// Lines of the form `key = value`, as (line start, value start, line end).
fn assignments(data: &[u8]) -> Vec<(usize, usize, usize)> {
    lines(data)
        .into_iter()
        .filter_map(|(s, e)| {
            let line = data.get(s..e)?;
            if line.first() == Some(&b'#') || line.first() == Some(&b'[') {
                return None;
            }
            let eq = line.iter().position(|&b| b == b'=')?;
            let mut v = s + eq + 1;
            while data.get(v) == Some(&b' ') {
                v += 1;
            }
            Some((s, v, e))
        })
        .collect()
}

fn flip_bytes(rng: &mut Rng, data: &mut [u8]) -> String {
    if data.is_empty() {
        return "flip: empty file".to_owned();
    }
    let n = rng.range(1, 8);
    let mut at = Vec::new();
    for _ in 0..n {
        let i = rng.below(data.len());
        let bit = 1u8 << rng.below(8);
        if let Some(b) = data.get_mut(i) {
            *b ^= bit;
        }
        at.push(i);
    }
    format!("flipped a bit at bytes {at:?}")
}

fn truncate(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let at = rng.below(data.len() + 1);
    data.truncate(at);
    format!("truncated to {at} bytes")
}

fn delete_line(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let ls = lines(data);
    let Some(&(s, e)) = rng.pick(&ls) else {
        return "delete line: no line".to_owned();
    };
    let end = (e + 1).min(data.len());
    data.drain(s..end);
    format!("deleted the line at byte {s}")
}

/// `times` cut so that `len × times` more bytes keep `data` within the size limit.
fn within(times: usize, len: usize, data: &[u8], sizes: Sizes) -> usize {
    let room = sizes.max_file.saturating_sub(data.len());
    times.min(room / len.max(1)).max(1)
}

fn duplicate_line(rng: &mut Rng, data: &mut Vec<u8>, sizes: Sizes) -> String {
    let ls = lines(data);
    let Some(&(s, e)) = rng.pick(&ls) else {
        return "duplicate line: no line".to_owned();
    };
    let times = if rng.chance(10) {
        rng.range(100, 5000)
    } else {
        rng.range(1, 3)
    };
    let mut line = data.get(s..e).unwrap_or_default().to_vec();
    line.push(b'\n');
    let times = within(times, line.len(), data, sizes);
    let insert: Vec<u8> = line.repeat(times);
    let at = (e + 1).min(data.len());
    data.splice(at..at, insert);
    format!("duplicated the line at byte {s} {times} times")
}

fn duplicate_block(rng: &mut Rng, data: &mut Vec<u8>, sizes: Sizes) -> String {
    // A `[[table]]` block repeated: duplicate ids, and many items at once.
    let ls = lines(data);
    let headers: Vec<usize> = ls
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| data.get(*s..*s + 2) == Some(b"[["))
        .map(|(i, _)| i)
        .collect();
    let Some(&h) = rng.pick(&headers) else {
        return duplicate_line(rng, data, sizes);
    };
    let start = ls.get(h).map_or(0, |l| l.0);
    let end = ls
        .iter()
        .skip(h + 1)
        .find(|(s, _)| data.get(*s) == Some(&b'['))
        .map_or(data.len(), |l| l.0);
    let mut block = data.get(start..end).unwrap_or_default().to_vec();
    if block.last() != Some(&b'\n') {
        block.push(b'\n');
    }
    let times = if rng.chance(20) {
        rng.range(100, 3000)
    } else {
        rng.range(1, 3)
    };
    let times = within(times, block.len(), data, sizes);
    let insert = block.repeat(times);
    data.splice(end..end, insert);
    format!("repeated the block at byte {start} {times} times")
}

fn swap_values(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let a = assignments(data);
    if a.len() < 2 {
        return "swap: fewer than two values".to_owned();
    }
    let i = rng.below(a.len());
    let j = rng.below(a.len());
    let (Some(&x), Some(&y)) = (a.get(i.min(j)), a.get(i.max(j))) else {
        return "swap: none".to_owned();
    };
    if x == y {
        return "swap: same line".to_owned();
    }
    let vx = data.get(x.1..x.2).unwrap_or_default().to_vec();
    let vy = data.get(y.1..y.2).unwrap_or_default().to_vec();
    // The later one first, so the earlier range stays valid.
    data.splice(y.1..y.2, vx);
    data.splice(x.1..x.2, vy);
    format!(
        "swapped the values of the lines at bytes {} and {}",
        x.0, y.0
    )
}

fn extreme_number(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let number = *rng.pick(&EXTREMES).unwrap_or(&"1e308");
    // Replace a run of digits (a number inside a string like "700 W" too).
    let starts: Vec<usize> = (0..data.len())
        .filter(|&i| {
            data.get(i).is_some_and(u8::is_ascii_digit)
                && (i == 0
                    || !data
                        .get(i - 1)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'-'))
        })
        .collect();
    let Some(&s) = rng.pick(&starts) else {
        return "extreme number: no number".to_owned();
    };
    let mut e = s;
    while data
        .get(e)
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E'))
    {
        e += 1;
    }
    // Dates (`2025-01-01`) stay dates most of the time: replacing a year is still tried.
    data.splice(s..e, number.bytes());
    format!("replaced the number at byte {s} with {number}")
}

fn unicode(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let text = *rng.pick(&UNICODE).unwrap_or(&"\u{202e}");
    // Inside a quoted string when there is one, else anywhere.
    let quotes: Vec<usize> = (0..data.len())
        .filter(|&i| data.get(i) == Some(&b'"'))
        .collect();
    let at = match rng.pick(&quotes) {
        Some(&q) if rng.chance(80) => q + 1,
        _ => rng.below(data.len() + 1),
    };
    let at = at.min(data.len());
    // TOML escapes some of these; write them raw, as a careless editor would.
    data.splice(at..at, text.bytes());
    format!("inserted {:?} at byte {at}", text)
}

fn invalid_utf8(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let bytes = *rng.pick(&INVALID_UTF8).unwrap_or(&&[0xff][..]);
    let at = rng.below(data.len() + 1);
    data.splice(at..at, bytes.iter().copied());
    format!("inserted the invalid UTF-8 {bytes:02x?} at byte {at}")
}

fn deep_nesting(rng: &mut Rng, data: &mut Vec<u8>, sizes: Sizes) -> String {
    let depth = rng.range(1000, sizes.nesting.max(1000));
    let (what, text) = match rng.below(5) {
        0 => ("unclosed arrays", format!("deep = {}\n", "[".repeat(depth))),
        1 => (
            "closed arrays",
            format!("deep = {}1{}\n", "[".repeat(depth), "]".repeat(depth)),
        ),
        2 => (
            "inline tables",
            format!("deep = {}1{}\n", "{ a = ".repeat(depth), " }".repeat(depth)),
        ),
        3 => (
            "a dotted key",
            format!("{} = 1\n", vec!["a"; depth].join(".")),
        ),
        _ => (
            "a dotted table header",
            format!("[{}]\nx = 1\n", vec!["a"; depth].join(".")),
        ),
    };
    // At the top (before any table) or at the end (inside the last one).
    let at = if rng.chance(50) {
        data.len()
    } else {
        let ls = lines(data);
        ls.iter()
            .find(|(s, _)| data.get(*s) == Some(&b'['))
            .map_or(data.len(), |l| l.0)
    };
    let mut text = text.into_bytes();
    if at > 0 && data.get(at - 1) != Some(&b'\n') {
        text.insert(0, b'\n');
    }
    data.splice(at..at, text);
    format!("{what} nested {depth} deep at byte {at}")
}

fn long_string(rng: &mut Rng, data: &mut Vec<u8>, sizes: Sizes) -> String {
    let len = rng.range(sizes.long_string / 8, sizes.long_string.max(8));
    let body = match rng.below(4) {
        0 => "x".repeat(len),
        1 => format!("1 {}", "k".repeat(len)),
        2 => "9".repeat(len),
        _ => format!("{}W", "1".repeat(len)),
    };
    let a = assignments(data);
    let Some(&(s, v, e)) = rng.pick(&a) else {
        return "long string: no value".to_owned();
    };
    let value = format!("\"{body}\"");
    data.splice(v..e, value.bytes());
    format!("replaced the value of the line at byte {s} with a string of {len} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_reproducible() {
        let base = include_bytes!("../../../examples/llama-3.1.toml").to_vec();
        let run = || {
            let mut rng = Rng::for_case(9, 3);
            let mut d = base.clone();
            let what = mutate(&mut rng, &mut d, Sizes::TEST);
            (d, what)
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn repetition_stays_within_the_size_limit() {
        let sizes = Sizes {
            long_string: 1 << 16,
            nesting: 1000,
            max_file: 1 << 20,
        };
        let mut rng = Rng::new(5);
        for _ in 0..50 {
            let mut d = b"[[a]]\nx = 1\n".repeat(10);
            for _ in 0..6 {
                mutate_once(&mut rng, &mut d, sizes);
            }
            assert!(
                d.len() <= sizes.max_file + 6 * (sizes.long_string + 8000),
                "{}",
                d.len()
            );
        }
    }

    #[test]
    fn swap_exchanges_two_values() {
        let mut d = b"a = 1\nb = \"two\"\n".to_vec();
        let mut rng = Rng::new(0);
        for _ in 0..20 {
            let before = d.clone();
            let what = swap_values(&mut rng, &mut d);
            if what.starts_with("swapped") {
                assert_eq!(d, b"a = \"two\"\nb = 1\n".to_vec(), "{before:?}");
                return;
            }
        }
        panic!("never swapped");
    }

    #[test]
    fn every_operator_runs_on_an_empty_file() {
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            let mut d = Vec::new();
            mutate_once(
                &mut rng,
                &mut d,
                Sizes {
                    long_string: 64,
                    nesting: 1000,
                    max_file: 4096,
                },
            );
        }
    }
}
