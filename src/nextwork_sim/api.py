"""The library behind the ``nextwork-sim`` command: ``compare``, ``explain``, ``burn_in`` and
``budget_solve`` take scenarios and options and return data, and never print (the command
parses flags, calls them and prints: cli.py, console_tables.py).

A scenario is a config path, a dict or a ``Scenario``; ``overrides`` are ``--set`` items
(``"staffing.class_size=22"``). Bad input raises ``ConfigError`` (an output folder that may
not be written, ``storage.OutputError``) before anything runs or is written. ``progress``,
where taken, is called once as ``progress(total=N)`` and then once per step with no
arguments.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .adoption import shared_start
from .adoption import shared_start as start_from
from .components import component_tables
from .config import ConfigError, Scenario, apply_overrides, load_config, to_toml, validate
from .experiments.decompose import DEFAULT_METRICS, decompose, hybrids
from .experiments.executors import check_scheduler
from .experiments.runner import run_many, run_one, state_path
from .experiments.storage import check_output, write_results, write_text_atomic
from .experiments.summary import differences, summarize
from .experiments.uncertainty import scenario_for_replication
from .model import SchoolSystemModel
from .report import explain_figure
from .saved_state import STATE_SCHEMA_VERSION, file_digest
from .workforce.budget import (
    recurring_cost_per_student,
    solve_budget_neutral,
    unfilled_cost_per_student,
)


def scenario_of(config, overrides: list[str] | None = None) -> Scenario:
    """A validated scenario from a config path, a dict or a ``Scenario``, with overrides."""
    if isinstance(config, str | bytes) or hasattr(config, "__fspath__"):
        return load_config(config, overrides)
    if isinstance(config, Scenario):
        if not overrides:
            return config
        config = config.model_dump(mode="json", exclude_none=True)
    return validate(apply_overrides(config, overrides) if overrides else config)


def _start(progress: Callable | None, total: int | None) -> Callable:
    if progress is None:
        return lambda *_: None
    progress(total=total)
    return lambda *_: progress()


@dataclass
class Comparison:
    """What ``compare`` ran and measured.

    ``configured``: the scenarios as given (overrides applied), baseline first;
    ``scenarios``: the same scenarios as they ran (a shared start from the baseline, the
    saved states' staffing), in the same order; ``table``: every run's tidy yearly rows;
    ``summary``: mean and interval by scenario, metric, group and year, with each scenario's
    difference to the baseline (``"<name> - <baseline>"``); ``manifest``: what
    ``run_many`` records. ``prepare`` turns a configured scenario into the one that runs
    (what ``explain`` applies to its hybrids, so it decomposes the scenarios compared)."""

    configured: list[Scenario]
    scenarios: list[Scenario]
    table: pd.DataFrame
    summary: pd.DataFrame
    runs: dict[str, pd.DataFrame]
    manifest: dict
    seed: int
    replications: int
    years: int | None
    prepare: Callable[[Scenario], Scenario] = field(repr=False)
    state_dir: str | None = None

    @property
    def baseline(self) -> str:
        return self.scenarios[0].name

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]


def _preparation(baseline: Scenario, shared: bool, from_state, seed: int,
                 replications: int) -> Callable[[Scenario], Scenario]:
    """The function that turns a configured scenario into the one that runs."""
    saved = None if from_state is None else _saved_manifest(Path(from_state), seed,
                                                             replications)

    def prepare(scenario: Scenario) -> Scenario:
        if shared:
            scenario = shared_start(baseline, scenario)
        if saved is not None:
            scenario = _from_saved(Path(from_state), saved, scenario)
        return scenario

    return prepare


def compare(configs: list, *, years: int | None = None, seed: int = 0,
            replications: int = 1, overrides: list[str] | None = None,
            baseline: str | None = None, shared_start: bool = True, workers: int = 1,
            executor: str = "local", scheduler: str | None = None,
            parameter_uncertainty: bool = False, from_state=None, out=None,
            overwrite: bool = False, check_explain: bool = False,
            progress: Callable | None = None) -> Comparison:
    """Run every scenario of ``configs`` (``replications`` each, common random numbers) and
    return a ``Comparison``; one config is a plain run (``nextwork-sim run``).

    ``baseline``: the name of the scenario the others are compared with (default: the
    first). ``shared_start``: every scenario burns in under the baseline's staffing, then
    switches at reported year 1. ``from_state``: a ``burn_in`` folder every replication
    starts from. ``parameter_uncertainty``: each replication draws the kind="assumption"
    numbers within +-20% (experiments/uncertainty.py). ``out``: also write the results
    folder there (refused before running if it is not empty, unless ``overwrite``).
    ``check_explain``: refuse before running scenarios ``explain`` could not decompose.
    ``progress`` counts simulated years (burn-in included)."""
    configured = [scenario_of(config, overrides) for config in configs]
    names = [s.name for s in configured]
    if len(set(names)) != len(names):
        raise ConfigError(f"scenario names must differ, got {', '.join(names)}")
    if baseline is not None:
        if baseline not in names:
            raise ConfigError(f"--baseline {baseline!r}: allowed: {', '.join(names)}")
        configured.sort(key=lambda s: s.name != baseline)
    prepare = _preparation(configured[0], shared_start, from_state, seed, replications)
    scenarios = [prepare(s) for s in configured]
    if check_explain:
        for index in range(1, len(configured)):
            _hybrids_as_run(configured, scenarios, prepare, index)
    if out is not None:
        check_output(Path(out), overwrite)
    if executor not in ("local", "dask"):
        raise ConfigError(f"--executor {executor!r}: allowed: local, dask")
    if scheduler and executor != "dask":
        raise ConfigError("--scheduler needs --executor dask")
    if scheduler:
        check_scheduler(scheduler)
    vary = scenario_for_replication if parameter_uncertainty else None
    per_run = (years or max(s.years for s in scenarios)) + max(s.burn_in_years for s in scenarios)
    step = _start(progress, per_run * len(scenarios) * replications)
    state_dir = str(from_state) if from_state is not None else None
    runs, manifest = run_many(scenarios, seed, replications, years, progress=step,
                              executor=executor, workers=workers, scheduler=scheduler,
                              vary=vary, state_dir=state_dir)
    table = pd.concat(runs.values(), ignore_index=True)
    summary = summarize(table)
    if len(scenarios) > 1:
        diff = differences(table, scenarios[0].name).assign(
            scenario=lambda d: d["scenario"] + " - " + scenarios[0].name)
        summary = pd.concat([summary, diff], ignore_index=True)
    if out is not None:
        configs_text = {s.name: to_toml(s) for s in scenarios}
        write_results(Path(out), runs, manifest, configs_text, summary, overwrite)
        for file_name, frame in component_tables(scenarios, table).items():
            frame.to_csv(Path(out) / file_name, index=False, float_format="%.6g")
    return Comparison(configured, scenarios, table, summary, runs, manifest, seed,
                      replications, years, prepare, state_dir)


def explained_scenarios(comparison: Comparison, name: str) -> dict[tuple, Scenario]:
    """The hybrids ``explain`` runs for scenario ``name`` of ``comparison``, by coalition of
    design elements, each prepared as the comparison prepared its scenarios. The full
    coalition's must be the scenario that ran, but for its name (and description): a
    scenario that differs from the baseline in something no design element holds (its
    district, years, mechanism parameters) cannot be decomposed (ConfigError)."""
    return _hybrids_as_run(comparison.configured, comparison.scenarios, comparison.prepare,
                           comparison.names.index(name))


def _hybrids_as_run(configured: list[Scenario], scenarios: list[Scenario],
                    prepare: Callable, index: int) -> dict[tuple, Scenario]:
    found = hybrids(configured[0], configured[index], prepare)
    full = found[max(found, key=len)]
    mine, theirs = (s.model_dump(mode="json", exclude={"name", "description"})
                    for s in (full, scenarios[index]))
    differing = [key for key in theirs if mine[key] != theirs[key]]
    if differing:
        raise ConfigError(f"explain: {scenarios[index].name} differs from "
                          f"{scenarios[0].name} in {', '.join(differing)}, which no design "
                          "element holds; explain splits staffing and pay only")
    return found


def explain(comparison: Comparison, *, metrics=DEFAULT_METRICS, workers: int = 1,
            executor: str = "local", scheduler: str | None = None,
            out=None, progress: Callable | None = None) -> pd.DataFrame:
    """Decompose each scenario's difference to the baseline of ``comparison`` (Shapley over
    the design elements that differ, and by internal channel: experiments/decompose.py),
    running the hybrids with the comparison's seed, replications, years, preparation and
    saved states, so the decomposed scenarios are the ones compared. Returns the tidy table
    (scenario, metric, kind, mechanism, contribution, ci_low, ci_high, ...); ``out``: also
    write explain.csv and explain.png there. ``progress`` counts runs (every coalition's
    hybrid of every scenario, each replication)."""
    runs = 0
    for name in comparison.names[1:]:  # refuse before running anything
        runs += len(explained_scenarios(comparison, name)) * comparison.replications
    step = _start(progress, runs)
    tables = [decompose(comparison.configured[0], scenario, comparison.seed,
                        comparison.replications, comparison.years, metrics=metrics,
                        executor=executor, workers=workers, scheduler=scheduler,
                        prepare=comparison.prepare, state_dir=comparison.state_dir,
                        progress=step)
              for scenario in comparison.configured[1:]]
    table = pd.concat(tables, ignore_index=True)
    if out is not None:
        write_text_atomic(Path(out) / "explain.csv",
                          table.to_csv(index=False, float_format="%.6g"))
        explain_figure(table, Path(out) / "explain.png")
    return table


def burn_in(config, out, *, seed: int = 0, replications: int = 1,
            overrides: list[str] | None = None, overwrite: bool = False,
            progress: Callable | None = None) -> dict:
    """Burn a district in under ``config``'s staffing (its ``burn_in_years``) and save one
    state per replication into the folder ``out`` (written whole or not at all), for
    ``compare(from_state=out)``; returns the folder's manifest. ``progress`` counts
    replications."""
    scenario = scenario_of(config, overrides)
    out = Path(out)
    check_output(out, overwrite)
    if scenario.adoption:
        raise ConfigError(f"{config}: burn-in states need a single staffing model "
                          "(remove [[adoption]])")
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    step = _start(progress, replications)
    states = {}
    for replication in range(replications):
        model = SchoolSystemModel(scenario, seed=seed, replication=replication)
        model.calendar.run(scenario.burn_in_years)
        path = state_path(tmp, replication)
        model.save_state(path)
        model.release()
        states[Path(path).name] = file_digest(path)
        step()
    manifest = {"schema_version": STATE_SCHEMA_VERSION, "name": scenario.name, "seed": seed,
                "replications": replications, "burn_in_years": scenario.burn_in_years,
                "staffing": scenario.staffing.model_dump(mode="json", exclude_none=True),
                "config_hash": scenario.hash(), "states": states}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return manifest


def _saved_manifest(folder: Path, seed: int, replications: int) -> dict:
    """A burn-in folder's manifest, checked (its fields, this run's seed and replications,
    and the SHA-256 of every state this run needs) before anything runs."""
    where = f"--from-state {folder}"
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ConfigError(f"{where}: not a burn-in folder (no manifest.json; make one with "
                          "`nextwork-sim burn-in`)")
    try:
        saved = json.loads(manifest_path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError(f"{where}: manifest.json is not readable JSON "
                          f"({' '.join(str(error).split())})") from None
    if not isinstance(saved, dict):
        raise ConfigError(f"{where}: manifest.json: expected a JSON object (a burn-in "
                          f"manifest), found {type(saved).__name__}")
    if saved.get("schema_version") != STATE_SCHEMA_VERSION:
        raise ConfigError(f"{where}: manifest.json: schema_version "
                          f"{saved.get('schema_version')!r}; this nextwork-sim reads "
                          f"{STATE_SCHEMA_VERSION} (run `nextwork-sim burn-in` again)")
    for key, kind in (("name", str), ("seed", int), ("replications", int),
                      ("burn_in_years", int), ("staffing", dict), ("states", dict)):
        if not isinstance(saved.get(key), kind) or isinstance(saved.get(key), bool):
            raise ConfigError(f"{where}: manifest.json: {key} missing or not "
                              f"{'a whole number' if kind is int else kind.__name__}")
    if saved["seed"] != seed:
        raise ConfigError(f"{where}: states were saved for --seed {saved['seed']}, this run "
                          f"uses {seed}")
    if replications > saved["replications"]:
        raise ConfigError(f"{where}: holds {saved['replications']} replications, "
                          f"{replications} asked")
    for replication in range(replications):
        path = Path(state_path(folder, replication))
        if not path.is_file():
            raise ConfigError(f"{where}: {path.name} is missing")
        try:
            digest = file_digest(path)
        except OSError as error:
            raise ConfigError(f"{where}: {path.name}: cannot read ({error.strerror})") from None
        if saved["states"].get(path.name) != digest:
            raise ConfigError(f"{where}: {path.name}: SHA-256 does not match manifest.json "
                              "(the state is damaged or was replaced)")
    return saved


def _from_saved(folder: Path, saved: dict, scenario: Scenario) -> Scenario:
    """``scenario`` started from the saved states: it must share their district and
    burn-in; a scenario whose staffing differs from the saved one switches at reported
    year 1 (as with a shared start)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    base = validate({**data, "staffing": saved["staffing"], "adoption": [],
                     "name": saved["name"]}, f"{folder} (saved staffing)")
    if scenario.district != base.district or scenario.burn_in_years != saved["burn_in_years"]:
        raise ConfigError(f"--from-state {folder}: {scenario.name} has another district "
                          "or burn-in than the saved states")
    if scenario.staffing.model_dump() != base.staffing.model_dump():
        scenario = shared_start(base, scenario)
    return scenario


@dataclass
class BudgetSolution:
    """What ``budget_solve`` found: ``value`` of ``field`` at which the scenario's recurring
    cost per student (``cost``) matches the baseline's (``target``), every value tried as
    (value, cost) in ``trace``, and what the posts left empty would add per student
    (unfilled_post_cost, not in the cost) at the value found and in the baseline."""

    field: str
    value: float
    cost: float
    target: float
    baseline: str
    trace: list[tuple[float, float]]
    empty_posts: float
    baseline_empty_posts: float
    years: int | None
    replications: int


def budget_solve(config, baseline, field: str, low: float, high: float, *,
                 years: int | None = 1, seed: int = 0, replications: int = 1,
                 overrides: list[str] | None = None, shared_start: bool = True,
                 tolerance: float = 5.0, progress: Callable | None = None) -> BudgetSolution:
    """Find the value of ``field`` (a numeric config field, e.g.
    ``staffing.pod_classrooms``) in [``low``, ``high``] that makes ``config`` cost what
    ``baseline`` costs per student: the recurring cost (the one-off transition apart), mean
    over reported years and replications, with common random numbers, to within
    ``tolerance`` dollars (a whole-number field: the closest whole value). ``shared_start``:
    burn in under the baseline's staffing, then switch (as ``compare`` does). ``progress``
    counts runs (their number is not known in advance: total=None). ValueError when the
    bracket does not hold the baseline's cost."""
    overrides = list(overrides or [])
    base = scenario_of(baseline, overrides)
    # the field is the config's: a model's own setting is not in a baseline of another model
    integer = float(low).is_integer() and float(high).is_integer() and _is_int_field(
        scenario_of(config, overrides), field)

    def as_text(value: float) -> str:  # a whole-number field takes 20, not 20.0
        return str(int(value)) if integer else repr(float(value))

    scenario_of(config, [*overrides, f"{field}={as_text(low)}"])
    scenario_of(config, [*overrides, f"{field}={as_text(high)}"])
    step = _start(progress, None)
    empty_posts: dict = {}  # value -> unfilled_post_cost per student (None: the baseline)

    def mean_cost(scenario, key=None) -> float:
        if shared_start:
            scenario = start_from(base, scenario)
        tables = []
        for replication in range(replications):
            tables.append(run_one(scenario, seed, replication=replication, years=years))
            step()
        table = pd.concat(tables, ignore_index=True)
        empty_posts[key] = unfilled_cost_per_student(table)
        return recurring_cost_per_student(table)

    def cost_at(value: float) -> float:
        return mean_cost(scenario_of(config, [*overrides, f"{field}={as_text(value)}"]), value)

    target = mean_cost(base)
    value, cost, trace = solve_budget_neutral(cost_at, target, low, high, tolerance,
                                              integer=integer)
    return BudgetSolution(field, value, cost, target, base.name, trace, empty_posts[value],
                          empty_posts[None], years, replications)


def _is_int_field(scenario, path: str) -> bool:
    node = scenario
    for part in path.split("."):
        node = getattr(node, part, None)
    return isinstance(node, int) and not isinstance(node, bool)


__all__ = ["Comparison", "BudgetSolution", "compare", "explain", "explained_scenarios",
           "burn_in", "budget_solve", "scenario_of"]
