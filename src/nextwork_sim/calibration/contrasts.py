"""``nextwork-sim validate --contrasts DIR``: published contrasts the model was never fitted to.

A contrasts file (``configs/validation/contrasts.csv``; docs/calibration.md §5) holds one
published experiment or quasi-experiment a row: its estimate and interval, the reported metric
and groups it maps to, and the two configs it compares (a config file plus ``--set``
overrides, each side), with the preset, years, replications and seed to run them at. The
simulated contrast of one replication is

    value(A, group_a) - value(B, group_b)     [/ (value(A, per) - value(B, per)) with per_metric]

where a value is the row's metric over the reported years (``targets.row_value``). Both sides
run the same seed and replication numbers, so their draws are common random numbers: a
contrast of a config with itself is exactly zero, and two sides that resolve to the same
scenario are run once. Over the replications the contrast has a mean and a 95 % t-interval;
it counts inside when the mean lies in the published interval.
"""

from __future__ import annotations

import csv
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..api import scenario_of
from ..config import ConfigError
from ..experiments.executors import make_executor
from ..experiments.runner import run_tasks, task
from ..outcomes import METRICS
from . import targets as tg
from .validation import save_figure

CONTRAST_COLUMNS = ("id", "study", "design", "source_detail", "estimate", "low", "high",
                    "interval_note", "unit", "metric", "group_a", "group_b", "per_metric",
                    "per_group", "mapping", "config_a", "set_a", "config_b", "set_b", "preset",
                    "years", "replications", "seed", "check_only", "not_a_target_or_source")
PRESETS = ("school", "district", "state", "config")
RESULT_COLUMNS = ["id", "study", "metric", "unit", "check_only", "estimate", "low", "high",
                  "sim_mean", "sim_low", "sim_high", "runs", "inside", "overlap", "preset",
                  "years", "replications", "seed", "seconds"]
#: district- and school-preset runs are small: a worker may hold many before a fresh pool
SMALL_RUNS_PER_WORKER = 16


@dataclass(frozen=True)
class Contrast:
    """One checked row of a contrasts file, with the two scenarios it runs."""

    id: str
    study: str
    unit: str
    metric: str
    group_a: str
    group_b: str
    per_metric: str
    per_group: str
    estimate: float
    low: float
    high: float
    preset: str
    years: int
    replications: int
    seed: int
    check_only: bool
    scenario_a: object
    scenario_b: object
    where: str

    @property
    def same_scenario(self) -> bool:
        """Both sides resolve to one scenario: its runs serve both (a group contrast)."""
        return self.scenario_a == self.scenario_b


def contrast_files(path: str | Path) -> list[Path]:
    """The CSV files of a contrasts folder (sorted), or the one file named."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.csv"))
        if not files:
            raise ConfigError(f"--contrasts {path}: the folder holds no .csv file")
        return files
    if not path.exists():
        raise ConfigError(f"--contrasts {path}: no such folder or file")
    if path.suffix.lower() != ".csv":
        raise ConfigError(f"--contrasts {path}: expected a folder of .csv files or a .csv file")
    return [path]


def _number(row: dict, field: str, where: str, whole: bool = False, low: float | None = None,
            high: float | None = None) -> float:
    text = row[field].strip()
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ConfigError(f"{where}: {field} = {text!r} is not {kind}") from None
    if not math.isfinite(value) or (low is not None and value < low) or \
            (high is not None and value > high):
        allowed = f"{low:g} to {high:g}" if low is not None and high is not None else \
            (f"at least {low:g}" if low is not None else "finite")
        raise ConfigError(f"{where}: {field} = {text!r}; allowed: {allowed}")
    return value


def _scenario(row: dict, side: str, folder: Path, preset: str, years: int, where: str):
    config = row[f"config_{side}"].strip()
    if not config:
        raise ConfigError(f"{where}: config_{side} is empty")
    path = (folder / config) if not Path(config).is_absolute() else Path(config)
    if not path.is_file():
        raise ConfigError(f"{where}: config_{side} = {config!r}: no such file (paths are "
                          f"relative to {folder})")
    overrides = [s.strip() for s in row[f"set_{side}"].split(";") if s.strip()]
    overrides.append(f"years={years}")
    if preset != "config":
        overrides.append(f"district.preset={preset}")
    try:
        return scenario_of(path, overrides)
    except ConfigError as error:
        raise ConfigError(f"{where}: config_{side} / set_{side}: {error}") from None


def _read_file(path: Path, seen: dict[str, str]) -> list[Contrast]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ConfigError(f"{path}: not a readable CSV: {str(error).splitlines()[0]}") from None
    missing = [c for c in CONTRAST_COLUMNS if c not in header]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}; a contrasts file has "
                          f"{', '.join(CONTRAST_COLUMNS)}")
    if not rows:
        raise ConfigError(f"{path}: no contrast rows")
    contrasts = []
    for line, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            raise ConfigError(f"{path}: line {line}: {len(header)} fields expected")
        row = {k: v.strip() for k, v in row.items()}
        where = f"{path}: line {line} ({row['id'] or 'no id'})"
        if not row["id"]:
            raise ConfigError(f"{where}: id is empty")
        if row["id"] in seen:
            raise ConfigError(f"{where}: id {row['id']!r} already used at {seen[row['id']]}")
        seen[row["id"]] = f"{path}: line {line}"
        for field in ("study", "unit", "group_a", "mapping", "not_a_target_or_source"):
            if not row[field]:
                raise ConfigError(f"{where}: {field} is empty")
        for field in ("metric", "per_metric"):
            if (row[field] or field == "metric") and row[field] not in METRICS:
                raise ConfigError(f"{where}: {field} = {row[field]!r} is not a reported metric "
                                  f"(docs/outputs.md lists them)")
        if bool(row["per_metric"]) != bool(row["per_group"]):
            raise ConfigError(f"{where}: per_metric and per_group go together (both or neither)")
        estimate, low, high = (_number(row, f, where) for f in ("estimate", "low", "high"))
        if not low <= estimate <= high or low == high:
            raise ConfigError(f"{where}: needs low < high and low <= estimate <= high (got "
                              f"{low:g}, {estimate:g}, {high:g})")
        if row["preset"] not in PRESETS:
            raise ConfigError(f"{where}: preset = {row['preset']!r}; allowed: "
                              f"{', '.join(PRESETS)}")
        years = int(_number(row, "years", where, whole=True, low=1, high=50))
        replications = int(_number(row, "replications", where, whole=True, low=2, high=1000))
        seed = int(_number(row, "seed", where, whole=True, low=0))
        if row["check_only"].lower() not in ("true", "false"):
            raise ConfigError(f"{where}: check_only = {row['check_only']!r}; allowed: true, "
                              f"false")
        contrasts.append(Contrast(
            id=row["id"], study=row["study"], unit=row["unit"], metric=row["metric"],
            group_a=row["group_a"], group_b=row["group_b"] or row["group_a"],
            per_metric=row["per_metric"], per_group=row["per_group"], estimate=estimate,
            low=low, high=high, preset=row["preset"], years=years, replications=replications,
            seed=seed, check_only=row["check_only"].lower() == "true",
            scenario_a=_scenario(row, "a", path.parent, row["preset"], years, where),
            scenario_b=_scenario(row, "b", path.parent, row["preset"], years, where),
            where=where))
    return contrasts


def read_contrasts(path: str | Path) -> list[Contrast]:
    """Every row of a contrasts folder or file, checked before anything runs: the columns,
    numbers (low <= estimate <= high), metrics, preset, years, replications, seed, the
    check-only flag, and both configs loaded with their overrides. A defect raises
    ``ConfigError`` with one line naming the file, the line and the field."""
    seen: dict[str, str] = {}
    return [c for file in contrast_files(path) for c in _read_file(file, seen)]


def runs_of(contrast: Contrast) -> int:
    """Simulation runs a contrast needs (one side when both are the same scenario)."""
    return contrast.replications * (1 if contrast.same_scenario else 2)


def _simulate(contrast: Contrast, workers: int, tick: Callable) -> dict[tuple[int, int], object]:
    """Every run of a contrast, keyed by (side, replication): side 0 is A, 1 is B. Sides share
    the seed and replication numbers (common random numbers)."""
    sides = [contrast.scenario_a] if contrast.same_scenario else \
        [contrast.scenario_a, contrast.scenario_b]
    tasks = [task(scenario, contrast.seed, r, contrast.years, point=side)
             for r in range(contrast.replications) for side, scenario in enumerate(sides)]
    per_worker = tg.RUNS_PER_WORKER if contrast.preset == "state" else SMALL_RUNS_PER_WORKER
    batch = max(1, workers * per_worker)
    tables: dict[tuple[int, int], object] = {}
    for first in range(0, len(tasks), batch):
        part = tasks[first:first + batch]
        keys = {t["run_id"]: (t["point"], t["replication"]) for t in part}
        with make_executor("local", workers, in_process=workers <= 1) as pool:
            for rid, table in run_tasks(part, pool):
                tables[keys[rid]] = table
                tick()
    if contrast.same_scenario:
        tables.update({(1, r): tables[(0, r)] for r in range(contrast.replications)})
    return tables


def contrast_values(contrast: Contrast, tables: dict) -> np.ndarray:
    """The simulated contrast of each replication (NaN where a run lacks a group)."""
    values = []
    for r in range(contrast.replications):
        a, b = tables[(0, r)], tables[(1, r)]
        difference = (tg.row_value(a, contrast.metric, contrast.group_a)
                      - tg.row_value(b, contrast.metric, contrast.group_b))
        if contrast.per_metric:
            scale = (tg.row_value(a, contrast.per_metric, contrast.per_group)
                     - tg.row_value(b, contrast.per_metric, contrast.per_group))
            difference = difference / scale if scale != 0 else float("nan")
        values.append(difference)
    return np.asarray(values, dtype=float)


def summarise(contrast: Contrast, values: np.ndarray, seconds: float) -> dict:
    """A result row: the published estimate and interval, the simulated mean and its 95 %
    t-interval over replications, inside (mean in the published interval) and overlap."""
    sample = values[np.isfinite(values)]
    n = sample.size
    mean = float(sample.mean()) if n else float("nan")
    half = float(stats.t.ppf(0.975, n - 1) * sample.std(ddof=1) / np.sqrt(n)) if n > 1 \
        else float("nan")
    return {"id": contrast.id, "study": contrast.study, "metric": contrast.metric,
            "unit": contrast.unit, "check_only": contrast.check_only,
            "estimate": contrast.estimate, "low": contrast.low, "high": contrast.high,
            "sim_mean": mean, "sim_low": mean - half, "sim_high": mean + half, "runs": n,
            "inside": bool(contrast.low <= mean <= contrast.high),
            "overlap": bool(mean - half <= contrast.high and mean + half >= contrast.low),
            "preset": contrast.preset, "years": contrast.years,
            "replications": contrast.replications, "seed": contrast.seed,
            "seconds": round(seconds, 1)}


def run_contrasts(contrasts: list[Contrast], *, workers: int = 2,
                  progress: Callable | None = None) -> pd.DataFrame:
    """Run every contrast (``read_contrasts``) and return one result row each
    (``RESULT_COLUMNS``), with the wall-clock seconds each took."""
    tick = progress or (lambda *a, **k: None)
    tick(total=sum(runs_of(c) for c in contrasts))
    rows = []
    for contrast in contrasts:
        started = time.perf_counter()
        tables = _simulate(contrast, workers, tick)
        rows.append(summarise(contrast, contrast_values(contrast, tables),
                              time.perf_counter() - started))
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_outputs(table: pd.DataFrame, out: Path) -> tuple[Path, Path, Path]:
    """``contrasts.csv``, ``contrasts.md`` and ``contrasts.png`` in ``out``, each through a
    temporary name; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, markdown, figure = out / "contrasts.csv", out / "contrasts.md", out / "contrasts.png"
    _atomic_text(csv_path, table.to_csv(index=False))
    _atomic_text(markdown, markdown_table(table) + "\n")
    return csv_path, markdown, contrast_figure(table, figure)


def _g(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.3g}"


def markdown_table(table: pd.DataFrame) -> str:
    """The results as Markdown: published estimate (interval), simulated mean (95 % interval),
    inside, check-only, seconds."""
    head = ["contrast", "unit", "published (interval)", "simulated (95 % CI)", "inside",
            "check-only", "seconds"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in table.itertuples(index=False):
        lines.append("| " + " | ".join([
            r.id, r.unit, f"{_g(r.estimate)} ({_g(r.low)} to {_g(r.high)})",
            f"{_g(r.sim_mean)} ({_g(r.sim_low)} to {_g(r.sim_high)})",
            "yes" if r.inside else "**no**", "yes" if r.check_only else "no",
            f"{r.seconds:g}"]) + " |")
    return "\n".join(lines)


def contrast_figure(table: pd.DataFrame, path: Path) -> Path:
    """One panel per contrast (units differ): the published estimate and interval against the
    simulated mean and its 95 % interval; a contrast outside is titled in red, a check-only
    one marked."""
    import seaborn as sns  # start-up time
    from matplotlib.figure import Figure  # start-up time

    sns.set_theme(style="whitegrid", context="notebook")
    palette = sns.color_palette("colorblind", 3)
    columns = 2
    panel_rows = max(1, math.ceil(len(table) / columns))
    figure = Figure(figsize=(6.0 * columns, 1.7 * panel_rows))
    for i, r in enumerate(table.itertuples(index=False)):
        ax = figure.add_subplot(panel_rows, columns, i + 1)
        ax.errorbar([r.estimate], [1], xerr=[[r.estimate - r.low], [r.high - r.estimate]],
                    fmt="s", color=palette[2], capsize=4)
        if math.isfinite(r.sim_mean):
            low = r.sim_mean - r.sim_low if math.isfinite(r.sim_low) else 0.0
            high = r.sim_high - r.sim_mean if math.isfinite(r.sim_high) else 0.0
            ax.errorbar([r.sim_mean], [0], xerr=[[low], [high]], fmt="o", color=palette[0],
                        capsize=4)
        ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.set_yticks([0, 1], ["simulated", "published"], fontsize=8)
        ax.set_ylim(-0.7, 1.7)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlabel(r.unit, fontsize=8)
        ax.set_title(f"{r.id}{' (check-only)' if r.check_only else ''}", fontsize=9,
                     color="black" if r.inside else "firebrick")
    figure.suptitle("published estimate and interval vs simulated mean, 95 % CI over "
                    "replications (red: outside)", fontsize=10)
    return save_figure(figure, path)
