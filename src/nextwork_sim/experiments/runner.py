"""Runs scenarios and replications. A run is a pure function of (resolved config, seed,
replication); replications differ only by their SeedSequence child (``model.run_key``:
``SeedSequence(seed).spawn(r + 1)[r]``)."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd

from ..config import Scenario, validate
from ..model import SchoolSystemModel
from ..version import __version__
from .executors import Executor, check_executor, make_executor
from .results_format import run_id


def run_one(scenario: Scenario, seed: int, replication: int = 0, years: int | None = None,
            point: int = 0, progress: Callable | None = None,
            state: str | None = None) -> pd.DataFrame:
    """One replication of one scenario, as a tidy table with the contract's columns;
    ``state``: start from a saved burned-in state (``nextwork-sim burn-in``)."""
    model = SchoolSystemModel(scenario, seed=seed, replication=replication)
    try:
        if state is not None:
            model.load_state(state)
        table = model.run(years, progress=progress)
    finally:
        model.release()
    table.insert(0, "scenario", scenario.name)
    table.insert(1, "point", point)
    table.insert(2, "replication", replication)
    return table


def task(scenario: Scenario, seed: int, replication: int, years: int | None,
         point: int = 0) -> dict:
    """One run as a picklable task (see ``executors.run_task``)."""
    return {"run_id": run_id(scenario.name, point, replication),
            "scenario": scenario.model_dump(mode="json"), "source": scenario.name,
            "seed": int(seed), "replication": int(replication), "years": years,
            "point": int(point)}


def state_path(state_dir, replication: int) -> str:
    """Where ``nextwork-sim burn-in`` saves the state of a replication."""
    return str(Path(state_dir) / f"state_r{replication:04d}.npz")


def iter_tasks(scenarios: list[Scenario], seed: int, replications: int, years: int | None,
               point: int = 0, skip: set[str] | frozenset = frozenset(),
               vary: Callable | None = None) -> Iterator[dict]:
    """Every scenario x replication as a task, in a fixed order, built lazily; run ids in
    ``skip`` (finished runs of a resumed job) are left out. ``vary(scenario, seed,
    replication)`` may give each replication its own parameters (uncertainty.py)."""
    for replication in range(replications):
        for scenario in scenarios:
            if run_id(scenario.name, point, replication) in skip:
                continue
            own = vary(scenario, seed, replication) if vary is not None else scenario
            yield task(own, seed, replication, years, point)


def make_tasks(scenarios: list[Scenario], seed: int, replications: int, years: int | None,
               point: int = 0, skip: set[str] | frozenset = frozenset(),
               vary: Callable | None = None) -> list[dict]:
    """``iter_tasks`` as a list."""
    return list(iter_tasks(scenarios, seed, replications, years, point, skip, vary))


def run_many(scenarios: list[Scenario], seed: int, replications: int = 1,
             years: int | None = None, progress: Callable | None = None, *,
             executor: str = "local", workers: int = 1, scheduler: str | None = None,
             on_result: Callable[[str, pd.DataFrame], None] | None = None,
             vary: Callable | None = None, skip: set[str] | frozenset = frozenset(),
             state_dir: str | None = None) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every scenario x replication; returns (runs by id, in id order; manifest).

    ``executor``: ``"local"`` (one worker runs in this process, more in a process pool) or
    ``"dask"`` (``scheduler`` address, or a LocalCluster of ``workers``); an open
    ``executors.Executor`` is used and left open. ``on_result(run_id, table)`` is called as
    each run finishes (e.g. ``storage.PartWriter`` writes it at once). ``progress(None)`` is
    called once per simulated year (burn-in included): as the year ends in this process, or
    all of a run's years when a worker finishes it. ``vary(scenario, seed, replication) ->
    Scenario`` draws per-replication parameters (``uncertainty.scenario_for_replication``).
    ``skip``: run ids not to run (already finished). The tables are identical whatever the
    executor and the number of workers.
    """
    if not isinstance(executor, Executor):
        check_executor(executor, workers)
    start = time.perf_counter()
    tasks = iter_tasks(scenarios, seed, replications, years, skip=skip, vary=vary)
    if state_dir is not None:
        tasks = ({**item, "state": state_path(state_dir, item["replication"])}
                 for item in tasks)
    runs: dict[str, pd.DataFrame] = {}

    def finished(rid: str, table: pd.DataFrame) -> None:
        runs[rid] = table
        if on_result is not None:
            on_result(rid, table)

    if executor == "local" and workers <= 1:
        for item in tasks:  # in this process: progress year by year
            scenario = validate(item["scenario"], item["source"])
            finished(item["run_id"], run_one(scenario, seed, item["replication"], years,
                                             progress=progress, state=item.get("state")))
    else:
        per_run = {s.name: (years or s.years) + s.burn_in_years for s in scenarios}
        for rid, table in run_tasks(tasks, executor, workers, scheduler):
            finished(rid, table)
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
        "parameter_files": {s.name: s.parameters_from.model_dump() for s in scenarios
                            if s.parameters_from is not None},
        "runs": sorted(runs),
        "executor": getattr(executor, "name", executor),
        "workers": getattr(executor, "workers", workers),
        "parameter_uncertainty": vary is not None,
        "wall_time_seconds": round(time.perf_counter() - start, 3),
        "resolved_config": {s.name: s.model_dump(mode="json") for s in scenarios},
    }
    return runs, manifest


def run_task(task: dict):
    """One run: ``(run_id, tidy table)``. A task is a plain dict, ``{"run_id", "scenario"
    (``Scenario.model_dump(mode="json")``), "source", "seed", "replication", "years",
    "point"}``; module-level so every executor can pickle it."""
    scenario = validate(task["scenario"], task.get("source", "task"))
    table = run_one(scenario, task["seed"], task["replication"], task.get("years"),
                    point=task.get("point", 0), state=task.get("state"))
    return task["run_id"], table


def worker_memory() -> dict:
    """This process: pid, resident memory (bytes, after a garbage collection) and the number
    of live models. Submitted to a worker, it shows whether the worker grows run after run."""
    gc.collect()
    live = sum(1 for o in gc.get_objects() if isinstance(o, SchoolSystemModel))
    try:
        import psutil  # optional dependency (comes with the dask extra)

        rss = psutil.Process().memory_info().rss
    except ImportError:  # pragma: no cover - psutil comes with distributed
        import resource  # optional dependency (not on Windows)

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"pid": os.getpid(), "rss": int(rss), "live_models": live}


def run_tasks(tasks: Iterable[dict], kind: str | Executor = "local", workers: int = 1,
              scheduler: str | None = None) -> Iterator:
    """Yield ``(run_id, table)`` for every task as it finishes. ``kind`` may be an open
    :class:`Executor` (left open afterwards) or a name (opened and shut down here)."""
    if isinstance(kind, Executor):
        yield from kind.map_unordered(run_task, tasks)
        return
    with make_executor(kind, workers, scheduler) as executor:
        yield from executor.map_unordered(run_task, tasks)
