//! The seed corpus: the examples, the shipped methodologies and a small user factor file,
//! embedded at build time so a run does not depend on the working directory.

/// What a file is to bilan, which decides how a case passes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// An inventory (the positional argument).
    Inventory,
    /// A declarative methodology (`--method-file`).
    Methodology,
    /// A user factor file (`--factors`).
    Factors,
}

impl Role {
    /// Lower-case name, used in findings.
    pub fn name(self) -> &'static str {
        match self {
            Role::Inventory => "inventory",
            Role::Methodology => "methodology",
            Role::Factors => "factors",
        }
    }
}

/// One corpus file.
#[derive(Clone, Copy, Debug)]
pub struct Seed {
    /// Its name in the repository.
    pub name: &'static str,
    /// Its role.
    pub role: Role,
    /// Its contents.
    pub text: &'static str,
    /// For a methodology, the id it declares (for `explain -m`).
    pub method_id: Option<&'static str>,
}

/// The example inventories (one with no measured energy, all estimated), and one written
/// with uncertain values.
pub const INVENTORIES: [Seed; 5] = [
    Seed {
        name: "examples/estimated-open-model.toml",
        role: Role::Inventory,
        text: include_str!("../../../examples/estimated-open-model.toml"),
        method_id: None,
    },
    Seed {
        name: "examples/gpu-cluster-purchase.toml",
        role: Role::Inventory,
        text: include_str!("../../../examples/gpu-cluster-purchase.toml"),
        method_id: None,
    },
    Seed {
        name: "examples/llama-3.1.toml",
        role: Role::Inventory,
        text: include_str!("../../../examples/llama-3.1.toml"),
        method_id: None,
    },
    Seed {
        name: "examples/mistral-large-2-illustrative.toml",
        role: Role::Inventory,
        text: include_str!("../../../examples/mistral-large-2-illustrative.toml"),
        method_id: None,
    },
    Seed {
        name: "tests/fixtures/uncertainty/product.toml",
        role: Role::Inventory,
        text: include_str!("../../fixtures/uncertainty/product.toml"),
        method_id: None,
    },
];

/// The shipped methodologies.
pub const METHODOLOGIES: [Seed; 3] = [
    Seed {
        name: "methodologies/beges-amortised.toml",
        role: Role::Methodology,
        text: include_str!("../../../methodologies/beges-amortised.toml"),
        method_id: Some("beges-amortised"),
    },
    Seed {
        name: "methodologies/conservative-auditor.toml",
        role: Role::Methodology,
        text: include_str!("../../../methodologies/conservative-auditor.toml"),
        method_id: Some("conservative-auditor"),
    },
    Seed {
        name: "methodologies/model-card-training.toml",
        role: Role::Methodology,
        text: include_str!("../../../methodologies/model-card-training.toml"),
        method_id: Some("model-card-training"),
    },
];

/// The user factor files of the corpus: one plain, one with distributions.
pub const FACTORS: [Seed; 2] = [
    Seed {
        name: "tests/fuzz/corpus/factors.toml",
        role: Role::Factors,
        text: include_str!("../corpus/factors.toml"),
        method_id: None,
    },
    Seed {
        name: "tests/fixtures/uncertainty/product-factors.toml",
        role: Role::Factors,
        text: include_str!("../../fixtures/uncertainty/product-factors.toml"),
        method_id: None,
    },
];
