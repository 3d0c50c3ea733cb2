//! The checks of an IF output against bilan's evaluation (every value IF wrote, every
//! `aggregated` sum), and IF's figures kept beside bilan's as `[workload.reported]`.

use std::collections::BTreeMap;

use bilan_core::inventory::Reported;
use bilan_io::{FileError, SourceFile};
use bilan_units::Quantity;

use super::evaluate::{Key, Obs, V};
use super::yaml::{self, Node};
use super::{map, metadata};

/// IF's figures for an observation, kept beside bilan's.
pub(crate) fn reported(tool: Option<&str>, obs: &Obs, model: &map::Model) -> Reported {
    let q = |t: String| Quantity::parse(&t).ok();
    Reported {
        tool: tool.unwrap_or("impact-framework").to_owned(),
        gwp: obs.num("carbon").and_then(|c| q(format!("{c} g"))),
        gwp_rate: None,
        energy: q(format!("{} kWh", model.energy)),
        grid_intensity: model
            .intensity
            .as_ref()
            .and_then(|(i, _)| q(format!("{i} g/kWh"))),
        pue: model.it.as_ref().map(|(_, p, _)| *p),
    }
}

/// Refuses an output whose values differ from what the pipeline gives.
pub(crate) fn check_output(
    file: &SourceFile,
    out: &Node,
    at: &str,
    obs: &Obs,
) -> Result<(), Box<FileError>> {
    for (k, v) in out.entries() {
        match (&v.value, obs.values.get(k.as_str())) {
            (yaml::Value::Num(written), Some(V::Num(ours)))
                if (written - ours).abs() > 1e-9 * written.abs().max(ours.abs()) + 1e-12 =>
            {
                return Err(Box::new(yaml::at(
                    file,
                    v,
                    &format!("{at}.{k}"),
                    format!(
                        "IF wrote {written}, but the manifest's pipeline, as bilan evaluates IF 1.1.0's builtins, gives {ours}: the output was edited or computed otherwise, and bilan cannot reproduce it"
                    ),
                )));
            }
            (yaml::Value::Str(written), Some(V::Text(ours))) if written != ours => {
                return Err(Box::new(yaml::at(
                    file,
                    v,
                    &format!("{at}.{k}"),
                    format!(
                        "IF wrote `{}` where the observation says `{}`: the outputs are not this manifest's",
                        bilan_units::text::clip(written),
                        bilan_units::text::clip(ours)
                    ),
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks every `aggregated` sum IF wrote against the observations below its node.
pub(crate) fn check_aggregated(
    file: &SourceFile,
    node: &Node,
    at: &str,
    leaves: &[(String, Sums)],
    errors: &mut Vec<FileError>,
) {
    if let Some(agg) = node.get("aggregated") {
        let below: Vec<&Sums> = leaves
            .iter()
            .filter(|(l, _)| l == at || l.starts_with(&format!("{at}.children.")))
            .map(|(_, s)| s)
            .filter(|s| s.count > 0)
            .collect();
        for (metric, v) in agg.entries() {
            let Some(written) = v.as_f64() else { continue };
            if !metadata::is_summed_figure(metric) || below.is_empty() {
                continue;
            }
            let sum: Option<f64> = below.iter().map(|s| s.of(metric)).sum();
            if let Some(sum) = sum
                && (sum - written).abs() > 1e-9 * sum.abs().max(written.abs()) + 1e-12
            {
                errors.push(yaml::at(file, v, &format!("{at}.aggregated.{metric}"), format!("IF aggregated `{metric}` to {written}, but the observations below sum to {sum}: bilan's totals would not match IF's")));
            }
        }
    }
    if let Some(children) = node.get("children") {
        for (name, child) in children.entries() {
            check_aggregated(
                file,
                child,
                &format!("{at}.children.{name}"),
                leaves,
                errors,
            );
        }
    }
}

/// A leaf's observations summed, figure by figure, for the check of IF's `aggregated`
/// sums: the observations themselves are not kept.
#[derive(Debug, Default)]
pub(crate) struct Sums {
    count: usize,
    /// Each summed figure's sum, and how many observations had it.
    figures: BTreeMap<Key, (f64, usize)>,
}

impl Sums {
    pub(crate) fn add(&mut self, obs: &Obs) {
        self.count += 1;
        for (k, v) in &obs.values {
            if let V::Num(n) = v
                && metadata::is_summed_figure(k)
            {
                let e = self.figures.entry(k.clone()).or_insert((0.0, 0));
                e.0 += n;
                e.1 += 1;
            }
        }
    }

    /// The sum of `metric` over the observations, when every one has it.
    fn of(&self, metric: &str) -> Option<f64> {
        match self.figures.get(metric) {
            Some((sum, n)) if *n == self.count => Some(*sum),
            _ => None,
        }
    }
}

/// An RFC 3339 timestamp, or a date and time without offset read as UTC (as IF does).
pub(crate) fn timestamp(text: &str) -> Option<jiff::Timestamp> {
    let t = text.trim();
    t.parse::<jiff::Timestamp>().ok().or_else(|| {
        t.parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| jiff::tz::Offset::UTC.to_timestamp(dt).ok())
    })
}
