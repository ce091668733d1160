"""Golden baseline: a small table of results per shipped config, stored under tests/golden/
and compared value by value by tests/test_golden.py, so no change of results goes unnoticed.

    python -m nextwork_sim.golden            # compare with the stored tables, print what moved
    python -m nextwork_sim.golden --write    # regenerate them on purpose (``make golden``)

Each table is one run of ``configs/<name>.toml`` as shipped (the ``district`` preset, or the
config's own CSV schools), seed 7, replication 0, 3 reported years after the config's burn-in,
cut down to the metrics and groups in ``SELECTION``, always on the Numba kernels (their NumPy
twins agree only to ~1e-9, float32 sums in another order). Values are written with ``repr``
(the shortest text that reads back to the same float), so the comparison can be exact."""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
from pathlib import Path

import pandas as pd

from . import run
from .kernels.backend import use_reference

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ("traditional", "next_workforce", "opportunity_culture", "custom_example",
           "phased_adoption", "csv_district")
SEED = 7
YEARS = 3
COLUMNS = ("metric", "group", "year", "value")

EDUCATORS = ("all", "category=professional", "experience=1-3")
STUDENTS = ("all", "low_income=true", "disability=true")
#: A group ending in "=" keeps every group of that field the run reports.
BY_CATEGORY = ("all", "category=")
SELECTION: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("leave_rate", "attrition_rate", "move_rate", "mean_skill",
                     "mean_chronic_load", "satisfaction"), EDUCATORS),
    **dict.fromkeys(("achievement_growth", "months_of_learning", "uncovered_need_share"),
                    STUDENTS),
    **dict.fromkeys(("vacancy_rate", "headcount", "adults_per_100_students"), BY_CATEGORY),
    **dict.fromkeys(("students_per_teacher", "enrollment", "hires", "displaced", "role_changes",
                     "cost_total", "cost_per_student", "salary_cost", "benefits_cost",
                     "time_cost", "stipend_cost", "credential_cost", "recruitment_cost",
                     "turnover_cost", "transition_cost", "unfilled_post_cost",
                     "para_to_teacher"), ("all",)),
    "cohort_cumulative_leave": ("years_since_entry=1", "years_since_entry=2"),
}


def golden_dir(root: Path = ROOT) -> Path:
    return root / "tests" / "golden"


def compute(name: str, root: Path = ROOT) -> pd.DataFrame:
    """The golden table of ``configs/<name>.toml``: columns metric, group, year, value."""

    config = root / "configs" / f"{name}.toml"
    if not config.exists():
        raise FileNotFoundError(f"{config} not found: the golden baseline runs from a checkout "
                                "of the repository")
    with use_reference(False):  # the stored numbers are the Numba path's, whatever the env
        table = run(config, years=YEARS, seed=SEED)
    keep = table["metric"].map(SELECTION).notna()
    table = table[keep]
    wanted = [any(g == w or (w.endswith("=") and g.startswith(w)) for w in SELECTION[m])
              for m, g in zip(table["metric"], table["group"], strict=True)]
    table = table[wanted]
    table = table.assign(year=table["year"].astype(int), value=table["value"].astype(float))
    return table[list(COLUMNS)].sort_values(["metric", "group", "year"]).reset_index(drop=True)


def write(table: pd.DataFrame, path: Path) -> None:
    """Write via a temporary name, so an interrupted write leaves the old table whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(COLUMNS)
        for metric, group, year, value in table[list(COLUMNS)].itertuples(index=False):
            out.writerow((metric, group, int(year), repr(float(value))))
    os.replace(tmp, path)


def read(path: Path) -> pd.DataFrame:
    """A stored table; values parsed with ``float`` (exact for ``repr`` text)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return pd.DataFrame({"metric": [r["metric"] for r in rows],
                         "group": [r["group"] for r in rows],
                         "year": [int(r["year"]) for r in rows],
                         "value": [float(r["value"]) for r in rows]}, columns=list(COLUMNS))


def _same(old: float, new: float) -> bool:
    return old == new or (math.isnan(old) and math.isnan(new))


def differences(stored: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Every (metric, group, year) whose value is not exactly the stored one, or that is
    present in only one of the tables: columns metric, group, year, old, new (NaN on a
    missing side), relative (change relative to the old value) and present ("both",
    "stored only", "current only")."""
    key = ["metric", "group", "year"]
    both = stored.rename(columns={"value": "old"}).merge(
        current.rename(columns={"value": "new"}), on=key, how="outer", indicator=True)
    moved = [side != "both" or not _same(o, n)
             for o, n, side in zip(both["old"], both["new"], both["_merge"], strict=True)]
    out = both[moved].sort_values(key).reset_index(drop=True)
    out["relative"] = (out["new"] - out["old"]) / out["old"].abs()
    out["present"] = out.pop("_merge").map(
        {"both": "both", "left_only": "stored only", "right_only": "current only"}).astype(str)
    return out


def describe(name: str, moved: pd.DataFrame, limit: int | None = None) -> str:
    """What moved in one config's table, one line per value."""
    if moved.empty:
        return f"{name}: unchanged"
    shown = moved if limit is None else moved.head(limit)
    lines = [f"{name}: {len(moved)} value(s) moved"]
    for row in shown.itertuples(index=False):
        old = "(absent)" if row.present == "current only" else repr(row.old)
        new = "(absent)" if row.present == "stored only" else repr(row.new)
        change = "" if math.isnan(row.relative) else f"  ({row.relative:+.3g} relative)"
        lines.append(f"  {row.metric:<24} {row.group:<28} year {row.year}: {old} -> {new}"
                     f"{change}")
    if limit is not None and len(moved) > limit:
        lines.append(f"  ... and {len(moved) - limit} more")
    return "\n".join(lines)


REGENERATE = ("If the change is intended, regenerate the baseline with `make golden` (or "
              "`python -m nextwork_sim.golden --write`), review `git diff tests/golden` and "
              "say in the commit why the results moved.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nextwork_sim.golden",
                                     description="Compare the golden baseline (tests/golden/) "
                                     "with fresh runs; --write regenerates it.")
    parser.add_argument("--write", action="store_true",
                        help="write the fresh tables over the stored ones")
    parser.add_argument("configs", nargs="*", default=list(CONFIGS),
                        help=f"config names (default: all of {', '.join(CONFIGS)})")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.configs) - set(CONFIGS))
    if unknown:
        parser.error(f"unknown config {', '.join(unknown)}; allowed: {', '.join(CONFIGS)}")
    total = 0
    for name in args.configs:
        path = golden_dir() / f"{name}.csv"
        current = compute(name)
        if path.exists():
            moved = differences(read(path), current)
            total += len(moved)
            print(describe(name, moved))
        else:
            print(f"{name}: no stored table yet ({len(current)} values)")
            total += not args.write
        if args.write:
            write(current, path)
    if args.write:
        print(f"wrote {len(args.configs)} table(s) to {golden_dir()}; {total} value(s) moved")
        return 0
    if total:
        print(REGENERATE)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
