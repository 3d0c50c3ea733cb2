//! JSON for reports: pretty-printed as serde_json's `PrettyFormatter` writes it, with the
//! characters of strings that a terminal would act on escaped.

use std::borrow::Cow;
use std::io::Write;

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
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
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

/// serde_json's pretty formatter (two spaces a level), with the characters of strings that
/// a terminal would act on escaped (see [`json_escape`]). It writes what `PrettyFormatter`
/// writes, byte for byte (a test holds it), but each line break and its indentation in one
/// call (up to 64 levels deep; deeper, one more call per 64 levels): a report of the full audit trail is mostly indented lines, and `PrettyFormatter`
/// writes the indentation two spaces at a time.
#[derive(Default)]
pub(super) struct SafeFormatter {
    depth: usize,
    has_value: bool,
}

/// A line break followed by 64 levels of indentation.
const NEWLINE_SPACES: &[u8; 129] = &{
    let mut line = [b' '; 129];
    line[0] = b'\n';
    line
};

impl SafeFormatter {
    /// A line break, then the indentation of the current depth.
    fn new_line<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        let most = NEWLINE_SPACES.len() - 1;
        let mut width = 2 * self.depth;
        w.write_all(&NEWLINE_SPACES[..=width.min(most)])?;
        while width > most {
            width -= most;
            w.write_all(&NEWLINE_SPACES[1..=width.min(most)])?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.new_line(w)?;
        }
        w.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.new_line(w)
    }
}

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        write_json_escaped(w, fragment)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        serde::Serialize::serialize(
            value,
            &mut serde_json::Serializer::with_formatter(&mut out, SafeFormatter::default()),
        )
        .expect("json");
        String::from_utf8(out).expect("utf-8")
    }

    /// Byte for byte what serde_json's pretty printer writes, down to nesting three times
    /// deeper than one call's indentation, and empty arrays and objects.
    #[test]
    fn the_same_text_as_serde_jsons_pretty_printer() {
        let mut deep = serde_json::json!({"leaf": [1, 2.5, "x"], "empty": [], "none": {}});
        for level in 0..150 {
            deep = if level % 2 == 0 {
                serde_json::json!({ "level": level, "inner": deep, "list": [{}, [], [level]] })
            } else {
                serde_json::json!([deep, null, true, "s"])
            };
        }
        for value in [
            deep,
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!(1),
            serde_json::json!([[]]),
            serde_json::json!({"a": {"b": {}}}),
        ] {
            let expected = serde_json::to_string_pretty(&value).expect("json");
            assert_eq!(pretty(&value), expected);
        }
    }
}
