//! Hostile and careless methodology files: loading is linear in their size, `extends`
//! chains of any length are resolved without recursion, and messages stay short.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bilan_core::method::Methodology;
use bilan_declarative::{MAX_EXTENDS, resolve};
use bilan_io::{FileErrors, SourceFile};

fn bases() -> Vec<Arc<dyn Methodology>> {
    vec![Arc::new(bilan_plugin_ademe::AdemeLca::default())]
}

fn head(id: &str, extends: &str) -> String {
    format!(
        "schema = 1\nid = \"{id}\"\nversion = \"1.0.0\"\nname = \"{id}\"\ndescription = \"d\"\nextends = \"{extends}\"\n"
    )
}

fn file(name: String, text: String) -> SourceFile {
    SourceFile { name, text }
}

fn refused(files: Vec<SourceFile>) -> FileErrors {
    resolve(files, &bases()).expect_err("refused")
}

/// Runs `f` on a thread with a small stack: a resolution that recursed once per file of
/// a chain would overflow it.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic, no overflow")
}

/// A file of `n` rules, each of six lines, with `reason` on the rule's sixth line
/// (line 12 + 6 × i of the file).
fn rules_file_with(n: usize, reason: &str) -> SourceFile {
    let mut text = head("many-rules", "ademe-lca@^1");
    for i in 0..n {
        text.push_str(&format!(
            "\n[[rule]]\nid = \"r{i}\"\nkind = \"exclude\"\nmatch = {{ item = \"w{i}\" }}\nreason = \"{reason}\"\n"
        ));
    }
    file("many.toml".into(), text)
}

fn rules_file(n: usize) -> SourceFile {
    rules_file_with(n, "out of scope")
}

fn time_load(file: SourceFile) -> Duration {
    let start = Instant::now();
    let loaded = resolve(vec![file], &bases()).expect("loads");
    let took = start.elapsed();
    assert_eq!(loaded.len(), 1);
    took
}

#[test]
fn a_file_of_many_rules_loads_in_linear_time() {
    // Each rule's line used to be found by parsing the whole file again: 10,000 rules took
    // 518 s. Ten times the rules must take about ten times as long.
    let t_small = time_load(rules_file(1_000));
    let t_large = time_load(rules_file(10_000));
    assert!(
        t_large < t_small * 40 + Duration::from_secs(2),
        "1,000 rules: {t_small:?}; 10,000: {t_large:?}"
    );
}

#[test]
fn many_broken_rules_are_located_in_linear_time() {
    let broken = |n: usize| rules_file_with(n, " ");
    let start = Instant::now();
    let e = refused(vec![broken(1_000)]);
    let t_small = start.elapsed();
    assert_eq!(e.errors.len(), 1_000);
    let start = Instant::now();
    let e = refused(vec![broken(10_000)]);
    let t_large = start.elapsed();
    assert_eq!(e.errors.len(), 10_000);
    assert!(
        e.errors[9_999].to_string().starts_with(&format!(
            "many.toml:{}: rule[9999].reason: ",
            12 + 6 * 9_999
        )),
        "{}",
        e.errors[9_999]
    );
    assert!(
        t_large < t_small * 40 + Duration::from_secs(2),
        "1,000 problems: {t_small:?}; 10,000: {t_large:?}"
    );
}

#[test]
#[ignore = "timing report: cargo test -p bilan-declarative --release --test hostile -- --ignored --nocapture"]
fn report_timings() {
    for n in [1_000, 10_000] {
        eprintln!("{n} rules: {:?}", time_load(rules_file(n)));
    }
}

/// Files `m0` … `m{n-1}`, each extending the one before; `m0` extends `first`.
fn chain(n: usize, first: &str) -> Vec<SourceFile> {
    (0..n)
        .map(|i| {
            let base = if i == 0 {
                first.to_owned()
            } else {
                format!("m{}@^1", i - 1)
            };
            file(format!("m{i}.toml"), head(&format!("m{i}"), &base))
        })
        .collect()
}

#[test]
fn chains_up_to_the_limit_load() {
    let loaded = small_stack(|| resolve(chain(MAX_EXTENDS, "ademe-lca@^1"), &bases()));
    assert_eq!(loaded.expect("loads").len(), MAX_EXTENDS);
}

#[test]
fn a_chain_of_thousands_of_files_stops_at_the_limit_with_a_located_error() {
    let start = Instant::now();
    let e = small_stack(|| refused(chain(3_000, "ademe-lca@^1")));
    assert!(start.elapsed() < Duration::from_secs(60));
    // Reported once, at the first file too deep; the files above it are not built.
    assert_eq!(e.errors.len(), 1, "{e:?}");
    let text = e.errors[0].to_string();
    assert_eq!(
        text,
        format!(
            "m{MAX_EXTENDS}.toml:6: extends: `extends` chain too long: `m{MAX_EXTENDS}` would stack {} methodology files on top of one another; bilan reads chains of at most {MAX_EXTENDS}",
            MAX_EXTENDS + 1
        )
    );
}

#[test]
fn a_cycle_of_thousands_of_files_is_refused_in_a_short_message() {
    let e = small_stack(|| refused(chain(3_000, "m2999@^1")));
    assert_eq!(e.errors.len(), 1, "{e:?}");
    let text = e.errors[0].to_string();
    assert!(text.contains("`extends` forms a cycle: m"), "{text}");
    assert!(text.contains("(2993 more)"), "{text}");
    assert!(text.len() < 400, "{} bytes", text.len());
}

#[test]
fn deep_nesting_in_a_methodology_file_is_located() {
    let mut text = head("deep", "ademe-lca@^1");
    text.push_str(&format!(
        "[parameters]\nx = {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    ));
    let e = small_stack(move || refused(vec![file("deep.toml".into(), text)]));
    let text = e.errors[0].to_string();
    assert!(text.starts_with("deep.toml:8: "), "{text}");
    assert!(text.contains("levels"), "{text}");
}

#[test]
fn echoed_ids_are_clipped() {
    let long = "a".repeat(1 << 20);
    let cases = [
        head(&long.to_uppercase(), "ademe-lca@^1"),
        head("x", &format!("{long}@^1")),
        head("x", &long),
        format!(
            "{}[[rule]]\nid = \"{long}\"\nkind = \"exclude\"\nreason = \"r\"\n[[rule]]\nid = \"{long}\"\nkind = \"exclude\"\nreason = \"r\"\n",
            head("x", "ademe-lca@^1")
        ),
        format!("{}[parameters]\n{long} = 1\n", head("x", "ademe-lca@^1")),
    ];
    for text in cases {
        let e = refused(vec![file("m.toml".into(), text)]);
        let shown: usize = e.errors.iter().map(|x| x.to_string().len()).sum();
        assert!(shown < 1_000, "{shown} bytes: {:.300}", e.errors[0]);
    }
}

#[test]
fn directories_and_devices_are_not_methodology_files() {
    let e = SourceFile::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect_err("a directory")
        .to_string();
    assert!(e.contains("a directory is not a regular file"), "{e}");
}
