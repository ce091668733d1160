"""Wall time of N replications of configs/traditional.toml on 1 worker and on 2 (issue
"Performance at state scale"): runs per minute and the process pool's speed-up.

    .venv/bin/python experiments/bench_workers.py --scale district --replications 8 --years 1
    .venv/bin/python experiments/bench_workers.py --scale state --replications 4 --years 1 \\
        --json results/bench_workers_state.json

Each replication runs the config's burn-in years too (``--set burn_in_years=0`` to skip them).
One worker runs in this process after a warm-up run; more run in a local process pool, and
their seconds include starting it (process start, imports, loading the Numba cache), which
every real multi-worker job pays. Both give identical tables, which is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "traditional.toml"
FIELDS = ("scale", "workers", "replications", "seconds", "runs_per_minute", "speed_up")


def measure(scale: str, replications: int, years: int, workers=(1, 2), config=CONFIG,
            overrides: list[str] | None = None, seed: int = 0) -> list[dict]:
    """One row per worker count (``FIELDS``); speed-up is relative to the first count."""
    import pandas as pd

    from nextwork_sim.config import load_config
    from nextwork_sim.experiments.runner import run_many, run_one

    scenario = load_config(config, [f'district.preset="{scale}"', *(overrides or [])])
    # the in-process run would otherwise pay this process's imports and Numba cache loads
    run_one(load_config(config, ['district.preset="school"', "burn_in_years=0"]), seed,
            years=1)
    rows, first_runs = [], None
    for count in workers:
        start = time.perf_counter()
        runs, _ = run_many([scenario], seed, replications, years, executor="local",
                           workers=count)
        seconds = time.perf_counter() - start
        if first_runs is None:
            first_runs = runs
        elif runs.keys() != first_runs.keys() or not all(
                pd.DataFrame.equals(runs[rid], first_runs[rid]) for rid in runs):
            raise RuntimeError(f"{count} workers gave different tables than {workers[0]}")
        rows.append({"scale": scale, "workers": int(count), "replications": int(replications),
                     "seconds": round(seconds, 3),
                     "runs_per_minute": round(60.0 * replications / seconds, 2)})
    for row in rows:
        row["speed_up"] = round(rows[0]["seconds"] / row["seconds"], 2)
    return rows


def format_table(rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    lines = ["| " + " | ".join(FIELDS) + " |", "|" + "---|" * len(FIELDS)]
    lines += ["| " + " | ".join(str(row[field]) for field in FIELDS) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("school", "district", "state"), default="district")
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--years", type=int, default=1, help="reported years per run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="config override, as nextwork-sim --set")
    parser.add_argument("--json", type=Path, help="also write the rows and the setup here")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    rows = measure(args.scale, args.replications, args.years, args.workers, args.config,
                   args.overrides, args.seed)
    print(format_table(rows))
    if args.json is not None:
        from nextwork_sim.benchmark import machine

        setup = {"config": str(args.config), "years": args.years, "seed": args.seed,
                 "overrides": args.overrides, "cpu_count": os.cpu_count(),
                 # another job on the machine shows here and slows the pool first
                 "load_average_before": [round(x, 2) for x in load_before],
                 "machine": machine()}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"setup": setup, "rows": rows}, indent=2) + "\n")
    return rows


if __name__ == "__main__":
    main()
