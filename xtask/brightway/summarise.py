#!/usr/bin/env python3
"""Put the Brightway and bilan runs side by side (used by compare.sh).

usage: summarise.py BRIGHTWAY_JSON BILAN_REPORT_JSON BILAN_ITERATIONS BILAN_SECONDS

Prints one JSON object: both iteration rates, their ratio (bilan / Brightway), both nominal
totals and, where bilan's report carries them, bilan's Monte Carlo mean and 95 % interval of
`gwp.total`. Standard library only.
"""

import json
import sys


def find_key(node, key):
    """The first value under `key`, depth first."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = find_key(child, key)
        if found is not None:
            return found
    return None


def bilan_figures(report):
    nominal = None
    for method in report.get("methods", []):
        for result in method.get("results", []):
            if result.get("indicator") == "gwp":
                nominal = result.get("total")
    interval = None
    uncertainty = find_key(report, "uncertainty")
    if isinstance(uncertainty, dict):
        for fig in uncertainty.get("figures", []):
            if fig.get("figure") == "gwp.total":
                interval = fig.get("interval")
    return nominal, interval


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.splitlines()[2])
    bw_path, bilan_path, iterations, seconds = sys.argv[1:]
    with open(bw_path, encoding="utf-8") as f:
        bw = json.loads(f.read().strip().splitlines()[-1])
    with open(bilan_path, encoding="utf-8") as f:
        report = json.load(f)
    iterations, seconds = int(iterations), float(seconds)
    nominal, interval = bilan_figures(report)
    bilan = {
        "tool": "bilan",
        "iterations": iterations,
        "seconds": seconds,
        "iterations_per_second": iterations / seconds,
        "nominal": nominal,
        "timing": "wall clock of the whole command (start-up, parsing, every indicator, report)",
    }
    if interval:
        bilan.update(
            mean=interval.get("mean"),
            median=interval.get("median"),
            p2_5=interval.get("low"),
            p97_5=interval.get("high"),
        )
    ratio = bilan["iterations_per_second"] / bw["iterations_per_second"]
    out = {
        "brightway": bw,
        "bilan": bilan,
        "ratio": ratio,
        "nominal_agrees": nominal is not None
        and abs(nominal - bw["nominal"]) <= 1e-9 * abs(bw["nominal"]),
    }
    print(json.dumps(out, indent=1))
    print(
        f"brightway {bw['iterations_per_second']:.0f} it/s ({bw['iterations']} iterations, "
        f"bw2calc {bw['bw2calc']}, {bw['solver']})",
        file=sys.stderr,
    )
    print(
        f"bilan     {bilan['iterations_per_second']:.0f} it/s ({iterations} iterations, "
        f"whole command)",
        file=sys.stderr,
    )
    print(f"ratio     {ratio:.3g}x", file=sys.stderr)
    if not out["nominal_agrees"]:
        print(f"nominal totals differ: bilan {nominal}, brightway {bw['nominal']}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
