//! One row of an `emissions.csv`, read by column name, and the line each row starts on.

use std::collections::BTreeMap;

use bilan_io::FileError;
use bilan_units::text::clip;

/// What a number cell must hold.
pub(super) const A_NUMBER: &str = "expected a number of zero or more";

/// What the `timestamp` cell must hold.
pub(super) const A_DATE_TIME: &str = "expected a date and time such as 2026-12-02T09:30:00";

/// One row, by column name.
pub(super) struct Row<'a> {
    /// The file's name.
    pub(super) file: &'a str,
    /// The 1-based line the row starts on.
    pub(super) line: usize,
    /// The row's cells by their column's name; a column the row stops before is absent.
    pub(super) fields: BTreeMap<&'a str, &'a str>,
}

impl Row<'_> {
    /// The cell of `column`, trimmed; `None` when it is empty or the row stops before it.
    pub(super) fn text(&self, column: &str) -> Option<&str> {
        self.fields
            .get(column)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The cell of `column`, which every run must fill: an empty cell, or a row that stops
    /// before the column, is an error saying what was `expected`.
    pub(super) fn required(
        &self,
        column: &str,
        expected: &str,
        errors: &mut Vec<FileError>,
    ) -> Option<&str> {
        let text = self.text(column);
        if text.is_none() {
            let found = if self.fields.contains_key(column) {
                "empty"
            } else {
                "no value (the row stops before this column)"
            };
            errors.push(self.error(
                column,
                format!("{found}: {expected}; CodeCarbon writes it for every run"),
            ));
        }
        text
    }

    /// The number in `column`, `None` when the cell is empty; a cell that is not a finite
    /// number of zero or more is an error.
    pub(super) fn number(&self, column: &str, errors: &mut Vec<FileError>) -> Option<f64> {
        let text = self.text(column)?;
        self.parse(column, text, errors)
    }

    /// The number in `column` when the file has that column, which every run must then fill:
    /// CodeCarbon writes its energy columns for every run, so an empty cell is missing data,
    /// not a zero.
    pub(super) fn written_number(&self, column: &str, errors: &mut Vec<FileError>) -> Option<f64> {
        if self.fields.contains_key(column) {
            self.required_number(column, errors)
        } else {
            None
        }
    }

    /// The number in `column`, which every run must fill (see [`Row::required`]).
    pub(super) fn required_number(&self, column: &str, errors: &mut Vec<FileError>) -> Option<f64> {
        let text = self.required(column, A_NUMBER, errors)?;
        self.parse(column, text, errors)
    }

    fn parse(&self, column: &str, text: &str, errors: &mut Vec<FileError>) -> Option<f64> {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
            _ => {
                errors.push(self.error(column, format!("`{}`: {A_NUMBER}", clip(text))));
                None
            }
        }
    }

    /// An error in `column` of this row, on its line.
    pub(super) fn error(&self, column: &str, message: String) -> FileError {
        let mut e = FileError::plain(self.file, format!("column `{column}`: {message}"));
        e.line = Some(self.line);
        e
    }
}

/// The lines of a file whose records are read front to back, counted once over the file.
///
/// The CSV reader ends a record at the `\r` of a `\r\n` and counts lines by `\n`, so the
/// position it gives a record of a CRLF file is the `\n` before it, one line short. Lines
/// are counted here from the text instead: `\n`, `\r\n` and a lone `\r` each end one.
pub(super) struct Lines<'a> {
    text: &'a [u8],
    /// How far the text has been counted.
    counted: usize,
    /// The 1-based line at `counted`.
    line: usize,
}

impl<'a> Lines<'a> {
    /// Lines of `text`, counted from its start.
    pub(super) fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text: text.as_bytes(),
            counted: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record the CSV reader placed at byte `offset`: the line of its
    /// first byte, past the line breaks at `offset` (a CRLF's `\n`, blank lines the reader
    /// skipped).
    pub(super) fn of(&mut self, offset: u64) -> usize {
        let text = self.text;
        let mut start = usize::try_from(offset).map_or(text.len(), |o| o.min(text.len()));
        while matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.counted {
            // Records are read in order; count again from the start if one is not.
            self.counted = 0;
            self.line = 1;
        }
        for i in self.counted..start {
            let ends_line = match text[i] {
                b'\n' => true,
                b'\r' => text.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += usize::from(ends_line);
        }
        self.counted = start;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    /// The line of each record of `text`, as the CSV reader places them.
    fn lines_of_records(text: &str) -> Vec<usize> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut lines = Lines::new(text);
        reader
            .records()
            .map(|r| {
                let offset = r.expect("record").position().expect("position").byte();
                lines.of(offset)
            })
            .collect()
    }

    #[test]
    fn records_are_on_their_line_whatever_ends_the_lines() {
        for ending in ["\n", "\r\n", "\r"] {
            let text = ["h1,h2", "a,b", "c,d", "", "e,f", ""].join(ending);
            assert_eq!(lines_of_records(&text), [2, 3, 5], "{ending:?}");
        }
    }

    #[test]
    fn a_quoted_line_break_counts_for_the_records_after_it() {
        for ending in ["\n", "\r\n"] {
            let text = format!("h1,h2{ending}\"a{ending}b\",c{ending}d,e{ending}");
            assert_eq!(lines_of_records(&text), [2, 4], "{ending:?}");
        }
    }

    #[test]
    fn an_offset_behind_the_last_counts_again() {
        let mut lines = Lines::new("a\nb\nc\n");
        assert_eq!(lines.of(4), 3);
        assert_eq!(lines.of(2), 2);
        assert_eq!(lines.of(99), 4);
    }
}
