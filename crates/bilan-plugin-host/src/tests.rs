use super::*;

/// A file named `name` holding `contents`, in a scratch directory removed when the returned
/// guard is dropped: (guard, path).
fn temp_file(name: &str, contents: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("bilan-host-")
        .tempdir()
        .expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("write");
    (dir, path)
}

#[test]
fn api_compatibility_is_a_caret_requirement_on_the_plugins_api() {
    let ok = |p: &str, h: &str| api_compatible(p, h).expect("semver");
    assert!(ok("0.1.0", "0.1.0"));
    assert!(ok("0.1.0", "0.1.7"), "a patch release of the host is fine");
    assert!(!ok("0.1.5", "0.1.0"), "the plugin may use what 0.1.5 added");
    assert!(!ok("0.2.0", "0.1.0"), "below 1.0 a minor version breaks");
    assert!(!ok("0.1.0", "0.2.0"));
    assert!(ok("1.2.0", "1.4.1"));
    assert!(!ok("1.0.0", "2.0.0"));
    assert!(!ok("9.0.0", "0.1.0"));
    assert!(ok("0.1.0-nightly", "0.1.0"), "pre-release tags are ignored");
    assert!(api_compatible("zero", "0.1.0").is_err());
}

#[test]
fn a_missing_file_is_a_read_error_naming_it() {
    let e = load(Path::new("/nonexistent/libnothing.so"), None).expect_err("no file");
    assert!(matches!(e, LoadError::Read { .. }), "{e:?}");
    assert!(e.to_string().contains("/nonexistent/libnothing.so"), "{e}");
}

#[test]
fn a_text_file_is_not_a_library() {
    let (_dir, path) = temp_file("not-a-library.so", b"this is plain text, not ELF\n");
    let e = load(&path, None).expect_err("not a library");
    let text = e.to_string();
    assert!(matches!(e, LoadError::NotALibrary { .. }), "{e:?}");
    assert!(text.contains("not-a-library.so") && text.contains("is not a loadable library"));
}

#[test]
fn a_pin_is_checked_before_loading() {
    let contents = b"not a library either";
    let (_dir, path) = temp_file("pinned.so", contents);
    let actual = sha256_hex(contents);
    // The right pin gets past the hash, to the loader (which refuses the text file).
    let e = load(&path, Some(&actual.to_uppercase())).expect_err("not a library");
    assert!(matches!(e, LoadError::NotALibrary { .. }), "{e:?}");
    // A wrong pin stops before loading.
    let wrong = "0".repeat(64);
    let e = load(&path, Some(&wrong)).expect_err("pin mismatch");
    assert_eq!(
        e,
        LoadError::PinMismatch {
            path: path.display().to_string(),
            pinned: wrong.clone(),
            found: actual.clone(),
        }
    );
    assert!(
        e.to_string()
            .contains(&format!("pinned {wrong}, found {actual}")),
        "{e}"
    );
    let e = load(&path, Some("abc")).expect_err("bad pin");
    assert!(matches!(e, LoadError::BadPin { .. }), "{e:?}");
    assert_eq!(sha256_file(&path).expect("hash"), actual);
}

#[test]
fn a_buffer_with_impossible_parts_is_refused_without_reading() {
    extern "C" fn never(_: RawBuf) {
        panic!("an invalid buffer must not be freed");
    }
    extern "C" fn manifest(_: *mut RawBuf) -> u32 {
        0
    }
    extern "C" fn invoke(_: RawSlice, _: RawSlice, _: *mut RawBuf) -> u32 {
        0
    }
    let table = PluginVTable {
        abi_version: ABI_VERSION,
        manifest,
        invoke,
        free_buf: never,
    };
    let mut byte = 0u8;
    let buf = RawBuf {
        ptr: &mut byte,
        len: 10,
        cap: 1,
    };
    assert!(take(&table, buf).is_err());
    let null = RawBuf {
        ptr: std::ptr::null_mut(),
        len: 3,
        cap: 3,
    };
    assert!(take(&table, null).is_err());
    assert_eq!(take(&table, RawBuf::EMPTY), Ok(Vec::new()));
}

#[test]
fn what_is_not_a_regular_file_is_refused_before_it_is_read() {
    // `/dev/zero` never ends: reading it whole grew to gigabytes before this check.
    let dir = std::env::temp_dir();
    for path in [Path::new("/dev/zero"), dir.as_path()] {
        let e = load(path, None).expect_err("not a regular file");
        assert!(matches!(e, LoadError::Read { .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains(&path.display().to_string()) && text.contains("not a regular file"),
            "{text}"
        );
        let e = sha256_file(path).expect_err("not a regular file");
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(inspect(path).is_err());
    }
}

#[test]
fn a_streamed_hash_is_the_hash_of_the_whole_file() {
    let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (_dir, path) = temp_file("streamed.bin", &contents);
    assert_eq!(sha256_file(&path).expect("hash"), sha256_hex(&contents));
}
