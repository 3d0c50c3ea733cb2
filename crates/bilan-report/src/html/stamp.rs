//! The reproducibility stamp of an HTML page, as list items.

use std::fmt::Write as _;

use super::{esc, msg_html};
use crate::lang::Lang;

/// The reproducibility stamp as list items: bilan, the inventory, the factor and data files
/// with their hashes, each method with its origin.
pub(crate) fn stamp_items(out: &mut String, s: &crate::assess::Stamp, l: Lang) {
    let file = |id: &str, path: &str, sha256: &str| {
        let code = format!("<code>{}</code>", esc(sha256));
        msg_html(l, id, &[("path", path)], &[("sha256", &code)])
    };
    let _ = write!(
        out,
        "<li>{}</li><li>{}</li><li>{}</li>",
        esc(&l.msg("stamp-bilan", &[("version", &s.bilan)])),
        file("stamp-inventory", &s.inventory.path, &s.inventory.sha256),
        esc(&l.msg("stamp-factor-database", &[("version", &s.factor_database)]))
    );
    for (id, f) in s.files() {
        let _ = write!(out, "<li>{}</li>", file(id, &f.path, &f.sha256));
    }
    for m in &s.methods {
        let origin = crate::assess::origin_text(&m.origin, l);
        let _ = write!(
            out,
            "<li>{}</li>",
            esc(&l.msg(
                "stamp-method",
                &[("id", &m.id), ("version", &m.version), ("origin", &origin)]
            ))
        );
    }
}
