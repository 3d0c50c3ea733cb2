//! JSON for reports: pretty-printed as serde_json's `PrettyFormatter` writes it, with the
//! characters of strings that a terminal would act on escaped.

use std::borrow::Cow;
use std::io::Write;

mod out;
mod pretty;
pub(super) use pretty::Pretty;

/// JSON text with every unsafe character (see [`bilan_units::text::is_unsafe_char`]) but
/// newline and tab written as a `\uXXXX` escape. serde_json escapes C0 controls itself; DEL,
/// C1 controls and bidirectional overrides it leaves raw, and they can only be in strings,
/// where the escape means the same character.
pub(crate) fn json_escape(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| bilan_units::text::is_unsafe_char(c) && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len() + 8);
    // Writing to a Vec cannot fail.
    let _ = write_json_escaped(&mut out, text);
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

pub(super) fn write_json_escaped<W: ?Sized + Write>(w: &mut W, text: &str) -> std::io::Result<()> {
    // Printable ASCII, what almost every string of a report is, has nothing to escape.
    if printable_ascii(text.as_bytes()) {
        return w.write_all(text.as_bytes());
    }
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if bilan_units::text::is_unsafe_char(c) && c != '\n' && c != '\t' {
            w.write_all(&text.as_bytes()[start..i])?;
            // Every unsafe character is below U+FFFF: one escape.
            write!(w, "\\u{:04x}", u32::from(c))?;
            start = i + c.len_utf8();
        }
    }
    w.write_all(&text.as_bytes()[start..])
}

/// Whether every byte of `bytes` is printable ASCII (space to `~`), eight bytes at a time:
/// a report of the full audit trail is mostly short strings, each checked as it is written,
/// and a check byte by byte that stops at the first other one cost as much as the rest of
/// writing them.
fn printable_ascii(bytes: &[u8]) -> bool {
    every_byte(
        bytes,
        |w| w & HIGH | below_space(w) | equal(w, 0x7f),
        |b| (b' '..=b'~').contains(&b),
    )
}

/// Whether `bytes` is written in a JSON string as it is: printable ASCII (see
/// [`printable_ascii`]) without a quote or a backslash.
fn plain(bytes: &[u8]) -> bool {
    every_byte(
        bytes,
        |w| w & HIGH | below_space(w) | equal(w, 0x7f) | equal(w, b'"') | equal(w, b'\\'),
        |b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\',
    )
}

/// Whether `text`, not only ASCII, is written in a JSON string as it is all the same: no
/// control, quote or backslash, and no character written escaped (see [`json_escape`]): a
/// formula's `×`, a unit's `·`.
fn plain_text(text: &str) -> bool {
    every_byte(
        text.as_bytes(),
        |w| below_space(w) | equal(w, 0x7f) | equal(w, b'"') | equal(w, b'\\'),
        |b| b >= b' ' && b != 0x7f && b != b'"' && b != b'\\',
    ) && !text.chars().any(bilan_units::text::is_unsafe_char)
}

const ONES: u64 = u64::from_le_bytes([1; 8]);
const HIGH: u64 = ONES * 0x80;

/// The high bit of a byte set where a byte of `w` is `byte` (or, for the word as a whole: a
/// borrow may set it in a byte above one that is).
fn equal(w: u64, byte: u8) -> u64 {
    let x = w ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The high bit of a byte set where a byte of `w` is below a space (or, for the word as a
/// whole, above one that is).
fn below_space(w: u64) -> u64 {
    w.wrapping_sub(ONES * u64::from(b' ')) & !w & HIGH
}

/// Whether no word of `bytes` has a byte `other` finds (it sets the high bit of such a
/// byte, or for the word as a whole of one above it), eight bytes at a time; `byte_ok`
/// says it of one byte, for strings of under four bytes.
fn every_byte(bytes: &[u8], other: impl Fn(u64) -> u64, byte_ok: impl Fn(u8) -> bool) -> bool {
    let word = |at: &[u8]| {
        let mut w = [0; 8];
        w.copy_from_slice(&at[..8]);
        u64::from_le_bytes(w)
    };
    let half = |at: &[u8]| {
        let mut w = [0; 4];
        w.copy_from_slice(&at[..4]);
        u64::from(u32::from_le_bytes(w))
    };
    let n = bytes.len();
    // Whole words, then the last eight bytes (which may overlap the last word); a shorter
    // string as its first four bytes and its last four.
    if n >= 8 {
        let words = bytes
            .chunks_exact(8)
            .fold(0, |found, w| found | other(word(w)));
        words | other(word(&bytes[n - 8..])) == 0
    } else if n >= 4 {
        other(half(bytes) | half(&bytes[n - 4..]) << 32) == 0
    } else {
        bytes.iter().all(|&b| byte_ok(b))
    }
}

/// serde_json's pretty formatter (two spaces a level), with the characters of strings that
/// a terminal would act on escaped (see [`json_escape`]). Reports are written by [`Pretty`],
/// which hands it the strings it escapes and the numbers, and is tested against it.
#[derive(Default)]
pub(super) struct SafeFormatter(serde_json::ser::PrettyFormatter<'static>);

/// The layout is `PrettyFormatter`'s.
macro_rules! pretty_layout {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $method<W: ?Sized + Write>(&mut self, w: &mut W, $($arg: $ty),*) -> std::io::Result<()> {
            self.0.$method(w, $($arg),*)
        })*
    };
}

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        write_json_escaped(w, fragment)
    }

    pretty_layout! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        begin_object_value();
        end_object_value();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Printable ASCII found eight bytes at a time is what a check byte by byte finds: each
    /// byte value at each place of strings of every length up to three words, among
    /// printable ones.
    #[test]
    fn printable_ascii_is_space_to_tilde() {
        for len in 1..=24 {
            for at in 0..len {
                for b in 0..=u8::MAX {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let expected = (b' '..=b'~').contains(&b);
                    assert_eq!(
                        printable_ascii(&bytes),
                        expected,
                        "{b:#04x} at {at} of {len}"
                    );
                }
            }
        }
        // Strings with several bytes of every kind, from a fixed sequence of numbers: a word
        // may hold bytes that are not printable on either side of those that are.
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for len in 0..=40 {
            for _ in 0..2_000 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        // Mostly printable, with DEL, controls and high bytes among them.
                        match x % 8 {
                            0 => (x >> 8) as u8,
                            1 => [0x7f, 0x1f, 0x20, 0x7e, 0x80, 0xff][(x >> 8) as usize % 6],
                            _ => b' ' + ((x >> 8) % 95) as u8,
                        }
                    })
                    .collect();
                let expected = bytes.iter().all(|b| (b' '..=b'~').contains(b));
                assert_eq!(printable_ascii(&bytes), expected, "{bytes:?}");
            }
        }
        assert!(printable_ascii(b""));
        assert!(printable_ascii(b" ~ ~~~~~~~~ !"));
        assert!(!printable_ascii("caf\u{e9}".as_bytes()));
    }
}
