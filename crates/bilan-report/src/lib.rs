//! Rendering bilan results for people (tables) and machines (JSON).
//!
//! Pure formatting, no computation beyond sums of what methods returned. Ordering and number
//! formatting are deterministic so snapshot tests of reports are stable: indicators, stages
//! and phases in their declared order, everything else sorted.

pub mod assess;
pub mod compare;
pub mod explain;
mod html;
pub mod number;

pub use number::{amount, count, significant};
pub mod table;
