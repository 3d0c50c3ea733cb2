use super::*;

fn toml(text: &str) -> SourceFile {
    SourceFile {
        name: "t.toml".into(),
        text: text.into(),
    }
}

#[derive(serde::Deserialize, Debug)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
struct Doc {
    name: String,
    #[serde(default)]
    item: Vec<Item>,
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Item {
    id: String,
    count: u32,
}

#[test]
fn unknown_keys_are_errors_with_line_and_path() {
    let err = parse::<Doc>(&toml("name = \"x\"\n[[item]]\nid = \"a\"\ncount = 1\n[[item]]\nid = \"b\"\ncuont = 2\ncount = 3\n")).unwrap_err();
    assert_eq!(err.errors.len(), 1);
    assert_eq!(
        err.errors[0].to_string(),
        "t.toml:7: item[1].cuont: unknown key `cuont`"
    );
}

#[test]
fn type_errors_carry_the_path_and_the_line() {
    let err = parse::<Doc>(&toml(
        "name = \"x\"\n[[item]]\nid = \"a\"\ncount = \"many\"\n",
    ))
    .unwrap_err();
    let text = err.errors[0].to_string();
    assert!(text.starts_with("t.toml:4: item[0].count: "), "{text}");
}

#[test]
fn syntax_errors_are_located() {
    let err = parse::<Doc>(&toml("name = \"x\"\n[[item]\n")).unwrap_err();
    assert!(
        err.errors[0].to_string().starts_with("t.toml:2: "),
        "{}",
        err.errors[0]
    );
}

#[test]
fn locate_finds_values_in_arrays_of_tables() {
    let file = toml("name = \"x\"\n[[item]]\nid = \"a\"\n[[item]]\nid = \"b\"\ncount = 7\n");
    let span = locate(&file, "item[1].count").expect("found");
    assert_eq!(&file.text[span], "7");
    assert!(locate(&file, "item[2].count").is_none());
}

#[test]
fn json_errors_carry_the_path() {
    let file = SourceFile {
        name: "t.json".into(),
        text: "{\"name\": \"x\", \"item\": [{\"id\": \"a\", \"count\": -1}]}".into(),
    };
    let err = parse::<Doc>(&file).unwrap_err();
    let text = err.errors[0].to_string();
    assert!(text.starts_with("t.json:1: item[0].count: "), "{text}");
}

#[test]
fn keys_with_brackets_of_their_own_do_not_panic() {
    for key in ["\"x[1]]\"", "\"a[]é]\"", "\"[\"", "\"]\""] {
        let err = parse::<Doc>(&toml(&format!("name = \"x\"\n{key} = 1\n"))).unwrap_err();
        assert!(
            err.errors[0].to_string().contains("unknown key"),
            "{key}: {}",
            err.errors[0]
        );
    }
}
