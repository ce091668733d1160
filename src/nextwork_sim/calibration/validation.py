"""``nextwork-sim validate``: the fit of a config to a targets file, at several seeds.

Each seed runs its own replications (one seed's replications share nothing with another's);
a row counts inside only when its simulated mean is inside the band at every seed
(docs/calibration.md §4). Writes ``validation.csv`` (one line per row and seed, the columns
the report reads) and ``validation.png``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..api import scenario_of
from ..config import ConfigError
from . import targets as tg

CSV_COLUMNS = ["target", "metric", "group", "value", "low", "high", "seed", "runs", "sim_mean",
               "sim_low", "sim_high", "inside", "precise"]


def validate(config, targets_path: str | Path, *, seeds: tuple[int, ...] = (0, 1, 2),
             preset: str | None = "state", replications: int = 8, years: int = 3,
             workers: int = 2, kinds: tuple[str, ...] = ("calibrate",),
             progress: Callable | None = None) -> pd.DataFrame:
    """One line per target row and seed: the published value and band, the simulated mean
    and its 95 % interval over the seed's replications."""

    if not seeds:
        raise ConfigError("--seeds: give at least one seed")
    targets = tg.read_targets(targets_path, kinds)
    scenario = scenario_of(config, [] if preset is None else [f"district.preset={preset}"])
    tick = progress or (lambda *a, **k: None)
    tick(total=len(seeds) * replications * (years + scenario.burn_in_years))
    frames = []
    for seed in seeds:
        values = tg.simulate(scenario, targets, seed=seed, replications=replications,
                             years=years, workers=workers, progress=tick)
        frames.append(tg.summarise(values, targets).assign(seed=seed))
    return pd.concat(frames, ignore_index=True)[CSV_COLUMNS]


def verdict(table: pd.DataFrame) -> pd.DataFrame:
    """Per row: inside at every seed, and the worst distance outside the band."""
    rows = table.groupby("target", sort=False).agg(
        metric=("metric", "first"), group=("group", "first"), value=("value", "first"),
        low=("low", "first"), high=("high", "first"), seeds=("seed", "nunique"),
        lowest=("sim_mean", "min"), highest=("sim_mean", "max"),
        inside=("inside", "all"), precise=("precise", "all"))
    return rows.reset_index()


def write_outputs(table: pd.DataFrame, out: Path) -> tuple[Path, Path]:
    """``validation.csv``, ``validation.md`` (the table for a document) and ``validation.png``
    in ``out``, each via a temporary name; returns the CSV's and the figure's paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "validation.csv"
    tmp = out / f".validation.csv.tmp-{os.getpid()}"
    table.to_csv(tmp, index=False)
    os.replace(tmp, csv)
    markdown = out / "validation.md"
    tmp = out / f".validation.md.tmp-{os.getpid()}"
    tmp.write_text(markdown_table(table) + "\n")
    os.replace(tmp, markdown)
    return csv, validation_figure(table, out / "validation.png")


def validation_figure(table: pd.DataFrame, path: Path) -> Path:
    """One panel per row: the band (shaded) and published value (line) against each seed's
    simulated mean with its 95 % interval; rows outside at some seed are titled in red."""
    import seaborn as sns  # start-up time
    from matplotlib.figure import Figure  # start-up time

    sns.set_theme(style="whitegrid", context="notebook")
    rows = list(dict.fromkeys(table["target"]))
    columns = 4
    figure = Figure(figsize=(3.4 * columns, 2.4 * math.ceil(len(rows) / columns)))
    palette = sns.color_palette("colorblind", 3)
    for i, target in enumerate(rows):
        part = table[table["target"] == target]
        ax = figure.add_subplot(math.ceil(len(rows) / columns), columns, i + 1)
        first = part.iloc[0]
        ax.axhspan(first["low"], first["high"], color=palette[2], alpha=0.2, linewidth=0)
        ax.axhline(first["value"], color=palette[2], linewidth=1.5)
        ax.errorbar(part["seed"].astype(str), part["sim_mean"],
                    yerr=[part["sim_mean"] - part["sim_low"], part["sim_high"] - part["sim_mean"]],
                    fmt="o", color=palette[0], capsize=3)
        ax.set_title(target, fontsize=9, color="black" if part["inside"].all() else "firebrick")
        ax.tick_params(labelsize=7)
        ax.set_xlabel("seed", fontsize=8)
    figure.suptitle("published band (shaded) and value (line) vs simulated mean, 95 % CI over "
                    "replications", fontsize=10)
    return save_figure(figure, path)


def save_figure(figure, path: Path) -> Path:
    """Writes ``figure`` to ``path`` (PNG) through a temporary name, so a failure leaves no
    half-written file; returns ``path``."""
    figure.tight_layout()
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.png")
    figure.savefig(tmp, dpi=100)
    os.replace(tmp, path)
    return path


def markdown_table(table: pd.DataFrame) -> str:
    """The validation table as Markdown: one line per row, the band, each seed's mean ± the
    half-width of its 95 % interval, inside at every seed (docs/calibration.md §4)."""
    seeds = sorted(table["seed"].unique())
    head = ["target", "metric, group", "published (band)", *[f"seed {s}" for s in seeds],
            "inside"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for target, rows in table.groupby("target", sort=False):
        first = rows.iloc[0]
        cells = {r.seed: f"{r.sim_mean:.4g} ± {r.sim_high - r.sim_mean:.2g}"
                 for r in rows.itertuples(index=False)}
        lines.append("| " + " | ".join([
            target, f"{first['metric']}, {first['group']}",
            f"{first['value']:g} ({first['low']:g}–{first['high']:g})",
            *[cells.get(s, "") for s in seeds],
            "yes" if rows["inside"].all() else "**no**"]) + " |")
    return "\n".join(lines)
