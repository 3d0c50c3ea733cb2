//! End-to-end tests of the bilan binary.
