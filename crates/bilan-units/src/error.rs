//! Errors of parsing and converting quantities.

use std::fmt;

use crate::text::clip;
use crate::{Dimension, Substance};

/// What went wrong while parsing or converting a quantity or a unit.
///
/// Every message starts in lowercase, has no trailing period and quotes the
/// offending text as written (`text`), so that callers can prefix it with a
/// file name and a key path. What it quotes is clipped to
/// [`ECHO_CHARS`](crate::text::ECHO_CHARS) characters: a unit of megabytes gives a
/// one-line message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// Nothing was written.
    Empty,
    /// The number contains a comma, which may be a thousands separator or a decimal comma.
    AmbiguousComma {
        /// The quantity as written.
        text: String,
    },
    /// The text does not start with a number in the accepted syntax.
    BadNumber {
        /// The quantity as written.
        text: String,
    },
    /// The number is NaN, infinite, or out of the range of `f64` (e.g. `1e400`).
    NonFinite {
        /// The quantity as written.
        text: String,
    },
    /// The number is not zero but too small for a 64-bit float to hold (e.g. `1e-400`): it
    /// would read as 0.
    Underflow {
        /// The quantity as written.
        text: String,
    },
    /// The unit (or a part of it) is not known.
    UnknownUnit {
        /// The quantity (or unit) as written.
        text: String,
        /// The part of the unit that was not understood.
        unit: String,
        /// A suggestion, e.g. ``did you mean `kWh`?``.
        hint: Option<String>,
    },
    /// The quantity has another dimension than the one expected.
    DimensionMismatch {
        /// The quantity (or unit) as written.
        text: String,
        /// Its unit.
        unit: String,
        /// The dimension wanted.
        expected: Dimension,
        /// The dimension of `unit`.
        found: Dimension,
    },
    /// The quantity is of another substance than the one expected (e.g. Sb eq instead of CO2e).
    SubstanceMismatch {
        /// The quantity (or unit) as written.
        text: String,
        /// Its unit.
        unit: String,
        /// The substance wanted.
        expected: Substance,
        /// The substance of `unit`.
        found: Substance,
    },
    /// The quantity is negative where only non-negative amounts make sense.
    Negative {
        /// The quantity as written.
        text: String,
    },
    /// A distribution that cannot be: a gsd below 1, a negative sd, min above max, a mode
    /// outside its range, a pedigree score outside 1–5, a ± as wide as a positive value…
    InvalidDistribution {
        /// The uncertain quantity as written (a string, or a table rendered on one line).
        text: String,
        /// What is wrong and what to write instead (already clipped where it repeats user text).
        reason: String,
    },
}

impl UnitError {
    /// The same error, quoting `quoted` (e.g. a whole quantity) as the text written.
    pub(crate) fn quoting(mut self, quoted: String) -> UnitError {
        match &mut self {
            UnitError::Empty => {}
            UnitError::AmbiguousComma { text }
            | UnitError::BadNumber { text }
            | UnitError::NonFinite { text }
            | UnitError::Underflow { text }
            | UnitError::UnknownUnit { text, .. }
            | UnitError::DimensionMismatch { text, .. }
            | UnitError::SubstanceMismatch { text, .. }
            | UnitError::Negative { text }
            | UnitError::InvalidDistribution { text, .. } => *text = quoted,
        }
        self
    }
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::Empty => {
                f.write_str("empty quantity: expected a number followed by a unit, e.g. `12 kWh`")
            }
            UnitError::AmbiguousComma { text } => {
                write!(
                    f,
                    "`{}`: a comma is ambiguous (thousands separator or decimal comma); ",
                    clip(text)
                )?;
                write_comma_suggestion(f, text)
            }
            UnitError::BadNumber { text } => write!(
                f,
                "`{}`: cannot read a number; expected a number followed by a unit, \
                 e.g. `12 kWh` (no thousands separators, `.` as the decimal point)",
                clip(text)
            ),
            UnitError::NonFinite { text } => write!(
                f,
                "`{}`: the number is not finite (NaN, infinity, or too large for a 64-bit float)",
                clip(text)
            ),
            UnitError::Underflow { text } => write!(
                f,
                "`{}`: the number is too small for a 64-bit float (below about 5e-324): it would read as 0; write it in a smaller unit, or as 0",
                clip(text)
            ),
            UnitError::UnknownUnit { text, unit, hint } => {
                if text == unit {
                    write!(f, "unknown unit `{}`", clip(unit))?;
                } else {
                    write!(f, "`{}`: unknown unit `{}`", clip(text), clip(unit))?;
                }
                match hint {
                    Some(hint) => write!(f, "; {}", clip_quoted(hint)),
                    None => Ok(()),
                }
            }
            UnitError::DimensionMismatch {
                text,
                expected,
                found,
                ..
            } => {
                write!(f, "`{}` is {found}, expected {expected}", clip(text))?;
                match expected.example_unit() {
                    Some(example) => write!(f, " (e.g. {example})"),
                    None if expected.is_dimensionless() => f.write_str(" (a plain number)"),
                    None => write!(f, " ({})", expected.formula()),
                }
            }
            UnitError::SubstanceMismatch {
                text,
                expected,
                found,
                ..
            } => write!(
                f,
                "`{}` is expressed in {found}, expected {expected}",
                clip(text)
            ),
            UnitError::Negative { text } => write!(
                f,
                "`{}` is negative; a negative amount makes no sense here",
                clip(text)
            ),
            UnitError::InvalidDistribution { text, reason } if text.is_empty() => {
                f.write_str(reason)
            }
            UnitError::InvalidDistribution { text, reason } => {
                write!(f, "`{}`: {reason}", clip(text))
            }
        }
    }
}

/// `text` with each part between backquotes clipped (a hint may repeat the unit written).
fn clip_quoted(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                clip(part).into_owned()
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// ``write `1312 kg` or `1.312 kg` `` for `1,312 kg`.
fn write_comma_suggestion(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let commas = separator_commas(text);
    let number_has_point = number_prefix(text).contains('.');
    match commas.len() {
        0 => f.write_str("write the number with `.` as the decimal point and no separators"),
        1 if !number_has_point => write!(
            f,
            "write `{}` or `{}`",
            clip(&replace_at(text, &commas, "")),
            clip(&replace_at(text, &commas, "."))
        ),
        _ if !number_has_point => write!(f, "write `{}`", clip(&replace_at(text, &commas, ""))),
        _ => f.write_str(
            "write the number without thousands separators and with `.` as the decimal point",
        ),
    }
}

/// The leading part of `text` made of characters that may belong to a number.
fn number_prefix(text: &str) -> &str {
    let trimmed = text.trim_start();
    let end = trimmed
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | ',' | '_')))
        .map_or(trimmed.len(), |(i, _)| i);
    &trimmed[..end]
}

/// Byte offsets of the commas of `text` that stand between two digits.
fn separator_commas(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| {
            b == b','
                && i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        })
        .map(|(i, _)| i)
        .collect()
}

fn replace_at(text: &str, positions: &[usize], with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &pos in positions {
        out.push_str(&text[last..pos]);
        out.push_str(with);
        last = pos + 1;
    }
    out.push_str(&text[last..]);
    out
}
