//! bilan's figures in other tools' formats (`bilan assess -m METHOD -f model-card|boamps|
//! if-manifest`): one method's assessment of an inventory, written where Hugging Face,
//! BoAmps readers and Impact Framework pipelines read it.

use bilan_core::assessment::Assessment;
use bilan_core::inventory::Inventory;

pub mod boamps;
pub mod if_manifest;
pub mod model_card;

/// What an export writes from.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The inventory assessed.
    pub inventory: &'a Inventory,
    /// The one method's assessment (its descriptor is `assessment.method`).
    pub assessment: &'a Assessment,
    /// bilan's version, for the citation.
    pub bilan_version: &'a str,
    /// The inventory file as given, for the citation.
    pub inventory_file: &'a str,
}
