//! Reading a series (`bilan_core::series`) from a CSV file, checked row by row: a grid
//! intensity series, or the generation profile of a contractual instrument.
//!
//! The file has a header and three columns, one row per interval, in time order:
//!
//! ```csv
//! timestamp,intensity,unit
//! 2024-01-01T00:00:00Z,412.5,gCO2e/kWh
//! 2024-01-01T01:00:00Z,398.0,gCO2e/kWh
//! ```
//!
//! A generation profile names its value column `energy`, in an energy unit (`kWh`, `MWh`).
//!
//! `timestamp` is the start of the interval, in RFC 3339 with `Z` or an offset (a time
//! without a zone is refused: the same file must mean the same hours on every machine).
//! Every interval lasts as long as the first one, which must be whole seconds that divide an hour (1 h, 30 min,
//! 15 min…). Gaps, overlaps, duplicate or unordered timestamps, negative or non-finite
//! values and units that are not an emission per energy are errors naming the row.

use bilan_core::series::{Kind, Series};
use bilan_units::Quantity;
use jiff::{SignedDuration, Timestamp};

use crate::{FileError, FileErrors, SourceFile};

/// The columns of a series file of `kind`, in order.
fn columns(kind: Kind) -> [&'static str; 3] {
    ["timestamp", kind.column(), "unit"]
}

/// At most this many problems are listed for one file; the rest are counted.
const MAX_ERRORS: usize = 20;

/// One row as read, before the checks across rows.
struct Row {
    line: usize,
    span: std::ops::Range<usize>,
    at: Timestamp,
    value: f64,
}

/// Reads and checks the series of `kind` in `file`; every problem found is reported, each
/// with its row.
pub fn read(file: &SourceFile, kind: Kind) -> Result<Series, FileErrors> {
    let columns = columns(kind);
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file.text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            return Err(one(
                file,
                None,
                "header",
                format!("cannot read the header: {e}"),
            ));
        }
    };
    if header != columns {
        return Err(one(
            file,
            Some(0..file.text.find('\n').unwrap_or(file.text.len())),
            "header",
            format!(
                "the columns are `{}`; {} has `{}`",
                header.join(","),
                kind.what(),
                columns.join(",")
            ),
        ));
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let at_byte = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(located(file, at_byte..at_byte + 1, "row", e.to_string()));
                break;
            }
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let end = file.text[at_byte..]
            .find('\n')
            .map_or(file.text.len(), |n| at_byte + n);
        let span = at_byte..end.max(at_byte + 1).min(file.text.len().max(1));
        match parse_row(&record, kind) {
            Ok((at, value)) => rows.push(Row {
                line,
                span,
                at,
                value,
            }),
            Err(message) => errors.push(located(file, span, &format!("row {line}"), message)),
        }
    }
    if rows.len() < 2 && errors.is_empty() {
        errors.push(FileError::plain(
            &file.name,
            format!(
                "{} row(s): a series needs at least two, the first two giving its interval",
                rows.len()
            ),
        ));
    }
    let step = check_order(file, &rows, &mut errors);
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(FileError::plain(
            &file.name,
            format!("… and {more} more problems"),
        ));
    }
    match step {
        Some(step) if errors.is_empty() => Ok(Series {
            file: file.name.clone(),
            start: rows[0].at,
            step,
            values: rows.iter().map(|r| r.value).collect(),
        }),
        _ => Err(FileErrors { errors }),
    }
}

/// The timestamp and the value in the canonical unit of `kind` of one record, or what is
/// wrong with it.
fn parse_row(record: &csv::StringRecord, kind: Kind) -> Result<(Timestamp, f64), String> {
    let field = |n: usize| record.get(n).map(str::trim).unwrap_or("");
    let columns = columns(kind);
    if record.len() != columns.len() {
        return Err(format!(
            "{} fields; expected {} ({})",
            record.len(),
            columns.len(),
            columns.join(", ")
        ));
    }
    let at = timestamp(field(0))?;
    let column = kind.column();
    let value: f64 = field(1)
        .parse()
        .map_err(|_| format!("{column} `{}` is not a number", clip(field(1))))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!(
            "{column} `{}` must be a finite number, zero or more",
            clip(field(1))
        ));
    }
    let quantity = Quantity::parse(&format!("{value} {}", field(2)))
        .map_err(|e| format!("unit `{}`: {e}", clip(field(2))))?;
    let canonical = quantity
        .to_str_unit(kind.unit())
        .map_err(|_| format!("unit `{}` is not {}", clip(field(2)), kind.unit_words()))?;
    Ok((at, canonical))
}

/// An RFC 3339 timestamp with its zone; a civil time without one is refused with the fix.
fn timestamp(text: &str) -> Result<Timestamp, String> {
    text.parse::<Timestamp>().map_err(|_| {
        if text.parse::<jiff::civil::DateTime>().is_ok() {
            format!(
                "timestamp `{}` has no time zone: write it in UTC with `Z` (2024-01-01T00:00:00Z) or with its offset (2024-01-01T01:00:00+01:00)",
                clip(text)
            )
        } else {
            format!(
                "timestamp `{}` is not an RFC 3339 date and time (2024-01-01T00:00:00Z)",
                clip(text)
            )
        }
    })
}

/// The interval the first two rows give, after checking that every row follows the one
/// before by exactly that much: a duplicate, an earlier or overlapping timestamp, or a gap
/// is an error naming both rows.
fn check_order(
    file: &SourceFile,
    rows: &[Row],
    errors: &mut Vec<FileError>,
) -> Option<SignedDuration> {
    let [first, second, ..] = rows else {
        return None;
    };
    let step = second.at.duration_since(first.at);
    let hour = SignedDuration::from_hours(1);
    let divides_an_hour =
        step.is_positive() && step.subsec_nanos() == 0 && hour.as_nanos() % step.as_nanos() == 0;
    if !divides_an_hour {
        errors.push(located(
            file,
            second.span.clone(),
            &format!("row {}", second.line),
            format!(
                "{} after row {}: the interval of a series is set by its first two rows and must be whole seconds that divide an hour (1 h, 30 min, 15 min…)",
                span_text(step),
                first.line
            ),
        ));
        return None;
    }
    for pair in rows.windows(2) {
        let [before, row] = pair else { continue };
        let delta = row.at.duration_since(before.at);
        let problem = if delta.is_zero() {
            format!("duplicate of row {} ({})", before.line, before.at)
        } else if delta.is_negative() {
            format!(
                "{} is earlier than row {} ({}): rows must be in time order",
                row.at, before.line, before.at
            )
        } else if delta < step {
            format!(
                "overlaps row {}: {} starts {} after {}, whose interval lasts {}",
                before.line,
                row.at,
                span_text(delta),
                before.at,
                span_text(step)
            )
        } else if delta > step {
            let missing = delta.as_nanos() / step.as_nanos() - 1;
            format!(
                "gap after row {} ({}): {} with no value ({missing} interval(s) of {} missing)",
                before.line,
                before.at,
                span_text(delta - step),
                span_text(step)
            )
        } else {
            continue;
        };
        errors.push(located(
            file,
            row.span.clone(),
            &format!("row {}", row.line),
            problem,
        ));
    }
    Some(step)
}

/// `1 h`, `15 min`, `90 s`.
fn span_text(d: SignedDuration) -> String {
    let secs = d.as_secs();
    if secs % 3600 == 0 {
        format!("{} h", secs / 3600)
    } else if secs % 60 == 0 {
        format!("{} min", secs / 60)
    } else {
        format!("{} s", d.as_secs_f64())
    }
}

fn clip(text: &str) -> String {
    bilan_units::text::clip(text).to_string()
}

fn located(
    file: &SourceFile,
    span: std::ops::Range<usize>,
    at: &str,
    message: String,
) -> FileError {
    FileError::located(file, Some(span), at.to_owned(), message)
}

fn one(
    file: &SourceFile,
    span: Option<std::ops::Range<usize>>,
    at: &str,
    message: String,
) -> FileErrors {
    FileErrors {
        errors: vec![FileError::located(file, span, at.to_owned(), message)],
    }
}

mod attach;
pub mod embedded;
mod fit;

pub(crate) use attach::attach;
pub use attach::{DataFile, data_files};

#[cfg(test)]
mod tests;
