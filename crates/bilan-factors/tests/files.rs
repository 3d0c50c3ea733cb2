//! User factor files (`--factors`) are read safely: only regular files, only UTF-8, and
//! nesting bounded, each refused with the file named.

use std::path::{Path, PathBuf};

fn message(path: &Path) -> String {
    bilan_factors::load(&[path])
        .expect_err("refused")
        .to_string()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-factors-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

#[test]
fn devices_and_directories_are_refused_before_reading() {
    let zero = Path::new("/dev/zero");
    if zero.exists() {
        assert_eq!(
            message(zero),
            "/dev/zero: a character device is not a regular file; bilan reads its files only from regular files"
        );
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let e = message(dir);
    assert!(e.contains("a directory is not a regular file"), "{e}");
}

#[test]
fn invalid_utf8_and_deep_nesting_are_located() {
    let path = temp("bad-utf8.toml");
    std::fs::write(&path, b"schema = 1\n# \xff\n").expect("written");
    let e = message(&path);
    assert!(
        e.contains("bad-utf8.toml:2: invalid UTF-8 at byte offset 13"),
        "{e}"
    );
    let path = temp("deep.toml");
    let deep = format!(
        "schema = 1\nx = {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(&path, deep).expect("written");
    let e = message(&path);
    assert!(e.contains("deep.toml:2: "), "{e}");
    assert!(e.contains("levels"), "{e}");
}
