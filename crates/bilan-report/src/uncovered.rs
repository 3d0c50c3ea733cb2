//! The indicators no selected method gives a figure for, and why: not covered by any, or
//! not computed (every contribution excluded, or no item gives it). One line, for every
//! format that prints the comparison as text or HTML.

use bilan_runner::{Comparison, Figures};

use crate::lang::Lang;

/// "not covered by any selected method: …", or `None` when every indicator has a figure.
pub(crate) fn summary(l: Lang, c: &Comparison) -> Option<String> {
    let not_covered: Vec<String> = c
        .indicators
        .iter()
        .filter(|ic| !ic.rows.iter().any(|r| r.covered))
        .map(|ic| {
            // Not computed because no item gives the indicator, or because every
            // contribution to it was excluded: each method under its own reason.
            let (nothing, excluded): (Vec<&Figures>, Vec<&Figures>) =
                ic.rows.iter().filter(|r| r.not_computed).partition(|r| {
                    r.note
                        .as_deref()
                        .is_some_and(bilan_core::assessment::no_item_gives)
                });
            let ids = |rows: &[&Figures]| {
                rows.iter()
                    .map(|r| r.method.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let indicator = ic.indicator.id();
            match (nothing.is_empty(), excluded.is_empty()) {
                (true, true) => indicator.to_owned(),
                (false, true) => l.msg(
                    "not-given-by-any-item",
                    &[("indicator", indicator), ("methods", &ids(&nothing))],
                ),
                (true, false) => l.msg(
                    "not-computed-by",
                    &[("indicator", indicator), ("methods", &ids(&excluded))],
                ),
                (false, false) => l.msg(
                    "not-given-or-computed-by",
                    &[
                        ("indicator", indicator),
                        ("nothing", &ids(&nothing)),
                        ("excluded", &ids(&excluded)),
                    ],
                ),
            }
        })
        .collect();
    (!not_covered.is_empty()).then(|| {
        l.msg(
            "not-covered-by-any",
            &[("indicators", &not_covered.join(", "))],
        )
    })
}
