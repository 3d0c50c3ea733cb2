//! End-to-end tests of bilan: the CLI run in process on the reference inventories.
//!
//! One test binary (matklad's "one integration test crate"); snapshots live in
//! `tests/e2e/snapshots/`. Adding a file to `examples/` adds its snapshots.

mod assess;
mod check;
mod cli;
mod compare;
mod diff;
mod disclosure;
mod embedded_series;
mod energy;
mod estimate;
mod figures;
mod french;
mod ghg;
mod grid_series;
mod hardening;
mod hardening_cli;
mod hardening_exclusions;
mod hardening_figures;
mod hourly_matching;
mod interop;
mod measure;
mod plugins;
mod report_schema;
mod sci;
mod setup;
mod support;
mod systems;
mod telemetry;
mod terminal;
mod trail;
mod uncertainty;
