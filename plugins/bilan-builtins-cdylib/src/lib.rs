//! bilan's three built-in methodologies (`ademe-lca`, `ghg-protocol`, `sci`) delivered as
//! one plugin library, the other delivery of the same code the `bilan` binary links as
//! rlibs. The conformance test (`tests/e2e/plugins.rs`) loads it with `bilan-plugin-host` and
//! asserts that both deliveries give identical assessments on every example.
//!
//! One wrapper crate for the three rather than `export_plugin!` in each method crate: a
//! library exports exactly one entry point, so three rlibs that each exported it could not be
//! linked into the same binary; and one library builds and links once.

bilan_plugin_sdk::export_plugin!(
    bilan_plugin_ademe::AdemeLca::default,
    bilan_plugin_ghg::GhgProtocol::default,
    bilan_plugin_sci::Sci::default,
);
