//! Inventory items by kind and id: what contributions, exclusions and problems refer to.
//! Below both the inventory and the assessment, which each name items.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The kind of an inventory item.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// `[[site]]`
    Site,
    /// `[[fleet]]`
    Fleet,
    /// `[[workload]]`
    Workload,
    /// `[[building]]`
    Building,
    /// `[[transport]]`
    Transport,
    /// `[[end-of-life]]`
    EndOfLife,
    /// `[[service]]`
    Service,
    /// `[[fuel]]`
    Fuel,
    /// `[[refrigerant]]`
    Refrigerant,
    /// `[[instrument]]`
    Instrument,
    /// `[[offset]]`
    Offset,
}

impl ItemKind {
    /// The table name in inventory files.
    pub fn key(self) -> &'static str {
        match self {
            ItemKind::Site => "site",
            ItemKind::Fleet => "fleet",
            ItemKind::Workload => "workload",
            ItemKind::Building => "building",
            ItemKind::Transport => "transport",
            ItemKind::EndOfLife => "end-of-life",
            ItemKind::Service => "service",
            ItemKind::Fuel => "fuel",
            ItemKind::Refrigerant => "refrigerant",
            ItemKind::Instrument => "instrument",
            ItemKind::Offset => "offset",
        }
    }
}

/// A reference to one inventory item.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub struct ItemRef {
    /// Its kind.
    pub kind: ItemKind,
    /// Its id.
    pub id: Arc<str>,
}

impl ItemRef {
    /// A reference to the item of `kind` with `id`.
    pub fn new(kind: ItemKind, id: impl Into<Arc<str>>) -> ItemRef {
        ItemRef {
            kind,
            id: id.into(),
        }
    }

    /// The key path of one of its keys, e.g. `workload[pretrain].energy`.
    pub fn path(&self, key: &str) -> String {
        format!("{}[{}].{key}", self.kind.key(), self.id)
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind.key(), self.id)
    }
}

impl ItemKind {
    /// Every kind, in inventory order.
    pub const ALL: [ItemKind; 11] = [
        ItemKind::Site,
        ItemKind::Fleet,
        ItemKind::Workload,
        ItemKind::Building,
        ItemKind::Transport,
        ItemKind::EndOfLife,
        ItemKind::Service,
        ItemKind::Fuel,
        ItemKind::Refrigerant,
        ItemKind::Instrument,
        ItemKind::Offset,
    ];
}
