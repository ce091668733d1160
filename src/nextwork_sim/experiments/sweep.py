"""Parameter sweeps: a grid or a SALib design (Sobol', Morris) over config fields, every point
x replication a run, then sensitivity indices (sensitivity.py). A sweep file (TOML)::

    [sweep]
    base = "../configs/traditional.toml"     # relative to the sweep file; or [sweep.scenario]
    overrides = ['district.preset="school"', "burn_in_years=0"]   # --set style, on the base
    design = "sobol"                         # grid | sobol | morris
    samples = 512                            # Sobol base sample N (a power of 2) / Morris
    levels = 4                               # trajectories N and grid levels
    replications = 1
    years = 2
    seed = 1
    dummy = true                             # add "dummy", a parameter the model never reads
    outcomes = [{metric = "leave_rate", group = "all", reducer = "mean"}]  # or "last"
    [[sweep.parameters]]
    field = "parameters.load.switch_cost"
    low = 0.0                                # low/high default to the field's documented
    high = 0.1                               # range; a grid gives values = [...]

A Sobol design has N x (D + 2) points (calc_second_order=False), Morris N x (D + 1). Every
point x replication is a run ``<scenario>__p<point>__r<replication>`` written to ``runs/``
the moment it finishes; ``resume`` skips finished runs. All points share the seed and the
replication keys: common random numbers across points, so a parameter the model never reads
changes no run at all.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import time
import tomllib
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..config import (
    ConfigError,
    Scenario,
    _paths_from_config_folder,
    apply_overrides,
    load_config,
    schema_fields,
    to_toml,
    validate,
)
from ..outcomes import metric_definition
from ..version import __version__
from .parts import read_manifest, set_aside, sort_parts
from .results_format import run_id
from .runner import run_tasks, task
from .sensitivity import analyse as indices
from .storage import (
    OutputError,
    PartWriter,
    check_output,
    check_writable,
    read_rows,
    remove_stale_parts,
    write_text_atomic,
)
from .summary import summarize

DUMMY = "dummy"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SweepParameter(_Strict):
    field: str = Field(..., description="config field path, e.g. parameters.load.switch_cost")
    low: float | None = Field(None, description="lower bound (default: the field's ge)")
    high: float | None = Field(None, description="upper bound (default: the field's le)")
    values: list[float] | None = Field(None, min_length=1, description="grid values")


class Outcome(_Strict):
    metric: str
    group: str = "all"
    reducer: Literal["mean", "last"] = Field("mean", description="over reported years: their "
                                             "mean, or the last year's value")

    @property
    def column(self) -> str:
        return f"{self.metric}|{self.group}|{self.reducer}"


class SweepSpec(_Strict):
    base: str | None = Field(None, description="scenario file, relative to the sweep file")
    scenario: dict | None = Field(None, description="an inline scenario instead of base")
    overrides: list[str] = []
    design: Literal["grid", "sobol", "morris"] = "sobol"
    samples: int = Field(64, ge=1, le=100_000)
    levels: int = Field(4, ge=2, le=20)
    replications: int = Field(1, ge=1, le=1000)
    years: int | None = Field(None, ge=1, le=50)
    seed: int = Field(0, ge=0)
    dummy: bool = True
    outcomes: list[Outcome] = Field(..., min_length=1)
    parameters: list[SweepParameter] = Field(..., min_length=1)


# --- loading and checking ---------------------------------------------------------------

def field_range(path: str) -> tuple[type, float | None, float | None]:
    """(int or float, ge, le) of a numeric scenario field, from the pydantic schema."""
    model: type[BaseModel] = Scenario
    parts = path.split(".")
    for i, part in enumerate(parts):
        here = ".".join(parts[: i + 1])
        info = schema_fields(model).get(part)
        if info is None:
            raise ConfigError(f"field {here!r} does not exist; allowed here: "
                              f"{', '.join(schema_fields(model))}")
        kind = _plain(info.annotation)
        if i < len(parts) - 1:
            if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
                raise ConfigError(f"field {here!r} is a value, not a table")
            model = kind
            continue
        if kind not in (int, float):
            raise ConfigError(f"field {path!r} is not a number; a sweep varies numbers")
        lo = hi = None
        for meta in info.metadata:
            lo = getattr(meta, "ge", lo)
            hi = getattr(meta, "le", hi)
        return kind, lo, hi
    raise ConfigError(f"field {path!r}: empty")  # pragma: no cover


def _plain(annotation):
    """``X | None`` -> X."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def load_sweep(path: str | Path) -> tuple[SweepSpec, Scenario]:
    """Read and check a sweep file: the spec (bounds filled in from the schema) and the base
    scenario. Raises ``ConfigError`` with one line naming the file and the problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such sweep file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if not isinstance(raw.get("sweep"), dict):
        raise ConfigError(f"{path}: not a sweep file (expected a [sweep] table)")
    try:
        spec = SweepSpec.model_validate(raw["sweep"])
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        value = f" = {first['input']!r}" if not isinstance(first.get("input"), dict) else ""
        raise ConfigError(f"{path}: sweep.{where}{value}: {first['msg']}") from None
    if (spec.base is None) == (spec.scenario is None):
        raise ConfigError(f"{path}: sweep: give exactly one of base (a scenario file) or "
                          "[sweep.scenario] (an inline scenario)")
    base = _base_scenario(path, spec)
    spec = spec.model_copy(update={"parameters": [_checked(path, spec, p)
                                                  for p in spec.parameters]})
    fields = [p.field for p in spec.parameters]
    if len(set(fields)) != len(fields):
        raise ConfigError(f"{path}: sweep.parameters: a field appears twice")
    if spec.design == "sobol" and spec.samples & (spec.samples - 1):
        raise ConfigError(f"{path}: sweep.samples = {spec.samples}: a Sobol' design needs a "
                          "power of 2 (e.g. 256, 512, 1024)")

    for outcome in spec.outcomes:
        if metric_definition(outcome.metric) is None:
            raise ConfigError(f"{path}: sweep.outcomes: unknown metric {outcome.metric!r} "
                              "(see docs/outputs.md)")
    for p in spec.parameters:  # every parameter at both ends must make a valid scenario
        for value in (p.values if spec.design == "grid" else [p.low, p.high]):
            _with(base, {p.field: value}, f"{path}: sweep.parameters {p.field} = {value:g}")
    return spec, base


def _base_scenario(path: Path, spec: SweepSpec) -> Scenario:
    if spec.base is not None:
        return load_config(path.parent / spec.base, spec.overrides)

    raw = apply_overrides({"name": "sweep", **spec.scenario}, spec.overrides)
    _paths_from_config_folder(raw, path.parent)
    return validate(raw, f"{path}: sweep.scenario")


def _checked(path: Path, spec: SweepSpec, p: SweepParameter) -> SweepParameter:
    where = f"{path}: sweep.parameters {p.field}"
    try:
        kind, lo, hi = field_range(p.field)
    except ConfigError as error:
        raise ConfigError(f"{path}: sweep.parameters: {error}") from None
    if spec.design == "grid":
        if not p.values:
            raise ConfigError(f"{where}: a grid needs values = [...]")
        return p
    low = p.low if p.low is not None else lo
    high = p.high if p.high is not None else hi
    if low is None or high is None:
        raise ConfigError(f"{where}: give low and high (the field has no documented range)")
    if not high > low:
        raise ConfigError(f"{where}: needs low < high (got {low:g} and {high:g})")
    if (lo is not None and low < lo) or (hi is not None and high > hi):
        raise ConfigError(f"{where}: {low:g} to {high:g} leaves the documented range "
                          f"{'-inf' if lo is None else lo} to {'inf' if hi is None else hi}")
    if kind is int and np.floor(high) < np.ceil(low):
        raise ConfigError(f"{where}: an integer field needs an integer between low and high")
    return p.model_copy(update={"low": float(low), "high": float(high)})


def problem(spec: SweepSpec) -> dict:
    """The SALib problem: the parameters' fields (and the dummy, last) with their bounds."""
    names = [p.field for p in spec.parameters] + ([DUMMY] if spec.dummy else [])
    bounds = [[p.low, p.high] for p in spec.parameters] + ([[0.0, 1.0]] if spec.dummy else [])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def design_points(spec: SweepSpec) -> np.ndarray:
    """Rows = points, columns = problem names (the dummy last). Deterministic for a spec."""
    if spec.design == "grid":
        grid = np.array(list(itertools.product(*[p.values for p in spec.parameters])), float)
        return np.column_stack([grid, np.zeros(len(grid))]) if spec.dummy else grid
    if spec.design == "sobol":
        from SALib.sample import sobol  # start-up time

        return sobol.sample(problem(spec), spec.samples, calc_second_order=False,
                            seed=spec.seed)
    from SALib.sample import morris  # start-up time

    return morris.sample(problem(spec), spec.samples, num_levels=spec.levels, seed=spec.seed)


def _with(base: Scenario, values: dict[str, float], source: str,
          integers: set[str] | None = None) -> Scenario:
    """``base`` with ``values`` set (integer fields rounded). ``integers``: the integer fields
    among ``values``, for fields the schema walk of ``field_range`` cannot reach (a staffing
    model's own settings); default: from ``field_range``."""
    overrides = []
    for path, value in values.items():
        kind = (int if path in integers else float) if integers is not None \
            else field_range(path)[0]
        text = str(int(round(value))) if kind is int else repr(float(value))
        overrides.append(f"{path}={text}")
    data = apply_overrides(base.model_dump(mode="json", exclude_none=True), overrides)
    data["name"] = base.name
    return validate(data, source)


def point_scenario(base: Scenario, spec: SweepSpec, values: np.ndarray, point: int) -> Scenario:
    """The base scenario with one design point's values (integer fields rounded; the dummy
    is not applied: the model never reads it)."""
    chosen = {p.field: float(v) for p, v in zip(spec.parameters, values, strict=False)}
    return _with(base, chosen, f"sweep point {point}")


def iter_tasks(base: Scenario, spec: SweepSpec, points: np.ndarray,
               skip: set[str] | frozenset = frozenset()) -> Iterator[dict]:
    """Every point x replication not in ``skip``, point by point, built lazily."""

    for point, row in enumerate(points):
        todo = [r for r in range(spec.replications)
                if run_id(base.name, point, r) not in skip]
        if not todo:
            continue
        scenario = point_scenario(base, spec, row, point)
        for replication in todo:
            yield task(scenario, spec.seed, replication, spec.years, point)


# --- outcomes ----------------------------------------------------------------------------

def outcome_matrix(table: pd.DataFrame, outcomes: list[Outcome], n_points: int) -> pd.DataFrame:
    """Y[point, outcome]: the outcome reduced over reported years (mean or last), then
    averaged over replications; NaN where a point has no rows."""
    columns = {}
    for outcome in outcomes:
        rows = table[(table["metric"] == outcome.metric) & (table["group"] == outcome.group)]
        per_run = rows.sort_values("year").groupby(["point", "replication"])["value"]
        reduced = per_run.mean() if outcome.reducer == "mean" else per_run.last()
        means = reduced.groupby(level="point").mean().reindex(range(n_points))
        columns[outcome.column] = means.to_numpy(dtype=float)
    return pd.DataFrame(columns, index=pd.RangeIndex(n_points, name="point"))


def analyse(spec: SweepSpec, points: np.ndarray, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Tidy sensitivity table (sensitivity.py); empty for a grid."""

    return indices(spec.design, problem(spec), points, outcomes, levels=spec.levels,
                   seed=spec.seed, dummy=DUMMY if spec.dummy else None)


# --- paired points -----------------------------------------------------------------------
# A paired point runs two scenarios, a baseline A and a scenario B, at the same parameter
# values with the same seed and replication keys (common random numbers), and its outcome is
# the difference B - A. Run ids name the side, not the scenario, so A against itself works.

#: run-id prefixes of the two sides of a paired point
BASELINE_SIDE, SCENARIO_SIDE = "A", "B"


@dataclass(frozen=True)
class PairedPoint:
    """One design point of a paired sweep: the two scenarios as they run."""

    point: int
    baseline: Scenario
    scenario: Scenario

    @property
    def key(self) -> tuple[str, str]:
        """Equal keys = identical runs (a run is a pure function of config and seed)."""
        return self.baseline.hash(), self.scenario.hash()


def distinct_pairs(pairs: list[PairedPoint]) -> tuple[list[PairedPoint], dict[int, int]]:
    """The pairs to run and ``{point: the point whose runs it shares}``: a point whose two
    scenarios equal an earlier point's (a dummy step, an integer field rounded back to the
    same value) is not run again; its differences are the earlier point's, exactly."""
    first: dict[tuple[str, str], int] = {}
    runs, same_as = [], {}
    for pair in pairs:
        owner = first.setdefault(pair.key, pair.point)
        same_as[pair.point] = owner
        if owner == pair.point:
            runs.append(pair)
    return runs, same_as


def iter_paired_tasks(pairs: list[PairedPoint], seed: int, replications: int,
                      years: int | None) -> Iterator[dict]:
    """Both sides of every pair x replication, each with the pair's seed and replication
    (so both draw the same random numbers); run ids ``A__p<point>__r<r>`` / ``B__...``."""
    for pair in pairs:
        for replication in range(replications):
            for side, scenario in ((BASELINE_SIDE, pair.baseline),
                                   (SCENARIO_SIDE, pair.scenario)):
                yield {**task(scenario, seed, replication, years, pair.point),
                       "run_id": run_id(side, pair.point, replication)}


def run_paired(pairs: list[PairedPoint], outcomes: list[Outcome], *, seed: int,
               replications: int = 1, years: int | None = None, executor="local",
               workers: int = 1, scheduler: str | None = None,
               on_run: Callable[[str], None] | None = None) -> pd.DataFrame:
    """D[point, outcome] = Y_B - Y_A for every pair (index: the pairs' points, in order;
    columns ``Outcome.column``): each side reduced over years and averaged over replications
    as ``outcome_matrix`` does. Identical pairs run once (``distinct_pairs``); results are
    keyed by run id, so they do not depend on the executor, the workers or finishing order.
    ``on_run(run_id)`` after each run."""
    todo, same_as = distinct_pairs(pairs)
    wanted = {(o.metric, o.group) for o in outcomes}
    kept: dict[str, list[pd.DataFrame]] = {BASELINE_SIDE: [], SCENARIO_SIDE: []}
    for rid, table in run_tasks(iter_paired_tasks(todo, seed, replications, years),
                                executor, workers, scheduler):
        mask = [(m, g) in wanted for m, g in zip(table["metric"], table["group"],
                                                   strict=True)]
        kept[rid.split("__", 1)[0]].append(table[mask])  # only the outcomes' rows are kept
        if on_run is not None:
            on_run(rid)
    size = max((p.point for p in pairs), default=-1) + 1
    sides = [outcome_matrix(_concat(kept[side]), outcomes, size)
             for side in (BASELINE_SIDE, SCENARIO_SIDE)]
    points = [p.point for p in pairs]
    owners = [same_as[p] for p in points]
    difference = (sides[1] - sides[0]).loc[owners]
    difference.index = pd.Index(points, name="point")
    return difference


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    if not tables:
        return pd.DataFrame(columns=["point", "replication", "year", "metric", "group",
                                     "value"])
    return pd.concat(tables, ignore_index=True)


# --- a whole sweep -----------------------------------------------------------------------

@dataclass
class SweepPlan:
    """A checked sweep, ready to run: nothing has been written yet."""

    sweep_file: Path
    out: Path
    spec: SweepSpec
    base: Scenario
    points: np.ndarray
    resume: bool
    done: set[str] = field(default_factory=set)
    previous: dict = field(default_factory=dict)
    #: parts a resumed folder holds that cannot count (parts.PartError): set aside, rerun
    unsound: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.points) * self.spec.replications

    @property
    def run_ids(self) -> set[str]:
        """Every point x replication of the sweep."""
        return {run_id(self.base.name, p, r) for p in range(len(self.points))
                for r in range(self.spec.replications)}

    @property
    def fingerprint(self) -> str:
        """Same sweep = same resolved spec, base scenario and design points."""
        text = json.dumps({"spec": self.spec.model_dump(mode="json"),
                           "base": self.base.hash()}, sort_keys=True)
        digest = hashlib.sha256(text.encode())
        digest.update(np.ascontiguousarray(self.points, dtype="<f8").tobytes())
        return digest.hexdigest()[:16]


@dataclass
class SweepResult:
    out: Path
    runs: int
    ran: int
    outcomes: pd.DataFrame
    sensitivity: pd.DataFrame
    warnings: list[str]


def plan_sweep(sweep_file: str | Path, out: str | Path, *, resume: bool = False,
               overwrite: bool = False) -> SweepPlan:
    """Check the sweep file and the output folder (``ConfigError`` / ``OutputError`` with one
    line); writes nothing. With ``resume``, ``out`` may be missing or empty (a fresh start)
    or hold this same sweep (finished runs are skipped)."""
    sweep_file, out = Path(sweep_file), Path(out)
    spec, base = load_sweep(sweep_file)
    plan = SweepPlan(sweep_file, out, spec, base, design_points(spec), resume)
    if resume and overwrite:
        raise OutputError("--resume and --overwrite exclude each other")
    if not resume or not out.exists() or (out.is_dir() and not any(out.iterdir())):
        check_output(out, overwrite)
        if out.is_dir() and any(out.iterdir()) and not (out / "manifest.json").exists():
            raise OutputError(f"--out {out}: --overwrite replaces a results folder, and this "
                              "one has no manifest.json (choose another folder)")
        return plan
    if not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")

    check_writable(out, "--out")

    try:
        previous = read_manifest(out)
        if previous.get("kind") != "sweep" or previous.get("sweep_hash") != plan.fingerprint:
            raise OutputError(f"{out} holds a different sweep (the sweep file, its base "
                              "scenario or the design changed); use another --out")
        plan.done, plan.unsound = sort_parts(out, plan.run_ids)
    except OutputError as error:
        raise OutputError(f"--resume: {error}") from None
    plan.previous = previous
    return plan


def run_sweep(plan: SweepPlan, *, executor="local", workers: int = 1,
              scheduler: str | None = None,
              on_run: Callable[[str], None] | None = None) -> SweepResult:
    """Run every unfinished point x replication (``executor``: a name or an open
    ``executors.Executor``), writing each part as it finishes, then the outcome and
    sensitivity tables. ``on_run(run_id)`` is called after each part is written."""

    out, spec, base = plan.out, plan.spec, plan.base
    if not plan.resume and out.exists():
        shutil.rmtree(out)  # --overwrite, checked in plan_sweep
    (out / "config").mkdir(parents=True, exist_ok=True)
    remove_stale_parts(out)
    set_aside_lines = set_aside(out, plan.unsound)
    names = problem(spec)["names"]
    write_text_atomic(out / "points.csv", pd.DataFrame(plan.points, columns=names)
                      .rename_axis("point").to_csv(float_format="%.17g"))
    write_text_atomic(out / "config" / f"{base.name}.toml", to_toml(base))
    write_text_atomic(out / "sweep.toml", plan.sweep_file.read_text())
    manifest = {
        "kind": "sweep", "package_version": __version__, "sweep_file": str(plan.sweep_file),
        "sweep": spec.model_dump(mode="json"), "sweep_hash": plan.fingerprint,
        "seed": spec.seed, "design": spec.design, "points": len(plan.points),
        "replications": spec.replications, "years": spec.years or base.years,
        "scenarios": [base.name], "config_hashes": {base.name: base.hash()},
        "runs_total": plan.total, "complete": False,
        "executor": getattr(executor, "name", executor),
        "workers": getattr(executor, "workers", workers),
        "resolved_config": {base.name: base.model_dump(mode="json")},
        "wall_time_seconds": plan.previous.get("wall_time_seconds", 0.0),
    }
    writer = PartWriter(out, manifest, done=plan.done)
    ran = 0
    for rid, table in run_tasks(iter_tasks(base, spec, plan.points, plan.done), executor,
                                workers, scheduler):
        writer(rid, table)
        ran += 1
        if on_run is not None:
            on_run(rid)
    writer.flush()
    result = _finish(plan, writer, ran, summarize)
    result.warnings[:0] = set_aside_lines
    return result


def _finish(plan: SweepPlan, writer, ran: int, summarize) -> SweepResult:
    out, spec = plan.out, plan.spec
    if not writer.done <= plan.run_ids:  # never count a run the sweep does not have
        raise OutputError(f"{out}: counted runs that are not of this sweep, e.g. "
                          f"{min(writer.done - plan.run_ids)}")
    rows = read_rows(out, sorted({o.metric for o in spec.outcomes}), runs=writer.done)
    wanted = pd.Series(False, index=rows.index)
    for o in spec.outcomes:
        wanted |= (rows["metric"] == o.metric) & (rows["group"] == o.group)
    rows = rows[wanted]
    outcomes = outcome_matrix(rows, spec.outcomes, len(plan.points))
    warnings = [f"outcome {o.metric} (group {o.group}): no value at "
                f"{int(outcomes[o.column].isna().sum())} of {len(outcomes)} points; "
                "no indices for it" for o in spec.outcomes if outcomes[o.column].isna().any()]
    sensitivity = analyse(spec, plan.points, outcomes)
    keys = ["scenario", "point", "metric", "group", "year"]
    write_text_atomic(out / "outcomes.csv", outcomes.to_csv(float_format="%.10g"))
    write_text_atomic(out / "summary.csv", summarize(rows, keys).to_csv(
        index=False, float_format="%.6g"))
    if spec.design != "grid":
        write_text_atomic(out / "sensitivity.csv", sensitivity.to_csv(
            index=False, float_format="%.6g"))
    runs = len(writer.done)
    writer.close(complete=runs >= plan.total, finished=time.strftime("%Y-%m-%dT%H:%M:%S"))
    return SweepResult(out, runs, ran, outcomes, sensitivity, warnings)
