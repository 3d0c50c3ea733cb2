//! The checks of an IF output against bilan's evaluation (every value IF wrote, every
//! `aggregated` sum), and IF's figures kept beside bilan's as `[workload.reported]`.

use bilan_core::inventory::Reported;
use bilan_io::{FileError, SourceFile};
use bilan_units::Quantity;

use super::evaluate::{Obs, V};
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
        match (&v.value, obs.values.get(k)) {
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
    leaves: &[(String, Vec<Obs>)],
    errors: &mut Vec<FileError>,
) {
    if let Some(agg) = node.get("aggregated") {
        let below: Vec<&Obs> = leaves
            .iter()
            .filter(|(l, _)| l == at || l.starts_with(&format!("{at}.children.")))
            .flat_map(|(_, o)| o)
            .collect();
        for (metric, v) in agg.entries() {
            let Some(written) = v.as_f64() else { continue };
            if !metadata::is_summed_figure(metric) || below.is_empty() {
                continue;
            }
            let values: Option<Vec<f64>> = below.iter().map(|o| o.num(metric)).collect();
            if let Some(values) = values {
                let sum: f64 = values.iter().sum();
                if (sum - written).abs() > 1e-9 * sum.abs().max(written.abs()) + 1e-12 {
                    errors.push(yaml::at(file, v, &format!("{at}.aggregated.{metric}"), format!("IF aggregated `{metric}` to {written}, but the observations below sum to {sum}: bilan's totals would not match IF's")));
                }
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

/// An RFC 3339 timestamp, or a date and time without offset read as UTC (as IF does).
pub(crate) fn timestamp(text: &str) -> Option<jiff::Timestamp> {
    let t = text.trim();
    t.parse::<jiff::Timestamp>().ok().or_else(|| {
        t.parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| jiff::tz::Offset::UTC.to_timestamp(dt).ok())
    })
}
