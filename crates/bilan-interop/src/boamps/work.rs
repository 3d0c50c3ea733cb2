//! What a BoAmps task did and when: its requests and token counts as a workload's volume,
//! and the dates of its measures.

use std::collections::BTreeMap;

use bilan_core::inventory::{Date, Period, Phase, Volume};

use super::doc::Doc;
use crate::ImportReport;

/// The task's work: requests (inference) and token counts (datasets of `dataType` token).
pub(super) fn volume(
    doc: &mut Doc<'_>,
    phase: Phase,
    report: &mut ImportReport,
) -> (Volume, BTreeMap<String, String>) {
    let mut v = Volume::default();
    let mut fields = BTreeMap::new();
    // A count of zero or more (`check::values`).
    if let Some(r) = doc
        .peek("/task/nbRequest")
        .and_then(serde_json::Value::as_f64)
    {
        if phase == Phase::Inference {
            doc.used("/task/nbRequest");
            v.requests = Some(r);
            fields.insert(
                "volume.requests".to_owned(),
                "/task/nbRequest (the whole task's)".to_owned(),
            );
        } else if r != 0.0 {
            doc.lose(
                report,
                "/task/nbRequest",
                "requests of a task that is not inference",
            );
        } else {
            doc.used("/task/nbRequest");
        }
    }
    for i in 0..doc.len("/task/dataset") {
        let at = format!("/task/dataset/{i}");
        let get = |k: &str| {
            doc.peek(&format!("{at}/{k}"))
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned()
        };
        let (usage, kind) = (get("dataUsage"), get("dataType"));
        let quantity = doc
            .peek(&format!("{at}/dataQuantity"))
            .and_then(serde_json::Value::as_f64)
            .filter(|q| q.is_finite() && *q >= 0.0);
        let slot = match (kind.as_str(), usage.as_str(), phase, quantity) {
            ("token", "input", Phase::Inference, Some(_)) => {
                Some(("volume.tokens-in", &mut v.tokens_in))
            }
            ("token", "output", Phase::Inference, Some(_)) => {
                Some(("volume.tokens-out", &mut v.tokens_out))
            }
            ("token", "input", Phase::Training | Phase::FineTuning, Some(_)) => {
                Some(("volume.training-tokens", &mut v.training_tokens))
            }
            _ => None,
        };
        match (slot, quantity) {
            (Some((key, slot)), Some(q)) => {
                *slot = Some(slot.unwrap_or(0.0) + q);
                for k in ["dataUsage", "dataType", "dataQuantity"] {
                    doc.used(&format!("{at}/{k}"));
                }
                fields
                    .entry(key.to_owned())
                    .and_modify(|s: &mut String| s.push_str(&format!(" + {at}/dataQuantity")))
                    .or_insert(format!("{at}/dataQuantity ({usage} tokens)"));
            }
            _ => doc.lose(
                report,
                &at,
                "describes data that is not a token count bilan keeps for this phase (input and output tokens of inference, input tokens of training)",
            ),
        }
    }
    (v, fields)
}

/// A BoAmps date and time (`YYYY-MM-DD HH:MM:SS`, or ISO 8601 with a `T` or an offset).
pub(super) fn datetime(text: &str) -> Option<jiff::civil::DateTime> {
    let t = text.trim();
    t.parse::<jiff::civil::DateTime>()
        .or_else(|_| t.replace(' ', "T").parse::<jiff::civil::DateTime>())
        .ok()
        .or_else(|| {
            t.parse::<jiff::Timestamp>()
                .ok()
                .map(|ts| jiff::tz::Offset::UTC.to_datetime(ts))
        })
}

/// The days a measure starting at `start` and lasting `seconds` ran on.
pub(super) fn period(start: &str, seconds: f64) -> Option<Period> {
    let start = datetime(start)?;
    let end = start
        .checked_add(jiff::SignedDuration::try_from_secs_f64(seconds).ok()?)
        .ok()?;
    Some(Period {
        start: Date::new(start.year(), start.month(), start.day())?,
        end: Date::new(end.year(), end.month(), end.day())?,
    })
}
