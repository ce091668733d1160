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


def make_tasks(scenarios: list[Scenario], seed: int, replications: int, years: int | None,
               point: int = 0, skip: set[str] | frozenset = frozenset(),
               vary: Callable | None = None) -> list[dict]:
    """Every scenario x replication as a picklable task, in a fixed order. ``vary(scenario,
    seed, replication)`` may give each replication its own parameters."""
    tasks = []
    for replication in range(replications):
        for scenario in scenarios:
            rid = run_id(scenario.name, point, replication)
            if rid in skip:
                continue
            if vary is not None:
                scenario = vary(scenario, seed, replication)
            tasks.append({"run_id": rid, "scenario": scenario.model_dump(mode="json"),
                          "source": scenario.name, "seed": seed,
                          "replication": replication, "years": years, "point": point})
    return tasks


def run_many(scenarios: list[Scenario], seed: int, replications: int = 1,
             years: int | None = None, progress: Callable | None = None, *,
             executor: str = "local", workers: int = 1, scheduler: str | None = None,
             on_result: Callable | None = None, vary: Callable | None = None
             ) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every scenario x replication; returns (runs by id, in id order; manifest). With
    ``workers > 1`` or ``executor="dask"`` runs go to worker processes; ``progress`` is then
    called once per finished run with the number of simulated years it covered."""
    from .executors import run_tasks

    start = time.perf_counter()
    tasks = make_tasks(scenarios, seed, replications, years, vary=vary)
    runs: dict[str, pd.DataFrame] = {}
    if executor == "local" and workers <= 1:
        from ..config import validate

        for task in tasks:
            scenario = validate(task["scenario"], task["source"])
            table = run_one(scenario, seed, task["replication"], years, progress=progress)
            runs[task["run_id"]] = table
            if on_result is not None:
                on_result(task["run_id"], table)
    else:
        per_run = {s.name: (years or s.years) + s.burn_in_years for s in scenarios}
        for rid, table in run_tasks(tasks, executor, workers, scheduler):
            runs[rid] = table
            if on_result is not None:
                on_result(rid, table)
            if progress is not None:
                for _ in range(per_run[table["scenario"].iloc[0]]):
                    progress(None)
    runs = dict(sorted(runs.items()))
    manifest = {
        "package_version": __version__,
        "seed": seed,
        "replications": replications,
        "years": years if years is not None else {s.name: s.years for s in scenarios},
        "scenarios": [s.name for s in scenarios],
        "config_hashes": {s.name: s.hash() for s in scenarios},
        "runs": sorted(runs),
        "executor": executor,
        "workers": workers,
        "parameter_uncertainty": vary is not None,
        "wall_time_seconds": round(time.perf_counter() - start, 3),
        "resolved_config": {s.name: s.model_dump(mode="json") for s in scenarios},
    }
    return runs, manifest
