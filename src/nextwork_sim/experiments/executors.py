"""Executors with the ``concurrent.futures`` shape: in-process, local processes or Dask.

Every executor has ``submit(fn, *args) -> future``, ``map(fn, items)`` (results in input
order), ``map_unordered(fn, items)`` (results as they finish, at most ``window`` tasks in
flight, so a sweep of thousands of runs holds a few results in memory at a time) and
``shutdown()``; each is a context manager. ``run_tasks(tasks, ...)`` yields ``(run_id, table)``
as runs finish; callers key results by run id, so results are identical whatever the
executor or worker count (each run is a pure function of its task). Workers call
``model.release()`` after every run (in ``runner.run_one``), so they do not grow.
"""

from __future__ import annotations

import concurrent.futures as futures
import itertools
import logging
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..config_files import ConfigError

EXECUTORS = ("local", "dask")


class Executor:
    """The shared shape; subclasses provide ``submit``, ``_wait_any`` and ``shutdown``."""

    name: str = "local"
    workers: int = 1

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any):
        raise NotImplementedError

    def _wait_any(self, pending: set) -> tuple[set, set]:
        raise NotImplementedError

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        raise NotImplementedError

    def map_unordered(self, fn: Callable, items: Iterable,
                      window: int | None = None) -> Iterator:
        """``fn(item)`` for every item, yielded as they finish; at most ``window`` (default
        4 x workers) in flight, and items are drawn from ``items`` lazily."""
        items = iter(items)
        window = max(1, window or 4 * self.workers)
        pending = {self.submit(fn, item) for item in itertools.islice(items, window)}
        try:
            while pending:
                done, pending = self._wait_any(pending)
                for future in done:
                    for item in itertools.islice(items, 1):
                        pending.add(self.submit(fn, item))
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()

    def map(self, fn: Callable, *iterables: Iterable) -> Iterator:
        """Like ``concurrent.futures.Executor.map``: everything is submitted now, results
        come in input order."""
        submitted = [self.submit(fn, *args) for args in zip(*iterables)]  # noqa: B905

        def results():
            try:
                for future in submitted:
                    yield future.result()
            finally:
                for future in submitted:
                    future.cancel()

        return results()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown(cancel_futures=True)


class InProcess(Executor):
    """workers = 1: run tasks here, one after another (no pickling, easiest to debug)."""

    def __init__(self, workers: int = 1):
        self.workers = 1

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> futures.Future:
        future: futures.Future = futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - handed to the caller via the future
            future.set_exception(error)
        return future

    def map_unordered(self, fn: Callable, items: Iterable, window: int | None = None):
        for item in items:  # lazily: each result is handed on before the next run starts
            yield fn(item)

    def map(self, fn: Callable, *iterables: Iterable) -> Iterator:
        for args in zip(*iterables):  # noqa: B905 - the concurrent.futures semantics
            yield fn(*args)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


def _start_method() -> str:
    # forkserver: workers start from a clean, single-threaded server (safe with Numba and
    # the Dask/pyarrow threads a parent may hold); spawn where forkserver does not exist
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _watch_parent(parent: int) -> None:
    """Worker initializer: exit when the process that made the pool is gone. A pool's workers
    are children of the forkserver, not of that process, and a killed (SIGKILL) calibration
    or sweep otherwise leaves them running, each holding its memory."""
    def watch() -> None:
        while True:
            time.sleep(2.0)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


class LocalProcesses(Executor):
    """A ``ProcessPoolExecutor`` of ``workers`` processes on this machine."""

    def __init__(self, workers: int):
        self.workers = int(workers)
        context = multiprocessing.get_context(_start_method())
        self.pool = futures.ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                                initializer=_watch_parent,
                                                initargs=(os.getpid(),))

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> futures.Future:
        return self.pool.submit(fn, *args, **kwargs)

    def _wait_any(self, pending: set) -> tuple[set, set]:
        done, rest = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
        return set(done), set(rest)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class DaskCluster(Executor):
    """A ``dask.distributed`` client: to ``scheduler`` if given (the workers must have
    nextwork-sim installed), else a ``LocalCluster`` of ``workers`` single-threaded
    processes that is closed on shutdown."""

    def __init__(self, workers: int = 1, scheduler: str | None = None):
        from distributed import Client, LocalCluster  # start-up time

        self.name = "dask"
        self.cluster = None
        if scheduler:
            check_scheduler(scheduler)
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as error:
                raise ConfigError(f"--scheduler {scheduler}: cannot connect "
                                  f"({' '.join(str(error).split())})") from None
        else:
            self.cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {}))
                           or int(workers))

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any):
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def _wait_any(self, pending: set) -> tuple[set, set]:
        from distributed import wait  # start-up time

        done, rest = wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def check_scheduler(address: str, timeout: float = 5.0) -> None:
    """Refuse (``ConfigError``, one line) a Dask scheduler address that is malformed or does
    not answer a TCP connection within ``timeout`` seconds, before anything runs (Dask itself
    waits 10 s and raises a bare OSError). Protocols other than tcp and tls are left to Dask."""
    protocol, _, rest = address.strip().rpartition("://")
    if (protocol or "tcp") not in ("tcp", "tls"):
        return
    host, colon, port = rest.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--scheduler {address}: expected tcp://HOST:PORT")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as error:
        reason = "no answer" if isinstance(error, TimeoutError) else (error.strerror or error)
        raise ConfigError(f"--scheduler {address}: cannot connect ({reason})") from None


def check_executor(kind: str, workers: int = 1) -> None:
    """Raise ``ValueError`` with a one-line message for a bad ``--executor``/``--workers``."""
    if kind not in EXECUTORS:
        raise ValueError(f"--executor {kind!r}: allowed: {', '.join(EXECUTORS)}")
    if int(workers) < 1:
        raise ValueError(f"--workers {workers}: allowed: 1 or more")


def make_executor(kind: str = "local", workers: int = 1, scheduler: str | None = None,
                  in_process: bool | None = None) -> Executor:
    """``local`` with one worker runs in this process (unless ``in_process=False``), with
    more in a process pool; ``dask`` connects to ``scheduler`` or starts a LocalCluster."""
    check_executor(kind, workers)
    if kind == "dask":
        return DaskCluster(workers, scheduler)
    if in_process is None:
        in_process = workers <= 1
    return InProcess() if in_process else LocalProcesses(workers)
