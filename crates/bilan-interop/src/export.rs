//! bilan's figures in other tools' formats (`bilan assess -m METHOD -f model-card|boamps|
//! if-manifest`): one method's assessment of an inventory, written where Hugging Face,
//! BoAmps readers and Impact Framework pipelines read it.
//!
//! None of these formats can state a figure as unknown: a model card's `emissions`, an IF
//! manifest's `carbon` and a BoAmps measure's `powerConsumption` are required numbers. So
//! an export whose figure the method did not compute is refused, saying which of two
//! reasons holds ([`Figure`]): the method does not cover the indicator, or it covers it but
//! computed nothing here (every contribution was excluded, and the coverage's note says
//! why); and so is one that would write a workload the method excluded ([`excluded`]).

use bilan_core::assessment::{Aspect, Assessment};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Workload};
use bilan_core::item::ItemKind;

pub mod boamps;
pub mod if_manifest;
pub mod model_card;

/// What an export writes from.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The inventory assessed.
    pub inventory: &'a Inventory,
    /// The one method's assessment (its descriptor is `assessment.method`).
    pub assessment: &'a Assessment,
    /// bilan's version, for the citation.
    pub bilan_version: &'a str,
    /// The inventory file as given, for the citation.
    pub inventory_file: &'a str,
}

/// Whether a method's figure for one indicator exists, and if not, which reason holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure<'a> {
    /// The method covers the indicator and computed it.
    Computed,
    /// The method does not cover the indicator; its coverage note, when it gives one.
    NotCovered(Option<&'a str>),
    /// The method covers the indicator, but every contribution to it was excluded here;
    /// the coverage note, which gives the reason.
    NotComputed(Option<&'a str>),
}

impl<'a> Figure<'a> {
    /// The state of `indicator` in the assessment's coverage.
    pub fn of(a: &'a Assessment, indicator: Indicator) -> Figure<'a> {
        match a.coverage.iter().find(|c| c.indicator == indicator) {
            Some(c) if c.not_computed => Figure::NotComputed(c.note.as_deref()),
            Some(c) if c.covered => Figure::Computed,
            Some(c) => Figure::NotCovered(c.note.as_deref()),
            None => Figure::NotCovered(None),
        }
    }

    /// In words: "the method M does not cover gwp (…)", or "the method M covers gwp, but
    /// computed none for this inventory: every contribution to gwp was excluded: …" with
    /// the exclusions bearing on it (the coverage note when there are none); `None` when
    /// computed.
    pub fn why_not(self, a: &Assessment, indicator: Indicator) -> Option<String> {
        let method = format!("{}@{}", a.method.id, a.method.version);
        let id = indicator.id();
        match self {
            Figure::Computed => None,
            Figure::NotCovered(note) => Some(format!(
                "the method {method} does not cover {id}{}",
                note.map(|n| format!(" ({n})")).unwrap_or_default()
            )),
            Figure::NotComputed(note) => {
                let reasons = exclusions(a, indicator).unwrap_or_else(|| {
                    note.map_or("no reason given".to_owned(), |n| {
                        n.strip_prefix("not computed: ").unwrap_or(n).to_owned()
                    })
                });
                Some(format!(
                    "the method {method} covers {id}, but computed none for this inventory: {reasons}"
                ))
            }
        }
    }
}

/// "every contribution to gwp was excluded: " and the exclusions bearing on `indicator`
/// (at most [`SHOWN`], then how many more); `None` when there are none.
fn exclusions(a: &Assessment, indicator: Indicator) -> Option<String> {
    let mut reasons: Vec<String> = Vec::new();
    for e in a
        .exclusions
        .iter()
        .filter(|e| e.indicator.is_none_or(|i| i == indicator))
    {
        let aspect = e.aspect.map(|x| format!(" ({x})")).unwrap_or_default();
        let text = format!(
            "{} `{}`{aspect}: {}",
            e.item.kind.key(),
            e.item.id,
            e.reason
        );
        if !reasons.contains(&text) {
            reasons.push(text);
        }
    }
    if reasons.is_empty() {
        return None;
    }
    let more = reasons.len().saturating_sub(SHOWN);
    reasons.truncate(SHOWN);
    let mut text = format!(
        "every contribution to {} was excluded: {}",
        indicator.id(),
        reasons.join("; ")
    );
    if more > 0 {
        text.push_str(&format!(" (and {more} more)"));
    }
    Some(text)
}

/// How many exclusions an error names.
const SHOWN: usize = 3;

/// The method's total for `indicator`, else why there is none, and why the format needs
/// it (`holds`: what the format states).
pub(crate) fn total(a: &Assessment, indicator: Indicator, holds: &str) -> Result<f64, String> {
    let why = Figure::of(a, indicator).why_not(a, indicator);
    match (why, a.total(indicator)) {
        (None, Some(t)) => Ok(t),
        (why, _) => Err(format!(
            "{}; {holds}, and cannot state it as unknown",
            why.unwrap_or_else(|| format!("the method gives no {} total", indicator.id()))
        )),
    }
}

/// The method's exclusion of `w`'s electricity for `indicator`, as "workload `w`: reason"
/// (or "site `s`: reason" when its site's is excluded, as for a grid without a factor):
/// an export that wrote the workload would give a figure the method did not count.
pub(crate) fn excluded(
    a: &Assessment,
    inv: &Inventory,
    w: &Workload,
    indicator: Indicator,
) -> Option<String> {
    let site = inv.site(&w.site).map(|s| s.id.as_str());
    a.exclusions
        .iter()
        .find(|e| {
            let item = match e.item.kind {
                ItemKind::Workload => *e.item.id == *w.id,
                ItemKind::Site => Some(&*e.item.id) == site,
                _ => false,
            };
            item && e.aspect.is_none_or(|x| x == Aspect::Electricity)
                && e.indicator.is_none_or(|i| i == indicator)
        })
        .map(|e| format!("{} `{}`: {}", e.item.kind.key(), e.item.id, e.reason))
}

#[cfg(test)]
mod tests;
