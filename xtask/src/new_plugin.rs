//! `cargo xtask new-plugin NAME`: scaffolds a methodology plugin crate in `plugins/NAME`.
//!
//! The crate builds as a `cdylib` (loaded with `bilan … --plugin`) and an `rlib` (for its
//! tests); its method is small but real: location-based electricity of every workload
//! (`E × PUE × I`), every other item excluded with its reason and divergence driver. Its
//! output for `bilan-plugin-scaffolded` is committed as `tests/fixtures/scaffold` (a test
//! checks they are equal), which the plugin tests build, load and run.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

const CARGO_TOML: &str = r#"[package]
name = "{{crate}}"
description = "{{id}}: a bilan methodology plugin"
version = "0.1.0"
edition.workspace = true
license.workspace = true
rust-version.workspace = true
publish = false

[lints]
workspace = true

# cdylib: the library `bilan --plugin` loads; rlib: for tests and Rust programs.
[lib]
crate-type = ["cdylib", "rlib"]
doctest = false

[dependencies]
bilan-core.workspace = true
bilan-plugin-sdk.workspace = true
semver.workspace = true

[dev-dependencies]
bilan-factors.workspace = true
serde_json.workspace = true
"#;

const LIB_RS: &str = r#"//! {{id}}: a bilan methodology plugin (scaffolded by `cargo xtask new-plugin`).
//!
//! Location-based electricity of every workload, `E × PUE × I`: the devices' energy (measured,
//! or device-hours × power), the site's PUE (the database's default when not given) and the location-based grid
//! intensity (the site's own figure, else the factor database's life-cycle one). Every other
//! item is excluded, with its reason and the divergence driver `bilan compare` explains it by.
//! Replace this with your method; see `plugins/bilan-plugin-example` for a complete one.

use std::sync::Arc;

use bilan_core::assessment::work::device_energy;
use bilan_core::assessment::{
    Aspect, Assessment, Builder, Draft, Driver, ItemKind, ItemRef, Stage,
};
use bilan_core::factor::{Boundary, FactorSet};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Site};
use bilan_core::method::{Descriptor, MethodError, Methodology, Parameters, RuleSpec};

use bilan_plugin_sdk::kit;
use bilan_plugin_sdk::kit::site::Grid;

bilan_plugin_sdk::export_plugin!({{Type}}::default);

/// Method id.
pub const ID: &str = "{{id}}";

/// The method.
#[derive(Debug)]
pub struct {{Type}} {
    descriptor: Descriptor,
}

impl Default for {{Type}} {
    fn default() -> Self {
        let rule = |driver, treatment: &str, description: &str| RuleSpec {
            driver,
            treatment: treatment.to_owned(),
            description: description.to_owned(),
        };
        {{Type}} {
            descriptor: Descriptor {
                id: ID.to_owned(),
                name: "{{id}}".to_owned(),
                version: semver::Version::new(0, 1, 0),
                summary: "location-based electricity of the workloads: E × PUE × I".to_owned(),
                indicators: vec![Indicator::Gwp],
                boundary: "electricity of the inventory's workloads".to_owned(),
                parameters: Vec::new(),
                rules: vec![
                    rule(
                        Driver::ElectricityBasis,
                        "location-based",
                        "the grid intensity of the site's region; contractual instruments are excluded",
                    ),
                    rule(
                        Driver::CapitalGoods,
                        "excluded",
                        "no embodied impacts of hardware",
                    ),
                    rule(
                        Driver::OtherItems,
                        "excluded",
                        "only electricity is counted",
                    ),
                ],
                references: Vec::new(),
            },
        }
    }
}

fn input_error(item: &ItemRef, message: impl ToString) -> MethodError {
    MethodError::Input {
        item: item.to_string(),
        message: message.to_string(),
    }
}

/// The grid intensity of `site`: its own figure, else the database's life-cycle one,
/// resolved by the method kit the built-in methods use (region fallback and data-quality
/// warnings included).
fn intensity(b: &mut Builder, factors: &FactorSet, site: &Site) -> Result<Arc<str>, MethodError> {
    match kit::site::intensity(b, factors, site, Boundary::LifeCycle) {
        Grid::Override(o) => kit::site::register_override(b, site, Indicator::Gwp, o, "I", None),
        Grid::Found(r) => kit::site::register_found(b, &r, Indicator::Gwp, "I", None),
        Grid::Absent { .. } | Grid::Missing { .. } => Err(input_error(
            &ItemRef::new(ItemKind::Site, site.id.as_str()),
            "no grid intensity: give one under [site.electricity.gwp]",
        )),
    }
}

impl Methodology for {{Type}} {
    fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    fn assess(
        &self,
        inventory: &Inventory,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        parameters.check(&self.descriptor)?;
        let mut b = Builder::new(&self.descriptor, parameters);
        for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
            b.not_covered(indicator, "this method counts carbon only");
        }
        for w in &inventory.workloads {
            let item = ItemRef::new(ItemKind::Workload, w.id.clone());
            let site = inventory
                .site(&w.site)
                .ok_or_else(|| input_error(&item, format!("unknown site `{}`", w.site)))?;
            let grid = intensity(&mut b, factors, site)?;
            let (terms, _) = device_energy(w, &item)?;
            // The site's PUE, else the database's default, listed and stated as the kit does
            // for every built-in method.
            let defaults = kit::site::Defaults::new(&self.descriptor, parameters, factors);
            let pue = kit::site::pue(&mut b, defaults, site)?.or_error(site)?.term;
            let draft = terms.into_iter().fold(
                Draft::new(item, Aspect::Electricity, Stage::Use, "E × PUE × I")
                    .phase(Some(w.phase)),
                Draft::term,
            );
            b.contribute(draft.term(pue), &[(Indicator::Gwp, grid)]);
        }
        let mut exclude = |kind, ids: Vec<&str>, reason: &'static str, driver| {
            for id in ids {
                b.exclude(ItemRef::new(kind, id), None, None, reason, Some(driver));
            }
        };
        let ids = |v: &[bilan_core::inventory::ImpactItem]| -> Vec<String> {
            v.iter().map(|x| x.id.clone()).collect()
        };
        let (transports, end_of_life) = (ids(&inventory.transports), ids(&inventory.end_of_life));
        exclude(
            ItemKind::Fleet,
            inventory.fleets.iter().map(|x| x.id.as_str()).collect(),
            "no embodied impacts",
            Driver::CapitalGoods,
        );
        exclude(
            ItemKind::Building,
            inventory.buildings.iter().map(|x| x.id.as_str()).collect(),
            "no embodied impacts",
            Driver::Building,
        );
        exclude(
            ItemKind::Transport,
            transports.iter().map(String::as_str).collect(),
            "only electricity is counted",
            Driver::Transport,
        );
        exclude(
            ItemKind::EndOfLife,
            end_of_life.iter().map(String::as_str).collect(),
            "only electricity is counted",
            Driver::EndOfLife,
        );
        exclude(
            ItemKind::Service,
            inventory.services.iter().map(|x| x.id.as_str()).collect(),
            "only electricity is counted",
            Driver::OtherItems,
        );
        exclude(
            ItemKind::Fuel,
            inventory.fuels.iter().map(|x| x.id.as_str()).collect(),
            "only electricity is counted",
            Driver::OtherItems,
        );
        exclude(
            ItemKind::Refrigerant,
            inventory
                .refrigerants
                .iter()
                .map(|x| x.id.as_str())
                .collect(),
            "only electricity is counted",
            Driver::OtherItems,
        );
        exclude(
            ItemKind::Instrument,
            inventory
                .instruments
                .iter()
                .map(|x| x.id.as_str())
                .collect(),
            "location-based: contractual instruments do not count",
            Driver::ElectricityBasis,
        );
        exclude(
            ItemKind::Offset,
            inventory.offsets.iter().map(|x| x.id.as_str()).collect(),
            "carbon credits are never netted",
            Driver::ElectricityBasis,
        );
        Ok(b.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_workload_is_energy_times_pue_times_intensity() {
        let inventory: Inventory = serde_json::from_value(serde_json::json!({
            "schema": 1,
            "system": {"name": "test", "period": {"start": "2025-01-01", "end": "2025-12-31"}},
            "site": [{"id": "dc", "region": "FR", "pue": 1.5, "ownership": "owned",
                      "electricity": {"gwp": {"value": "0.1 kgCO2e/kWh", "source": "test", "boundary": "life-cycle"}}}],
            "workload": [{"id": "train", "phase": "training", "site": "dc", "energy": "1000 kWh"}],
        }))
        .expect("inventory");
        let factors = bilan_factors::load(&[] as &[&str]).expect("factors");
        let a = {{Type}}::default()
            .assess(&inventory, &factors, &Parameters::default())
            .expect("assesses");
        a.check().expect("the audit trail reproduces");
        let total = a.total(Indicator::Gwp).expect("covered");
        assert!((total - 1000.0 * 1.5 * 0.1).abs() < 1e-9, "{total}");
    }
}
"#;

const README: &str = r#"# {{crate}}

A bilan methodology plugin (method `{{id}}`), scaffolded by `cargo xtask new-plugin`.

```sh
cargo build -p {{crate}}                  # target/debug/lib{{lib}}.so (.dylib, .dll)
cargo test -p {{crate}}
bilan plugins inspect target/debug/lib{{lib}}.so
bilan compare examples/llama-3.1.toml --plugin target/debug/lib{{lib}}.so
```

See `plugins/bilan-plugin-example/README.md` and `docs/plugins.md` for the contract: the ABI
and API versions, the JSON wire format, what the host checks.
"#;

/// Checks a crate name: lower-case ASCII letters, digits and single hyphens, starting with a
/// letter.
fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--");
    if !ok {
        bail!(
            "`{name}` is not a plugin crate name: use lower-case letters, digits and hyphens, starting with a letter (e.g. bilan-plugin-acme)"
        );
    }
    Ok(())
}

/// `bilan-plugin-acme-lca` → `AcmeLca`.
fn type_name(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut c = part.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Writes the crate `name` into `dir` (which must not exist).
pub(crate) fn scaffold(dir: &Path, name: &str) -> anyhow::Result<()> {
    check_name(name)?;
    if dir.exists() {
        bail!("{} already exists", dir.display());
    }
    let id = name.strip_prefix("bilan-plugin-").unwrap_or(name);
    let mut ty = type_name(id);
    if ty.starts_with(|c: char| c.is_ascii_digit()) {
        ty.insert(0, 'M');
    }
    let fill = |template: &str| {
        template
            .replace("{{crate}}", name)
            .replace("{{id}}", id)
            .replace("{{Type}}", &ty)
            .replace("{{lib}}", &name.replace('-', "_"))
    };
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    for (file, template) in [
        ("Cargo.toml", CARGO_TOML),
        ("src/lib.rs", LIB_RS),
        ("README.md", README),
    ] {
        let path = dir.join(file);
        std::fs::write(&path, fill(template))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// `cargo xtask new-plugin NAME [--dir DIR]` (default `plugins/NAME`).
pub(crate) fn run(args: &[&str]) -> anyhow::Result<()> {
    let (name, dir) = match args {
        [name] => (*name, crate::root().join("plugins").join(name)),
        [name, "--dir", dir] => (*name, PathBuf::from(dir)),
        _ => bail!("usage: cargo xtask new-plugin NAME [--dir DIR] (e.g. bilan-plugin-acme)"),
    };
    scaffold(&dir, name)?;
    let lib = name.replace('-', "_");
    eprintln!(
        "created {}\n\nnext:\n  add a row for `plugins/{name}` to the codemap in ARCHITECTURE.md (cargo xtask tidy checks it)\n  cargo test -p {name}\n  cargo build -p {name}\n  bilan plugins inspect target/debug/lib{lib}.so",
        dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_types_derived() {
        assert!(check_name("bilan-plugin-acme").is_ok());
        for bad in ["", "Acme", "-x", "x-", "a--b", "a_b", "9lives"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert_eq!(type_name("acme-lca"), "AcmeLca");
    }

    /// The generator's output is the committed `tests/fixtures/scaffold`, which the plugin
    /// tests build (in their one `cargo build`), load and run (`tests/e2e/plugins.rs`), and
    /// which `cargo test`, clippy and rustfmt check like any workspace member.
    #[test]
    fn the_scaffold_is_the_committed_fixture() {
        let root = crate::root();
        let dir = std::env::temp_dir().join(format!("bilan-scaffold-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        scaffold(&dir, "bilan-plugin-scaffolded").expect("scaffold");
        assert!(
            scaffold(&dir, "bilan-plugin-scaffolded").is_err(),
            "an existing directory is refused"
        );
        for file in ["Cargo.toml", "src/lib.rs", "README.md"] {
            let made = std::fs::read_to_string(dir.join(file)).expect("generated");
            let committed =
                std::fs::read_to_string(root.join("tests/fixtures/scaffold").join(file))
                    .expect("committed");
            assert!(
                made == committed,
                "tests/fixtures/scaffold/{file} differs from what `cargo xtask new-plugin` writes; regenerate it: rm -r tests/fixtures/scaffold && cargo xtask new-plugin bilan-plugin-scaffolded --dir tests/fixtures/scaffold"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
