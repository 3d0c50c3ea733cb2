#!/usr/bin/env python3
"""Monte Carlo of the comparison system in Brightway 2.5 (bw2calc 2.x), timed.

Reads out/system.json (written by generate.py) and builds the same system as bilan's
system.toml + factors.toml, as bw_processing datapackages in memory (no bw2data project):

  technosphere (one product per activity, production 1 on the diagonal)
    "system"          demands 1 of every workload             (the functional unit)
    "workload i"      consumes E_i kWh of its site's grid      (lognormal, median, GSD 1.2)
                      and T_i device-hours of "device-hour"    (fixed)
    "grid A", "grid B"  1 kWh of electricity of site A / B
    "device-hour"     1 device-hour of the fleet
  biosphere (one flow, CO2e in kg)
    "grid A" emits F_A, "grid B" emits F_B per kWh            (lognormal)
    "device-hour" emits EF_device / L per device-hour         (lognormal; L fixed)
  characterization: CO2e -> 1 (GWP, kgCO2e)

One LCA of 1 "system" gives the total GWP. Each uncertain input is one matrix entry, so each
factor is one draw per iteration shared by every workload that uses it, as in bilan.
Lognormal: stats_arrays type 2, loc = ln(median), scale = ln(GSD).

Prints one JSON line: tool, versions, iterations, seconds (the loop of next(lca) only, after
the LCA is built and the first sample solved), iterations_per_second, mean, p2_5, p97_5,
nominal (the deterministic total, from medians) and the setup time.
"""

import argparse
import json
import math
import time
from pathlib import Path

import bw2calc
import bw_processing as bwp
import numpy as np

HERE = Path(__file__).resolve().parent

LOGNORMAL = 2  # stats_arrays.LognormalUncertainty.id
FIXED = 0  # stats_arrays.UndefinedUncertainty.id

SYSTEM = 1
GRID = [2, 3]
DEVICE_HOUR = 4
FIRST_WORKLOAD = 100
CO2E = 1_000_000


def records(rows):
    """Structured array of bw_processing's UNCERTAINTY_DTYPE from (amount, type, gsd)."""
    arr = np.zeros(len(rows), dtype=bwp.UNCERTAINTY_DTYPE)
    for k, (amount, kind, gsd) in enumerate(rows):
        arr[k]["uncertainty_type"] = kind
        if kind == LOGNORMAL:
            arr[k]["loc"] = math.log(amount)
            arr[k]["scale"] = math.log(gsd)
        else:
            arr[k]["loc"] = amount
            arr[k]["scale"] = np.nan
        arr[k]["shape"] = np.nan
        arr[k]["minimum"] = np.nan
        arr[k]["maximum"] = np.nan
        arr[k]["negative"] = False
    return arr


def datapackage(system):
    ws = system["workloads"]
    grid = system["grid"]
    emb = system["embodied"]
    wid = [FIRST_WORKLOAD + i for i in range(len(ws))]
    activities = [SYSTEM, *GRID, DEVICE_HOUR, *wid]

    # Technosphere: (row = product consumed, col = activity, amount, flip, uncertainty)
    tech = [(a, a, 1.0, False, (1.0, FIXED, 1.0)) for a in activities]
    for i, w in zip(wid, ws):
        tech.append((i, SYSTEM, 1.0, True, (1.0, FIXED, 1.0)))
        e = w["energy_kwh_median"]
        tech.append((GRID[w["site"]], i, e, True, (e, LOGNORMAL, w["energy_gsd"])))
        t = float(w["device_hours"])
        tech.append((DEVICE_HOUR, i, t, True, (t, FIXED, 1.0)))

    per_hour = emb["median_kg_per_device"] / emb["lifetime_h"]
    bio = [
        (CO2E, GRID[k], g["median_kg_per_kwh"], False, (g["median_kg_per_kwh"], LOGNORMAL, g["gsd"]))
        for k, g in enumerate(grid)
    ]
    bio.append((CO2E, DEVICE_HOUR, per_hour, False, (per_hour, LOGNORMAL, emb["gsd"])))

    dp = bwp.create_datapackage(sequential=True)
    for name, matrix, rows in (
        ("technosphere", "technosphere_matrix", tech),
        ("biosphere", "biosphere_matrix", bio),
    ):
        indices = np.array([(r, c) for r, c, *_ in rows], dtype=bwp.INDICES_DTYPE)
        dp.add_persistent_vector(
            matrix=matrix,
            name=name,
            indices_array=indices,
            data_array=np.array([a for _, _, a, *_ in rows], dtype=float),
            flip_array=np.array([f for *_, f, _ in rows], dtype=bool),
            distributions_array=records([u for *_, u in rows]),
        )
    dp.add_persistent_vector(
        matrix="characterization_matrix",
        name="gwp",
        indices_array=np.array([(CO2E, 0)], dtype=bwp.INDICES_DTYPE),
        data_array=np.array([1.0]),
        distributions_array=records([(1.0, FIXED, 1.0)]),
    )
    return dp


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("iterations", nargs="?", type=int, default=1000, help="Monte Carlo iterations")
    ap.add_argument("--system", type=Path, default=HERE / "out" / "system.json")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.iterations < 1:
        ap.error("iterations must be at least 1")
    system = json.loads(args.system.read_text(encoding="utf-8"))

    t0 = time.perf_counter()
    dp = datapackage(system)
    static = bw2calc.LCA({SYSTEM: 1}, data_objs=[dp])
    static.lci()
    static.lcia()
    nominal = float(static.score)

    lca = bw2calc.LCA({SYSTEM: 1}, data_objs=[dp], use_distributions=True, seed_override=args.seed)
    lca.lci()
    lca.lcia()
    setup = time.perf_counter() - t0

    scores = np.empty(args.iterations)
    start = time.perf_counter()
    for k in range(args.iterations):
        next(lca)
        scores[k] = lca.score
    seconds = time.perf_counter() - start

    p2_5, p50, p97_5 = np.percentile(scores, [2.5, 50, 97.5])
    print(
        json.dumps(
            {
                "tool": "brightway",
                "bw2calc": bw2calc.__version__ if isinstance(bw2calc.__version__, str)
                else ".".join(map(str, bw2calc.__version__)),
                "solver": "pypardiso" if bw2calc.PYPARDISO else "scipy",
                "activities": len(system["workloads"]) + 4,
                "iterations": args.iterations,
                "seconds": seconds,
                "iterations_per_second": args.iterations / seconds,
                "setup_seconds": setup,
                "mean": float(scores.mean()),
                "median": float(p50),
                "p2_5": float(p2_5),
                "p97_5": float(p97_5),
                "nominal": nominal,
                "nominal_expected": system["nominal_kg"]["total"],
                "unit": "kgCO2e",
            }
        )
    )


if __name__ == "__main__":
    main()
