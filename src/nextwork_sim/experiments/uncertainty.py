"""Parameter uncertainty (``--parameter-uncertainty``): each replication draws the uncertain
parameters uniformly, so intervals over replications carry what we do not know as well as
noise.

Which parameters: by default every numeric field under ``parameters.`` whose ``kind`` is
**assumption** (docs/parameters.md), including those whose source gives only a direction
("assumption; direction from ..."); sourced and fitted values stay (the fitted ones were
calibrated with the others at their defaults). Integer assumptions (salary steps, credential
counts and terms) are drawn too and rounded; the only tuple (``learning.growth_by_grade``) is
sourced, and a tuple is never drawn. ``fields=[...]`` names another subset (any numeric
fields under ``parameters.``; integer fields are rounded).

Fields under ``staffing.`` (and ``district.``, ``calendar.``) are not drawn, assumptions or
not: they describe the design or the district being compared, and under the default shared
start a scenario's own staffing lives in ``adoption`` while ``staffing.`` holds the
baseline's, so drawing ``staffing.`` would vary the baseline's design in every reported year
but the other scenarios' only during burn-in, which is no longer a like-for-like comparison.
Vary a design setting with a sweep instead.

The range: uniform within +-``band`` (20 %) of the scenario's value, clipped to the field's
documented range [ge, le] (the documented ranges are wide limits of validity, not beliefs).
A value of 0 has no band and is not varied.

Draws are keyed: the value of a field in replication r is a function of (seed, r, field path)
only, from ``SeedSequence(seed, spawn_key=(r, STREAM, crc32(path)))`` (a sibling family of
the replication's run key ``SeedSequence(seed).spawn(r + 1)[r]``, whose spawn key is (r,)), so
it does not change when other fields are added to or left out of the subset, and every
scenario of a comparison gets the same draw in the same replication.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..config import ConfigError, Scenario, apply_overrides, validate
from ..docs_tables import _leaves
from ..kernels.keyed_random import SpawnKey
from ..parameters import ASSUMPTION

BAND = 0.2
STREAM = SpawnKey.PARAMETER_UNCERTAINTY  # the parameter-uncertainty family's key


class UncertainField(NamedTuple):
    path: str
    default: float
    low: float
    high: float
    integer: bool = False


def _bounds(field) -> tuple[float | None, float | None]:
    lo = hi = None
    for meta in field.metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    return lo, hi


def _get(scenario: Scenario, path: str) -> float:
    node = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return float(node)


def uncertain_fields(scenario: Scenario, fields: Iterable[str] | None = None,
                     band: float = BAND) -> list[UncertainField]:
    """The fields drawn per replication with their ranges, in schema order. ``fields=None``:
    every numeric assumption under ``parameters.``; else exactly the named fields (a name that
    is not a numeric field under ``parameters.`` raises ``ConfigError``)."""
    wanted = None if fields is None else list(dict.fromkeys(fields))
    out = []
    known = set()
    for path, field in _leaves(type(scenario), ""):
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        numeric = field.annotation in (int, float) and path.startswith("parameters.")
        if numeric:
            known.add(path)
        if wanted is None:
            if not (numeric and extra.get("kind") == ASSUMPTION):
                continue
        elif path not in wanted or not numeric:
            continue
        value = _get(scenario, path)
        lo, hi = _bounds(field)
        low, high = sorted((value * (1 - band), value * (1 + band)))
        low = max(low, lo) if lo is not None else low
        high = min(high, hi) if hi is not None else high
        if high > low:
            out.append(UncertainField(path, value, low, high, field.annotation is int))
    if wanted is not None:
        unknown = [f for f in wanted if f not in known]
        if unknown:
            raise ConfigError(f"parameter uncertainty: {unknown[0]!r} is not a numeric field "
                              "under parameters. (see docs/parameters.md)")
    return out


def uniform_draw(seed: int, replication: int, path: str) -> float:
    """U(0, 1) for one field in one replication, keyed by (seed, replication, path)."""
    key = (int(replication), STREAM, zlib.crc32(path.encode()))
    sequence = np.random.SeedSequence(int(seed), spawn_key=key)
    return float(np.random.default_rng(sequence).random())


def _drawn(scenario, seed, replication, fields, band) -> list[tuple[UncertainField, float]]:
    out = []
    for f in uncertain_fields(scenario, fields, band):
        value = f.low + uniform_draw(seed, replication, f.path) * (f.high - f.low)
        out.append((f, float(round(value)) if f.integer else value))
    return out


def draw_values(scenario: Scenario, seed: int, replication: int,
                fields: Iterable[str] | None = None, band: float = BAND) -> dict[str, float]:
    """{field path: drawn value} for one replication."""
    return {f.path: value for f, value in _drawn(scenario, seed, replication, fields, band)}


def scenario_for_replication(scenario: Scenario, seed: int, replication: int,
                             fields: Iterable[str] | None = None,
                             band: float = BAND) -> Scenario:
    """The scenario with this replication's draws (same name). Usable as ``run_many(...,
    vary=scenario_for_replication)``."""
    overrides = [f"{f.path}={int(value) if f.integer else repr(value)}"
                 for f, value in _drawn(scenario, seed, replication, fields, band)]
    data = apply_overrides(scenario.model_dump(mode="json", exclude_none=True), overrides)
    return validate(data, f"{scenario.name} (parameter uncertainty, replication "
                          f"{replication})")


def draws(scenario: Scenario, seed: int, replications: int,
          fields: Iterable[str] | None = None, band: float = BAND) -> pd.DataFrame:
    """Every replication's draws as a tidy table (replication, field, value, default, low,
    high): what a results folder should record next to its runs."""
    specs = uncertain_fields(scenario, fields, band)
    rows = []
    for replication in range(replications):
        values = draw_values(scenario, seed, replication, fields, band)
        rows += [{"scenario": scenario.name, "replication": replication, "field": f.path,
                  "value": values[f.path], "default": f.default,
                  # an integer field's drawn values are rounded: so is its range
                  "low": round(f.low) if f.integer else f.low,
                  "high": round(f.high) if f.integer else f.high} for f in specs]
    return pd.DataFrame(rows, columns=["scenario", "replication", "field", "value",
                                       "default", "low", "high"])
