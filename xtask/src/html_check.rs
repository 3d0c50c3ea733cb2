//! `cargo xtask html-check [FILE.html…]`: renders HTML reports in a real headless browser
//! (Debian's Chromium) and fails on a script error or a blank chart.
//!
//! Without files, it renders the comparison of every example. The page's own inline check
//! runs once the page is laid out and records its verdict on `<body data-render-check>`;
//! Chromium's `--dump-dom` gives the DOM after scripts ran. A screenshot of each page is
//! written next to it for people to look at.
//!
//! Chromium is not installed by CI. On Debian: `apt-get install chromium`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::root;

fn chromium() -> anyhow::Result<PathBuf> {
    if let Ok(path) = std::env::var("CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    for candidate in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(candidate).exists() {
            return Ok(PathBuf::from(candidate));
        }
    }
    bail!(
        "no Chromium found: install Debian's package (`apt-get install chromium`) or set CHROMIUM=/path/to/chrome"
    )
}

fn browser_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--virtual-time-budget=3000",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(std::iter::once(format!(
        "--user-data-dir={}",
        profile.display()
    )))
    .collect()
}

/// The verdict the page recorded, from a dumped DOM.
pub(crate) fn verdict(dom: &str) -> Result<(), String> {
    let Some(start) = dom.find("data-render-check=\"") else {
        return Err("the page's check did not run (no data-render-check on <body>)".to_owned());
    };
    let rest = &dom[start + "data-render-check=\"".len()..];
    let value = &rest[..rest.find('"').unwrap_or(rest.len())];
    if value == "ok" {
        Ok(())
    } else {
        Err(value.to_owned())
    }
}

fn check(browser: &Path, page: &Path) -> anyhow::Result<()> {
    let profile = std::env::temp_dir().join(format!("bilan-html-check-{}", std::process::id()));
    std::fs::create_dir_all(&profile)?;
    let url = format!("file://{}", page.canonicalize()?.display());
    let out = Command::new(browser)
        .args(browser_args(&profile))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .context("cannot run Chromium")?;
    if !out.status.success() {
        bail!(
            "{}: Chromium failed: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let dom = String::from_utf8_lossy(&out.stdout);
    verdict(&dom).map_err(|e| anyhow::anyhow!("{}: {e}", page.display()))?;
    let shot = page.with_extension("png");
    let _ = Command::new(browser)
        .args(browser_args(&profile))
        .arg("--window-size=1200,2400")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output();
    let _ = std::fs::remove_dir_all(&profile);
    eprintln!(
        "html-check: {} ok (screenshot {})",
        page.display(),
        shot.display()
    );
    Ok(())
}

pub(crate) fn run(args: &[&str]) -> anyhow::Result<()> {
    let browser = chromium()?;
    let pages: Vec<PathBuf> = if args.is_empty() {
        crate::cargo(&["build", "--release", "-p", "bilan-cli"])?;
        let out_dir = root().join("target/html-check");
        std::fs::create_dir_all(&out_dir)?;
        let mut pages = Vec::new();
        let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        examples.sort();
        for example in examples {
            let name = example
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let page = out_dir.join(format!("{name}.html"));
            let status = Command::new(root().join("target/release/bilan"))
                .args([
                    "compare",
                    &example.display().to_string(),
                    "-f",
                    "html",
                    "-o",
                    &page.display().to_string(),
                ])
                .status()
                .context("cannot run bilan")?;
            if !page.exists() {
                bail!(
                    "bilan compare {} wrote no report ({status})",
                    example.display()
                );
            }
            pages.push(page);
        }
        pages
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let mut failed = 0;
    for page in &pages {
        if let Err(e) = check(&browser, page) {
            eprintln!("html-check: {e:#}");
            failed += 1;
        }
    }
    if failed > 0 {
        bail!(
            "{failed} of {} reports failed the browser check",
            pages.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_page_verdict() {
        assert_eq!(super::verdict("<body data-render-check=\"ok\">"), Ok(()));
        assert_eq!(
            super::verdict("<body data-render-check=\"blank: gwp.total\">"),
            Err("blank: gwp.total".to_owned())
        );
        assert!(super::verdict("<body>").is_err());
    }
}
