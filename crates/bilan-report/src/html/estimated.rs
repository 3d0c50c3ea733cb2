//! Estimated values in the HTML page: a tag on every estimated term of the trail and the
//! "Estimated values" section. Its style is only added to pages that show one, so pages
//! without estimated values are unchanged.

use std::fmt::Write as _;

use bilan_core::assessment::Term;

use super::{esc, header_cells, msg_html};
use crate::estimated::EstimatedValue;
use crate::lang::Lang;

pub(super) const STYLE: &str = ".estimated{display:inline-block;background:#fff4d6;border:1px solid #d9a400;border-radius:3px;padding:0 .3rem;font-size:.8rem;color:#6b4f00}";

/// `; <span class="estimated">estimated by training-compute</span>` for an estimated term
/// (it goes inside the term's source parentheses); empty otherwise.
pub(super) fn tag(l: Lang, t: &Term) -> String {
    t.estimated.as_ref().map_or(String::new(), |id| {
        let args = [("estimator", &**id)];
        format!(
            "; <span class=\"estimated\" title=\"{}\">{}</span>",
            esc(&l.msg("estimated-by-title", &args)),
            esc(&l.msg("estimated-by", &args))
        )
    })
}

/// The "Estimated values" section; nothing when nothing was estimated.
pub(super) fn section(out: &mut String, l: Lang, values: &[EstimatedValue]) {
    if values.is_empty() {
        return;
    }
    let tag = format!(
        "<span class=\"estimated\">{}</span>",
        esc(&l.t("estimated-tag"))
    );
    let _ = write!(
        out,
        "<section id=\"estimated\"><h2>{}</h2><p class=\"muted\">{}</p><table class=\"estimated-values\"><tr>",
        esc(&l.t("estimated-values")),
        msg_html(l, "estimated-intro-html", &[], &[("tag", &tag)])
    );
    header_cells(
        out,
        l,
        &[
            "col-workload",
            "col-key",
            "col-value",
            "col-estimator",
            "col-spread",
            "col-formula",
        ],
    );
    out.push_str("</tr>");
    for v in values {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td><span class=\"estimated\">{}</span></td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&v.workload),
            esc(&v.key),
            esc(&v.value_text_in(l)),
            esc(&v.estimator),
            esc(&v.spread_text()),
            esc(&v.formula)
        );
    }
    out.push_str("</table></section>");
}
