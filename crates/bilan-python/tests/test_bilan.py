"""The Python package against the command line's own figures and errors."""

import json
import os
import pathlib
import subprocess

import pytest

import bilan

ROOT = pathlib.Path(__file__).resolve().parents[3]
LLAMA = ROOT / "examples" / "llama-3.1.toml"


def totals(report, indicator="gwp"):
    for i in report["comparison"]["indicators"]:
        if i["indicator"] == indicator:
            return {r["method"]: r["total"] for r in i["rows"]}
    raise AssertionError(f"no {indicator}")


def test_compare_gives_plain_data_with_every_method():
    report = bilan.compare(LLAMA)
    assert isinstance(report, dict)
    gwp = totals(report)
    ids = [m["descriptor"]["id"] for m in bilan.methods()]
    assert set(gwp) <= set(ids)
    assert {"ademe-lca", "ghg-protocol", "sci"} <= set(gwp)
    assert all(isinstance(v, float) for v in gwp.values())
    pairs = {(d["a"], d["b"]) for d in report["comparison"]["divergences"]}
    assert ("ademe-lca", "ghg-protocol") in pairs


def test_a_path_a_string_and_a_dict_give_the_same_figures(tmp_path):
    from_path = totals(bilan.compare(str(LLAMA), methods=["sci"]))
    from_text = totals(bilan.compare(LLAMA.read_text(), methods="sci"))
    assert from_path == from_text
    # A dict: the same inventory as TOML reads it (dates included).
    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")
    doc = tomllib.loads(LLAMA.read_text())
    from_dict = totals(bilan.compare(doc, methods="sci"))
    assert from_dict == from_path
    # A path whose name looks like TOML text is still a path.
    odd = tmp_path / "k=v"
    odd.mkdir()
    (odd / "inv.toml").write_text(LLAMA.read_text())
    assert totals(bilan.compare(str(odd / "inv.toml"), methods="sci")) == from_path


def test_methods_and_params_are_applied():
    base = totals(bilan.compare(LLAMA, methods="ademe-lca"), "water")["ademe-lca"]
    more = totals(
        bilan.compare(LLAMA, methods="ademe-lca", params={"default-wue": "0.72 L/kWh"}), "water"
    )
    assert set(more) == {"ademe-lca"}
    assert more["ademe-lca"] > base, "a higher default WUE gives more water" 


def test_assess_reports_each_method_with_its_trail():
    report = bilan.assess(LLAMA, methods="sci")
    [sci] = report["methods"]
    assert sci["method"]["id"] == "sci"
    assert sci["assessment"]["contributions"], "the full trail by default"


def test_the_figures_are_the_command_lines():
    exe = os.environ.get("BILAN_EXE")
    if not exe:
        pytest.skip("BILAN_EXE (the installed command line) not given")
    out = subprocess.run(
        [exe, "--no-config", "compare", str(LLAMA), "-f", "json", "--trail", "none"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert totals(json.loads(out)) == totals(bilan.compare(LLAMA))


def test_an_invalid_inventory_raises_with_file_line_and_key_path(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(LLAMA.read_text().replace('pue = 1.0', 'pue = "high"', 1))
    with pytest.raises(bilan.InventoryError) as e:
        bilan.validate(bad)
    assert e.value.file == str(bad)
    assert isinstance(e.value.line, int) and e.value.line > 1
    assert e.value.key_path.endswith("pue")
    assert "pue" in str(e.value)


def test_an_invalid_string_is_named_as_a_string():
    with pytest.raises(bilan.InventoryError) as e:
        bilan.validate("schema = 1\n[system]\nname = 3\n")
    assert e.value.file == "<string>"
    assert e.value.line == 3
    assert e.value.key_path == "system.name"


def test_usage_errors_are_typed():
    with pytest.raises(bilan.UsageError) as e:
        bilan.compare(LLAMA, methods="no-such-method")
    assert "no-such-method" in str(e.value)
    with pytest.raises(TypeError):
        bilan.compare(42)


def test_warnings_are_python_warnings(tmp_path):
    odd = tmp_path / "high-pue.toml"
    odd.write_text(LLAMA.read_text().replace("pue = 1.0", "pue = 5.0", 1))
    with pytest.warns(bilan.BilanWarning, match="PUE"):
        bilan.validate(odd)


def test_validate_says_what_it_read():
    result = bilan.validate(LLAMA)
    assert result["valid"] is True
    assert "workloads" in result["summary"]


def test_rows_and_frame():
    report = bilan.compare(LLAMA, methods=["ademe-lca", "sci"])
    rows = bilan.rows(report)
    assert {r["method"] for r in rows} == {"ademe-lca", "sci"}
    assert all("indicator" in r and "total" in r for r in rows)
    with pytest.raises(ValueError):
        bilan.rows({"not": "a comparison"})
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            bilan.to_frame(report)
    else:
        frame = bilan.to_frame(report)
        assert len(frame) == len(rows)
