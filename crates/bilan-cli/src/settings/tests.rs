use std::collections::HashMap;

use super::*;
use crate::args::{Cli, Command};
use clap::Parser as _;

/// A scratch folder holding `bilan/config.toml` with `text`, as `XDG_CONFIG_HOME`; removed
/// when it is dropped.
fn config_home(name: &str, text: &str) -> tempfile::TempDir {
    let home = tempfile::Builder::new()
        .prefix(&format!("bilan-settings-{name}-"))
        .tempdir()
        .expect("temp dir");
    std::fs::create_dir_all(home.path().join("bilan")).expect("temp dir");
    std::fs::write(home.path().join("bilan/config.toml"), text).expect("write");
    home
}

fn load(vars: &[(&str, &str)]) -> Result<Settings, Failure> {
    let vars: HashMap<String, OsString> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
        .collect();
    Settings::load(&|name| vars.get(name).cloned())
}

fn common(args: &[&str]) -> Common {
    let mut argv = vec!["bilan", "compare", "x.toml"];
    argv.extend(args);
    match Cli::try_parse_from(argv).expect("parses").command {
        Command::Compare(cmd) => cmd.common,
        _ => unreachable!("compare"),
    }
}

#[test]
fn the_file_gives_defaults_under_the_command_line_and_is_stamped() {
    let home = config_home(
        "file",
        "methods = [\"sci\"]\nfactors = [\"site.toml\"]\nmethodologies = [\"/m\"]\nlang = \"fr\"\n",
    );
    let home_text = home.path().display().to_string();
    let settings = load(&[("XDG_CONFIG_HOME", &home_text)]).expect("loads");
    let mut plain = common(&["--factors", "mine.toml"]);
    settings.apply(&mut plain);
    let mut lang = None;
    settings.apply_lang(&mut lang, &mut plain.settings);
    assert_eq!(lang, Some(LangArg(Lang::Fr)));
    let mut given = Some(LangArg(Lang::En));
    let mut stamped = Vec::new();
    settings.apply_lang(&mut given, &mut stamped);
    assert_eq!(given, Some(LangArg(Lang::En)), "--lang wins");
    assert!(stamped.is_empty(), "a setting not applied is not stamped");
    assert_eq!(plain.methods, ["sci"]);
    assert_eq!(
        plain.factors,
        [
            home.path().join("bilan/site.toml"),
            PathBuf::from("mine.toml")
        ],
        "the configuration's files first: the command line's win"
    );
    assert_eq!(plain.sources.methodology_dirs, [PathBuf::from("/m")]);
    let names: Vec<(&str, &str)> = plain
        .settings
        .iter()
        .map(|s| (s.name.as_str(), s.value.as_str()))
        .collect();
    assert_eq!(names[0], ("methods", "sci"));
    assert_eq!(names[3], ("lang", "fr"));
    assert!(
        plain
            .settings
            .iter()
            .all(|s| s.from.ends_with("bilan/config.toml"))
    );
    // A method named on the command line replaces the configured ones, and is not stamped.
    let mut named = common(&["-m", "ademe-lca"]);
    settings.apply(&mut named);
    assert_eq!(named.methods, ["ademe-lca"]);
    assert!(named.settings.iter().all(|s| s.name != "methods"));
}

#[test]
fn the_environment_wins_over_the_file() {
    let home = config_home("env", "methods = [\"sci\"]\n");
    let home_text = home.path().display().to_string();
    let settings = load(&[
        ("XDG_CONFIG_HOME", &home_text),
        ("BILAN_METHODS", "ademe-lca, ghg-protocol"),
    ])
    .expect("loads");
    let mut c = common(&[]);
    settings.apply(&mut c);
    assert_eq!(c.methods, ["ademe-lca", "ghg-protocol"]);
    assert_eq!(c.settings[0].from, "BILAN_METHODS");
}

#[test]
fn home_is_the_fallback_and_nothing_is_read_without_either() {
    // $HOME/.config/bilan/config.toml: point HOME at a folder whose .config is a config home.
    let parent = tempfile::Builder::new()
        .prefix("bilan-settings-home-")
        .tempdir()
        .expect("temp dir");
    let home = config_home("home", "methods = [\"sci\"]\n");
    std::fs::rename(home.path(), parent.path().join(".config")).expect("move");
    let parent_text = parent.path().display().to_string();
    let settings = load(&[("HOME", &parent_text)]).expect("loads");
    assert!(settings.methods.is_some());
    assert!(load(&[]).expect("loads").methods.is_none());
}

#[test]
fn plugins_unknown_keys_and_languages_are_refused() {
    for (name, text, expected) in [
        (
            "plugin",
            "[[plugin]]\npath = \"x.so\"\n",
            "only from --plugin",
        ),
        ("unknown", "method = [\"sci\"]\n", "unknown key `method`"),
        ("lang", "lang = \"xx\"\n", "not a report language"),
    ] {
        let home = config_home(name, text);
        let home_text = home.path().display().to_string();
        let err = match load(&[("XDG_CONFIG_HOME", &home_text)]) {
            Err(Failure::Usage(e)) => e.to_string(),
            Err(Failure::Input(e)) => e.to_string(),
            other => panic!("{name}: {other:?}"),
        };
        assert!(err.contains(expected), "{name}: {err}");
        assert!(
            err.contains("config.toml"),
            "{name}: the file is named: {err}"
        );
    }
    assert!(matches!(
        load(&[("BILAN_LANG", "xx")]),
        Err(Failure::Usage(_))
    ));
}
