//! `bilan methods`: the available methodologies.

use anyhow::Context as _;
use bilan_report::table::Table;

use crate::args::{Format, ListArgs};
use crate::catalogue::{Catalogue, Entry};
use crate::errors::Failure;
use crate::output::{Io, emit};

pub(crate) fn methods(args: &ListArgs, io: &mut Io<'_>) -> Result<(), Failure> {
    args.format.table_or_json("methods")?;
    let catalogue = Catalogue::load(&args.sources)?;
    let methods: Vec<&Entry> = catalogue.entries().iter().collect();
    // A reference method runs by default only on its tool's records.
    let references: Vec<(String, &'static str)> = crate::registry::references()
        .into_iter()
        .map(|(m, tool)| (m.descriptor().id.clone(), tool))
        .collect();
    let reference = |id: &str| {
        references
            .iter()
            .find(|(r, _)| r == id)
            .map(|(_, tool)| *tool)
    };
    let text = match args.format {
        Format::Json => {
            let listed: Vec<_> = methods
                .iter()
                .map(|m| {
                    let d = m.method.descriptor();
                    match reference(&d.id) {
                        None => serde_json::json!({ "descriptor": d, "origin": m.origin }),
                        Some(tool) => serde_json::json!({
                            "descriptor": d,
                            "origin": m.origin,
                            "runs-by-default-on-records-of": tool,
                        }),
                    }
                })
                .collect();
            serde_json::to_string_pretty(&listed).context("cannot serialise")? + "\n"
        }
        _ => {
            let mut out = String::new();
            for m in &methods {
                let d = m.method.descriptor();
                out.push_str(&format!("{} {} — {}\n", d.id, d.version, d.name));
                out.push_str(&format!(
                    "  origin: {}\n",
                    crate::catalogue::describe(&m.origin)
                ));
                out.push_str(&format!("  {}\n", d.summary));
                if let Some(tool) = reference(&d.id) {
                    out.push_str(&format!(
                        "  runs: by default only when the inventory holds {tool} records; always with -m {}\n",
                        d.id
                    ));
                }
                out.push_str(&format!(
                    "  indicators: {}\n",
                    d.indicators
                        .iter()
                        .map(|i| i.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                let mut t = Table::new();
                t.set_header(vec!["parameter", "type", "default", "meaning"]);
                for p in &d.parameters {
                    let kind = match &p.kind {
                        bilan_core::method::ParamKind::Number { .. } => "number".to_owned(),
                        bilan_core::method::ParamKind::Quantity { dimension } => dimension.clone(),
                        bilan_core::method::ParamKind::Bool => "bool".to_owned(),
                        bilan_core::method::ParamKind::Choice { values } => values.join(" or "),
                        bilan_core::method::ParamKind::Year => "year".to_owned(),
                    };
                    let default = p
                        .default
                        .as_ref()
                        .map_or("(from data)".to_owned(), |v| v.to_string());
                    t.add_row(vec![p.name.clone(), kind, default, p.doc.clone()]);
                }
                out.push_str(&t.render());
                out.push_str("\n\n");
            }
            out
        }
    };
    emit(io, None, &text, args.format)
}
