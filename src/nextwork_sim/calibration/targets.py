"""Calibration targets: read and check a targets CSV, and measure its rows in simulated runs.

A targets file has one published figure per row (columns ``TARGET_COLUMNS``; docs/calibration.md
§1). A row's simulated value in one run is the mean over the reported years of its metric and
group; a group ``A minus B`` is the difference of two groups' values (returns to experience).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..config_files import ConfigError
from ..config_files import file_hash as file_hash  # calibration records it (tg.file_hash)
from ..experiments.executors import make_executor
from ..experiments.runner import run_tasks, task
from ..outcomes import METRICS

TARGET_COLUMNS = ("target", "metric", "group", "value", "low", "high", "unit", "kind", "source",
                  "note")
KINDS = ("calibrate", "check", "initial", "parameter")
MINUS = " minus "
#: calibration and validation give each worker at most this many runs before a fresh pool:
#: a worker's resident memory grows with each state-preset run it holds (to 4.3 GB after
#: about three), and two such workers beside other jobs ran a 24 GB machine out of memory
RUNS_PER_WORKER = 2


def read_targets(path: str | Path, kinds: tuple[str, ...] = ("calibrate",)) -> pd.DataFrame:
    """The rows of ``kinds`` of a targets CSV, checked: every column present, numbers finite
    with low <= value <= high, known kinds and metrics, unique target ids. A defect raises
    ``ConfigError`` with one line naming the file, the row and the field."""
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such targets file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            OSError) as error:
        raise ConfigError(f"{path}: not a readable CSV: {str(error).splitlines()[0]}") from None
    missing = [c for c in TARGET_COLUMNS if c not in table.columns]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}; a targets file has "
                          f"{', '.join(TARGET_COLUMNS)}")
    for line, row in zip(range(2, len(table) + 2), table.itertuples(index=False), strict=True):
        where = f"{path}: line {line} ({row.target or 'no target id'})"
        if not row.target:
            raise ConfigError(f"{where}: target is empty")
        if row.kind not in KINDS:
            raise ConfigError(f"{where}: kind = {row.kind!r}; allowed: {', '.join(KINDS)}")
        if row.kind == "calibrate" and row.metric not in METRICS:
            raise ConfigError(f"{where}: metric = {row.metric!r} is not a reported metric "
                              f"(docs/outputs.md lists them)")
        numbers = {}
        for field in ("value", "low", "high"):
            try:
                numbers[field] = float(getattr(row, field))
            except ValueError:
                raise ConfigError(f"{where}: {field} = {getattr(row, field)!r} is not a "
                                  f"number") from None
            if not np.isfinite(numbers[field]):
                raise ConfigError(f"{where}: {field} must be finite")
        if not numbers["low"] <= numbers["value"] <= numbers["high"] or \
                numbers["low"] == numbers["high"]:
            raise ConfigError(f"{where}: needs low < high and low <= value <= high (got "
                              f"{numbers['low']}, {numbers['value']}, {numbers['high']})")
    duplicated = table["target"][table["target"].duplicated()]
    if not duplicated.empty:
        raise ConfigError(f"{path}: target id {duplicated.iloc[0]!r} appears twice")
    chosen = table[table["kind"].isin(kinds)].copy()
    if chosen.empty:
        raise ConfigError(f"{path}: no row of kind {' or '.join(kinds)}")
    for field in ("value", "low", "high"):
        chosen[field] = chosen[field].astype(float)
    return chosen.reset_index(drop=True)


def row_value(table: pd.DataFrame, metric: str, group: str) -> float:
    """One run's value of a target row: the mean over reported years (NaN when the run has
    no such group, e.g. a preset without high-poverty schools)."""
    if MINUS in group:
        first, second = group.split(MINUS, 1)
        return row_value(table, metric, first) - row_value(table, metric, second)
    rows = table[(table["metric"] == metric) & (table["group"] == group)
                 & (table["year"] >= 1)]
    return float(rows["value"].mean()) if not rows.empty else float("nan")


def measure(runs: dict[str, pd.DataFrame], targets: pd.DataFrame) -> pd.DataFrame:
    """Rows x runs: each target row's value in each run (columns: run ids, in order)."""
    values = {rid: [row_value(t, m, g) for m, g in zip(targets["metric"], targets["group"],
                                                         strict=True)]
              for rid, t in runs.items()}
    return pd.DataFrame(values, index=targets["target"].to_list())


def summarise(values: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Per row: simulated mean over runs, its 95 % interval (Student t over runs), the band,
    whether the mean is inside it, and whether the interval is at most a quarter of the band
    wide (``precise``: the row is measured finely enough to be fitted)."""
    rows = []
    for target, row in zip(targets["target"], targets.itertuples(index=False), strict=True):
        sample = values.loc[target].to_numpy(dtype=float)
        sample = sample[np.isfinite(sample)]
        n = sample.size
        mean = float(sample.mean()) if n else float("nan")
        half = (float(stats.t.ppf(0.975, n - 1) * sample.std(ddof=1) / np.sqrt(n))
                if n > 1 else float("nan"))
        rows.append({"target": target, "metric": row.metric, "group": row.group,
                     "value": row.value, "low": row.low, "high": row.high, "runs": n,
                     "sim_mean": mean, "sim_low": mean - half, "sim_high": mean + half,
                     "inside": bool(row.low <= mean <= row.high),
                     "precise": bool(2 * half <= (row.high - row.low) / 4)})
    return pd.DataFrame(rows)


def loss(summary: pd.DataFrame) -> float:
    """Mean over rows of the squared distance of the simulated mean from the published value,
    in half-bands (a row at its band's edge adds 1 when its value is the band's centre).
    A row the runs could not measure costs 100."""
    scaled = (summary["sim_mean"] - summary["value"]) / ((summary["high"] - summary["low"]) / 2)
    return float(np.nan_to_num(scaled.to_numpy() ** 2, nan=100.0).mean())


def simulate(scenario, targets: pd.DataFrame, *, seed: int, replications: int,
             years: int | None, workers: int = 1,
             progress: Callable | None = None) -> pd.DataFrame:
    """Run ``replications`` of ``scenario`` (common random numbers: the same seed gives the
    same draws whatever the parameters) and measure every target row in each run.

    With several workers the runs go in batches of ``RUNS_PER_WORKER`` per worker, each batch
    on a fresh process pool (Python 3.11's ``max_tasks_per_child`` can hang a pool whose
    workers all retire while tasks wait)."""
    tick = progress or (lambda *a, **k: None)
    per_run = (years or scenario.years) + scenario.burn_in_years
    batch = max(1, workers * RUNS_PER_WORKER)
    runs: dict[str, pd.DataFrame] = {}
    for first in range(0, replications, batch):
        tasks = [task(scenario, seed, r, years)
                 for r in range(first, min(first + batch, replications))]
        with make_executor("local", workers, in_process=workers <= 1) as pool:
            for rid, table in run_tasks(tasks, pool):
                runs[rid] = table
                for _ in range(per_run):
                    tick()
    return measure(dict(sorted(runs.items())), targets)
