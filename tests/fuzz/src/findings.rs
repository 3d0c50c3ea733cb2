//! Findings on disk: `<class>-<hash>.toml` (the mutated file, byte for byte) and
//! `<class>-<hash>.args` (how to reproduce it). One pair per distinct signature, so a bug
//! found a thousand times is one pair of files.

use std::fmt::Write as _;
use std::path::Path;

use crate::case::Case;
use crate::classify::{Class, Flag};

/// FNV-1a, 64 bits: a stable hash for file names.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What makes two findings the same bug: the class, the role of the file, the command and
/// the detail with its numbers taken out (byte offsets, lines, counts).
pub fn signature(class: Class, case: &Case, flag_args: &[String], detail: &str) -> u64 {
    let command = flag_args.get(1..3).map(|a| a.join(" ")).unwrap_or_default();
    let detail: String = detail
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .take(160)
        .collect();
    fnv(format!(
        "{}|{}|{}|{}",
        class.name(),
        case.base.role.name(),
        command,
        detail
    )
    .as_bytes())
}

/// Writes the finding unless one with the same signature exists; returns the file name
/// (without extension) either way.
pub fn write(dir: &Path, case: &Case, flag: &Flag) -> std::io::Result<String> {
    let sig = signature(flag.class, case, &flag.args, &flag.detail);
    let stem = format!("{}-{sig:016x}", flag.class.name());
    std::fs::create_dir_all(dir)?;
    let args_path = dir.join(format!("{stem}.args"));
    if args_path.exists() {
        return Ok(stem);
    }
    std::fs::write(dir.join(format!("{stem}.toml")), &case.data)?;
    let mut text = String::new();
    let _ = writeln!(text, "class: {}", flag.class.name());
    let _ = writeln!(text, "detail: {}", flag.detail);
    let _ = writeln!(text, "seed: {}  case: {}", case.seed, case.index);
    let _ = writeln!(
        text,
        "file: {stem}.toml is the mutated {} (from {})",
        case.base.role.name(),
        case.base.name
    );
    if case.base.role != crate::corpus::Role::Inventory {
        let _ = writeln!(text, "inventory: {} (unmodified)", case.inventory.name);
    }
    for m in &case.mutations {
        let _ = writeln!(text, "mutation: {m}");
    }
    let _ = writeln!(text, "command: {}", flag.args.join(" "));
    let _ = writeln!(
        text,
        "reproduce: cargo run --release -p bilan-fuzz -- replay --seed {} --case {}{}",
        case.seed,
        case.index,
        if case.test_sizes { " --test-sizes" } else { "" }
    );
    std::fs::write(&args_path, text)?;
    Ok(stem)
}
