//! Estimated values in the HTML page: a tag on every estimated term of the trail and the
//! "Estimated values" section. Its style is only added to pages that show one, so pages
//! without estimated values are unchanged.

use std::fmt::Write as _;

use bilan_core::assessment::Term;

use super::esc;
use crate::estimated::EstimatedValue;

pub(super) const STYLE: &str = ".estimated{display:inline-block;background:#fff4d6;border:1px solid #d9a400;border-radius:3px;padding:0 .3rem;font-size:.8rem;color:#6b4f00}";

/// `; <span class="estimated">estimated by training-compute</span>` for an estimated term
/// (it goes inside the term's source parentheses); empty otherwise.
pub(super) fn tag(t: &Term) -> String {
    t.estimated.as_ref().map_or(String::new(), |id| {
        format!(
            "; <span class=\"estimated\" title=\"not given or measured: estimated by {0}\">estimated by {0}</span>",
            esc(id)
        )
    })
}

/// The "Estimated values" section; nothing when nothing was estimated.
pub(super) fn section(out: &mut String, values: &[EstimatedValue]) {
    if values.is_empty() {
        return;
    }
    out.push_str("<section id=\"estimated\"><h2>Estimated values</h2><p class=\"muted\">Not given or measured in the inventory but estimated; the terms they feed are tagged <span class=\"estimated\">estimated by</span> in the audit trail.</p><table class=\"estimated-values\"><tr><th>workload</th><th>key</th><th>value</th><th>estimator</th><th>spread</th><th>formula</th></tr>");
    for v in values {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td><span class=\"estimated\">{}</span></td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&v.workload),
            esc(&v.key),
            esc(&v.value_text()),
            esc(&v.estimator),
            esc(&v.spread_text()),
            esc(&v.formula)
        );
    }
    out.push_str("</table></section>");
}
