use super::*;

#[test]
fn parses_every_selector_and_prints_it_back() {
    for text in [
        "gwp.total",
        "gwp.stage.use",
        "water.phase.inference",
        "adpe.item.pretrain-405b",
        "gwp.item.a.b.c",
        "gwp.category.scope-2-location",
        "gwp.unit.request",
        "adpf.disclosure.training-impact",
    ] {
        let path: FigurePath = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(path.to_string(), text);
    }
    assert_eq!(
        "gwp.item.a.b.c".parse::<FigurePath>().map(|p| p.selector),
        Ok(Selector::Item("a.b.c".into()))
    );
}

#[test]
fn refuses_malformed_paths_with_the_grammar() {
    let err = "gwp".parse::<FigurePath>().unwrap_err();
    assert!(err.contains("expected INDICATOR.total"), "{err}");
    let err = "co2.total".parse::<FigurePath>().unwrap_err();
    assert!(err.contains("unknown indicator `co2`"), "{err}");
    let err = "gwp.stage.usage".parse::<FigurePath>().unwrap_err();
    assert!(err.contains("unknown stage `usage`"), "{err}");
    assert!("gwp.item.".parse::<FigurePath>().is_err());
}
