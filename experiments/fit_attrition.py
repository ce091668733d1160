"""Fit attrition intercepts so simulated rates, drivers included, hit the national targets.

    .venv/bin/python experiments/fit_attrition.py [--replications 4] [--iterations 4]
    .venv/bin/python experiments/fit_attrition.py --check --replications 20

Runs configs/traditional.toml (district preset, national composition) and adjusts the base
rates by experience band, the paraeducator leave rate and the two poverty coefficients by
multiplicative (log-odds) steps until the mean over replications and reported years 1-5 of
every `kind=calibrate` attrition row of configs/calibration/targets.csv is matched. Prints
the fitted values (copy them into parameters.py) and, with --check, the table of simulated
(mean and 95 % interval over replications) vs target band.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from nextwork_sim import run
from nextwork_sim.config import load_config

ROOT = Path(__file__).resolve().parents[1]
ATTRITION_METRICS = ("stay_rate", "move_rate", "leave_rate", "cohort_cumulative_leave")




def rates_by_seed(values, replications, extra) -> pd.DataFrame:
    overrides = [f"parameters.attrition.{k}={v!r}" for k, v in values.items()] + extra
    scenario = load_config(ROOT / "configs" / "traditional.toml", overrides)
    frames = []
    for seed in range(replications):
        t = run(scenario, seed=seed)
        t = t[t["metric"].isin(ATTRITION_METRICS)]
        frames.append(t.groupby(["metric", "group"])["value"].mean().rename(seed))
    return pd.concat(frames, axis=1)


def current_values() -> dict:
    from nextwork_sim.parameters import AttritionParams

    names = ["move_1_3", "leave_1_3", "move_4_9", "leave_4_9", "move_10_19", "leave_10_19",
             "move_20_plus", "leave_20_plus", "leave_paraeducator", "poverty_move_effect",
             "poverty_leave_effect", "first_year_effect"]
    defaults = AttritionParams()
    return {name: getattr(defaults, name) for name in names}


def step(values: dict, sim: pd.Series) -> dict:
    def ratio(metric, group, target):
        return target / max(sim[(metric, group)], 1e-6)

    out = dict(values)
    move_all, leave_all = ratio("move_rate", "all", 0.081), ratio("leave_rate", "all", 0.077)
    out["move_1_3"] *= ratio("move_rate", "experience=1-3", 0.13)
    out["leave_1_3"] *= ratio("leave_rate", "experience=1-3", 0.071)
    out["leave_20_plus"] *= ratio("leave_rate", "experience=20+", 0.114)
    for band in ("4_9", "10_19"):
        out[f"move_{band}"] *= move_all
        out[f"leave_{band}"] *= leave_all
    out["move_20_plus"] *= move_all
    out["leave_paraeducator"] *= ratio("leave_rate", "category=paraeducator", 0.08)
    spread = 0.55  # typical difference of low-income share between high and low bands
    move_gap = (0.12 / 0.06) / (sim[("move_rate", "school_poverty=high")]
                                / sim[("move_rate", "school_poverty=low")])
    leave_gap = (0.082 / 0.062) / (sim[("leave_rate", "school_poverty=high")]
                                   / sim[("leave_rate", "school_poverty=low")])
    # half steps for the noisiest rows (few schools per poverty band, small entry cohorts)
    out["poverty_move_effect"] += 0.5 * math.log(move_gap) / spread
    out["poverty_leave_effect"] += 0.5 * math.log(leave_gap) / spread
    cohort = sim[("cohort_cumulative_leave", "years_since_entry=1")]
    out["first_year_effect"] += 0.5 * math.log(0.10 / max(cohort, 1e-6))
    return {k: round(float(v), 4) for k, v in out.items()}


def check_table(sim: pd.DataFrame) -> pd.DataFrame:
    targets = pd.read_csv(ROOT / "configs" / "calibration" / "targets.csv")
    targets = targets[(targets["kind"] == "calibrate")
                      & targets["metric"].isin(ATTRITION_METRICS)]
    rows = []
    for t in targets.itertuples():
        values = sim.loc[(t.metric, t.group)].to_numpy(dtype=float)
        values = values[~np.isnan(values)]  # a replication may lack a poverty band
        n = values.size
        half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
        rows.append({"target": t.target, "metric": t.metric, "group": t.group, "n": n,
                     "simulated": round(values.mean(), 4),
                     "ci95": f"{values.mean() - half:.4f} to {values.mean() + half:.4f}",
                     "band": f"{t.low} to {t.high}", "inside": t.low <= values.mean() <= t.high})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--check", action="store_true", help="only print the check table")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    values = current_values()
    if not args.check:
        for iteration in range(args.iterations):
            sim = rates_by_seed(values, args.replications, args.overrides).mean(axis=1)
            values = step(values, sim)
            print(f"iteration {iteration + 1}: {values}", flush=True)
    sim = rates_by_seed(values, args.replications, args.overrides)
    print(check_table(sim).to_string(index=False))
    print("fitted:", values)


if __name__ == "__main__":
    main()
