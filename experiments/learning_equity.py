"""Who gains and who is left behind: growth and gaps by student group, per staffing model.

    .venv/bin/nextwork-sim compare configs/traditional.toml configs/next_workforce.toml \\
        configs/opportunity_culture.toml configs/custom_example.toml --years 5 --seed 7 \\
        --replications 3 --workers 2 --out results/models
    .venv/bin/python experiments/learning_equity.py results/models

Prints, per scenario (mean over replications): achievement growth and months of learning
(mean over the reported years) by group, the achievement gap of each flagged group in the
first and last reported year, and the uncovered-need share by group.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from nextwork_sim import load_results
from nextwork_sim.experiments.storage import OutputError

GROUPS = ("all", "low_income=true", "english_learner=true", "disability=true",
          "advanced=true", "race=black", "race=hispanic", "school_poverty=high")


def equity_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario and group: growth, months, uncovered need, gap first → last."""
    first, last = table["year"].min(), table["year"].max()
    per_run = table[table["group"].isin(GROUPS)]
    means = (per_run.groupby(["scenario", "metric", "group", "year"])["value"].mean()
             .reset_index())
    rows = []
    for (scenario, group), part in means.groupby(["scenario", "group"], sort=False):
        by_metric = part.groupby("metric")
        row = {"scenario": scenario, "group": group}
        for metric in ("achievement_growth", "months_of_learning", "uncovered_need_share"):
            if metric in by_metric.groups:
                row[metric] = by_metric.get_group(metric)["value"].mean()
        if "achievement_gap" in by_metric.groups:
            gap = by_metric.get_group("achievement_gap").set_index("year")["value"]
            row["gap_first_year"] = gap.get(first)
            row["gap_last_year"] = gap.get(last)
        rows.append(row)
    order = {g: i for i, g in enumerate(GROUPS)}
    out = pd.DataFrame(rows)
    return out.sort_values(["scenario", "group"], key=lambda c: c.map(order) if c.name ==
                           "group" else c).reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="a results folder written by run or compare")
    args = parser.parse_args()
    try:
        results = load_results(args.results)
    except OutputError as error:  # a missing, damaged or foreign part or manifest: one line
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    table = equity_table(results)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
