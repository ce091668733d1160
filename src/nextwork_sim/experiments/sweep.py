"""Parameter sweeps and sensitivity analysis (grid, Sobol, Morris via SALib).

A sweep file (TOML) names a base scenario, the config fields to vary with their bounds, a
design, replications per point and the outcomes to analyse::

    [sweep]
    base = "../configs/traditional.toml"     # relative to the sweep file
    overrides = ['district.preset="school"', "burn_in_years=0"]
    design = "sobol"                         # grid | sobol | morris
    samples = 512                            # Sobol base sample N / Morris trajectories
    replications = 1
    years = 2
    seed = 1
    dummy = true                             # a parameter the model never reads (a check)
    outcomes = [{metric = "leave_rate", group = "all"}]
    [[sweep.parameters]]
    field = "parameters.load.switch_cost"
    low = 0.0
    high = 0.1                               # grid: values = [...]

Every point x replication is a run (``runs/<scenario>__p<point>__r<rep>.parquet``, written
the moment it finishes, so ``--resume`` skips finished runs). All points share the seed:
common random numbers across points.
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..config import ConfigError, Scenario, load_config

DUMMY = "dummy"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SweepParameter(_Strict):
    field: str = Field(..., description="config field path, e.g. parameters.load.switch_cost")
    low: float | None = None
    high: float | None = None
    values: list[float] | None = Field(None, description="grid values")


class Outcome(_Strict):
    metric: str
    group: str = "all"


class SweepSpec(_Strict):
    base: str
    overrides: list[str] = []
    design: Literal["grid", "sobol", "morris"] = "sobol"
    samples: int = Field(64, ge=1, le=100_000)
    levels: int = Field(4, ge=2, le=20)
    replications: int = Field(1, ge=1, le=1000)
    years: int | None = Field(None, ge=1, le=50)
    seed: int = Field(0, ge=0)
    dummy: bool = True
    outcomes: list[Outcome] = Field(..., min_length=1)
    parameters: list[SweepParameter] = Field(..., min_length=1)


def load_sweep(path: str | Path) -> tuple[SweepSpec, Scenario]:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())["sweep"]
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such sweep file") from None
    except (tomllib.TOMLDecodeError, KeyError) as error:
        raise ConfigError(f"{path}: not a sweep file ({error})") from None
    try:
        spec = SweepSpec.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: sweep.{where}: {first['msg']}") from None
    base = load_config(path.parent / spec.base, spec.overrides)
    for p in spec.parameters:
        bounded = p.low is not None and p.high is not None and p.high > p.low
        if spec.design == "grid" and not p.values:
            raise ConfigError(f"{path}: sweep.parameters {p.field}: a grid needs values")
        if spec.design != "grid" and not bounded:
            raise ConfigError(f"{path}: sweep.parameters {p.field}: needs low < high")
        probe = p.values[0] if spec.design == "grid" else p.low
        load_config(path.parent / spec.base, [*spec.overrides, f"{p.field}={probe!r}"])
    return spec, base


def problem(spec: SweepSpec) -> dict:
    names = [p.field for p in spec.parameters] + ([DUMMY] if spec.dummy else [])
    bounds = [[p.low, p.high] for p in spec.parameters] + ([[0.0, 1.0]] if spec.dummy else [])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def design_points(spec: SweepSpec) -> np.ndarray:
    """Rows = points, columns = problem names (the dummy last)."""
    if spec.design == "grid":
        grid = np.array(list(itertools.product(*[p.values for p in spec.parameters])), float)
        return np.column_stack([grid, np.zeros(len(grid))]) if spec.dummy else grid
    if spec.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(spec), spec.samples, calc_second_order=False, seed=spec.seed)
    from SALib.sample import morris

    return morris.sample(problem(spec), spec.samples, num_levels=spec.levels, seed=spec.seed)


def point_scenario(base: Scenario, spec: SweepSpec, values: np.ndarray, point: int) -> Scenario:
    from ..config import apply_overrides, validate

    overrides = []
    for p, value in zip(spec.parameters, values, strict=False):
        field_type = _field_type(base, p.field)
        text = str(int(round(value))) if field_type is int else repr(float(value))
        overrides.append(f"{p.field}={text}")
    data = apply_overrides(base.model_dump(mode="json", exclude_none=True), overrides)
    data["name"] = base.name
    return validate(data, f"sweep point {point}")


def _field_type(base: Scenario, path: str):
    node = base
    for part in path.split("."):
        node = getattr(node, part)
    return type(node)


def outcome_matrix(table: pd.DataFrame, spec: SweepSpec, n_points: int) -> pd.DataFrame:
    """Y[point, outcome]: mean over replications and reported years."""
    columns = {}
    for outcome in spec.outcomes:
        rows = table[(table["metric"] == outcome.metric) & (table["group"] == outcome.group)]
        means = rows.groupby("point")["value"].mean().reindex(range(n_points))
        columns[f"{outcome.metric}|{outcome.group}"] = means.to_numpy()
    return pd.DataFrame(columns)


def analyse(spec: SweepSpec, points: np.ndarray, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Tidy sensitivity table: outcome, parameter, index, value, conf (95 % half-width)."""
    rows = []
    prob = problem(spec)
    for column in outcomes.columns:
        y = outcomes[column].to_numpy(dtype=float)
        metric, group = column.split("|")
        if spec.design == "sobol":
            from SALib.analyze import sobol

            result = sobol.analyze(prob, y, calc_second_order=False, seed=spec.seed)
            pairs = (("S1", "S1_conf"), ("ST", "ST_conf"))
        elif spec.design == "morris":
            from SALib.analyze import morris

            result = morris.analyze(prob, points, y, num_levels=spec.levels, seed=spec.seed)
            pairs = (("mu_star", "mu_star_conf"), ("sigma", None))
        else:
            continue
        for i, name in enumerate(prob["names"]):
            for index, conf in pairs:
                rows.append({"metric": metric, "group": group, "parameter": name,
                             "index": index, "value": float(result[index][i]),
                             "conf": float(result[conf][i]) if conf else float("nan")})
    return pd.DataFrame(rows)
