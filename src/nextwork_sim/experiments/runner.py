"""Runs scenarios and replications. A run is a pure function of (resolved config, seed,
replication); replications differ only by their SeedSequence child."""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from .. import __version__
from ..config import Scenario
from ..model import SchoolSystemModel
from .storage import run_id


def run_one(scenario: Scenario, seed: int, replication: int = 0, years: int | None = None,
            point: int = 0, progress: Callable | None = None) -> pd.DataFrame:
    """One replication of one scenario, as a tidy table with the contract's columns."""
    model = SchoolSystemModel(scenario, seed=seed, replication=replication)
    try:
        table = model.run(years, progress=progress)
    finally:
        model.release()
    table.insert(0, "scenario", scenario.name)
    table.insert(1, "point", point)
    table.insert(2, "replication", replication)
    return table


def run_many(scenarios: list[Scenario], seed: int, replications: int = 1,
             years: int | None = None, progress: Callable | None = None
             ) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every scenario x replication, in a fixed order; returns (runs by id, manifest)."""
    start = time.perf_counter()
    runs: dict[str, pd.DataFrame] = {}
    for replication in range(replications):
        for scenario in scenarios:
            runs[run_id(scenario.name, 0, replication)] = run_one(
                scenario, seed, replication, years, progress=progress)
    manifest = {
        "package_version": __version__,
        "seed": seed,
        "replications": replications,
        "years": years if years is not None else {s.name: s.years for s in scenarios},
        "scenarios": [s.name for s in scenarios],
        "config_hashes": {s.name: s.hash() for s in scenarios},
        "runs": sorted(runs),
        "wall_time_seconds": round(time.perf_counter() - start, 3),
        "resolved_config": {s.name: s.model_dump(mode="json") for s in scenarios},
    }
    return runs, manifest
