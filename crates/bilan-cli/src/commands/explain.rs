//! `bilan explain`: how one figure was computed.

use std::path::Path;

use anyhow::{Context as _, anyhow};
use bilan_core::assessment::ItemRef;
use bilan_core::figure::{FigurePath, Selector};

use super::session::{Session, Timings, report_failures, stamp_lines};
use crate::args::{ExplainCommand, Format};
use crate::errors::Failure;
use crate::output::{Io, emit};

pub(crate) fn explain(
    cmd: ExplainCommand,
    io: &mut Io<'_>,
    timings: &mut Timings,
) -> Result<(), Failure> {
    cmd.common.format.not_export("explain")?;
    if cmd.common.methods.len() != 1 {
        return Err(Failure::Usage(anyhow!(
            "`bilan explain` explains one method's figure: give exactly one --method"
        )));
    }
    let path: FigurePath = cmd
        .figure
        .parse()
        .map_err(|e: String| Failure::Usage(anyhow!("--figure: {e}")))?;
    let session = Session::open_with_text(&cmd.inventory, &cmd.common, io, timings)?;
    let ran = session.run();
    let uncertainty = super::uncertainty::report(
        &cmd.common.uncertainty,
        &session,
        &ran,
        &[(0, path.clone())],
    )?;
    let outcome = ran
        .into_iter()
        .next()
        .ok_or_else(|| Failure::Usage(anyhow!("no method selected")))?;
    let a = match outcome.result {
        Ok(a) => a,
        Err(e) => {
            let method = outcome.descriptor.method_ref();
            return report_failures(io, &[session.failed(&method.id, method.to_string(), e)]);
        }
    };
    names_something(&path, &session.inventory, &a)
        .map_err(|e| Failure::Usage(anyhow!("--figure: {e}")))?;
    let metered = super::metered::of_figure(
        &session.inventory,
        Path::new(&session.file.name),
        &a,
        &path,
        cmd.rows,
    )
    .map_err(|e| Failure::Usage(anyhow!("--rows: {e}")))?;
    let text = match cmd.common.format {
        Format::Json => {
            let selected: Vec<_> = a.contributions.iter().filter(|c| path.selects(c)).collect();
            let factor_ids: std::collections::HashSet<&str> = selected
                .iter()
                .flat_map(|c| c.values.iter().map(|v| &*v.factor))
                .collect();
            let factors: Vec<_> = a
                .factors
                .iter()
                .filter(|f| factor_ids.contains(&*f.id))
                .collect();
            let mut v = serde_json::json!({
                "stamp": session.stamp,
                "method": a.method,
                "figure": path.to_string(),
                "value": path.value(&a),
                "unit": path.indicator.unit(),
                "contributions": selected,
                "factors": factors,
            });
            // A figure with no value says why, as the text does: the coverage note of its
            // indicator, or the method's exclusions of the item it selects; one that selects
            // nothing is the text's error.
            if let (None, Some(object)) = (path.value(&a), v.as_object_mut()) {
                let exclusions = bilan_report::explain::exclusions_of(&a, &path);
                let note = match a.coverage.iter().find(|c| c.indicator == path.indicator) {
                    Some(c) if !c.covered => c.note.clone(),
                    _ if !exclusions.is_empty() => Some(bilan_report::explain::EXCLUDED.to_owned()),
                    _ if matches!(path.selector, Selector::Unit(_) | Selector::Disclosure(_)) => {
                        None
                    }
                    _ => {
                        return Err(Failure::Usage(anyhow!(
                            "{path} matches nothing in {}",
                            a.method
                        )));
                    }
                };
                if let Some(note) = note {
                    object.insert("note".to_owned(), note.into());
                }
                if !exclusions.is_empty() {
                    object.insert(
                        "exclusions".to_owned(),
                        serde_json::to_value(exclusions).context("cannot serialise")?,
                    );
                }
            }
            if let (false, Some(object)) = (metered.is_empty(), v.as_object_mut()) {
                object.insert("metered".to_owned(), super::metered::json(&metered));
            }
            if let (Some(u), Some(object)) = (&uncertainty, v.as_object_mut()) {
                object.insert(
                    "uncertainty".to_owned(),
                    serde_json::to_value(u.of_figure(&path.to_string()))
                        .context("cannot serialise")?,
                );
            }
            serde_json::to_string_pretty(&v).context("cannot serialise")? + "\n"
        }
        Format::Table | Format::Md => {
            let lines = crate::lines::Lines::new(&session.file, &session.inventory);
            let item_loc = |item: &ItemRef, key: &str| lines.item(item, key);
            let path_loc = |p: &str| lines.id_path(p);
            let mut text = bilan_report::explain::render_with_estimates(
                &a,
                &path,
                &item_loc,
                &path_loc,
                &bilan_report::estimated::collect(&session.inventory),
            )
            .map_err(|e| Failure::Usage(anyhow!(e)))?;
            text.push_str(&super::metered::text(&metered, path.indicator.unit()));
            if let Some(u) = &uncertainty {
                text.push('\n');
                text.push_str(&bilan_report::uncertainty::render_text(
                    &u.of_figure(&path.to_string()),
                    cmd.common.format == Format::Md,
                    (bilan_report::lang::Lang::En, None),
                ));
            }
            text + &stamp_lines(&session.stamp)
        }
        Format::Csv
        | Format::Html
        | Format::ModelCard
        | Format::Boamps
        | Format::IfManifest
        | Format::Disclosure
        | Format::DisclosureMd
        | Format::DisclosureHtml => {
            return Err(Failure::Usage(anyhow!(
                "`bilan explain` writes table, md or json"
            )));
        }
    };
    emit(io, cmd.common.output.as_deref(), &text, cmd.common.format)
}

/// Refuses a figure whose selector names an item, a functional unit or a disclosure that does
/// not exist, whether or not the method computes its indicator: a figure that is not there is
/// an error, never "not computed" or "not covered". (A stage, phase, aspect or category is
/// part of the grammar; one that selects nothing is refused once the figure is computed.)
fn names_something(
    path: &FigurePath,
    inventory: &bilan_core::Inventory,
    a: &bilan_core::assessment::Assessment,
) -> Result<(), String> {
    use bilan_core::figure::Selector;
    use bilan_core::item::ItemKind;
    let known = |names: Vec<&str>| {
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    };
    match &path.selector {
        Selector::Item(id) | Selector::ItemAspect(id, _)
            if !ItemKind::ALL
                .into_iter()
                .any(|k| inventory.ids(k).any(|x| x == id)) =>
        {
            Err(format!("the inventory has no item `{id}`"))
        }
        Selector::Unit(fu) if !inventory.functional_units.iter().any(|u| &u.id == fu) => {
            Err(format!(
                "the inventory has no functional unit `{fu}` (its functional units: {})",
                known(
                    inventory
                        .functional_units
                        .iter()
                        .map(|u| u.id.as_str())
                        .collect()
                )
            ))
        }
        Selector::Disclosure(id) if !a.disclosures.iter().any(|d| &d.id == id) => Err(format!(
            "{} has no disclosure `{id}` (its disclosures: {})",
            a.method,
            known(a.disclosures.iter().map(|d| &*d.id).collect())
        )),
        _ => Ok(()),
    }
}
