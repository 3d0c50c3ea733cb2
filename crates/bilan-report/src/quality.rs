//! Data quality in reports: a figure's grade, the shares of its value by class of input, and
//! the stages a profile requires that an assessment misses (rule: `docs/quality.md`).

use std::fmt::Write as _;

use bilan_core::quality::{ClassShares, DataClass, FigureQuality, MissingStage};

use crate::lang::Lang;
use crate::table::Table;

/// The grading rule in a sentence, with where it is documented, for report footers.
pub fn rule(l: Lang) -> String {
    l.t("quality-rule")
}

/// The grade of a figure, or `-` when it has none (not covered, or zero).
pub fn grade(q: Option<&FigureQuality>) -> &'static str {
    q.map_or("-", |q| q.grade.letter())
}

/// The header of a shares table, after the leading columns.
pub fn share_headers(l: Lang) -> impl Iterator<Item = String> {
    DataClass::ALL.iter().map(move |c| l.data_class(*c))
}

/// One cell per class of `shares`.
pub fn share_cells(l: Lang, shares: &ClassShares) -> impl Iterator<Item = String> + '_ {
    DataClass::ALL
        .iter()
        .map(move |c| l.percent(shares.get(*c)))
}

/// A table of `(label, quality)` rows: grade and shares by class.
pub fn shares_table(l: Lang, first: &str, rows: &[(String, &FigureQuality)]) -> Table {
    let mut t = Table::new();
    let mut header = vec![first.to_owned(), l.t("col-grade")];
    header.extend(share_headers(l));
    t.set_header(header);
    for (label, q) in rows {
        let mut cells = vec![label.clone(), q.grade.letter().to_owned()];
        cells.extend(share_cells(l, &q.shares));
        t.add_row(cells);
    }
    t
}

/// `method misses development (the inventory has no development workload); …`, one line per
/// method that misses a required stage.
pub fn missing_lines<'a>(
    out: &mut String,
    l: Lang,
    methods: impl IntoIterator<Item = (&'a str, &'a [MissingStage])>,
) {
    for (method, missing) in methods {
        if missing.is_empty() {
            continue;
        }
        let list: Vec<String> = missing
            .iter()
            .map(|m| format!("{} ({})", l.required_stage(m.stage), m.reason))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            l.msg(
                "missing-stages",
                &[
                    ("method", method),
                    ("stages", &list.join(&l.t("list-separator")))
                ]
            )
        );
    }
}

/// The CSV rows of one figure's quality: its grade, then each class's share.
pub fn csv_rows<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    indicator: &str,
    method: &str,
    q: &FigureQuality,
) -> Result<(), csv::Error> {
    w.write_record(["quality", indicator, method, "grade", q.grade.letter(), ""])?;
    for class in DataClass::ALL {
        w.write_record([
            "quality",
            indicator,
            method,
            class.id(),
            &q.shares.get(class).to_string(),
            "share",
        ])?;
    }
    Ok(())
}
