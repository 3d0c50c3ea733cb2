//! The built-in methodologies, linked into the binary.

use bilan_core::method::Methodology;

/// Every built-in methodology, in report order.
pub fn builtin() -> Vec<Box<dyn Methodology>> {
    vec![
        Box::new(bilan_plugin_ademe::AdemeLca::default()),
        Box::new(bilan_plugin_ghg::GhgProtocol::default()),
        Box::new(bilan_plugin_sci::Sci::default()),
    ]
}

/// Reference methods: a tool's own calculation reproduced, run by default only when the
/// inventory holds that tool's records (`[workload.reported] tool` starting with the
/// tool's name), and always when named with `--method`.
pub fn references() -> Vec<(Box<dyn Methodology>, &'static str)> {
    vec![(
        Box::new(bilan_plugin_codecarbon::CodeCarbon::default()),
        bilan_plugin_codecarbon::TOOL,
    )]
}
