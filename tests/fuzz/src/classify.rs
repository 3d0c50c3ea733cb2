//! What counts as a finding, by class.

use crate::case::{Case, Ran, file_name};

/// A class of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A panic, in bilan or in a method (the runner turns the latter into an error row).
    Panic,
    /// A case that did not finish within the deadline.
    Hang,
    /// The process died of a stack overflow.
    StackOverflow,
    /// The process died otherwise (abort, signal, out of memory).
    Crash,
    /// An infinite or NaN figure in a report.
    NonFinite,
    /// Exit 2 with an error that names neither the file nor a key path.
    Unlocated,
    /// More than a megabyte of error output (echoed values must be clipped, errors capped).
    HugeOutput,
    /// Time growing more than [`crate::scaling::MAX_RATIO`]× for 10× the input.
    SuperLinear,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 8] = [
        Class::Panic,
        Class::Hang,
        Class::StackOverflow,
        Class::Crash,
        Class::NonFinite,
        Class::Unlocated,
        Class::HugeOutput,
        Class::SuperLinear,
    ];

    /// The class's name, as in findings' file names.
    pub fn name(self) -> &'static str {
        match self {
            Class::Panic => "panic",
            Class::Hang => "hang",
            Class::StackOverflow => "stack-overflow",
            Class::Crash => "crash",
            Class::NonFinite => "non-finite",
            Class::Unlocated => "unlocated",
            Class::HugeOutput => "huge-output",
            Class::SuperLinear => "super-linear",
        }
    }

    /// The class named `name`.
    pub fn from_name(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Error output above this many bytes is [`Class::HugeOutput`].
pub const MAX_STDERR_BYTES: usize = 1 << 20;

/// A finding in one command of a case: its class and what was seen.
#[derive(Clone, Debug)]
pub struct Flag {
    /// The class.
    pub class: Class,
    /// The command.
    pub args: Vec<String>,
    /// What was seen (a panic message, the offending output line…).
    pub detail: String,
}

/// Every finding in the commands a case ran.
pub fn classify(case: &Case, runs: &[Ran]) -> Vec<Flag> {
    let mut out = Vec::new();
    let input = String::from_utf8_lossy(&case.data);
    for r in runs {
        let mut flag = |class: Class, detail: String| {
            out.push(Flag {
                class,
                args: r.args.clone(),
                detail,
            })
        };
        let stdout = String::from_utf8_lossy(&r.stdout);
        let stderr = String::from_utf8_lossy(&r.stderr);
        if let Some(p) = r.panics.first() {
            flag(Class::Panic, p.clone());
        } else if r.code.is_none() {
            flag(Class::Panic, "panicked out of bilan_cli::run".to_owned());
        } else if let Some(line) = stdout
            .lines()
            .chain(stderr.lines())
            .find(|l| l.contains("methodology panicked"))
        {
            flag(Class::Panic, clip(line));
        }
        if matches!(r.code, Some(0 | 1)) {
            let json = r.args.windows(2).any(|w| w == ["-f", "json"]);
            let found = if json {
                non_finite_json(&stdout)
            } else {
                non_finite_text(&stdout, &input)
            };
            if let Some(line) = found {
                flag(Class::NonFinite, line);
            }
        }
        if r.code == Some(2) && !located(&stderr, case) && !names_figure(&stderr, &r.args) {
            flag(Class::Unlocated, clip(stderr.lines().next().unwrap_or("")));
        }
        if r.stderr.len() > MAX_STDERR_BYTES {
            flag(
                Class::HugeOutput,
                format!("{} bytes on stderr", r.stderr.len()),
            );
        }
    }
    out
}

/// `s` cut to 200 characters.
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Whether an error names the mutated file, or a key path or item in it.
pub fn located(stderr: &str, case: &Case) -> bool {
    let name = file_name(case.base.role);
    if stderr.contains(name) {
        return true;
    }
    // A key path such as `workload[3]` or `site[0].pue`, or a method that the mutated
    // methodology no longer declares (`unknown method`, a usage error naming it).
    let indexed = stderr.char_indices().any(|(i, c)| {
        c == '['
            && stderr[i + 1..]
                .split(']')
                .next()
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            && stderr[..i]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphabetic())
    });
    indexed || stderr.contains("unknown method") || stderr.contains("no method")
}

/// Whether an `explain` error names the figure it was asked for (a figure a method does
/// not compute is a usage error about the figure, not about the file).
pub fn names_figure(stderr: &str, args: &[String]) -> bool {
    args.windows(2)
        .find(|w| w[0] == "--figure")
        .is_some_and(|w| stderr.contains(w[1].as_str()))
}

fn is_non_finite_word(w: &str) -> bool {
    let w = w.trim_start_matches(['-', '+']);
    matches!(w, "inf" | "NaN" | "nan" | "Infinity" | "infinity" | "INF")
}

/// A line of a text report (table, Markdown, CSV, HTML) with `inf` or `NaN` as a figure.
/// A word that the input itself holds in a string is not counted (a name may say `NaN`).
pub fn non_finite_text(out: &str, input: &str) -> Option<String> {
    let quoted = |w: &str| {
        input.lines().any(|l| {
            l.match_indices(w)
                .any(|(i, _)| l[..i].matches('"').count() % 2 == 1)
        })
    };
    out.lines()
        .find(|l| {
            l.split(|c: char| {
                c.is_whitespace()
                    || matches!(c, '|' | ',' | '<' | '>' | '(' | ')' | '"' | ';' | '=')
            })
            .any(|w| is_non_finite_word(w) && !quoted(w.trim_start_matches(['-', '+'])))
        })
        .map(clip)
}

/// A non-finite figure in a JSON report: a `NaN`/`Infinity` token, a string that says so,
/// or a `null` where a number belongs (serde writes non-finite floats as `null`). A null
/// with a reason beside it (`note`, `reason`) or a side of a divergence that a method does
/// not cover (`a-total`, `b-total`) is a figure without a value, not a non-finite one.
pub fn non_finite_json(out: &str) -> Option<String> {
    let value: serde_json::Value = match serde_json::from_str(out) {
        Ok(v) => v,
        Err(e) => {
            return out
                .lines()
                .find(|l| l.split([' ', ',', ':', '[']).any(is_non_finite_word))
                .map(clip)
                .or_else(|| Some(format!("not JSON: {e}")));
        }
    };
    let mut path = Vec::new();
    walk(&value, &mut path)
}

const NULL_OK_KEYS: [&str; 2] = ["a-total", "b-total"];
const REASON_KEYS: [&str; 5] = ["note", "reason", "why", "not-computed", "covered"];

fn walk(v: &serde_json::Value, path: &mut Vec<String>) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let has_reason = map.keys().any(|k| REASON_KEYS.contains(&k.as_str()));
            for (k, x) in map {
                path.push(k.clone());
                let found = match x {
                    Value::Null if !has_reason && !NULL_OK_KEYS.contains(&k.as_str()) => {
                        Some(format!("null at {}", path.join(".")))
                    }
                    _ => walk(x, path),
                };
                path.pop();
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| {
            path.push(i.to_string());
            let found = match x {
                Value::Null => Some(format!("null at {}", path.join("."))),
                _ => walk(x, path),
            };
            path.pop();
            found
        }),
        Value::String(s) if is_non_finite_word(s) => Some(format!("`{s}` at {}", path.join("."))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_figures() {
        assert!(non_finite_text("| ademe | inf Mt CO2e |", "").is_some());
        assert!(non_finite_text("total,gwp,sci,,NaN,kgCO2e", "").is_some());
        assert!(non_finite_text("inference 3 kg", "").is_none());
        assert!(non_finite_text("| NaN |", "name = \"NaN\"").is_none());
    }

    #[test]
    fn json_figures() {
        assert!(non_finite_json(r#"{"total": null}"#).is_some());
        assert!(non_finite_json(r#"{"by-stage": {"use": null}}"#).is_some());
        assert!(non_finite_json(r#"{"value": null, "note": "no inference"}"#).is_none());
        assert!(non_finite_json(r#"{"a-total": null, "b-total": 1.0}"#).is_none());
        assert!(non_finite_json(r#"{"total": 1.5}"#).is_none());
    }
}
