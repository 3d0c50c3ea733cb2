//! Seeded mutation fuzzing of bilan, in process, on stable Rust.
//!
//! Cases start from the corpus (the examples, the shipped methodologies and a small user
//! factor file, [`corpus`]), go through one to four mutations ([`mutate`]: byte flips,
//! truncation, line deletion and duplication, swapped values, extreme numbers, unicode,
//! invalid UTF-8, deep nesting, long strings) and run through `bilan_cli::run`: reading and
//! validation, every method and every report format ([`case`]). Each case runs on a thread
//! with a modest stack and a deadline, in a child process per batch, so a stack overflow or
//! a hang costs one case, not the run ([`driver`]). Findings are classified ([`classify`]):
//! panics, hangs, stack overflows and other crashes, non-finite figures, unlocated errors,
//! huge error output; a scaling probe times inputs of N and 10·N items ([`scaling`]).
//!
//! `cargo xtask fuzz [--minutes N] [--seed S]` runs it in release; a short seeded run is a
//! test of this crate (`tests/short_fuzz.rs`), and the invariants are proptest properties
//! (`tests/properties.rs`).

pub mod case;
pub mod classify;
pub mod corpus;
pub mod driver;
pub mod findings;
pub mod generate;
pub mod mutate;
pub mod rng;
pub mod scaling;

pub use classify::Class;
pub use driver::{Options, Summary, fuzz};
