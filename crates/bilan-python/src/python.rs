//! The `bilan._native` extension module: [`run`](crate::run) for Python, without the
//! global interpreter lock while bilan works.

use pyo3::prelude::*;

/// Runs `bilan ARGS` in process; returns (exit code, stdout, stderr).
#[pyfunction]
fn run(py: Python<'_>, args: Vec<String>) -> (u8, String, String) {
    py.detach(|| crate::run(&args))
}

#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
