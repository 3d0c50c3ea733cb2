//! bilan for Python. The Python package `bilan` (`python/bilan`, built with maturin from
//! `pyproject.toml`) calls [`run`] through the `bilan._native` module: the command line
//! itself, in process, with `--error-format json`, so Python gets exactly the CLI's
//! figures, reports and located errors, as plain data. The module is behind the `python`
//! feature, which maturin enables with `pyo3/extension-module`: without it this crate needs
//! no Python to build or test.

/// Runs `bilan ARGS` in process: its exit code, standard output and standard error.
pub fn run(args: &[String]) -> (u8, String, String) {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let argv = std::iter::once("bilan".to_owned()).chain(args.iter().cloned());
    let code = bilan_cli::run(argv, &mut stdout, &mut stderr);
    (
        code,
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[cfg(feature = "python")]
mod python;

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_runs_in_process_with_json_errors() {
        let (code, out, _) = super::run(&["--version".to_owned()]);
        assert_eq!(code, 0);
        assert!(out.contains("factor database"), "{out}");
        let args: Vec<String> = [
            "--no-config",
            "--error-format",
            "json",
            "validate",
            "no-such.toml",
        ]
        .map(str::to_owned)
        .to_vec();
        let (code, _, err) = super::run(&args);
        assert_eq!(code, 2);
        assert!(err.starts_with("{\"kind\":\"input\""), "{err}");
    }
}
