"""Learning calibration rows: growth by grade and returns to experience, simulated vs target.

    .venv/bin/python experiments/calibrate_learning.py [--replications 5] [--set FIELD=VALUE]

Runs configs/traditional.toml (district preset, 5 reported years) for several seeds and prints
the mean and 95 % interval over replications of each `achievement_growth` calibration row of
configs/calibration/targets.csv next to its band, then per school level the yearly drift of
the level's mean standing and the `parameters.learning.reference_match.<level>` under which it
does not drift (copy them into parameters.py), with the months of learning they give.

The arithmetic. A student's standing moves each year by g·(r − 1), with g the norm of their
grade and r = 1 + θ_q(match − m_ref) + θ_r·p + noise, m_ref that of their school's level L.
The level's mean standing therefore drifts by

    drift_L = mean over L's students of g·(r − 1) = mean over L's grades of (growth_grade − g)

(`achievement_growth` of a grade is the mean of g·r over its students; the presets enroll
equal cohorts in every grade). Learning feeds nothing back into the match (nor into the
workforce), so r is linear in m_ref with slope −θ_q, and the change m_ref_L → m_ref_L + Δ_L
moves drift_L by −θ_q·Δ_L·mean_L(g). The m_ref without drift is one step away:

    Δ_L = drift_L / (θ_q · mean_L(g)).

Months of learning are 9·mean r over all students, so they move by −9·θ_q·Σ_L share_L·Δ_L,
share_L the level's share of the students (of the grades, with equal cohorts).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from nextwork_sim import run
from nextwork_sim.config import LEVEL_GRADES, LEVELS, load_config

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
    learning = scenario.parameters.learning
    norm = np.asarray(learning.growth_by_grade)

    def mean_of(metric, group="all"):
        return float(np.mean([t.query(f"metric == '{metric}' and group == '{group}'")["value"]
                              .mean() for t in tables]))

    months = mean_of("months_of_learning")
    months_then = months
    levels = []
    for level in LEVELS:
        low, high = LEVEL_GRADES[level]
        grades = range(low, high + 1)
        drift = float(np.mean([mean_of("achievement_growth", f"grade={g}") - norm[g]
                               for g in grades]))
        shift = drift / (learning.quality_effect * norm[low:high + 1].mean())
        months_then -= 9.0 * learning.quality_effect * shift * len(grades) / len(norm)
        now = getattr(learning.reference_match, level)
        levels.append({"level": level, "drift SD/year": f"{drift:+.4f}",
                       "reference_match": now, "without drift": round(now + shift, 3)})
    print(pd.DataFrame(levels).to_string(index=False))
    print(f"months of learning {months:.3f} now, {months_then:.3f} with the fitted values")


if __name__ == "__main__":
    main()
