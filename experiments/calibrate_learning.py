"""Learning calibration rows: growth by grade and returns to experience, simulated vs target.

    .venv/bin/python experiments/calibrate_learning.py [--replications 5] [--set FIELD=VALUE]

Runs configs/traditional.toml (district preset, 5 reported years) for several seeds and prints
the mean and 95 % interval over replications of each `achievement_growth` calibration row of
configs/calibration/targets.csv next to its band, then the yearly drift of the mean standing
and the `parameters.learning.reference_match` under which it does not drift (copy it into
parameters.py), with the months of learning it gives.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from nextwork_sim import run
from nextwork_sim.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def simulated(table: pd.DataFrame, group: str) -> float:
    growth = table.query("metric == 'achievement_growth'").groupby("group")["value"].mean()
    if " minus " in group:
        first, second = group.split(" minus ")
        return growth[first] - growth[second]
    return growth[group]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    targets = pd.read_csv(ROOT / "configs" / "calibration" / "targets.csv")
    targets = targets[(targets["metric"] == "achievement_growth")]
    scenario = load_config(ROOT / "configs" / "traditional.toml", args.overrides)
    tables = [run(scenario, seed=seed) for seed in range(args.replications)]
    rows = []
    for target in targets.itertuples():
        values = np.array([simulated(t, target.group) for t in tables])
        half = (stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
                if len(values) > 1 else float("nan"))
        rows.append({"target": target.target, "group": target.group,
                     "simulated": round(values.mean(), 3),
                     "ci95": f"{values.mean() - half:.3f} to {values.mean() + half:.3f}",
                     "value": target.value, "band": f"{target.low} to {target.high}",
                     "inside": target.low <= values.mean() <= target.high})
    print(pd.DataFrame(rows).to_string(index=False))
    # The mean standing moves each year by the mean of g(grade) x (r - 1) over students, i.e.
    # achievement_growth (all) minus the mean norm (presets: equal cohorts in every grade).
    # r is linear in m_ref (r = 1 + theta_q (match - m_ref) + ...) and learning feeds nothing
    # back into the workforce, so one step gives the m_ref under which it does not drift.
    learning = scenario.parameters.learning
    norm = float(np.mean(learning.growth_by_grade))

    def mean_of(metric):
        return float(np.mean([t.query(f"metric == '{metric}' and group == 'all'")["value"]
                              .mean() for t in tables]))

    drift = mean_of("achievement_growth") - norm
    shift = drift / (learning.quality_effect * norm)
    months = mean_of("months_of_learning")
    print(f"mean standing drift {drift:+.4f} SD a year; reference_match without drift: "
          f"{learning.reference_match + shift:.3f} (months of learning {months:.3f} now, "
          f"{months - 9.0 * learning.quality_effect * shift:.3f} then)")

if __name__ == "__main__":
    main()
