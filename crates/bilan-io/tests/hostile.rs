//! Hostile and careless files: the readers never overflow the stack, never take more than
//! linear time, never echo megabytes, and read only regular UTF-8 files.

use std::time::{Duration, Instant};

use bilan_io::{FileErrors, MAX_DEPTH, SourceFile, load_inventory};

const HEAD: &str = "schema = 1\n[system]\nname = \"t\"\norganisation = \"o\"\nperiod = { start = 2025-01-01, end = 2025-12-31 }\n";

fn toml(text: String) -> SourceFile {
    SourceFile {
        name: "inventory.toml".into(),
        text,
    }
}

fn errors(file: &SourceFile) -> FileErrors {
    load_inventory(file).expect_err("refused")
}

/// The one error of a refused file, as displayed.
fn one_error(file: &SourceFile) -> String {
    let e = errors(file);
    assert_eq!(e.errors.len(), 1, "{e:?}");
    e.errors[0].to_string()
}

/// Runs `f` on a thread with a small stack, as rayon's and test threads have: a reader
/// that recursed once per level of nesting would overflow it.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic, no overflow")
}

/// `a.a.….a = { a.a.….a = { … z = 1 … } }`: `levels` inline tables, each under a key of
/// `parts` parts. The TOML parser bounds each of the two, not their product.
fn nested_inline(levels: usize, parts: usize) -> String {
    let key = vec!["a"; parts].join(".");
    let mut s = String::new();
    for _ in 0..levels {
        s.push_str(&key);
        s.push_str(" = { ");
    }
    s.push_str("z = 1");
    s.push_str(&" }".repeat(levels));
    s
}

#[test]
fn deep_nesting_is_refused_with_its_line_not_a_stack_overflow() {
    let cases: Vec<(&str, String)> = vec![
        (
            "dotted key",
            format!("{HEAD}{} = 1\n", vec!["a"; 100_000].join(".")),
        ),
        (
            "table header",
            format!("{HEAD}[{}]\nx = 1\n", vec!["a"; 100_000].join(".")),
        ),
        (
            "arrays",
            format!(
                "{HEAD}x = {}1{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        ),
        (
            "inline tables",
            format!(
                "{HEAD}x = {}1{}\n",
                "{a=".repeat(100_000),
                "}".repeat(100_000)
            ),
        ),
        (
            "inline tables under long keys",
            format!("{HEAD}x = {{ {} }}\n", nested_inline(70, 70)),
        ),
        (
            "under a known table",
            format!(
                "{HEAD}[[site]]\nid = \"dc\"\nregion = \"FR\"\nownership = \"owned\"\nextra = {{ {} }}\n",
                nested_inline(40, 40)
            ),
        ),
        (
            "just over the limit",
            format!("{HEAD}{} = 1\n", vec!["a"; MAX_DEPTH + 1].join(".")),
        ),
    ];
    for (what, text) in cases {
        let line = if what == "under a known table" { 10 } else { 6 };
        let e = small_stack(move || one_error(&toml(text)));
        assert!(
            e.starts_with(&format!("inventory.toml:{line}: ")),
            "{what}: {e:.300}"
        );
        assert!(
            e.contains(&format!("at most {MAX_DEPTH} levels")),
            "{what}: {e:.300}"
        );
        assert!(e.len() < 400, "{what}: {} bytes", e.len());
    }
}

#[test]
fn nesting_up_to_the_limit_is_read() {
    // `system` is level 1, `x` level 2, and its innermost value level MAX_DEPTH: read (and
    // refused as an unknown key); one level more is refused as too deep.
    let nested = |n: usize| format!("{HEAD}x = {}1{}\n", "[".repeat(n), "]".repeat(n));
    let text = nested(MAX_DEPTH - 2);
    let e = small_stack(move || one_error(&toml(text)));
    assert_eq!(e, "inventory.toml:6: system.x: unknown key `x`");
    let text = nested(MAX_DEPTH - 1);
    let e = small_stack(move || one_error(&toml(text)));
    assert!(e.contains("nested more than"), "{e}");
}

#[test]
fn deep_json_is_refused_with_its_line() {
    for open in ["[", "{\"a\":"] {
        let close = if open == "[" { "]" } else { "}" };
        let text = format!(
            "{{\"schema\": 1,\n\"x\": {}1{}}}",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        let file = SourceFile {
            name: "inventory.json".into(),
            text,
        };
        let e = small_stack(move || one_error(&file));
        assert!(e.starts_with("inventory.json:2: "), "{e:.300}");
        assert!(
            e.contains(&format!("at most {MAX_DEPTH} levels")),
            "{e:.300}"
        );
    }
}

fn broken_inventory(n: usize) -> SourceFile {
    let mut s = format!("{HEAD}[[site]]\nid = \"dc\"\nregion = \"FR\"\nownership = \"owned\"\n");
    for i in 0..n {
        s.push_str(&format!(
            "\n[[workload]]\nid = \"w{i}\"\nphase = \"training\"\nsite = \"dc\"\nfleet = \"nope\"\nenergy = \"1 kWh\"\n"
        ));
    }
    toml(s)
}

fn time_errors(file: &SourceFile, expected: usize) -> Duration {
    let start = Instant::now();
    let e = errors(file);
    let took = start.elapsed();
    assert_eq!(e.errors.len(), expected);
    took
}

#[test]
fn many_problems_are_located_in_linear_time() {
    // Each problem used to re-parse the whole file and copy its text: 4,000 dangling
    // references took over a minute. Ten times the items must take about ten times as
    // long, not a hundred.
    let small = broken_inventory(1_000);
    let large = broken_inventory(10_000);
    let t_small = time_errors(&small, 1_000);
    let t_large = time_errors(&large, 10_000);
    assert!(
        t_large < t_small * 40 + Duration::from_secs(2),
        "1,000 problems: {t_small:?}; 10,000: {t_large:?}"
    );
    let e = errors(&large);
    let first = e.errors[0].to_string();
    assert!(
        first.starts_with("inventory.toml:15: workload[0].fleet: "),
        "{first}"
    );
    let last = e.errors[9_999].to_string();
    assert!(
        last.starts_with(&format!(
            "inventory.toml:{}: workload[9999].fleet: ",
            15 + 9_999 * 7
        )),
        "{last}"
    );
}

#[test]
#[ignore = "timing report: cargo test -p bilan-io --release --test hostile -- --ignored --nocapture"]
fn report_timings() {
    for n in [4_000, 40_000] {
        let file = broken_inventory(n);
        let took = time_errors(&file, n);
        eprintln!("{n} dangling fleet references: {took:?}");
    }
}

#[test]
fn echoed_values_are_clipped() {
    let long = "x".repeat(5_000_000);
    let cases = [
        format!(
            "{HEAD}[[site]]\nid = \"dc\"\nregion = \"FR\"\nownership = \"owned\"\npue = 1.2\nwue = \"1 {long}\"\n"
        ),
        format!("{HEAD}{long} = 1\n"),
        format!("{HEAD}[[site]]\nid = \"dc\"\nregion = \"FR\"\nownership = \"{long}\"\n"),
    ];
    for text in cases {
        let e = errors(&toml(text));
        let shown: usize = e.errors.iter().map(|x| x.to_string().len()).sum();
        assert!(shown < 1_000, "{shown} bytes: {:.300}", e.errors[0]);
        assert!(e.errors[0].to_string().contains('…'), "{}", e.errors[0]);
    }
}

#[test]
fn only_regular_files_are_read() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-io-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let e = SourceFile::read(&dir).expect_err("a directory").to_string();
    assert!(e.contains("is not a regular file"), "{e}");
    assert!(e.contains("a directory"), "{e}");
    assert!(e.starts_with(&dir.display().to_string()), "{e}");
    let zero = std::path::Path::new("/dev/zero");
    if zero.exists() {
        let e = SourceFile::read(zero).expect_err("a device").to_string();
        assert_eq!(
            e,
            "/dev/zero: a character device is not a regular file; bilan reads its files only from regular files"
        );
    }
    let fifo = dir.join("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        // Opening a pipe with no writer would block: it must be refused before.
        let e = SourceFile::read(&fifo).expect_err("a pipe").to_string();
        assert!(
            e.contains("a named pipe (FIFO) is not a regular file"),
            "{e}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_utf8_is_located() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bilan-io-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("inventory.toml");
    std::fs::write(&path, b"schema = 1\n[system]\nname = \"caf\xe9\"\n").expect("written");
    let e = SourceFile::read(&path).expect_err("not UTF-8");
    assert_eq!(e.errors[0].line, Some(3));
    let text = e.to_string();
    assert!(
        text.ends_with(
            "inventory.toml:3: invalid UTF-8 at byte offset 31 (byte 12 of the line: 0xe9); bilan reads UTF-8 text"
        ),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deep_nesting_in_a_large_inventory_read_in_pieces_is_located() {
    // Large inventories are read in pieces on rayon's threads: a deep value in one of them
    // must not overflow their stacks either, and the whole-document reading says where.
    let mut file = broken_inventory(12_000);
    file.text = file.text.replace("fleet = \"nope\"\n", "");
    let at = file.text.len();
    file.text
        .push_str(&format!("extra = {{ {} }}\n", nested_inline(70, 70)));
    assert!(file.text.len() > 600_000);
    let line = file.text[..at].lines().count() + 1;
    let e = small_stack(move || one_error(&file));
    assert!(
        e.starts_with(&format!("inventory.toml:{line}: ")),
        "{e:.300}"
    );
    assert!(
        e.contains(&format!("at most {MAX_DEPTH} levels")),
        "{e:.300}"
    );
}
