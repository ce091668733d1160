"""Summaries over replications (docs/outputs.md, summary.csv): mean, 95 % CI of the mean,
2.5-97.5 percentiles; differences to a baseline scenario paired by replication."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

KEYS = ["scenario", "metric", "group", "year"]


def _interval(values: pd.Series) -> pd.Series:
    x = values.to_numpy(dtype=np.float64)
    n = x.size
    mean = x.mean()
    half = stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
    return pd.Series({"n": n, "mean": mean, "ci_low": mean - half, "ci_high": mean + half,
                      "p2_5": np.percentile(x, 2.5), "p97_5": np.percentile(x, 97.5)})


def summarize(table: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """One row per scenario, metric, group and year (or per ``keys``, e.g. with ``point``
    for a sweep): n, mean, 95 % CI of the mean, 2.5-97.5 percentiles over replications."""
    keys = KEYS if keys is None else keys
    grouped = table.groupby(keys, sort=True)["value"]
    out = grouped.apply(_interval).unstack().reset_index()
    out["n"] = out["n"].astype(int)
    return out


def paired_differences(table: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Scenario minus baseline in every replication (``scenario, metric, group, year,
    replication, value, baseline``), matched on metric, group, year and replication."""
    keys = ["metric", "group", "year", "replication"]
    base = table[table["scenario"] == baseline].set_index(keys)["value"]
    rows = []
    for scenario, part in table[table["scenario"] != baseline].groupby("scenario"):
        joined = part.set_index(keys)["value"].to_frame("value").join(
            base.rename("baseline"), how="inner")
        joined["value"] = joined["value"] - joined["baseline"]
        rows.append(joined.reset_index().assign(scenario=scenario))
    if not rows:
        return pd.DataFrame(columns=["scenario", *keys, "value", "baseline"])
    return pd.concat(rows, ignore_index=True)[["scenario", *keys, "value", "baseline"]]


def differences(table: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Scenario minus baseline, paired by replication, summarised per metric, group and
    year (the intervals are over the paired differences)."""
    paired = paired_differences(table, baseline)
    if paired.empty:
        return pd.DataFrame(columns=KEYS + ["n", "mean", "ci_low", "ci_high", "p2_5", "p97_5"])
    return summarize(paired)


def over_years(table: pd.DataFrame) -> pd.DataFrame:
    """Mean over reported years, per replication (the unit a comparison is paired on)."""
    keys = ["scenario", "replication", "metric", "group"]
    return table.groupby(keys, sort=True)["value"].mean().reset_index().assign(year=0)
