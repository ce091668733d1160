"""The ``sweep`` and ``robustness`` commands, added to the ``nextwork-sim`` app by
``register(app)``; also runnable alone as ``python -m nextwork_sim.experiments.commands sweep
...``.

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


def _plan_and_pool(make_plan, executor: str, workers: int, scheduler: str | None):
    """Checks the executor flags and makes the plan (bad input: one line, exit 2, nothing
    written), then starts the workers; returns (plan, executor)."""
    try:
        check_executor(executor, workers)
        if scheduler and executor != "dask":
            raise ConfigError("--scheduler needs --executor dask")
        plan = make_plan()
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
    return plan, pool


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

    plan, pool = _plan_and_pool(
        lambda: plan_sweep(sweep_file, out, resume=resume, overwrite=overwrite),
        executor, workers, scheduler)
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


def robustness(
        baseline: Annotated[Path, typer.Argument(help="baseline scenario A (TOML)")],
        scenario: Annotated[Path, typer.Argument(help="scenario B compared with A (TOML)")],
        out: Annotated[Path, typer.Option(help="results folder")] = Path("results/robustness"),
        overwrite: Annotated[bool, typer.Option(
            help="replace a non-empty --out folder")] = False,
        preset: Annotated[str, typer.Option(
            help="district size for both: school, district or state")] = "district",
        years: Annotated[int, typer.Option(min=1, max=50, help="reported years")] = 5,
        seed: Annotated[int, typer.Option(min=0, help="random seed (common to A and B and "
                                                      "to every point)")] = 0,
        replications: Annotated[int, typer.Option(min=1, max=1000,
                                                  help="replications per point")] = 1,
        trajectories: Annotated[int, typer.Option(min=2, max=1000, help="Morris "
                                                  "trajectories")] = 10,
        levels: Annotated[int, typer.Option(min=2, max=20, help="Morris grid levels")] = 4,
        samples: Annotated[int, typer.Option(min=2, max=65536, help="Sobol base sample N "
                                             "(a power of 2)")] = 256,
        top: Annotated[int, typer.Option(min=1, max=1000, help="parameters the Sobol "
                                         "analysis takes from the Morris screen")] = 10,
        band: Annotated[float, typer.Option(help="each assumption varies within +-band of "
                                            "its value (0 to 1)")] = 0.2,
        set_: Annotated[list[str] | None, typer.Option(
            "--set", help="override a config field of both, FIELD.PATH=VALUE")] = None,
        shared_start: Annotated[bool, typer.Option(
            help="B burns in under A's staffing, then switches (as compare does)")] = True,
        only: Annotated[list[str] | None, typer.Option(
            help="vary only this assumption, e.g. parameters.load.switch_cost (repeatable; "
                 "default: every assumption)")] = None,
        workers: Annotated[int, typer.Option(min=1, max=256, help="worker processes")] = 1,
        executor: Annotated[str, typer.Option(help="local (processes) or dask")] = "local",
        scheduler: Annotated[str | None, typer.Option(
            help="dask scheduler address (default: a local cluster)")] = None,
        quiet: bool = False) -> None:
    """How robust each headline difference B - A is to the assumptions: a Morris screen of
    every kind=assumption parameter and staffing setting, then a Sobol analysis of the --top
    most influential, every point a pair of runs with common random numbers.

    Defaults fit 60 minutes on 2 cores for the shipped models: at most 1 + 10 x (168 + 2) +
    256 x 13 + 20 = 5049 pairs (10098 runs); at about 1.0 s of one core per pair (district
    preset, 5 years), 5049 x 1.0 s / 2 cores = 42 min with --workers 2
    (experiments/robustness.py)."""
    from .robustness import STAGES, Design, plan_robustness, run_robustness  # start-up time

    design = Design(preset=preset, years=years, seed=seed, replications=replications,
                    trajectories=trajectories, levels=levels, samples=samples, top=top,
                    band=band, shared_start=shared_start)
    plan, pool = _plan_and_pool(
        lambda: plan_robustness(baseline, scenario, out, design=design,
                                overrides=set_ or [], overwrite=overwrite, only=only),
        executor, workers, scheduler)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with pool, progress_bar(quiet) as bar:
            expected = plan.stage_runs()  # the Sobol stage's count is known once it starts
            task = bar.add_task("robustness runs", total=sum(expected.values()))

            def stage(name: str, runs: int):
                expected[name] = runs
                bar.update(task, total=sum(expected.values()),
                           description=f"robustness runs ({STAGES[name]})")
                return lambda rid: bar.advance(task)

            result = run_robustness(plan, executor=pool, workers=workers, stage=stage)
    except (KeyboardInterrupt, _Terminated):
        err.print("interrupted; nothing was written", highlight=False, markup=False)
        raise typer.Exit(130) from None
    except (ConfigError, OutputError) as error:  # a Sobol point the schema rejects
        _fail(f"{error} (nothing was written)")
    finally:
        signal.signal(signal.SIGTERM, previous)
    for line in result.warnings:
        print_error(line, prefix="warning: ")
    if not quiet:
        _print_robustness(result.table, plan.baseline.name, plan.scenario.name)
    console.print(f"{result.runs} runs in {result.seconds:.0f} s; results written to {out}",
                  highlight=False, markup=False)


def _print_robustness(table, a: str, b: str) -> None:
    from .robustness_tables import headline_summary  # start-up time

    view = Table(title=f"robustness of {b} − {a}", caption="Morris, Sobol: share of the "
                 "stage's parameter draws whose difference keeps the default's sign; 5-95 %: "
                 "of the Sobol draws; largest ST: total-order index ± its 95 % half-width "
                 "(full names and every index in robustness_table.csv)")
    for column in ("B − A", "default", "Morris", "Sobol", "5-95 %", "largest ST"):
        view.add_column(column, justify="left" if column in ("B − A", "largest ST")
                        else "right")
    for row in headline_summary(table).itertuples(index=False):
        view.add_row(row.label, f"{row.default:.3g}", f"{row.sign_morris:.0%}",
                     f"{row.sign_sobol:.0%}", f"{row.p05:.3g} to {row.p95:.3g}", row.leading)
    console.print(view)


def register(app: typer.Typer) -> None:
    """Add ``sweep`` and ``robustness`` to ``app`` (replacing commands of those names it may
    already have)."""
    commands = {"sweep": sweep, "robustness": robustness}
    app.registered_commands = [
        c for c in app.registered_commands
        if (c.name or getattr(c.callback, "__name__", "").replace("_", "-")) not in commands]
    for name, command in commands.items():
        app.command(name)(command)


def main() -> None:  # pragma: no cover - exercised in a subprocess
    app = typer.Typer(cls=OneLineErrors, add_completion=False, no_args_is_help=True,
                      help="nextwork-sim experiments (sweep, robustness)")

    @app.callback()
    def _commands() -> None:
        """nextwork-sim experiments."""

    register(app)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
