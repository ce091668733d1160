"""The ``nextwork-sim`` command. Bad input (config, flags, output folder) prints one line
and exits with status 2, without a traceback and without writing anything. The command
parses flags, calls the library (api.py) and prints (console_tables.py)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .calibration.commands import register as register_calibration
from .cli_errors import OneLineErrors, fail
from .config import ConfigError, load_config, to_toml
from .console_tables import print_tables, print_vacancy_warnings
from .docs_tables import parameters_markdown
from .experiments.commands import progress_bar, register
from .experiments.progress import ticker
from .experiments.storage import OutputError, check_writable
from .workforce.budget import budget_flags, mean_cost_per_student

app = typer.Typer(cls=OneLineErrors, add_completion=False, no_args_is_help=True,
                  help="Project a school system's workforce, students and money under "
                       "different staffing models.")
console = Console()
err = Console(stderr=True)

SetOption = Annotated[list[str] | None, typer.Option(
    "--set", help="override a config field, FIELD.PATH=VALUE (repeatable)")]
Years = Annotated[int | None, typer.Option(min=1, max=50, help="reported years "
                                           "(default: the config's)")]
Seed = Annotated[int, typer.Option(min=0, help="random seed")]
Replications = Annotated[int, typer.Option(min=1, max=10000, help="replications per scenario")]
Out = Annotated[Path, typer.Option(help="results folder")]
Workers = Annotated[int, typer.Option(min=1, max=256, help="worker processes")]
Executor = Annotated[str, typer.Option(help="local (processes) or dask")]
Scheduler = Annotated[str | None, typer.Option(help="dask scheduler address (default: a "
                                               "local cluster)")]
FromState = Annotated[Path | None, typer.Option(
    help="start every replication from states saved by `nextwork-sim burn-in`")]
Uncertainty = Annotated[bool, typer.Option(help="draw every kind=assumption number under "
                                           "parameters. within +-20% per replication")]
Overwrite = Annotated[bool, typer.Option(help="replace a non-empty --out folder")]



def _fail(message: str) -> None:
    fail(str(message))


def _check_file(path: Path, flag: str) -> None:
    """Refuse, before any work, a file that cannot be written (one line, exit 2)."""
    try:
        check_writable(path, flag, file=True)
    except OutputError as error:
        _fail(str(error))


def _compare(configs: list[Path], overrides, years, seed, replications, out, overwrite, quiet,
             **options):
    from . import api  # start-up time
    try:
        with progress_bar(quiet) as bar:
            return api.compare(configs, years=years, seed=seed, replications=replications,
                               overrides=overrides, out=out, overwrite=overwrite,
                               progress=ticker(bar, "simulating years"), **options)
    except (ConfigError, OutputError) as error:
        _fail(str(error))


@app.command()
def run(config: Path, years: Years = None, seed: Seed = 0, replications: Replications = 1,
        set_: SetOption = None, out: Out = Path("results/run"), overwrite: Overwrite = False,
        workers: Workers = 1, executor: Executor = "local", scheduler: Scheduler = None,
        parameter_uncertainty: Uncertainty = False, from_state: FromState = None,
        quiet: bool = False) -> None:
    """Run one scenario (replications over workers) and write its results folder."""
    result = _compare([config], set_ or [], years, seed, replications, out, overwrite, quiet,
                      workers=workers, executor=executor, scheduler=scheduler,
                      parameter_uncertainty=parameter_uncertainty, from_state=from_state)
    print_tables(console, result.table, result.names)
    print_vacancy_warnings(console, result.table, result.names)
    console.print(f"results written to {out}", markup=False)


@app.command()
def compare(configs: list[Path], years: Years = None, seed: Seed = 0,
            replications: Replications = 1, set_: SetOption = None,
            out: Out = Path("results/compare"), overwrite: Overwrite = False,
            baseline: Annotated[str | None, typer.Option(
                help="scenario name to compare against (default: the first config)")] = None,
            shared_start: Annotated[bool, typer.Option(
                help="burn every scenario in under the baseline's staffing, then switch "
                     "(the transition from today's workforce)")] = True,
            workers: Workers = 1, executor: Executor = "local", scheduler: Scheduler = None,
            parameter_uncertainty: Uncertainty = False, from_state: FromState = None,
            explain: Annotated[bool, typer.Option(
                help="decompose each difference into the design elements that differ "
                     "and into internal channels (Shapley; writes explain.csv, explain.png)")]
            = False,
            quiet: bool = False) -> None:
    """Run several scenarios with common random numbers; differences to the baseline."""
    result = _compare(list(configs), set_ or [], years, seed, replications, out, overwrite,
                      quiet, baseline=baseline, shared_start=shared_start, workers=workers,
                      executor=executor, scheduler=scheduler,
                      parameter_uncertainty=parameter_uncertainty, from_state=from_state,
                      check_explain=explain)
    table, names = result.table, result.names
    print_tables(console, table, names)
    base = result.baseline
    base_cost = mean_cost_per_student(table[table["scenario"] == base])
    for name, extra in budget_flags(table, base):
        console.print(f"[yellow]not budget-neutral:[/] {name} costs ${extra:,.0f} more per "
                      f"student than {base} ({extra / base_cost:+.1%}; full cost, the one-off "
                      "transition included)", highlight=False)
    from .experiments.summary import summarize  # start-up time
    from .report import comparison_figure  # start-up time

    comparison_figure(summarize(table), out / "comparison.png")
    if explain:
        from . import api  # start-up time
        from .experiments.decompose import sentences  # start-up time

        with progress_bar(quiet) as bar:
            why = api.explain(result, workers=workers, executor=executor, scheduler=scheduler,
                              out=out, progress=ticker(bar, "explain runs"))
        for line in sentences(why, base):
            console.print(line, highlight=False)
    print_vacancy_warnings(console, table, names)
    console.print(f"results written to {out}", markup=False)


@app.command("burn-in")
def burn_in(config: Path, seed: Seed = 0, replications: Replications = 1,
            set_: SetOption = None, out: Out = Path("results/burn-in"),
            overwrite: Overwrite = False, quiet: bool = False) -> None:
    """Burn a district in under CONFIG's staffing and save one state per replication, for
    `run`/`compare --from-state`."""
    from . import api  # start-up time
    try:
        with progress_bar(quiet) as bar:
            api.burn_in(config, out, seed=seed, replications=replications,
                        overrides=set_ or [], overwrite=overwrite,
                        progress=ticker(bar, "burning in"))
    except (ConfigError, OutputError) as error:
        _fail(str(error))
    console.print(f"{replications} burned-in state(s) written to {out}", markup=False)


@app.command()
def equilibrium(config: Annotated[Path, typer.Argument(
                    help="the traditional scenario whose steady state to measure")]
                = Path("configs/traditional.toml"),
                seed: Seed = 0,
                replications: Annotated[int, typer.Option(min=1, max=1000)] = 8,
                years: Annotated[int, typer.Option(min=2, max=400, help="years per "
                                                   "replication, from a cold start")] = 80,
                snapshots: Annotated[int, typer.Option(min=1, max=100, help="snapshots of "
                                                       "the last years per replication")] = 7,
                every: Annotated[int, typer.Option(min=1, max=50, help="years between "
                                                   "snapshots")] = 5,
                out: Annotated[Path | None, typer.Option(help="file to write (default: the "
                                                         "one runs start from)")] = None,
                set_: SetOption = None, quiet: bool = False) -> None:
    """Measure the steady-state workforce of CONFIG (run long from a cold start) and write the
    table every run's initial workforce is drawn from (docs/odd.md, initialization)."""
    from .workforce import equilibrium as eq  # start-up time

    try:
        scenario = load_config(config, [*(set_ or []), *eq.COLD_START])
        if scenario.adoption:
            raise ConfigError(f"{config}: the equilibrium needs a single staffing model "
                              "(remove [[adoption]])")
        if years - every * (snapshots - 1) < 1:
            raise ConfigError(f"--years {years}: must exceed --every x (--snapshots - 1) = "
                              f"{every * (snapshots - 1)}")
    except ConfigError as error:
        _fail(str(error))
    from .model import SchoolSystemModel  # start-up time

    target = eq.DATA_FILE if out is None else out
    _check_file(target, "--out")
    start = time.perf_counter()
    with progress_bar(quiet) as progress:
        bar = progress.add_task("equilibrium", total=replications)
        table = eq.measure(scenario, seed, replications, years, snapshots, every,
                           progress=lambda: progress.advance(bar),
                           model_class=SchoolSystemModel)
    first = years - every * (snapshots - 1)
    command = (f"nextwork-sim equilibrium {config.as_posix()} --seed {seed} --replications "
               f"{replications} --years {years} --snapshots {snapshots} --every {every}"
               + "".join(f" --set '{item}'" for item in set_ or []))
    eq.write(table, target, [
        "Steady-state workforce of the traditional district (workforce/equilibrium.py).",
        f"regenerate: {command}",
        f"config_hash: {scenario.hash()}",
        f"snapshots: start of years {first + 1}-{years + 1} every {every}, "
        f"{replications} replications from a cold start",
    ])
    teachers = table[table["role"] == "teacher"]
    mean = np.average(teachers[eq.SKILL].mean(axis=1), weights=teachers["share"])
    console.print(f"{len(table)} rows written to {target} in "
                  f"{time.perf_counter() - start:.1f} s (teachers' mean skill {mean:.3f})",
                  markup=False)


@app.command("budget-solve")
def budget_solve(config: Path, baseline: Annotated[Path, typer.Option(
                     help="the baseline scenario whose cost per student to match")],
                 field: Annotated[str, typer.Option(
                     help="numeric config field to vary, e.g. staffing.pod_classrooms")],
                 low: Annotated[float, typer.Option(help="lowest value to try")],
                 high: Annotated[float, typer.Option(help="highest value to try")],
                 years: Years = 1, seed: Seed = 0, replications: Replications = 1,
                 set_: SetOption = None,
                 shared_start: Annotated[bool, typer.Option(
                     help="burn in under the baseline's staffing, then switch (as compare "
                          "does)")] = True,
                 tolerance: Annotated[float, typer.Option(
                     help="dollars per student")] = 5.0, quiet: bool = False) -> None:
    """Find the value of FIELD that makes CONFIG cost what BASELINE costs per student: the
    recurring cost (the one-off transition cost apart), mean over reported years and
    replications, with common random numbers."""
    from . import api  # start-up time
    try:
        with progress_bar(quiet) as bar:
            found = api.budget_solve(config, baseline, field, low, high, years=years,
                                     seed=seed, replications=replications,
                                     overrides=set_ or [], shared_start=shared_start,
                                     tolerance=tolerance,
                                     progress=ticker(bar, "budget-solve runs"))
    except (ValueError, ConfigError) as error:
        _fail(str(error))
    for tried, spent in found.trace:
        console.print(f"  {field} = {tried:g}: ${spent:,.0f} per student")
    console.print(f"budget-neutral at {field} = {found.value:g}: ${found.cost:,.0f} per student "
                  f"(baseline {found.baseline}: ${found.target:,.0f}; recurring cost, {years} "
                  f"years x {replications} replications)")
    if found.empty_posts > found.baseline_empty_posts:
        console.print(f"  its posts left empty would add ${found.empty_posts:,.0f} per student "
                      f"(the baseline's ${found.baseline_empty_posts:,.0f}): "
                      "unfilled_post_cost, not in the cost")


@app.command()
def report(results_dir: Annotated[Path, typer.Argument(
               help="a results folder of `run`, `compare` or `sweep`")],
           out: Annotated[Path | None, typer.Option(
               help="HTML file to write (default: RESULTS_DIR/report.html)")] = None,
           pdf: Annotated[bool, typer.Option(
               help="also print the page to PDF (same name, .pdf) with headless Chromium "
                    "(/usr/bin/chromium, or $NEXTWORK_SIM_CHROMIUM)")] = False) -> None:
    """Write one self-contained HTML report of a results folder (figures inline, no network):
    summary, scenario table, figures by year, why they differ, assumptions, glossary."""
    from .report import ReportError, build_report  # start-up time

    try:
        built = build_report(results_dir, out, pdf=pdf)
    except ReportError as error:
        _fail(str(error))
    console.print(f"report written to {built.html} ({built.size / 1024:,.0f} KB, "
                  f"{built.seconds:.1f} s)" + (f" and {built.pdf}" if built.pdf else ""),
                  highlight=False, soft_wrap=True)


@app.command()
def check(config: Path, set_: SetOption = None) -> None:
    """Validate a config and print the resolved scenario (every default filled in)."""
    try:
        scenario = load_config(config, set_ or [])
    except ConfigError as error:
        _fail(str(error))
    console.print(to_toml(scenario), highlight=False, markup=False, soft_wrap=True)
    err.print(f"{config}: valid (config hash {scenario.hash()})", markup=False)


@app.command()
def params(output: Annotated[Path | None, typer.Option(help="write here instead of "
                                                       "printing")] = None) -> None:
    """Print the parameter table (docs/parameters.md is generated from it)."""
    text = parameters_markdown()
    if output is not None:
        _check_file(output, "--output")
    if output is None:
        console.print(text, highlight=False, markup=False, soft_wrap=True)
    else:
        output.write_text(text)


@app.command()
def bench(scale: Annotated[str, typer.Option(help="preset: school, district or state")]
          = "district",
          years: Annotated[int, typer.Option(min=1, max=20)] = 2,
          config: Annotated[Path | None, typer.Option(help="scenario to time")] = None,
          burn_in: Annotated[int, typer.Option(min=0, max=10, help="burn-in years, timed "
                                               "apart from the reported years")] = 0,
          set_: SetOption = None,
          json_path: Annotated[Path | None, typer.Option("--json", help="also write the "
                                                         "numbers as JSON here")] = None,
          invariants: Annotated[bool, typer.Option(help="check the yearly invariants, as "
                                                   "every run does")] = True) -> None:
    """Time the full school day, the summer and an idiomatic per-agent Mesa baseline;
    prints numbers, asserts nothing."""
    from .benchmark import format_report, run_benchmark  # start-up time

    if scale not in ("school", "district", "state"):
        _fail(f"--scale {scale!r}: allowed: school, district, state")
    if json_path is not None:
        _check_file(json_path, "--json")
    try:
        report = run_benchmark(scale, years, config, set_ or [], burn_in=burn_in,
                               invariants=invariants)
    except ConfigError as error:
        _fail(str(error))
    view = Table(title=f"nextwork-sim bench --scale {scale}")
    view.add_column("measure")
    view.add_column("value", justify="right")
    for key, value in format_report(report):
        view.add_row(key, value)
    console.print(view)
    if json_path is not None:
        tmp = json_path.with_name(json_path.name + ".tmp")
        tmp.write_text(json.dumps(report, indent=2))
        tmp.replace(json_path)


@app.command()
def dashboard(results: Annotated[Path, typer.Option(
                  help="folder of results folders to explore; dashboard runs are written "
                       "under its dashboard/")] = Path("results"),
              configs: Annotated[Path, typer.Option(
                  help="folder of config files a scenario can start from")] = Path("configs"),
              host: Annotated[str, typer.Option(
                  help="address to listen on (127.0.0.1: this machine only)")] = "127.0.0.1",
              port: Annotated[int, typer.Option(min=1, max=65535)] = 8765) -> None:
    """Explore results, edit a scenario and run small comparisons in a browser (a Solara
    app that needs no internet; the dashboard extra)."""
    from .dashboard.server import DashboardError, serve  # optional dependency (the dashboard extra)

    try:
        serve(results, configs, host, port)
    except DashboardError as error:
        _fail(str(error))


register(app)  # sweep, robustness
register_calibration(app)  # calibrate, validate, set-defaults


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        err.print("interrupted; nothing was written")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
