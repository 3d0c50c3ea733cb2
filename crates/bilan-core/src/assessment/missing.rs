//! A factor a method needs and cannot find: every method reports it the same way, as an
//! exclusion with its reason and one warning, so that a divergence row never hides a gap in
//! one method that another filled.

use super::builder::Builder;
use super::{Aspect, ItemRef};
use crate::indicator::Indicator;

impl Builder {
    /// Records that `item`'s `aspect` has no `indicator` factor for `subject`: an exclusion
    /// with the reason and a warning. `absent` is the reason of an absence record (a
    /// factor known not to exist), `None` when nothing was found at all; `key` is the
    /// inventory key where a figure can be given (`embodied`, `host.embodied`).
    pub fn no_factor(
        &mut self,
        item: &ItemRef,
        aspect: Aspect,
        indicator: Indicator,
        subject: &str,
        absent: Option<&str>,
        key: &str,
    ) {
        let reason = match absent {
            Some(why) => format!("no {indicator} factor for `{subject}`: {why}"),
            None => format!(
                "no {indicator} factor for `{subject}` in the factor database or the --factors files; give [fleet.{key}.{indicator}] in the inventory"
            ),
        };
        self.warn(no_factor_warning(item, aspect, indicator));
        self.exclude(item.clone(), Some(aspect), Some(indicator), reason, None);
    }
}

/// The warning [`Builder::no_factor`] records, so that a method that drops an indicator
/// (a declarative selection) can drop its warnings with its exclusions.
pub fn no_factor_warning(item: &ItemRef, aspect: Aspect, indicator: Indicator) -> String {
    format!(
        "{item}: {} {indicator} left out, no factor (see the exclusions)",
        aspect.id()
    )
}
