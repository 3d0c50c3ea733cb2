//! The method kit: what every accounting method resolves the same way, written once so that
//! a divergence row compares methods and not copies of the same code.
//!
//! * [`site`]: a site's PUE, WUE and grid factor per boundary, with the region fallback and
//!   the data-quality warnings. Each answer says where the figure came from (the inventory,
//!   a default, the database, or nothing), and each method maps that to its own policy (an
//!   exclusion, an error, an assumption).
//! * [`embodied`]: a hardware model's embodied factor per indicator, inventory figure first,
//!   then the database by the method's preference order.
//! * [`terms`]: the shared terms (device time, reserved and idle energy, host share,
//!   utilisation divisor, building amortisation), each with its divergence-driver tag.
//! * [`energy`]: final electricity as the indicator `energy` (an identity factor on each
//!   location-based electricity contribution) and the `it-energy` disclosure.
//! * [`temporal`]: a site's hourly grid series, weighting its GWP factor by when each
//!   workload ran (`k_time`, driver `temporal-resolution`).
//! * [`matching`]: hourly matching of contractual instruments to consumption, for
//!   market-based Scope 2 (`k_match`, driver `market-matching`).
//! * [`wording`]: the assumption and warning texts.
//! * [`accounted`]: the items every method must account for.
//! * [`scope`]: for methods that count only the electricity of computation, every other item
//!   excluded with the method's reasons.
//!
//! The kit depends on `bilan-core` only; third-party plugins reach it through the plugin
//! SDK (`bilan_plugin_sdk::kit`).

pub mod accounted;
pub mod embodied;
pub mod energy;
pub mod matching;
pub mod scope;
pub mod site;
pub mod temporal;
pub mod terms;
pub mod wording;

pub use bilan_core::assessment::no_factor_warning;

#[cfg(test)]
mod tests;
