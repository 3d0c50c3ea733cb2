//! `bilan factors`: the factor database, filtered.

use anyhow::{Context as _, anyhow};
use bilan_report::table::Table;

use crate::args::{FactorsCommand, Format};
use crate::errors::Failure;
use crate::output::{Io, emit};

pub(crate) fn factors(cmd: &FactorsCommand, io: &mut Io<'_>) -> Result<(), Failure> {
    cmd.format.table_or_json("factors")?;
    if let Some(region) = &cmd.region {
        bilan_core::region::Region::parse(region)
            .map_err(|e| Failure::Usage(anyhow!("--region: {e}")))?;
    }
    crate::inputs::regular_files("--factors", &cmd.factors)?;
    let set = bilan_factors::load(&cmd.factors)?;
    let keep_region = |code: &str| cmd.region.as_deref().is_none_or(|r| r == code);
    let keep_subject = |s: &str| cmd.subject.as_deref().is_none_or(|p| s.starts_with(p));
    let selected: Vec<_> = set
        .factors()
        .iter()
        .filter(|f| keep_region(f.region.code()) && keep_subject(&f.subject))
        .collect();
    let absences: Vec<_> = set
        .absences()
        .iter()
        .filter(|a| keep_region(a.region.code()) && keep_subject(&a.subject))
        .collect();
    let text = match cmd.format {
        Format::Json => {
            let v = serde_json::json!({
                "version": set.version(),
                "factors": selected,
                "absences": absences,
                "overrides": set.overrides(),
            });
            serde_json::to_string_pretty(&v).context("cannot serialise")? + "\n"
        }
        _ => {
            let mut t = Table::new();
            t.set_header(vec![
                "id",
                "subject",
                "indicator",
                "value",
                "boundary",
                "region",
                "year",
                "quality",
                "source (licence)",
            ]);
            for f in &selected {
                t.add_row(vec![
                    f.id.clone(),
                    f.subject.clone(),
                    f.indicator.map_or("-".to_owned(), |i| i.id().to_owned()),
                    f.value.to_string(),
                    f.boundary.id().to_owned(),
                    f.region.code().to_owned(),
                    f.year.to_string(),
                    format!("{:?}", f.quality).to_lowercase(),
                    format!("{} ({})", f.dataset, f.licence),
                ]);
            }
            let mut out = format!(
                "factor database {}: {} factors\n",
                set.version(),
                selected.len()
            );
            out.push_str(&t.render());
            out.push('\n');
            if !absences.is_empty() {
                out.push_str(&format!(
                    "\nno citable figure ({} absences):\n",
                    absences.len()
                ));
                for a in &absences {
                    out.push_str(&format!(
                        "- {} {} ({}): {}\n",
                        a.subject, a.indicator, a.region, a.reason
                    ));
                }
            }
            for o in set.overrides() {
                out.push_str(&format!(
                    "override: `{}` from {} replaces {}\n",
                    o.factor,
                    o.file,
                    if o.replaced.is_empty() {
                        "nothing (new factor)".to_owned()
                    } else {
                        o.replaced.join(", ")
                    }
                ));
            }
            out
        }
    };
    emit(io, None, &text, cmd.format)
}
