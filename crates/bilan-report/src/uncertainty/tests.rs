use super::sample::report;
use super::*;
use crate::lang::Lang;

#[test]
fn says_how_it_was_propagated() {
    let u = report();
    let text = render_text(&u, false, (Lang::En, None));
    assert!(
        text.contains(
            "propagation: Monte Carlo, 10,000 iterations, seed 1, common random numbers across methods"
        ),
        "{text}"
    );
    let mut analytic = report();
    analytic.propagation = Propagation::Analytic;
    analytic.iterations = None;
    analytic.seed = None;
    let text = render_text(&analytic, true, (Lang::En, None));
    assert!(text.starts_with("## Uncertainty\n"), "{text}");
    assert!(
        text.contains("propagation: analytic: first-order, lognormal approximation"),
        "{text}"
    );
}

#[test]
fn lists_inputs_and_marks_assumed_distributions() {
    let text = render_text(&report(), true, (Lang::En, None));
    assert!(text.contains("| factor:grid-fr "), "{text}");
    assert!(text.contains("0.05200 kg/kWh"), "{text}");
    assert!(text.contains("| GSD 1.2 (assumed [1]) "), "{text}");
    assert!(
        text.contains("\n- [1] pedigree default (2, 3, 2, 1, 2): the source gives none\n"),
        "{text}"
    );
    assert!(
        text.contains("| site[eu-dc].pue | inventory | 1.200 "),
        "{text}"
    );
    assert!(
        text.contains("1 of 2 distributions are assumptions"),
        "{text}"
    );
}

#[test]
fn every_figure_has_its_interval_grouped_by_method_total_first() {
    let text = render_text(&report(), false, (Lang::En, None));
    // ademe-lca's total before its stage, though listed after it; sub-figures indented.
    let total = text.find("| ademe-lca    | total").unwrap_or(usize::MAX);
    let stage = text.find("· stage.use").unwrap_or(0);
    assert!(total < stage, "{text}");
    assert!(text.contains("· unit.request"), "{text}");
    assert!(
        text.contains("| 2.000 kt CO2e | 2.000 kt CO2e | 1.750 to 2.250 kt CO2e | ± 12.5 %"),
        "{text}"
    );
}

#[test]
fn a_difference_reads_as_above_below_or_not_significant() {
    let text = render_text(&report(), false, (Lang::En, None));
    assert!(
        text.contains(
            "- ghg-protocol is 6.10 % above ademe-lca (95 %: 4.00 % to 8.20 %), by 120.0 t CO2e (95 %: 80.00 to 164.0 t CO2e)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "- sci and ademe-lca: not significantly different (95 % interval of B − A spans 0: -30.00 to 50.00 t CO2e)"
        ),
        "{text}"
    );
    let mut same = report().differences.remove(1);
    same.difference = sample::interval(0.0, 0.0, 0.0);
    assert_eq!(
        difference_sentence(&same, Lang::En),
        "sci and ademe-lca: the same figure (B − A is 0 in the whole interval)"
    );
    // B below A: positive amounts, the interval's ends swapped.
    let mut below = report().differences.remove(0);
    below.difference = sample::interval(-164_000.0, -120_000.0, -80_000.0);
    below.relative = Some(sample::interval(-0.082, -0.061, -0.04));
    assert_eq!(
        difference_sentence(&below, Lang::En),
        "ghg-protocol is 6.10 % below ademe-lca (95 %: 4.00 % to 8.20 %), by 120.0 t CO2e (95 %: 80.00 to 164.0 t CO2e)"
    );
}

#[test]
fn a_driver_whose_interval_spans_zero_is_marked() {
    let text = render_text(&report(), false, (Lang::En, None));
    let line = |driver: &str| {
        text.lines()
            .find(|l| l.contains(&format!("| {driver} ")))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line("facility-overhead").contains("spans 0"), "{text}");
    assert!(line("residual").contains("spans 0"), "{text}");
    assert!(!line("capital-goods").contains("spans 0"), "{text}");
}

#[test]
fn sensitivity_names_the_few_inputs_to_measure_first() {
    let text = render_text(&report(), false, (Lang::En, None));
    assert!(
        text.contains(
            "squared standardised regression coefficients, 2 of 2 uncertain inputs shown"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "2 inputs make 95.0 % of the variance of gwp.total under ademe-lca: measure them first."
        ),
        "{text}"
    );
    assert!(
        text.contains("| factor:grid-fr  | 70.0 %            | 70.0 %"),
        "{text}"
    );
    let mut one = report();
    one.sensitivity[0].inputs[0].share = 0.92;
    let text = render_text(&one, false, (Lang::En, None));
    assert!(
        text.contains(
            "1 input makes 92.0 % of the variance of gwp.total under ademe-lca: measure it first."
        ),
        "{text}"
    );
    let mut flat = report();
    flat.sensitivity[0].inputs[0].share = 0.3;
    flat.sensitivity[0].of = 40;
    let text = render_text(&flat, false, (Lang::En, None));
    assert!(
        text.contains("the 2 largest of 40 inputs make 55.0 % of the variance"),
        "{text}"
    );
}

#[test]
fn headlines_and_notes_are_shown() {
    let text = render_text(&report(), true, (Lang::En, None));
    assert!(
        text.contains(
            "- ademe-lca reports p95: gwp.total = 2.200 kt CO2e (point value 2.000 kt CO2e)"
        ),
        "{text}"
    );
    assert!(text.contains("### Not propagated"), "{text}");
    assert!(
        text.contains("- terms derived from other numbers"),
        "{text}"
    );
}

#[test]
fn csv_rows_keep_the_comparison_columns_at_full_precision() {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    write_csv_rows(&mut w, &report()).unwrap_or_else(|e| panic!("{e}"));
    let bytes = w.into_inner().unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"));
    for line in text.lines() {
        let mut r = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let n = r.records().next().map_or(0, |x| x.map_or(0, |x| x.len()));
        assert_eq!(n, 6, "{line}");
    }
    assert!(
        text.contains("uncertainty,,,propagation,monte-carlo,\n"),
        "{text}"
    );
    assert!(text.contains("uncertainty,,,iterations,10000,\n"), "{text}");
    assert!(
        text.contains("interval,gwp,ademe-lca,total:p2.5,1750000,kgCO2e\n"),
        "{text}"
    );
    assert!(
        text.contains("interval,gwp,ademe-lca,unit.request:median,0.001,kgCO2e\n"),
        "{text}"
    );
    assert!(
        text.contains("divergence-interval,gwp,ademe-lca → sci,difference:significant,false,\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "divergence-interval,gwp,ademe-lca → ghg-protocol,facility-overhead:spans-zero,true,\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("sensitivity,gwp,ademe-lca,total:factor:grid-fr,0.7,\n"),
        "{text}"
    );
    assert!(
        text.contains("histogram,gwp,ademe-lca,total:bin:3,30,\n"),
        "{text}"
    );
    assert!(
        text.contains("headline,gwp,ademe-lca,p95,2200000,kgCO2e\n"),
        "{text}"
    );
    assert!(
        text.contains("uncertain-input,,,factor:grid-fr:assumed,"),
        "{text}"
    );
}
