//! `cargo xtask html-check [FILE.html…]`: renders HTML reports in a real headless browser
//! (Debian's Chromium) and fails on a script error, a blank chart or a missing figure.
//!
//! Without files, it renders the comparison of every example, and the disclosure of every
//! example under [`disclosure::METHOD`] (or [`disclosure::FALLBACK`] where that method is not
//! available): each disclosure is also checked to show every figure of its JSON form, and is
//! printed to PDF next to its page. The page's own inline check runs once the page is laid
//! out and records its verdict on `<body data-render-check>`; Chromium's `--dump-dom` gives
//! the DOM after scripts ran. A screenshot of each comparison is written next to it for
//! people to look at. A FILE given whose JSON form lies next to it (`X.html`, `X.json`) is
//! checked as a disclosure.
//!
//! Chromium is not installed by CI. On Debian: `apt-get install chromium`.

mod disclosure;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::root;

pub(crate) fn chromium() -> anyhow::Result<PathBuf> {
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

pub(crate) fn browser_args(profile: &Path) -> Vec<String> {
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

/// A scratch Chromium profile, removed when dropped.
pub(crate) struct Profile(PathBuf);

impl Profile {
    pub(crate) fn new() -> anyhow::Result<Profile> {
        let path = std::env::temp_dir().join(format!("bilan-html-check-{}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(Profile(path))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn url(page: &Path) -> anyhow::Result<String> {
    let path = page
        .canonicalize()
        .with_context(|| format!("cannot read {}", page.display()))?;
    Ok(format!("file://{}", path.display()))
}

/// The page's DOM once its scripts ran, after checking the verdict its inline check recorded.
pub(crate) fn rendered_dom(
    browser: &Path,
    profile: &Profile,
    page: &Path,
) -> anyhow::Result<String> {
    let out = Command::new(browser)
        .args(browser_args(&profile.0))
        .arg("--dump-dom")
        .arg(url(page)?)
        .output()
        .context("cannot run Chromium")?;
    if !out.status.success() {
        bail!(
            "{}: Chromium failed: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    verdict(&dom).map_err(|e| anyhow::anyhow!("{}: {e}", page.display()))?;
    Ok(dom)
}

fn check(browser: &Path, page: &Path) -> anyhow::Result<()> {
    if page.with_extension("json").exists() {
        return disclosure::check(browser, page, &page.with_extension("json"));
    }
    let profile = Profile::new()?;
    rendered_dom(browser, &profile, page)?;
    let url = url(page)?;
    let shot = page.with_extension("png");
    let _ = Command::new(browser)
        .args(browser_args(&profile.0))
        .arg("--window-size=1200,2400")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output();
    eprintln!(
        "html-check: {} ok (screenshot {})",
        page.display(),
        shot.display()
    );
    Ok(())
}

/// Every example inventory, in name order.
pub(crate) fn examples() -> anyhow::Result<Vec<PathBuf>> {
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    examples.sort();
    Ok(examples)
}

pub(crate) fn run(args: &[&str]) -> anyhow::Result<()> {
    let browser = chromium()?;
    let pages: Vec<PathBuf> = if args.is_empty() {
        crate::cargo(&["build", "--release", "-p", "bilan-cli"])?;
        let out_dir = root().join("target/html-check");
        std::fs::create_dir_all(&out_dir)?;
        let mut pages = Vec::new();
        // Every example's page in each report language.
        for example in examples()? {
            let name = example
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            for lang in ["en", "fr"] {
                let page = out_dir.join(format!("{name}.{lang}.html"));
                let status = Command::new(root().join("target/release/bilan"))
                    .args([
                        "--no-config",
                        "compare",
                        &example.display().to_string(),
                        "--lang",
                        lang,
                        "-f",
                        "html",
                        "-o",
                        &page.display().to_string(),
                    ])
                    .status()
                    .context("cannot run bilan")?;
                if !page.exists() {
                    bail!(
                        "bilan compare {} --lang {lang} wrote no report ({status})",
                        example.display()
                    );
                }
                pages.push(page);
            }
        }
        pages.extend(disclosure::pages(&out_dir)?);
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
