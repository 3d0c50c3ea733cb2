//! `cargo xtask fuzz [--minutes N] [--seed S] [--cases N] [--no-probe]`: builds the fuzz
//! driver (`tests/fuzz`, crate `bilan-fuzz`) in release and runs it; fails when anything is
//! found. Findings go to `target/fuzz/findings/<class>-<hash>.toml` with a `.args` file
//! beside each that says how to replay it.

use anyhow::bail;

/// Flags passed through to `bilan-fuzz`, each with a value.
const VALUE_FLAGS: [&str; 6] = [
    "--minutes",
    "--seed",
    "--cases",
    "--timeout-s",
    "--probe-n",
    "--findings",
];

/// The `bilan-fuzz` command line for `args`; refuses anything else.
pub(crate) fn driver_args(args: &[&str]) -> anyhow::Result<Vec<String>> {
    let mut out = vec!["run".to_owned()];
    let mut it = args.iter();
    while let Some(&a) = it.next() {
        if VALUE_FLAGS.contains(&a) {
            let Some(v) = it.next() else {
                bail!("{a} needs a value")
            };
            out.push(a.to_owned());
            out.push((*v).to_owned());
        } else if a == "--no-probe" {
            out.push(a.to_owned());
        } else {
            bail!(
                "unknown fuzz option `{a}` (usage: cargo xtask fuzz [--minutes N] [--seed S] [--cases N] [--timeout-s S] [--probe-n N] [--no-probe] [--findings DIR])"
            );
        }
    }
    if !out.iter().any(|a| a == "--minutes" || a == "--cases") {
        out.extend(["--minutes".to_owned(), "5".to_owned()]);
    }
    Ok(out)
}

pub(crate) fn run(args: &[&str]) -> anyhow::Result<()> {
    let driver = driver_args(args)?;
    let mut cargo_args = vec!["run", "--release", "-p", "bilan-fuzz", "--"];
    cargo_args.extend(driver.iter().map(String::as_str));
    crate::cargo(&cargo_args).map_err(|e| anyhow::anyhow!("fuzz found problems or failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::driver_args;

    #[test]
    fn passes_known_flags_and_defaults_to_five_minutes() {
        assert_eq!(
            driver_args(&["--seed", "7"]).expect("ok"),
            ["run", "--seed", "7", "--minutes", "5"]
        );
        assert_eq!(
            driver_args(&["--minutes", "30", "--no-probe"]).expect("ok"),
            ["run", "--minutes", "30", "--no-probe"]
        );
        assert!(driver_args(&["--bogus"]).is_err());
        assert!(driver_args(&["--seed"]).is_err());
    }
}
