//! The disclosure pages of `cargo xtask html-check`: each example's disclosure written as JSON
//! and HTML, the page rendered in Chromium (no script error, every figure of the JSON form
//! shown with the same text) and printed to PDF next to it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use super::{Profile, browser_args, examples, rendered_dom};
use crate::root;

/// The method whose disclosure is checked: the harmonised comparability profile.
pub(crate) const METHOD: &str = "harmonised-ai";
/// The method checked where [`METHOD`] is not available.
pub(crate) const FALLBACK: &str = "ademe-lca";

fn bilan() -> PathBuf {
    root().join("target/release/bilan")
}

/// [`METHOD`] when `bilan methods` lists it, else [`FALLBACK`].
fn method() -> anyhow::Result<&'static str> {
    let out = Command::new(bilan())
        .args(["methods", "--format", "json"])
        .output()
        .context("cannot run bilan methods")?;
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout)
        .context("`bilan methods --format json` did not write JSON")?;
    let known = listed.as_array().is_some_and(|methods| {
        methods
            .iter()
            .any(|m| m["descriptor"]["id"].as_str() == Some(METHOD))
    });
    if known {
        Ok(METHOD)
    } else {
        eprintln!("html-check: method `{METHOD}` is not available; disclosures use `{FALLBACK}`");
        Ok(FALLBACK)
    }
}

/// Writes the disclosure of every example (JSON and HTML) into `out_dir`; returns the pages.
pub(crate) fn pages(out_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let method = method()?;
    let mut pages = Vec::new();
    for example in examples()? {
        let name = example
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let page = out_dir.join(format!("{name}.disclosure.html"));
        for (format, path) in [
            ("disclosure", page.with_extension("json")),
            ("disclosure-html", page.clone()),
        ] {
            // A file left by an earlier run must not pass for this run's.
            let _ = std::fs::remove_file(&path);
            let out = Command::new(bilan())
                .arg("assess")
                .arg(&example)
                .args(["-m", method, "-f", format, "-o"])
                .arg(&path)
                .output()
                .context("cannot run bilan")?;
            if !out.status.success() || !path.exists() {
                bail!(
                    "bilan assess {} -m {method} -f {format} wrote no disclosure ({}): {}",
                    example.display(),
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        pages.push(page);
    }
    Ok(pages)
}

/// Every figure of a disclosure's JSON form: its path and the text the page must show.
pub(crate) fn figures(json: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![json];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let (Some(f), Some(d)) = (
                    map.get("figure").and_then(|f| f.as_str()),
                    map.get("display").and_then(|d| d.as_str()),
                ) {
                    out.push((f.to_owned(), d.to_owned()));
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out.sort();
    out
}

/// Text as Chromium serialises it in a dumped DOM.
fn dom_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

/// The figures of `figures` that `dom` does not show: no element with their `data-figure`,
/// or one whose text is not their `display`.
pub(crate) fn missing(dom: &str, figures: &[(String, String)]) -> Vec<String> {
    figures
        .iter()
        .filter_map(|(figure, display)| {
            let attr = format!(
                "data-figure=\"{}\"",
                dom_text(figure).replace('"', "&quot;")
            );
            let Some(at) = dom.find(&attr) else {
                return Some(format!("{figure} (absent)"));
            };
            let rest = &dom[at..];
            let text = rest
                .find('>')
                .map(|start| &rest[start + 1..])
                .map(|t| &t[..t.find('<').unwrap_or(t.len())]);
            (text != Some(&dom_text(display))).then(|| {
                format!(
                    "{figure} (shows `{}`, expected `{display}`)",
                    text.unwrap_or("")
                )
            })
        })
        .collect()
}

/// Renders a disclosure page, checks it shows every figure of `json`, prints it to PDF.
pub(crate) fn check(browser: &Path, page: &Path, json: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(json).with_context(|| format!("cannot read {}", json.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", json.display()))?;
    let figures = figures(&value);
    if figures.is_empty() {
        bail!("{}: no figure in the disclosure", json.display());
    }
    let profile = Profile::new()?;
    let dom = rendered_dom(browser, &profile, page)?;
    let missing = missing(&dom, &figures);
    if !missing.is_empty() {
        bail!(
            "{}: {} of the {} figures of {} are not shown: {}",
            page.display(),
            missing.len(),
            figures.len(),
            json.display(),
            missing.join("; ")
        );
    }
    let pdf = page.with_extension("pdf");
    let _ = std::fs::remove_file(&pdf);
    let out = Command::new(browser)
        .args(browser_args(&profile.0))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(super::url(page)?)
        .output()
        .context("cannot run Chromium")?;
    let size = std::fs::metadata(&pdf).map_or(0, |m| m.len());
    if !out.status.success() || size == 0 {
        bail!(
            "{}: Chromium printed no PDF: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    eprintln!(
        "html-check: {} ok, {} figures shown (PDF {})",
        page.display(),
        figures.len(),
        pdf.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_every_figure_of_the_json_form() {
        let json = serde_json::json!({
            "indicators": [{"total": {"figure": "gwp.total", "display": "1 t CO2e",
                "interval": {"figure": "gwp.total:interval", "display": "a < b"}}}],
            "quality": {"grade": {"figure": "quality.grade", "display": "B"}}
        });
        let figures = super::figures(&json);
        assert_eq!(figures.len(), 3);
        let dom = "<span data-figure=\"gwp.total\">1 t CO2e</span><span class=\"iv\" data-figure=\"gwp.total:interval\">a &lt; b</span><span data-figure=\"quality.grade\">C</span>";
        assert_eq!(
            super::missing(dom, &figures),
            vec!["quality.grade (shows `C`, expected `B`)".to_owned()]
        );
        assert_eq!(
            super::missing("<body></body>", &figures[..1]),
            vec!["gwp.total (absent)".to_owned()]
        );
    }
}
