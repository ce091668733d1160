"""Before/after speed of a change: `nextwork-sim bench` run alternately on two checkouts, compared
by median (a refactor's speed claim, e.g. "within noise of today's at the state preset").

    .venv/bin/python experiments/bench_interleaved.py BEFORE_CHECKOUT AFTER_CHECKOUT \\
        --scale state --runs 5 [--json results/bench_interleaved.json]

Each checkout is a folder holding ``src/nextwork_sim`` (a ``git worktree add`` of the older
commit is the easy way to get the "before" one). Runs alternate before, after, before, ... in
fresh processes with ``PYTHONPATH`` pointing at the checkout's ``src``, so both pay the same
machine state (cache, thermal, other load) and drift hits both sides alike. Each checkout's
first run also fills its Numba cache, so one untimed warm-up run per checkout comes first.
Prints, per measure, both medians, their ratio (after / before) and the spread of each side
(min to max): a ratio inside both spreads is noise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: bench's measures compared (higher is better for rates, lower for seconds)
MEASURES = ("student_days_per_s", "school_day_seconds", "summer_seconds", "seconds_per_year",
            "build_seconds")


def bench_once(checkout: Path, scale: str, years: int) -> dict:
    """One ``nextwork-sim bench`` in a fresh process on ``checkout``'s source: its JSON."""
    src = checkout / "src"
    if not (src / "nextwork_sim").is_dir():
        raise SystemExit(f"{checkout}: no src/nextwork_sim here (a checkout of the repository "
                         "is expected)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bench.json"
        env = {**os.environ, "PYTHONPATH": str(src)}
        subprocess.run([sys.executable, "-m", "nextwork_sim.cli", "bench", "--scale", scale,
                        "--years", str(years), "--json", str(out)],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())


def compare(before: list[dict], after: list[dict]) -> list[dict]:
    """Per measure: medians, ratio and the min-max spread of each side."""
    rows = []
    for measure in MEASURES:
        b = [run[measure] for run in before]
        a = [run[measure] for run in after]
        rows.append({"measure": measure, "before_median": statistics.median(b),
                     "after_median": statistics.median(a),
                     "ratio": statistics.median(a) / statistics.median(b),
                     "before_range": [min(b), max(b)], "after_range": [min(a), max(a)]})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--scale", default="state", choices=("school", "district", "state"))
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per checkout")
    parser.add_argument("--json", type=Path, help="also write every run and the comparison")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs {args.runs}: expected at least 1")
    for checkout in (args.before, args.after):  # warm-up: Numba cache, page cache
        bench_once(checkout, args.scale, 1)
    before, after = [], []
    for index in range(args.runs):
        for side, runs in ((args.before, before), (args.after, after)):
            runs.append(bench_once(side, args.scale, args.years))
            print(f"run {index + 1}/{args.runs} {side}: "
                  f"{runs[-1]['student_days_per_s']:,} student-days/s", flush=True)
    rows = compare(before, after)
    print(f"\n{'measure':<22} {'before (median)':>16} {'after (median)':>16} {'ratio':>7}"
          "   before range / after range")
    for row in rows:
        print(f"{row['measure']:<22} {row['before_median']:>16,.3f} {row['after_median']:>16,.3f}"
              f" {row['ratio']:>7.3f}   {row['before_range']} / {row['after_range']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"scale": args.scale, "years": args.years,
                                         "before": before, "after": after,
                                         "comparison": rows}, indent=2))


if __name__ == "__main__":
    main()
