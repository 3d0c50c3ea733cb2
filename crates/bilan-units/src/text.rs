//! User text made safe to echo: values cut to a readable length, control characters
//! escaped, ids checked for characters that would deceive a reader.
//!
//! Every message that repeats something a user wrote goes through [`clip`], so a 50 MB
//! unit string gives a one-line error, not 50 MB of stderr. Every place that prints user
//! text to a terminal goes through [`escape`], so an inventory name cannot set the
//! terminal's title or clear its screen.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The most characters of a user's value a message repeats.
pub const ECHO_CHARS: usize = 80;

/// `text` cut to [`ECHO_CHARS`] characters, with `…` where it was cut, and with control
/// characters escaped.
pub fn clip(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(ECHO_CHARS) {
        None => escape(text),
        Some((end, _)) => Cow::Owned(format!("{}…", escape(&text[..end]))),
    }
}

/// Whether `c` is a C0 or C1 control character, or a bidirectional embedding, override or
/// isolate (U+202A–U+202E, U+2066–U+2069), which reorder what a reader sees.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character (see [`is_unsafe_char`]) but newline and tab
/// written as a `\u{…}` escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_unsafe_char(c) && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) && c != '\n' && c != '\t' {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The first unsafe character of `text` (newline and tab included), for a message saying
/// which one an id or a name may not hold.
pub fn first_unsafe(text: &str) -> Option<char> {
    text.chars().find(|&c| is_unsafe_char(c))
}

/// `n` things, with thousands grouped and the plural right: `1 workload`, `1,024 workloads`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    let word = if n == 1 { one } else { many };
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} {word}")
}

/// `x` with `digits` significant digits, trailing zeros dropped: `10`, `1.2`, `0.0123`,
/// `433196` (for messages and formulas; reports have their own number formatting).
pub fn significant(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x.is_finite() {
            "0".to_owned()
        } else {
            x.to_string()
        };
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = usize::try_from((digits - 1 - magnitude).clamp(0, 17)).unwrap_or(0);
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" { "0".to_owned() } else { text }
}

/// `x` with `digits` significant digits, in scientific notation (`6.3e24`, `1.2e-5`) when
/// its magnitude is 10⁶ or more or below 10⁻³, else as [`significant`] writes it.
pub fn compact(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() || (1e-3..1e6).contains(&x.abs()) {
        return significant(x, digits);
    }
    let exponent = x.abs().log10().floor() as i32;
    let mantissa = x / 10f64.powi(exponent);
    // Rounding may carry the mantissa to 10.
    let text = significant(mantissa, digits);
    if text == "10" || text == "-10" {
        return format!("{}e{}", if x < 0.0 { "-1" } else { "1" }, exponent + 1);
    }
    format!("{text}e{exponent}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn compact_numbers_switch_to_an_exponent_when_large_or_small() {
        assert_eq!(super::compact(6.3e24, 4), "6.3e24");
        assert_eq!(super::compact(9.99999e6, 3), "1e7");
        assert_eq!(super::compact(1.234e-5, 3), "1.23e-5");
        assert_eq!(super::compact(4421872.0, 4), "4.422e6");
        assert_eq!(super::compact(372.75, 4), "372.8");
    }

    use super::*;

    #[test]
    fn clips_long_values_on_a_character_boundary() {
        let long = "é".repeat(200);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), ECHO_CHARS + 1);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("700 W"), "700 W");
    }

    #[test]
    fn counts_read_as_words() {
        assert_eq!(count(1, "rule", "rules"), "1 rule");
        assert_eq!(count(2, "rule", "rules"), "2 rules");
        assert_eq!(count(1024, "workload", "workloads"), "1,024 workloads");
    }

    #[test]
    fn escapes_terminal_controls_but_keeps_lines() {
        assert_eq!(escape("a\x1b]0;title\x07b"), "a\\u{1b}]0;title\\u{7}b");
        assert_eq!(escape("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(escape("one\ntwo\tthree"), "one\ntwo\tthree");
        assert_eq!(first_unsafe("ok\u{85}"), Some('\u{85}'));
        assert_eq!(first_unsafe("plain id"), None);
    }
}
