//! Errors as the user reads them on stderr: at most [`SHOWN`] problems of a file unless
//! `--all-errors`, and every line with its control characters escaped (a file name or a
//! value echoed from a hostile file cannot drive the terminal).

use std::fmt;
use std::io::Write;

use bilan_io::{FileError, FileErrors};
use miette::Diagnostic;

/// How a command failed, which decides the exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A methodology failed (exit 1); the report was still written.
    Assessment,
    /// Bad input files (exit 2), shown as diagnostics.
    Input(bilan_io::FileErrors),
    /// Bad usage (exit 2).
    Usage(anyhow::Error),
    /// Anything else, e.g. an output file that cannot be written (exit 2).
    Other(anyhow::Error),
    /// Exit with this code, nothing printed: `bilan measure` passing its command's code on.
    Exit(u8),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

impl From<bilan_io::FileErrors> for Failure {
    fn from(e: bilan_io::FileErrors) -> Self {
        Failure::Input(e)
    }
}

/// The most problems of one file rendered without `--all-errors`.
pub(crate) const SHOWN: usize = 50;

/// Some of a file's problems under the headline of all of them.
#[derive(Debug)]
struct Shown<'a> {
    headline: String,
    errors: &'a [FileError],
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

fn render(diagnostic: &dyn Diagnostic) -> String {
    let mut text = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(400)
            .with_links(false);
    if handler.render_report(&mut text, diagnostic).is_err() {
        text = diagnostic.to_string();
    }
    text.trim_end().to_owned()
}

/// A file's problems as text: each located with its excerpt, at most [`SHOWN`] unless
/// `all`, then how many more there are.
pub(crate) fn render_file_errors(errors: &FileErrors, all: bool) -> String {
    if let [one] = errors.errors.as_slice() {
        return render(one);
    }
    let shown = if all {
        errors.errors.len()
    } else {
        errors.errors.len().min(SHOWN)
    };
    let mut text = render(&Shown {
        headline: errors.to_string(),
        errors: &errors.errors[..shown],
    });
    let more = errors.errors.len() - shown;
    if more > 0 {
        let s = if more == 1 { "" } else { "s" };
        text.push_str(&format!(
            "\n\n… and {more} more problem{s} (--all-errors shows every one)"
        ));
    }
    text
}

/// Each of a file's problems as one line of JSON: `{"kind": "input", "file", "line",
/// "key-path", "message"}` (`line` and `key-path` null where unknown).
pub(crate) fn file_errors_json(errors: &FileErrors) -> String {
    errors
        .errors
        .iter()
        .map(|e| {
            json_line(&serde_json::json!({
                "kind": "input",
                "file": e.file,
                "line": e.line,
                "key-path": e.key_path,
                "message": e.message,
            }))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An error that is not about a file's content, as one line of JSON: `{"kind", "message"}`.
pub(crate) fn error_json(kind: &str, message: &str) -> String {
    json_line(&serde_json::json!({ "kind": kind, "message": message }))
}

/// `value` as one line of JSON in which every character a terminal could act on is a
/// `\uXXXX` escape: serde_json leaves DEL, C1 controls and bidirectional marks as they are,
/// and the text escaping of [`print`] would make the line invalid JSON. Write it with
/// [`print_json`].
pub(crate) fn json_line(value: &serde_json::Value) -> String {
    let mut out = String::new();
    for c in value.to_string().chars() {
        if bilan_units::text::is_unsafe_char(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes an error that is not about a file's content: `error: …`, or with `json` a line of
/// [`error_json`] of that `kind`.
pub(crate) fn print_error(stderr: &mut dyn Write, json: bool, kind: &str, e: &anyhow::Error) {
    let text = format!("{e:#}");
    if json {
        print_json(stderr, &error_json(kind, &text));
    } else {
        print(stderr, &format!("error: {text}"));
    }
}

/// Writes lines made by [`json_line`] to `stderr`, as they are.
pub(crate) fn print_json(stderr: &mut dyn Write, lines: &str) {
    let _ = writeln!(stderr, "{lines}");
}

/// Writes `text` and a newline to `stderr`, its control characters escaped.
pub(crate) fn print(stderr: &mut dyn Write, text: &str) {
    let _ = writeln!(stderr, "{}", bilan_units::text::escape(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(n: usize) -> FileErrors {
        FileErrors {
            errors: (0..n)
                .map(|i| FileError::plain("inv.toml", format!("problem number {i}")))
                .collect(),
        }
    }

    #[test]
    fn json_lines_escape_what_a_terminal_acts_on_and_stay_json() {
        let line = json_line(&serde_json::json!({ "message": "a\u{7f}b\u{202e}c\u{1b}d" }));
        assert!(
            !line.chars().any(bilan_units::text::is_unsafe_char),
            "{line}"
        );
        let back: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(back["message"], "a\u{7f}b\u{202e}c\u{1b}d");
    }

    #[test]
    fn at_most_fifty_problems_are_rendered_then_how_many_more() {
        let text = render_file_errors(&errors(200), false);
        assert!(text.contains("inv.toml: 200 problems"), "{text}");
        assert!(text.contains("problem number 49"), "{text}");
        assert!(!text.contains("problem number 50"), "{text}");
        assert!(
            text.ends_with("… and 150 more problems (--all-errors shows every one)"),
            "{text}"
        );
        let all = render_file_errors(&errors(200), true);
        assert!(all.contains("problem number 199") && !all.contains("more problem"));
        let few = render_file_errors(&errors(51), false);
        assert!(few.ends_with("… and 1 more problem (--all-errors shows every one)"));
        let fifty = render_file_errors(&errors(50), false);
        assert!(fifty.contains("problem number 49") && !fifty.contains("more problem"));
    }

    #[test]
    fn printed_lines_escape_control_characters() {
        let mut out = Vec::new();
        print(&mut out, "error: `a\u{1b}]0;pwned\u{7}b`\nnext");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text, "error: `a\\u{1b}]0;pwned\\u{7}b`\nnext\n");
    }
}
