"""The ``sweep`` command, added to the ``nextwork-sim`` app by ``register(app)``; also runnable
alone as ``python -m nextwork_sim.experiments.commands sweep ...``.

Bad input (sweep file, flags, output folder, an unreachable scheduler) prints one line on
stderr and exits with status 2, without a traceback and before anything is written. Runs are
written as they finish, so an interrupted sweep keeps them: rerun with ``--resume``.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ..cli_errors import OneLineErrors, fail, print_error
from ..config import ConfigError
from .executors import check_executor, check_scheduler, make_executor
from .progress import PlainProgress
from .storage import OutputError

console = Console()
err = Console(stderr=True)


def _fail(message: str, status: int = 2) -> None:
    fail(str(message), status)


def progress_bar(quiet: bool = False):
    """Runs done / total, elapsed time and an ETA, on stderr: a bar redrawn in a terminal, a
    plain line every few seconds where stderr is not one (progress.py)."""
    if not err.is_terminal:
        return PlainProgress(disable=quiet)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                    console=err, transient=True, disable=quiet)


class _Terminated(Exception):
    pass


def _raise_terminated(signum, frame):  # pragma: no cover - exercised in a subprocess
    raise _Terminated


def sweep(sweep_file: Annotated[Path, typer.Argument(help="the sweep file (TOML)")],
          out: Annotated[Path, typer.Option(help="results folder")] = Path("results/sweep"),
          overwrite: Annotated[bool, typer.Option(
              help="replace a non-empty --out folder")] = False,
          resume: Annotated[bool, typer.Option(
              help="continue the sweep in --out: skip its finished runs")] = False,
          workers: Annotated[int, typer.Option(min=1, max=256,
                                               help="worker processes")] = 1,
          executor: Annotated[str, typer.Option(help="local (processes) or dask")] = "local",
          scheduler: Annotated[str | None, typer.Option(
              help="dask scheduler address (default: a local cluster)")] = None,
          quiet: bool = False) -> None:
    """Run a parameter sweep (grid, Sobol or Morris) and its sensitivity analysis."""
    from .sweep import plan_sweep, run_sweep  # start-up time

    try:
        check_executor(executor, workers)
        if scheduler and executor != "dask":
            raise ConfigError("--scheduler needs --executor dask")
        plan = plan_sweep(sweep_file, out, resume=resume, overwrite=overwrite)
        if scheduler:
            check_scheduler(scheduler)
    except (ConfigError, OutputError, ValueError) as error:
        _fail(str(error))
    try:
        pool = make_executor(executor, workers, scheduler)
    except (OSError, TimeoutError, ValueError) as error:  # ConfigError included
        _fail(str(error) if isinstance(error, ConfigError)
              else f"--scheduler {scheduler}: cannot connect ({error})" if scheduler
              else f"--executor {executor}: cannot start workers ({error})")
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with pool, progress_bar(quiet) as bar:
            done = len(plan.done)
            task = bar.add_task("sweep runs", total=plan.total, completed=done)
            result = run_sweep(plan, executor=pool, workers=workers,
                               on_run=lambda rid: bar.advance(task))
    except (KeyboardInterrupt, _Terminated):
        err.print(f"interrupted; finished runs are kept in {out}: rerun with --resume to "
                  "complete the sweep", highlight=False, markup=False)
        raise typer.Exit(130) from None
    except (ConfigError, OutputError) as error:  # a point the schema rejects, mid-sweep
        _fail(f"{error} (finished runs are kept in {out}; --resume continues)")
    finally:
        signal.signal(signal.SIGTERM, previous)
    for line in result.warnings:
        print_error(line, prefix="warning: ")
    if not quiet and not result.sensitivity.empty:
        _print_sensitivity(result.sensitivity, plan.spec.design)
    console.print(f"{result.runs} runs ({result.ran} this time); results written to {out}",
                  highlight=False, markup=False)


def _print_sensitivity(table, design: str) -> None:
    shown = ("S1", "ST") if design == "sobol" else ("mu_star", "sigma")
    view = Table(title=f"sensitivity ({design}; 95 % intervals)")
    for column in ("metric", "group", "parameter", "index", "value", "interval"):
        view.add_column(column, justify="right" if column in ("value", "interval") else "left")
    for row in table[table["index"].isin(shown)].itertuples(index=False):
        interval = "" if row.conf != row.conf else f"{row.ci_low:.3f} to {row.ci_high:.3f}"
        view.add_row(row.metric, row.group, row.parameter.removeprefix("parameters."),
                     row.index, f"{row.value:.3f}", interval)
    console.print(view)


def register(app: typer.Typer) -> None:
    """Add ``sweep`` to ``app`` (replacing a ``sweep`` command it may already have)."""
    app.registered_commands = [
        c for c in app.registered_commands
        if (c.name or getattr(c.callback, "__name__", "").replace("_", "-")) != "sweep"]
    app.command("sweep")(sweep)


def main() -> None:  # pragma: no cover - exercised in a subprocess
    app = typer.Typer(cls=OneLineErrors, add_completion=False, no_args_is_help=True,
                      help="nextwork-sim experiments (the sweep command)")

    @app.callback()
    def _commands() -> None:
        """nextwork-sim experiments."""

    register(app)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
