"""Executors with the ``concurrent.futures`` shape: local processes (default) or Dask.

``run_tasks(tasks, executor, workers, scheduler)`` yields ``(run_id, table)`` as runs finish;
callers sort by run id, so results are identical whatever the executor or worker count (each
run is a pure function of its task). Worker processes call ``model.release()`` after every
run, so they do not grow run after run.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
from collections.abc import Iterable, Iterator

EXECUTORS = ("local", "dask")


def run_task(task: dict):
    """One run: (run_id, tidy table). Module-level so every executor can pickle it."""
    from ..config import validate
    from .runner import run_one

    scenario = validate(task["scenario"], task.get("source", "task"))
    table = run_one(scenario, task["seed"], task["replication"], task.get("years"),
                    point=task.get("point", 0))
    return task["run_id"], table


class InProcess:
    """workers = 1: run tasks here, in order (no pickling, easiest to debug)."""

    def map_unordered(self, fn, tasks: Iterable) -> Iterator:
        for task in tasks:
            yield fn(task)

    def shutdown(self) -> None:
        pass


class LocalProcesses:
    def __init__(self, workers: int):
        context = multiprocessing.get_context("forkserver")
        self.pool = futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)

    def map_unordered(self, fn, tasks: Iterable) -> Iterator:
        pending = [self.pool.submit(fn, task) for task in tasks]
        for future in futures.as_completed(pending):
            yield future.result()

    def shutdown(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class DaskCluster:
    """A ``dask.distributed`` client: to ``scheduler`` if given, else a LocalCluster."""

    def __init__(self, workers: int, scheduler: str | None = None):
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None)
            self.client = Client(self.cluster)

    def map_unordered(self, fn, tasks: Iterable) -> Iterator:
        from distributed import as_completed

        pending = [self.client.submit(fn, task, pure=False) for task in tasks]
        for future in as_completed(pending):
            yield future.result()

    def shutdown(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str = "local", workers: int = 1, scheduler: str | None = None):
    if kind not in EXECUTORS:
        raise ValueError(f"--executor {kind!r}: allowed: {', '.join(EXECUTORS)}")
    if kind == "dask":
        return DaskCluster(workers, scheduler)
    return InProcess() if workers <= 1 else LocalProcesses(workers)


def run_tasks(tasks: list[dict], kind: str = "local", workers: int = 1,
              scheduler: str | None = None) -> Iterator:
    executor = make_executor(kind, workers, scheduler)
    try:
        yield from executor.map_unordered(run_task, tasks)
    finally:
        executor.shutdown()
