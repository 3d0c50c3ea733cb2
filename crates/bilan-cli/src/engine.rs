//! `--engine`: how metered telemetry is summed. `rows` is the row-checked reader of
//! `bilan-telemetry`; `datafusion` and `ballista` the columnar path of `bilan-scale`, built
//! with the `scale` feature. On the columnar path a compiled plugin is not run: it cannot run
//! inside the plan, so it is reported as not applicable, with that reason, never as a figure.

use std::sync::Arc;

use bilan_core::inventory::Inventory;
use bilan_report::assess::SettingStamp;
use bilan_runner::Origin;

use crate::args::{Common, EngineArg};
use crate::catalogue::{Entry, Failing};
use crate::errors::Failure;

/// How a method's error begins when the method is not applicable on the columnar path.
const NOT_APPLICABLE: &str = "not applicable on the columnar path: ";

/// The engine `common` asks for, with the reader of telemetry files it stands for.
pub(crate) struct Engine {
    /// `None`: the row-checked reader.
    #[cfg(feature = "scale")]
    columnar: Option<bilan_scale::Engine>,
}

impl Engine {
    pub(crate) fn of(common: &Common) -> Result<Engine, Failure> {
        if common.ballista.is_some() && common.engine != EngineArg::Ballista {
            return Err(usage(
                "--ballista names the scheduler of `--engine ballista`",
            ));
        }
        if common.engine == EngineArg::Rows {
            return Ok(Engine {
                #[cfg(feature = "scale")]
                columnar: None,
            });
        }
        columnar(common)
    }

    /// Whether telemetry is summed by a columnar plan.
    pub(crate) fn is_columnar(&self) -> bool {
        #[cfg(feature = "scale")]
        return self.columnar.is_some();
        #[cfg(not(feature = "scale"))]
        false
    }

    /// Reads `file` as an inventory, its telemetry summed by this engine; `beside` runs on
    /// each telemetry file's path on the other core while the file is read (the stamp's
    /// hash of it, which then costs no time of its own).
    pub(crate) fn load(
        &self,
        file: &bilan_io::SourceFile,
        beside: &(dyn Fn(&std::path::Path) + Sync),
    ) -> Result<Inventory, bilan_io::FileErrors> {
        #[cfg(feature = "scale")]
        if let Some(engine) = &self.columnar {
            return bilan_io::load_inventory_with(file, &|path, telemetry, fleets| {
                rayon::join(
                    || bilan_scale::read(engine, path, telemetry, fleets),
                    || beside(path),
                )
                .0
            });
        }
        bilan_io::load_inventory_with(file, &|path, telemetry, fleets| {
            rayon::join(
                || bilan_telemetry::read(path, telemetry, fleets),
                || beside(path),
            )
            .0
        })
    }

    /// The engine as a setting of the stamp, when it is not the default and the inventory
    /// has telemetry for it to sum.
    pub(crate) fn stamp(&self, inventory: &Inventory) -> Option<SettingStamp> {
        #[cfg(feature = "scale")]
        if let Some(engine) = &self.columnar
            && !inventory.telemetry.is_empty()
        {
            let value = match engine {
                bilan_scale::Engine::Local => "datafusion".to_owned(),
                bilan_scale::Engine::Ballista(url) => format!("ballista {url}"),
            };
            return Some(SettingStamp {
                name: "engine".to_owned(),
                value,
                from: "--engine".to_owned(),
            });
        }
        let _ = inventory;
        None
    }

    /// `methods`, with each compiled plugin made not applicable when telemetry is summed by
    /// a columnar plan; and the ids of those made so, whose errors are warnings, not failures
    /// of the run.
    pub(crate) fn methods(
        &self,
        inventory: &Inventory,
        methods: Vec<Entry>,
    ) -> (Vec<Entry>, Vec<String>) {
        if !self.is_columnar() || inventory.telemetry.is_empty() {
            return (methods, Vec::new());
        }
        let not_applicable = methods
            .iter()
            .filter(|e| matches!(e.origin, Origin::Plugin { .. }))
            .map(|e| e.method.descriptor().id.clone())
            .collect();
        let methods = methods
            .into_iter()
            .map(|entry| match entry.origin {
                Origin::Plugin { .. } => Entry {
                    method: Arc::new(Failing {
                        descriptor: entry.method.descriptor().clone(),
                        error: format!(
                            "{NOT_APPLICABLE}a compiled plugin cannot run inside the DataFusion plan that sums the telemetry (its arithmetic is machine code the plan cannot hold), so it is not given the plan's aggregates; run it with `--engine rows`"
                        ),
                    }),
                    origin: entry.origin,
                },
                _ => entry,
            })
            .collect();
        (methods, not_applicable)
    }
}

#[cfg(feature = "scale")]
fn columnar(common: &Common) -> Result<Engine, Failure> {
    let engine = match (common.engine, &common.ballista) {
        (EngineArg::Ballista, Some(url)) => bilan_scale::Engine::Ballista(url.clone()),
        (EngineArg::Ballista, None) => {
            return Err(usage(
                "--engine ballista needs the scheduler's address: --ballista df://HOST:PORT",
            ));
        }
        _ => bilan_scale::Engine::Local,
    };
    Ok(Engine {
        columnar: Some(engine),
    })
}

#[cfg(not(feature = "scale"))]
fn columnar(common: &Common) -> Result<Engine, Failure> {
    let name = match common.engine {
        EngineArg::Ballista => "ballista",
        _ => "datafusion",
    };
    Err(usage(&format!(
        "--engine {name}: this bilan was built without the columnar path; install it with `cargo install --locked --path crates/bilan-cli --features scale` (docs/scale.md)"
    )))
}

fn usage(message: &str) -> Failure {
    Failure::Usage(anyhow::anyhow!("{message}"))
}
