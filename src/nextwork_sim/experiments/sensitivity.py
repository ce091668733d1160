"""Sensitivity indices from a sweep's outcomes (SALib): first-order and total Sobol indices
(Saltelli 2010 / Jansen estimators, bootstrap confidence intervals) and Morris elementary
effects (mu, mu*, sigma), as one tidy table:

    metric, group, reducer, parameter, index, value, conf, ci_low, ci_high, exceeds_dummy

``conf`` is the half-width of the ``conf_level`` (95 %) bootstrap interval, ``ci_low`` /
``ci_high`` = value -/+ conf. With a dummy parameter in the design (one the model never
reads), ``exceeds_dummy`` says whether a parameter's index lies above the dummy's interval
(the usual screening threshold; under common random numbers the dummy's indices are 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CONF_LEVEL = 0.95
RESAMPLES = 1000
COLUMNS = ["metric", "group", "reducer", "parameter", "index", "value", "conf", "ci_low",
           "ci_high", "exceeds_dummy"]


def sobol_table(problem: dict, y: np.ndarray, *, seed: int = 0,
                conf_level: float = CONF_LEVEL) -> pd.DataFrame:
    """S1 and ST per parameter for a Saltelli/Sobol' design with calc_second_order=False."""
    from SALib.analyze import sobol  # start-up time

    # an outcome no parameter moves (a scenario against itself) has no variance to share:
    # its indices are NaN, without numpy's warning about dividing by a zero spread
    with np.errstate(invalid="ignore", divide="ignore"):
        result = sobol.analyze(problem, np.asarray(y, dtype=float), calc_second_order=False,
                               num_resamples=RESAMPLES, conf_level=conf_level,
                               seed=_bootstrap_seed(seed))
    return _rows(problem["names"], result, (("S1", "S1_conf"), ("ST", "ST_conf")))


#: what seed 0 is given to SALib's Sobol analysis as (see ``_bootstrap_seed``)
ZERO_SEED = 2**32 - 1


def _bootstrap_seed(seed: int) -> int:
    """SALib's ``sobol.analyze`` reads seed 0 as no seed (``if seed:``) and draws the
    bootstrap from NumPy's global state, so the intervals of a seed-0 analysis changed from
    run to run: seed 0 is passed as ``ZERO_SEED`` instead (other seeds as they are)."""
    return int(seed) if seed else ZERO_SEED


def morris_table(problem: dict, x: np.ndarray, y: np.ndarray, *, levels: int,
                 seed: int = 0, conf_level: float = CONF_LEVEL) -> pd.DataFrame:
    """mu, mu* (with its bootstrap interval) and sigma per parameter of a Morris design."""
    from SALib.analyze import morris  # start-up time

    result = morris.analyze(problem, np.asarray(x, dtype=float), np.asarray(y, dtype=float),
                            num_resamples=RESAMPLES, conf_level=conf_level,
                            num_levels=levels, seed=seed)
    return _rows(problem["names"], result,
                 (("mu", None), ("mu_star", "mu_star_conf"), ("sigma", None)))


def _rows(names, result, pairs) -> pd.DataFrame:
    rows = []
    for i, name in enumerate(names):
        for index, conf in pairs:
            value = float(np.asarray(result[index])[i])
            half = float(np.asarray(result[conf])[i]) if conf else float("nan")
            rows.append({"parameter": name, "index": index, "value": value, "conf": half,
                         "ci_low": value - half, "ci_high": value + half})
    return pd.DataFrame(rows)


def screen(table: pd.DataFrame, dummy: str | None) -> pd.DataFrame:
    """Add ``exceeds_dummy``: the index's lower bound is above the dummy's upper bound (for
    S1, ST and mu*; NaN where there is no dummy or no interval)."""
    table = table.copy()
    flags = pd.Series([None] * len(table), index=table.index, dtype=object)
    if dummy is not None:
        for _, part in table.groupby("index", sort=False):
            ref = part[part["parameter"] == dummy]
            if ref.empty or part["conf"].isna().all():
                continue
            bound = float(ref["ci_high"].iloc[0])
            for i, low in part["ci_low"].items():
                flags[i] = bool(low > bound)
    table["exceeds_dummy"] = flags
    return table


def analyse(design: str, problem: dict, points: np.ndarray, outcomes: pd.DataFrame, *,
            levels: int = 4, seed: int = 0, dummy: str | None = None) -> pd.DataFrame:
    """Indices for every outcome column (``metric|group|reducer``) of ``outcomes`` (one row
    per design point). A grid has no indices (its table is empty); an outcome with missing
    points is skipped (its rows are absent)."""
    tables = []
    for column in outcomes.columns:
        y = outcomes[column].to_numpy(dtype=float)
        if design not in ("sobol", "morris") or not np.isfinite(y).all():
            continue
        if design == "sobol":
            part = sobol_table(problem, y, seed=seed)
        else:
            part = morris_table(problem, points, y, levels=levels, seed=seed)
        metric, group, reducer = (column.split("|") + ["mean"])[:3]
        part = screen(part, dummy if dummy in problem["names"] else None)
        tables.append(part.assign(metric=metric, group=group, reducer=reducer))
    if not tables:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(tables, ignore_index=True)[COLUMNS]
