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

#[test]
fn addresses_aspects_of_every_item_and_of_one() {
    for text in [
        "gwp.aspect.idle-electricity",
        "gwp.item.h100-training@host-embodied",
        "water.item.a.b@cooling-water",
    ] {
        let path: FigurePath = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(path.to_string(), text);
    }
    assert_eq!(
        "gwp.item.a.b@embodied"
            .parse::<FigurePath>()
            .map(|p| p.selector),
        Ok(Selector::ItemAspect("a.b".into(), Aspect::Embodied))
    );
    let err = "gwp.aspect.gpu".parse::<FigurePath>().unwrap_err();
    assert!(
        err.contains("unknown aspect `gpu`, expected one of electricity, idle-electricity"),
        "{err}"
    );
    assert!("gwp.item.@embodied".parse::<FigurePath>().is_err());
}

/// `ASPECTS` lists every aspect: a new variant fails to compile here until it is listed.
#[test]
fn the_aspect_list_is_complete() {
    for (i, a) in ASPECTS.into_iter().enumerate() {
        let at = match a {
            Aspect::Electricity => 0,
            Aspect::IdleElectricity => 1,
            Aspect::HostElectricity => 2,
            Aspect::ElectricityUpstream => 3,
            Aspect::MarketElectricity => 4,
            Aspect::CoolingWater => 5,
            Aspect::Embodied => 6,
            Aspect::HostEmbodied => 7,
            Aspect::Building => 8,
            Aspect::Transport => 9,
            Aspect::EndOfLife => 10,
            Aspect::Service => 11,
            Aspect::Fuel => 12,
            Aspect::Refrigerant => 13,
            Aspect::Offset => 14,
        };
        assert_eq!(at, i, "{}", a.id());
        assert_eq!(
            serde_json::to_value(a).ok(),
            Some(serde_json::json!(a.id()))
        );
    }
}

#[test]
fn every_fixed_path_parses_and_prints_back() {
    let fixed = FigurePath::fixed();
    assert!(fixed.contains(&"gwp.stage.use".to_owned()));
    assert!(fixed.contains(&"water.phase.inference".to_owned()));
    for path in fixed {
        let parsed: FigurePath = path.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(parsed.to_string(), path);
    }
}
