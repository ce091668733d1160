"""Print a sweep's sensitivity indices as one Markdown table per outcome (for docs and issue
notes): parameter, then each index with its 95 % interval, largest total effect first.

    .venv/bin/nextwork-sim sweep experiments/sobol_school.toml --workers 2 --out results/sobol
    .venv/bin/python experiments/sensitivity_table.py results/sobol
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def tables(folder: Path) -> str:
    table = pd.read_csv(folder / "sensitivity.csv")
    order = ["S1", "ST"] if "ST" in set(table["index"]) else ["mu_star", "sigma"]
    lead = order[-1] if order[-1] == "ST" else order[0]
    lines = []
    for (metric, group, reducer), part in table.groupby(["metric", "group", "reducer"],
                                                        sort=False):
        lines += [f"\n**{metric}** (group {group}, {reducer} over years)\n",
                  "| parameter | " + " | ".join(order) + " |",
                  "|---|" + "---|" * len(order)]
        wide = part.set_index(["parameter", "index"])
        ranked = wide.xs(lead, level="index")["value"].sort_values(ascending=False).index
        for parameter in ranked:
            cells = []
            for index in order:
                row = wide.loc[(parameter, index)]
                cell = f"{row['value']:.3f}"
                if row["conf"] == row["conf"]:  # not NaN
                    cell += f" ± {row['conf']:.3f}"
                cells.append(cell)
            lines.append(f"| `{parameter.removeprefix('parameters.')}` | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "sensitivity.csv").exists():
        sys.exit("usage: sensitivity_table.py RESULTS_FOLDER (a finished sweep's --out)")
    print(tables(Path(sys.argv[1])))
