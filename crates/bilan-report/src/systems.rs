//! `bilan compare A B C…`: several systems side by side under each method (a league table),
//! in every format: terminal table, Markdown, CSV (one figure a row, full precision), JSON
//! and a self-contained HTML page with charts (`systems/html.rs`).

mod html;
mod text;

use bilan_runner::systems::{SystemDivergence, Systems};
use serde::Serialize;

use crate::assess::Stamp;
use crate::lang::Lang;

pub use text::{render_text, write_text};

/// One system's reproducibility stamp.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct SystemStamp<'a> {
    /// The system, as the report names it.
    pub system: &'a str,
    /// What produced its figures.
    pub stamp: &'a Stamp,
}

/// Everything the league table shows.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Report<'a> {
    /// The systems, methods, league tables and divergences.
    #[serde(flatten)]
    pub systems: &'a Systems,
    /// Each system's stamp, in system order.
    pub stamps: Vec<SystemStamp<'a>>,
    /// The language of the labels of the text, Markdown and HTML reports.
    #[serde(skip)]
    #[schemars(skip)]
    pub lang: Lang,
}

impl<'a> Report<'a> {
    /// The report of `systems`, with each system's stamp (in system order).
    pub fn new(systems: &'a Systems, stamps: &[&'a Stamp]) -> Report<'a> {
        Report {
            systems,
            stamps: systems
                .systems
                .iter()
                .zip(stamps)
                .map(|(s, stamp)| SystemStamp {
                    system: &s.name,
                    stamp,
                })
                .collect(),
            lang: Lang::En,
        }
    }

    /// The report with its labels in `lang`.
    pub fn with_lang(mut self, lang: Lang) -> Report<'a> {
        self.lang = lang;
        self
    }

    /// The divergences of each system from the baseline (the text formats show these; the
    /// JSON report may hold every pair).
    pub fn from_baseline(&self) -> impl Iterator<Item = &'a SystemDivergence> + '_ {
        let baseline = self.systems.systems.first().map(|s| s.name.as_str());
        self.systems
            .divergences
            .iter()
            .filter(move |d| Some(d.baseline.as_str()) == baseline)
    }
}

/// The league table as one self-contained HTML page.
pub fn render_html(report: &Report<'_>) -> String {
    html::render(report)
}

/// Writes the league table's HTML page into `w` (one page, sized by systems and methods,
/// rendered whole).
pub fn write_html(report: &Report<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(html::render(report).as_bytes())
}

/// The league table as CSV: one figure a row, full precision.
pub fn render_csv(report: &Report<'_>) -> Result<String, csv::Error> {
    let mut bytes = Vec::new();
    write_csv(report, &mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes the league table as CSV (see [`render_csv`]) into `out`, row by row.
pub fn write_csv(report: &Report<'_>, out: &mut dyn std::io::Write) -> Result<(), csv::Error> {
    use bilan_core::quality::DataClass;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "section",
        "method",
        "indicator",
        "system",
        "key",
        "value",
        "unit",
    ])?;
    let num = |v: f64| v.to_string();
    for t in &report.systems.tables {
        let (m, ind, unit) = (t.method.as_str(), t.indicator.id(), t.unit);
        for r in &t.rows {
            let s = r.system.as_str();
            match r.total {
                Some(total) => w.write_record(["total", m, ind, s, "", &num(total), unit])?,
                None => {
                    let why = match &r.note {
                        Some(n) => format!("{}: {n}", r.status.label()),
                        None => r.status.label().to_owned(),
                    };
                    w.write_record(["total", m, ind, s, "", &why, ""])?;
                }
            }
            if let Some(q) = &r.quality {
                w.write_record(["quality", m, ind, s, "grade", q.grade.letter(), ""])?;
                for class in DataClass::ALL {
                    w.write_record([
                        "quality",
                        m,
                        ind,
                        s,
                        class.id(),
                        &num(q.shares.get(class)),
                        "share",
                    ])?;
                }
            }
        }
        for u in &t.units {
            let per_unit = format!("{unit} {}", u.label);
            for c in &u.cells {
                let key = match &c.functional_unit {
                    Some(id) => format!("{}:{id}", u.kind.id()),
                    None => u.kind.id().to_owned(),
                };
                match (c.value, &c.missing) {
                    (Some(v), _) => {
                        w.write_record(["per-unit", m, ind, &c.system, &key, &num(v), &per_unit])?
                    }
                    (None, missing) => w.write_record([
                        "per-unit",
                        m,
                        ind,
                        &c.system,
                        &key,
                        &format!("missing: {}", missing.as_deref().unwrap_or("")),
                        "",
                    ])?,
                }
                if let Some(n) = c.count {
                    w.write_record(["unit-count", m, ind, &c.system, &key, &num(n), u.kind.id()])?;
                }
                if let Some(l) = c.output_tokens_per_request {
                    w.write_record([
                        "request-length",
                        m,
                        ind,
                        &c.system,
                        &key,
                        &num(l),
                        "output tokens per request",
                    ])?;
                }
            }
        }
    }
    for d in &report.systems.divergences {
        let pair = format!("{} → {}", d.baseline, d.system);
        let (m, ind, unit) = (d.method.as_str(), d.indicator.id(), d.indicator.unit());
        w.write_record([
            "divergence",
            m,
            ind,
            &pair,
            "difference",
            &num(d.difference),
            unit,
        ])?;
        for a in &d.drivers {
            w.write_record([
                "divergence",
                m,
                ind,
                &pair,
                a.driver.id(),
                &num(a.amount),
                unit,
            ])?;
        }
        w.write_record([
            "divergence",
            m,
            ind,
            &pair,
            "residual",
            &num(d.residual),
            unit,
        ])?;
        for k in &d.by_kind {
            w.write_record(["by-kind", m, ind, &pair, k.kind.key(), &num(k.amount), unit])?;
        }
        w.write_record([
            "by-kind",
            m,
            ind,
            &pair,
            "residual",
            &num(d.by_kind_residual),
            unit,
        ])?;
        for n in &d.notes {
            w.write_record(["note", m, ind, &pair, "", n, ""])?;
        }
    }
    for s in &report.stamps {
        for line in s.stamp.lines() {
            w.write_record(["stamp", "", "", s.system, "", &line, ""])?;
        }
    }
    w.flush()?;
    Ok(())
}
