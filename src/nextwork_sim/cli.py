"""The ``nextwork-sim`` command. Bad input (config, flags, output folder) prints one line
and exits with status 2, without a traceback and without writing anything."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .config import ConfigError, load_config, to_toml
from .console_tables import print_tables, print_vacancy_warnings
from .experiments.storage import OutputError, check_output

app = typer.Typer(add_completion=False, no_args_is_help=True,
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
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _execute(configs: list[Path], overrides, years, seed, replications, out, overwrite, quiet,
             baseline: str | None = None, shared: bool = False, workers: int = 1,
             executor: str = "local", scheduler: str | None = None,
             uncertainty: bool = False, from_state: Path | None = None):
    from .experiments.runner import run_many
    from .experiments.storage import write_results
    from .experiments.summary import differences, summarize

    try:
        scenarios = [load_config(path, overrides) for path in configs]
        names = [s.name for s in scenarios]
        if len(set(names)) != len(names):
            raise ConfigError(f"scenario names must differ, got {', '.join(names)}")
        if baseline is not None:
            if baseline not in names:
                raise ConfigError(f"--baseline {baseline!r}: allowed: {', '.join(names)}")
            scenarios.sort(key=lambda s: s.name != baseline)
        if shared:
            from .adoption import shared_start

            scenarios = [shared_start(scenarios[0], s) for s in scenarios]
        if from_state is not None:
            scenarios = _from_state(from_state, scenarios, seed, replications)
        check_output(out, overwrite)
        if executor not in ("local", "dask"):
            raise ConfigError(f"--executor {executor!r}: allowed: local, dask")
    except (ConfigError, OutputError) as error:
        _fail(str(error))
    vary = None
    if uncertainty:
        from .experiments.uncertainty import scenario_for_replication as vary
    per_run = (years or max(s.years for s in scenarios)) + max(s.burn_in_years for s in scenarios)
    total = per_run * len(scenarios) * replications
    from .experiments.commands import progress_bar

    with progress_bar(quiet) as progress:
        task = progress.add_task("simulating years", total=total)
        runs, manifest = run_many(scenarios, seed, replications, years,
                                  progress=lambda year: progress.advance(task),
                                  executor=executor, workers=workers, scheduler=scheduler,
                                  vary=vary,
                                  state_dir=str(from_state) if from_state else None)
    import pandas as pd

    table = pd.concat(runs.values(), ignore_index=True)
    summary = summarize(table)
    if len(scenarios) > 1:
        diff = differences(table, scenarios[0].name).assign(
            scenario=lambda d: d["scenario"] + " - " + scenarios[0].name)
        summary = pd.concat([summary, diff], ignore_index=True)
    configs_text = {s.name: to_toml(s) for s in scenarios}
    try:
        write_results(out, runs, manifest, configs_text, summary, overwrite)
    except OutputError as error:
        _fail(str(error))
    return scenarios, table


@app.command()
def run(config: Path, years: Years = None, seed: Seed = 0, replications: Replications = 1,
        set_: SetOption = None, out: Out = Path("results/run"), overwrite: Overwrite = False,
        workers: Workers = 1, executor: Executor = "local", scheduler: Scheduler = None,
        parameter_uncertainty: Uncertainty = False, from_state: FromState = None,
        quiet: bool = False) -> None:
    """Run one scenario (replications over workers) and write its results folder."""
    scenarios, table = _execute([config], set_ or [], years, seed, replications, out,
                                overwrite, quiet, workers=workers, executor=executor,
                                scheduler=scheduler, uncertainty=parameter_uncertainty,
                                from_state=from_state)
    print_tables(console, table, [scenarios[0].name])
    print_vacancy_warnings(console, table, [scenarios[0].name])
    console.print(f"results written to {out}")


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
    scenarios, table = _execute(list(configs), set_ or [], years, seed, replications, out,
                                overwrite, quiet, baseline=baseline, shared=shared_start,
                                workers=workers, executor=executor, scheduler=scheduler,
                                uncertainty=parameter_uncertainty, from_state=from_state)
    print_tables(console, table, [s.name for s in scenarios])
    from .workforce.budget import budget_flags, mean_cost_per_student

    base = scenarios[0].name
    base_cost = mean_cost_per_student(table[table["scenario"] == base])
    for name, extra in budget_flags(table, base):
        console.print(f"[yellow]not budget-neutral:[/] {name} costs ${extra:,.0f} more per "
                      f"student than {base} ({extra / base_cost:+.1%}; full cost, the one-off "
                      "transition included)", highlight=False)
    from .experiments.summary import summarize
    from .report import comparison_figure

    comparison_figure(summarize(table), out / "comparison.png")
    if explain:
        _explain(scenarios, seed, replications, years, out, workers, executor, scheduler)
    print_vacancy_warnings(console, table, [s.name for s in scenarios])
    console.print(f"results written to {out}")


def _explain(scenarios, seed, replications, years, out, workers, executor, scheduler) -> None:
    import pandas as pd

    from .config import validate
    from .experiments.decompose import decompose, sentences
    from .experiments.storage import write_text_atomic

    baseline = scenarios[0]
    tables = []
    for scenario in scenarios[1:]:
        own = scenario
        if scenario.adoption and scenario.adoption[0].share == 1.0:  # undo the shared start
            data = scenario.model_dump(mode="json", exclude_none=True)
            data["staffing"] = data["adoption"][0]["staffing"]
            data["adoption"] = data["adoption"][1:]
            own = validate(data, scenario.name)
        tables.append(decompose(baseline, own, seed, replications, years,
                                executor=executor, workers=workers, scheduler=scheduler))
    table = pd.concat(tables, ignore_index=True)
    write_text_atomic(out / "explain.csv", table.to_csv(index=False, float_format="%.6g"))
    from .report import explain_figure

    explain_figure(table, out / "explain.png")
    for line in sentences(table, baseline.name):
        console.print(line, highlight=False)


@app.command("burn-in")
def burn_in(config: Path, seed: Seed = 0, replications: Replications = 1,
            set_: SetOption = None, out: Out = Path("results/burn-in"),
            overwrite: Overwrite = False, quiet: bool = False) -> None:
    """Burn a district in under CONFIG's staffing and save one state per replication, for
    `run`/`compare --from-state`."""
    import json as json_module
    import os
    import shutil

    from .experiments.commands import progress_bar
    from .model import SchoolSystemModel

    try:
        scenario = load_config(config, set_ or [])
        check_output(out, overwrite)
        if scenario.adoption:
            raise ConfigError(f"{config}: burn-in states need a single staffing model "
                              "(remove [[adoption]])")
    except (ConfigError, OutputError) as error:
        _fail(str(error))
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    from .experiments.runner import state_path

    with progress_bar(quiet) as progress:
        bar = progress.add_task("burning in", total=replications)
        for replication in range(replications):
            model = SchoolSystemModel(scenario, seed=seed, replication=replication)
            model.calendar.run(scenario.burn_in_years)
            model.save_state(state_path(tmp, replication))
            model.release()
            progress.advance(bar)
    manifest = {"schema_version": 1, "name": scenario.name, "seed": seed,
                "replications": replications, "burn_in_years": scenario.burn_in_years,
                "staffing": scenario.staffing.model_dump(mode="json", exclude_none=True),
                "config_hash": scenario.hash()}
    (tmp / "manifest.json").write_text(json_module.dumps(manifest, indent=2))
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    console.print(f"{replications} burned-in state(s) written to {out}")


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
    import time

    import numpy as np

    from .experiments.commands import progress_bar
    from .workforce import equilibrium as eq

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
    target = eq.DATA_FILE if out is None else out
    start = time.perf_counter()
    with progress_bar(quiet) as progress:
        bar = progress.add_task("equilibrium", total=replications)
        table = eq.measure(scenario, seed, replications, years, snapshots, every,
                           progress=lambda: progress.advance(bar))
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
                  f"{time.perf_counter() - start:.1f} s (teachers' mean skill {mean:.3f})")


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
    import pandas as pd

    from .adoption import shared_start as start_from
    from .experiments.commands import progress_bar
    from .experiments.runner import run_one
    from .workforce.budget import (
        recurring_cost_per_student,
        solve_budget_neutral,
        unfilled_cost_per_student,
    )

    try:
        base = load_config(baseline, set_ or [])
        load_config(config, [*(set_ or []), f"{field}={low}"])
        load_config(config, [*(set_ or []), f"{field}={high}"])
    except ConfigError as error:
        _fail(str(error))
    integer = float(low).is_integer() and float(high).is_integer() and _is_int_field(base,
                                                                                    field)
    with progress_bar(quiet) as progress:
        task = progress.add_task("budget-solve runs", total=None)

        empty_posts: dict = {}  # value -> unfilled_post_cost per student

        def mean_cost(scenario, key=None) -> float:
            if shared_start:
                scenario = start_from(base, scenario)
            tables = []
            for replication in range(replications):
                tables.append(run_one(scenario, seed, replication=replication, years=years))
                progress.advance(task)
            table = pd.concat(tables, ignore_index=True)
            empty_posts[key] = unfilled_cost_per_student(table)
            return recurring_cost_per_student(table)

        def cost_at(value: float) -> float:
            text = str(int(value)) if integer else repr(float(value))
            return mean_cost(load_config(config, [*(set_ or []), f"{field}={text}"]), value)

        target = mean_cost(base)
        try:
            value, cost, trace = solve_budget_neutral(cost_at, target, low, high, tolerance,
                                                      integer=integer)
        except (ValueError, ConfigError) as error:
            _fail(str(error))
    for tried, spent in trace:
        console.print(f"  {field} = {tried:g}: ${spent:,.0f} per student")
    console.print(f"budget-neutral at {field} = {value:g}: ${cost:,.0f} per student "
                  f"(baseline {base.name}: ${target:,.0f}; recurring cost, {years} years x "
                  f"{replications} replications)")
    if empty_posts[value] > empty_posts[None]:
        console.print(f"  its posts left empty would add ${empty_posts[value]:,.0f} per student "
                      f"(the baseline's ${empty_posts[None]:,.0f}): unfilled_post_cost, not in "
                      "the cost")


@app.command()
def check(config: Path, set_: SetOption = None) -> None:
    """Validate a config and print the resolved scenario (every default filled in)."""
    try:
        scenario = load_config(config, set_ or [])
    except ConfigError as error:
        _fail(str(error))
    console.print(to_toml(scenario), highlight=False, markup=False, soft_wrap=True)
    err.print(f"{config}: valid (config hash {scenario.hash()})")


@app.command()
def params(output: Annotated[Path | None, typer.Option(help="write here instead of "
                                                       "printing")] = None) -> None:
    """Print the parameter table (docs/parameters.md is generated from it)."""
    from .docs_tables import parameters_markdown

    text = parameters_markdown()
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
          json: Annotated[Path | None, typer.Option("--json", help="also write the numbers "
                                                    "as JSON here")] = None) -> None:
    """Time the full school day, the summer and an idiomatic per-agent Mesa baseline;
    prints numbers, asserts nothing."""
    import json as json_module

    from .benchmark import format_report, run_benchmark

    if scale not in ("school", "district", "state"):
        _fail(f"--scale {scale!r}: allowed: school, district, state")
    try:
        report = run_benchmark(scale, years, config, set_ or [], burn_in=burn_in)
    except ConfigError as error:
        _fail(str(error))
    view = Table(title=f"nextwork-sim bench --scale {scale}")
    view.add_column("measure")
    view.add_column("value", justify="right")
    for key, value in format_report(report):
        view.add_row(key, value)
    console.print(view)
    if json is not None:
        tmp = json.with_name(json.name + ".tmp")
        tmp.write_text(json_module.dumps(report, indent=2))
        tmp.replace(json)


def _is_int_field(scenario, path: str) -> bool:
    node = scenario
    for part in path.split("."):
        node = getattr(node, part, None)
    return isinstance(node, int) and not isinstance(node, bool)


def _from_state(folder: Path, scenarios, seed: int, replications: int):
    """Check a burn-in folder fits this run; scenarios whose staffing differs from the saved
    one start from it and switch at reported year 1 (as with a shared start)."""
    import json as json_module

    from .adoption import shared_start
    from .config import validate

    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ConfigError(f"--from-state {folder}: not a burn-in folder (no manifest.json; "
                          "make one with `nextwork-sim burn-in`)")
    saved = json_module.loads(manifest_path.read_text())
    if saved["seed"] != seed:
        raise ConfigError(f"--from-state {folder}: states were saved for --seed "
                          f"{saved['seed']}, this run uses {seed}")
    if replications > saved["replications"]:
        raise ConfigError(f"--from-state {folder}: holds {saved['replications']} "
                          f"replications, {replications} asked")
    out = []
    for scenario in scenarios:
        data = scenario.model_dump(mode="json", exclude_none=True)
        base = validate({**data, "staffing": saved["staffing"], "adoption": [],
                         "name": saved["name"]}, f"{folder} (saved staffing)")
        if scenario.district != base.district or scenario.burn_in_years != saved[
                "burn_in_years"]:
            raise ConfigError(f"--from-state {folder}: {scenario.name} has another district "
                              "or burn-in than the saved states")
        if scenario.staffing.model_dump() != base.staffing.model_dump():
            scenario = shared_start(base, scenario)
        out.append(scenario)
    return out


from .experiments.commands import register  # noqa: E402  (adds the sweep command)

register(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        err.print("interrupted; nothing was written")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
