//! The columnar path: metered telemetry summed by a DataFusion plan over Arrow, on this
//! machine or on a Ballista cluster, into the same aggregates as the row-checked reader of
//! `bilan-telemetry`, then assessed by every method as the workloads they are.
//!
//! What runs where:
//!
//! - **In the plan** (on this machine's cores, or on a cluster's executors): reading the
//!   file, the per-row arithmetic (a row's start and end, its value × its interval for a
//!   power, its share of each hour it covers, its fleet and its day or month), the checks
//!   a plan can make without the rows' order (missing, negative or out-of-range values,
//!   unknown fleets, a device's overlapping or repeated intervals, found by a window over
//!   each device's rows in time order), and the trail's aggregates as group-bys: energy by
//!   fleet × day (or month) × hour × unit, and rows, devices and gaps by fleet × day.
//! - **On the client**: the units, converted once per distinct unit by the same function
//!   as the row-checked reader ([`bilan_telemetry::unit_factor`]); the aggregates made
//!   workloads by the same function ([`bilan_telemetry::workloads`]); and every method, which
//!   reads those workloads as it reads any other, so its arithmetic is written once. A
//!   plan's few hundred aggregates are all a method needs: a year of hourly rows of a
//!   1,141-device fleet is about 10⁷ rows and 365 workloads.
//!
//! Sums are exact: each part is rounded to 10⁻³⁶ of its unit and summed as a 256-bit
//! decimal, so the aggregates do not depend on how the rows were partitioned. One machine
//! and a cluster give the same bits; the row-checked reader, which sums in `f64` in the
//! file's order, agrees within 10⁻¹² (relative).
//!
//! A file with a problem is read again by the row-checked reader, which names each problem
//! with its row: the plan only finds that there is one. A file the plan refuses and that
//! reader accepts is an error saying that the engines disagree.

pub mod cluster;
mod plan;
mod results;

use std::path::Path;

use bilan_core::inventory::{Fleet, Telemetry, Workload};
use bilan_telemetry::Problem;
use datafusion::prelude::SessionContext;

pub use plan::Plan;

/// Where the plan runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Engine {
    /// DataFusion on this machine, on every core.
    Local,
    /// A Ballista cluster: its scheduler's address, `df://host:port`. Its executors read
    /// the telemetry files at the same absolute paths as this machine.
    Ballista(String),
}

impl Engine {
    /// How reports name it.
    pub fn describe(&self) -> String {
        match self {
            Engine::Local => "DataFusion on this machine".to_owned(),
            Engine::Ballista(url) => format!("Ballista cluster {url}"),
        }
    }
}

/// The workloads of `telemetry`, read from `path` by a plan that `engine` runs: the same
/// workloads as [`bilan_telemetry::read`] makes, but for the order of their provenance's
/// rows, which a plan does not keep.
pub fn read(
    engine: &Engine,
    path: &Path,
    telemetry: &Telemetry,
    fleets: &[Fleet],
) -> Result<Vec<Workload>, Vec<Problem>> {
    // Planning recurses deeply (an unoptimised build overflows a default thread's stack):
    // the plan is driven from a thread of its own, on a runtime whose threads are as large.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("bilan-scale".to_owned())
            .stack_size(STACK)
            .spawn_scoped(scope, || {
                runtime()?.block_on(read_async(engine, path, telemetry, fleets))
            })
            .map_err(|e| {
                vec![Problem::file(format!(
                    "cannot start the plan's thread: {e}"
                ))]
            })?
            .join()
            .unwrap_or_else(|_| Err(vec![Problem::file("the columnar plan's thread panicked")]))
    })
}

/// The stack of the threads that plan and run a query.
pub(crate) const STACK: usize = 64 * 1024 * 1024;

/// A runtime whose threads have [`STACK`].
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Vec<Problem>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(STACK)
        .build()
        .map_err(|e| {
            vec![Problem::file(format!(
                "cannot start the plan's runtime: {e}"
            ))]
        })
}

/// [`read`], inside a Tokio runtime.
pub async fn read_async(
    engine: &Engine,
    path: &Path,
    telemetry: &Telemetry,
    fleets: &[Fleet],
) -> Result<Vec<Workload>, Vec<Problem>> {
    let plan = match Plan::new(path, telemetry, fleets) {
        Ok(plan) => plan,
        // What a plan cannot read, the row-checked reader says best.
        Err(problems) => return per_row(path, telemetry, fleets, problems),
    };
    let ctx = context(engine).await?;
    let failed = |e: datafusion::error::DataFusionError| {
        vec![Problem::file(format!(
            "the columnar plan on {} failed: {e}",
            engine.describe()
        ))]
    };
    plan.register(&ctx).await.map_err(failed)?;
    let summary = ctx
        .sql(&plan.summary_sql())
        .await
        .map_err(failed)?
        .collect()
        .await;
    let summary = match summary {
        Ok(batches) => results::summary(&batches)?,
        // A value the plan cannot convert (a timestamp that is not one): the rows say which.
        Err(e) => return per_row(path, telemetry, fleets, failed(e)),
    };
    if let Some(found) = summary.problems() {
        return per_row(path, telemetry, fleets, vec![Problem::file(found)]);
    }
    if summary.is_empty() {
        return per_row(
            path,
            telemetry,
            fleets,
            vec![Problem::file("the columnar plan read no rows")],
        );
    }
    let hours = ctx
        .sql(&plan.hours_sql())
        .await
        .map_err(failed)?
        .collect()
        .await
        .map_err(failed)?;
    let sums = match results::sums(telemetry, &summary, &hours, plan.power())? {
        Ok(sums) => sums,
        Err(unit) => return per_row(path, telemetry, fleets, vec![Problem::file(unit)]),
    };
    Ok(bilan_telemetry::workloads(telemetry, fleets, sums))
}

/// A session on `engine`.
async fn context(engine: &Engine) -> Result<SessionContext, Vec<Problem>> {
    match engine {
        Engine::Local => Ok(SessionContext::new()),
        Engine::Ballista(url) => {
            use ballista::prelude::SessionContextExt as _;
            SessionContext::remote(url).await.map_err(|e| {
                vec![Problem::file(format!(
                    "cannot reach the Ballista scheduler at {url}: {e}"
                ))]
            })
        }
    }
}

/// The row-checked reader's problems with `path`, each with its row; if that reader finds
/// none, what the plan found, said as a disagreement of the engines (never a figure from
/// either).
fn per_row(
    path: &Path,
    telemetry: &Telemetry,
    fleets: &[Fleet],
    found: Vec<Problem>,
) -> Result<Vec<Workload>, Vec<Problem>> {
    match bilan_telemetry::read(path, telemetry, fleets) {
        Err(problems) => Err(problems),
        Ok(_) => Err(found
            .into_iter()
            .map(|p| Problem {
                row: p.row,
                message: format!(
                    "{}; the row-checked reader finds no problem with the file, so the engines disagree on it: use `--engine rows`",
                    p.message
                ),
            })
            .collect()),
    }
}
