#!/usr/bin/env bash
# Monte Carlo speed, bilan against Brightway 2.5 (bw2calc), on the same system, in one run.
# See README.md for the recipe. Settings (environment):
#   BW_PYTHON          Python of the Brightway venv   (default /tmp/bwvenv/bin/python)
#   BW_ITERATIONS      Brightway iterations            (default 1000)
#   BILAN_ITERATIONS   bilan iterations                (default 100000)
#   BILAN              bilan binary; unset: built with `cargo build --release -p bilan-cli`
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/out"
BW_PYTHON="${BW_PYTHON:-/tmp/bwvenv/bin/python}"
BW_ITERATIONS="${BW_ITERATIONS:-1000}"
BILAN_ITERATIONS="${BILAN_ITERATIONS:-100000}"

python3 "$HERE/generate.py" --out "$OUT" >/dev/null

if [[ -z "${BILAN:-}" ]]; then
    (cd "$ROOT" && cargo build --release --quiet -p bilan-cli)
    BILAN="${CARGO_TARGET_DIR:-$ROOT/target}/release/bilan"
fi

echo "brightway: $BW_ITERATIONS iterations…" >&2
"$BW_PYTHON" -W ignore "$HERE/brightway_mc.py" "$BW_ITERATIONS" --system "$OUT/system.json" \
    >"$OUT/brightway.json"

echo "bilan: $BILAN_ITERATIONS iterations…" >&2
start=$(date +%s%N)
"$BILAN" assess "$OUT/system.toml" --factors "$OUT/factors.toml" -m ademe-lca \
    --uncertainty mc --iterations "$BILAN_ITERATIONS" --seed 1 -f json -o "$OUT/bilan.json"
end=$(date +%s%N)
seconds=$(python3 -c "print(($end - $start) / 1e9)")

python3 "$HERE/summarise.py" "$OUT/brightway.json" "$OUT/bilan.json" "$BILAN_ITERATIONS" \
    "$seconds" | tee "$OUT/comparison.json"
