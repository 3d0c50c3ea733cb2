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
