"""How robust is each headline difference between a scenario B and a baseline A to the
numbers nobody has measured? (``nextwork-sim robustness A.toml B.toml``.)

Every design point is a **paired contrast** (sweep.py, paired points): A and B run at the same
parameter values, with the same seed and replication keys (common random numbers), and the
outcome is the difference B - A of each headline outcome (``HEADLINE``). Stages:

1. **default**: one pair at the configs' own values, the reference difference;
2. **Morris screen** over every varied assumption (below): ``trajectories`` x (D + 2) points
   (D assumptions and the dummy), ``levels`` grid levels; mu* per headline difference;
3. **selection** of the ``top`` most influential: each difference's mu* is divided by its
   largest mu* (differences have different units), a parameter's score is the largest of
   these shares over the headline differences (so the strongest driver of any one difference
   is taken), ties broken by the sum of the shares, then by name;
4. **Sobol** analysis of those ``top`` (all, if fewer vary; the others at their values):
   ``samples`` x (top + 3) points (Saltelli, first and total order, dummy included), with
   bootstrap intervals;
5. **swings**: each selected parameter alone at the low and at the high end of its range
   (2 x top pairs), drawn as a tornado around the default difference.

Which numbers vary: every numeric ``kind = "assumption"`` field under ``parameters.``
(docs/parameters.md) and under ``staffing.`` (the settings of A's and B's staffing models).
A field A and B set to different values is part of the design being compared, not an
assumption of the comparison: it is held (listed in the manifest). A field only one side's
model has varies in that side only. The range is the value +-``band`` (20 %), clipped to the
field's documented range, as ``--parameter-uncertainty`` draws it (uncertainty.py); a value
of 0, and an integer whose range rounds to one value, cannot vary and is left out.

Identical pairs run once (sweep.distinct_pairs: the dummy's steps, integers rounded back to a
value already run), so the run counts below are upper bounds.

**Budget** (defaults: district preset, 5 reported years after the configs' 2 burn-in years,
1 replication, 10 Morris trajectories at 4 levels, Sobol base sample 256, top 10). For
next_workforce vs traditional D = 168 assumptions vary (opportunity_culture: 166), so at most
1 + 10 x (168 + 2) + 256 x (10 + 3) + 2 x 10 = 5049 pairs = 10098 runs (about 270 fewer after
identical pairs merge). One pair at the district preset took 0.66 s of one core on an idle
machine (0.29 s traditional + 0.37 s next_workforce) and 1.0 s in one process on the shared
machine (load 3-4; 0.9 s for opportunity_culture), so 5049 x 1.0 s / 2 cores = 42 min with
``--workers 2`` (28 min at 0.66 s), inside the 60-minute budget; doubling ``samples`` would
not fit (about 65 min). On a machine shared with other work it takes longer (a 2-worker pool
under load 4.5 managed 1.16 s of wall time per pair). The Dask executor spreads the same
design over more workers, with identical results.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from pydantic import BaseModel

from ..adoption import shared_start as start_from
from ..config import ConfigError, Scenario, load_config
from ..parameters import ASSUMPTION
from ..version import __version__
from .executors import Executor, check_executor, make_executor
from .robustness_tables import rank_parameters, tidy_table, write_folder
from .storage import check_output
from .sweep import (
    DUMMY,
    Outcome,
    PairedPoint,
    SweepParameter,
    SweepSpec,
    _with,
    design_points,
    distinct_pairs,
    problem,
    run_paired,
)
from .sweep import analyse as sweep_indices

#: the headline differences: rates and growth as the mean over reported years; gaps as at
#: the end of the last year (where the years' effects have added up)
HEADLINE = (Outcome(metric="attrition_rate"), Outcome(metric="leave_rate"),
            Outcome(metric="achievement_growth"),
            Outcome(metric="achievement_gap", group="low_income=true", reducer="last"),
            Outcome(metric="achievement_gap", group="race=black", reducer="last"),
            Outcome(metric="achievement_gap", group="race=hispanic", reducer="last"),
            Outcome(metric="cost_per_student"))
PRESETS = ("school", "district", "state")
#: the stages that run, in order, and what a progress bar calls them
STAGES = {"default": "default pair", "morris": "Morris screen", "sobol": "Sobol analysis",
          "swings": "one-at-a-time swings"}


@dataclass(frozen=True)
class Design:
    """The sizes of the analysis (the command's flags, with their defaults)."""

    preset: str = "district"
    years: int = 5
    seed: int = 0
    replications: int = 1
    trajectories: int = 10
    levels: int = 4
    samples: int = 256
    top: int = 10
    band: float = 0.2
    shared_start: bool = True

    def check(self) -> None:
        """``ConfigError`` naming the flag and what it allows."""
        if self.preset not in PRESETS:
            raise ConfigError(f"--preset {self.preset!r}: allowed: {', '.join(PRESETS)}")
        whole = {"--years": (self.years, 1, 50), "--replications": (self.replications, 1, 1000),
                 "--trajectories": (self.trajectories, 2, 1000),
                 "--levels": (self.levels, 2, 20), "--top": (self.top, 1, 1000),
                 "--seed": (self.seed, 0, 2**63 - 1)}
        for flag, (value, low, high) in whole.items():
            if not low <= value <= high:
                raise ConfigError(f"{flag} {value}: expected a whole number from {low} to {high}")
        if self.samples < 2 or self.samples & (self.samples - 1):
            raise ConfigError(f"--samples {self.samples}: a Sobol' base sample must be a power "
                              "of 2 (e.g. 64, 256, 1024)")
        if not 0 < self.band < 1:
            raise ConfigError(f"--band {self.band:g}: expected a number between 0 and 1 "
                              "(exclusive)")


class Assumption(NamedTuple):
    """A varied field: its value, range, whether it is whole, and the sides that have it."""

    path: str
    default: float
    low: float
    high: float
    integer: bool
    sides: str  # "AB", "A" or "B"


def _fields(section: BaseModel, prefix: str):
    """(path, FieldInfo, value) of every leaf of a config section, from its own class (not
    ``schema_fields``, which lists every staffing model's settings)."""
    for name, spec in type(section).model_fields.items():
        value = getattr(section, name)
        if isinstance(value, BaseModel):
            yield from _fields(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", spec, value


def _numeric_assumptions(scenario: Scenario) -> dict[str, tuple]:
    """{path: (value, ge, le, integer)} of the numeric assumptions of ``parameters.`` and of
    the scenario's own staffing settings class."""
    found = {}
    for prefix, section in (("parameters.", scenario.parameters),
                            ("staffing.", scenario.staffing)):
        for path, spec, value in _fields(section, prefix):
            extra = spec.json_schema_extra if isinstance(spec.json_schema_extra, dict) else {}
            if spec.annotation not in (int, float) or extra.get("kind") != ASSUMPTION:
                continue
            lo = hi = None
            for meta in spec.metadata:
                lo, hi = getattr(meta, "ge", lo), getattr(meta, "le", hi)
            found[path] = (float(value), lo, hi, spec.annotation is int)
    return found


def assumptions(baseline: Scenario, scenario: Scenario,
                band: float = 0.2) -> tuple[list[Assumption], list[str]]:
    """(the varied assumptions, in schema order; the fields held because A and B differ)."""
    mine, theirs = _numeric_assumptions(baseline), _numeric_assumptions(scenario)
    varied, held = [], []
    for path in dict.fromkeys([*mine, *theirs]):
        sides = ("A" if path in mine else "") + ("B" if path in theirs else "")
        if sides == "AB" and mine[path][0] != theirs[path][0]:
            held.append(path)
            continue
        value, lo, hi, integer = (mine if "A" in sides else theirs)[path]
        low, high = sorted((value * (1 - band), value * (1 + band)))
        low, high = max(low, lo) if lo is not None else low, min(high, hi) if hi is not None \
            else high
        if not high > low or (integer and round(low) == round(high)):
            continue
        varied.append(Assumption(path, value, low, high, integer, sides))
    return varied, held


def spec_for(design: Design, varied: list[Assumption], kind: str) -> SweepSpec:
    """The sweep spec of a stage (``morris`` or ``sobol``) over ``varied``."""
    return SweepSpec(design=kind, samples=design.trajectories if kind == "morris"
                     else design.samples, levels=design.levels, years=design.years,
                     replications=design.replications, seed=design.seed, dummy=True,
                     outcomes=list(HEADLINE),
                     parameters=[SweepParameter(field=a.path, low=a.low, high=a.high)
                                 for a in varied])


def pair_at(plan: RobustnessPlan, point: int, values: dict[str, float]) -> PairedPoint:
    """A and B with ``values`` (a field each side has), B then started from A's burn-in."""
    sides = {a.path: a for a in plan.varied}
    integers = {a.path for a in plan.varied if a.integer}
    one = []
    for side, base in (("A", plan.baseline), ("B", plan.scenario)):
        own = {path: v for path, v in values.items() if side in sides[path].sides}
        one.append(_with(base, own, f"robustness point {point} ({side})", integers))
    if plan.design.shared_start:
        one[1] = start_from(one[0], one[1])
    return PairedPoint(point, *one)


def pairs_of(plan: RobustnessPlan, spec: SweepSpec, points: np.ndarray) -> list[PairedPoint]:
    """Every design point of ``spec`` as a pair (the dummy column is not applied)."""
    names = [p.field for p in spec.parameters]
    return [pair_at(plan, i, dict(zip(names, map(float, row), strict=False)))
            for i, row in enumerate(points)]


@dataclass
class RobustnessPlan:
    """A checked analysis: nothing has been written or run yet."""

    baseline: Scenario
    scenario: Scenario
    design: Design
    out: Path
    overwrite: bool
    varied: list[Assumption]
    held: list[str]
    morris: SweepSpec = field(repr=False)
    morris_points: np.ndarray = field(repr=False)
    morris_pairs: list[PairedPoint] = field(repr=False, default_factory=list)

    def stage_runs(self) -> dict[str, int]:
        """Runs of each stage (``STAGES``), for a progress bar: exact for the default pair and
        the Morris screen; for the Sobol stage each base sample's dummy point is merged,
        other merges are not known before the selection."""
        top = min(self.design.top, len(self.varied))
        pairs = {"default": 1, "morris": len(distinct_pairs(self.morris_pairs)[0]),
                 "sobol": self.design.samples * (top + 2), "swings": 2 * top}
        return {stage: 2 * n * self.design.replications for stage, n in pairs.items()}


def plan_robustness(baseline: str | Path, scenario: str | Path, out: str | Path, *,
                    design: Design = Design(), overrides: list[str] | None = None,
                    overwrite: bool = False, only: list[str] | None = None) -> RobustnessPlan:
    """Check the configs, the flags and the output folder, build the Morris design and every
    one of its pairs (a point the schema rejects is refused now); writes nothing. ``only``:
    vary just these of the assumptions (``--only``; default: all of them)."""
    design.check()
    settings = [*(overrides or []), f'district.preset="{design.preset}"']
    a, b = load_config(baseline, settings), load_config(scenario, settings)
    if b.adoption or a.adoption:
        raise ConfigError(f"{baseline if a.adoption else scenario}: robustness compares two "
                          "staffing designs; remove [[adoption]]")
    varied, held = assumptions(a, b, design.band)
    if only:
        known = {v.path for v in varied}
        for path in only:
            if path not in known:
                why = ("A and B set it differently (a design element)" if path in held
                       else "not a numeric kind=assumption field of A's or B's parameters or "
                       "staffing that can vary (see nextwork-sim params)")
                raise ConfigError(f"--only {path}: {why}")
        varied = [v for v in varied if v.path in set(only)]
    if not varied:
        raise ConfigError(f"{baseline} and {scenario}: no assumption can vary (every one is 0, "
                          "or set differently by the two)")
    check_output(Path(out), overwrite)
    spec = spec_for(design, varied, "morris")
    plan = RobustnessPlan(a, b, design, Path(out), overwrite, varied, held, spec,
                          design_points(spec))
    plan.morris_pairs = pairs_of(plan, spec, plan.morris_points)
    return plan


@dataclass
class RobustnessResult:
    out: Path
    table: pd.DataFrame
    runs: int
    seconds: float
    warnings: list[str]


def run_robustness(plan: RobustnessPlan, *, executor: str | Executor = "local",
                   workers: int = 1, scheduler: str | None = None,
                   stage: Callable[[str, int], Callable[[str], None]] | None = None
                   ) -> RobustnessResult:
    """Run every stage and write the results folder whole at the end (nothing on failure).
    ``stage(name, runs)`` (a name of ``STAGES``, its runs) returns the stage's ``on_run``
    callback (progress)."""
    start = time.perf_counter()
    own = not isinstance(executor, Executor)
    if own:
        check_executor(executor, workers)
        executor = make_executor(executor, workers, scheduler)
    try:
        def paired(pairs, name):
            runs = 2 * len(distinct_pairs(pairs)[0]) * plan.design.replications
            on_run = stage(name, runs) if stage is not None else None
            return run_paired(pairs, list(HEADLINE), seed=plan.design.seed,
                              replications=plan.design.replications, years=plan.design.years,
                              executor=executor, on_run=on_run), runs

        default, n0 = paired([pair_at(plan, 0, {})], "default")
        morris_d, n1 = paired(plan.morris_pairs, "morris")
        morris = sweep_indices(plan.morris, plan.morris_points, morris_d)
        ranking = rank_parameters(morris, [a.path for a in plan.varied], DUMMY)
        chosen = [a for name in ranking["parameter"][: plan.design.top]
                  for a in plan.varied if a.path == name]
        sobol_spec = spec_for(plan.design, chosen, "sobol")
        sobol_points = design_points(sobol_spec)
        swings = [pair_at(plan, i, {a.path: end})
                  for i, (a, end) in enumerate((a, end) for a in chosen
                                               for end in (a.low, a.high))]
        sobol_d, n2 = paired(pairs_of(plan, sobol_spec, sobol_points), "sobol")
        sobol = sweep_indices(sobol_spec, sobol_points, sobol_d)
        swing_d, n3 = paired(swings, "swings")
    finally:
        if own:
            executor.shutdown()
    table = tidy_table(default, morris, morris_d, ranking, plan.varied, chosen, sobol, sobol_d,
                       swing_d)
    warnings = [f"{column}: no value at some {stage} points; no {stage} indices for it"
                for stage, found in (("Morris", morris_d), ("Sobol", sobol_d))
                for column in found.columns if found[column].isna().any()]
    seconds = time.perf_counter() - start
    runs = n0 + n1 + n2 + n3
    manifest = {
        "kind": "robustness", "package_version": __version__,
        "scenarios": [plan.baseline.name, plan.scenario.name],
        "config_hashes": {"A": plan.baseline.hash(), "B": plan.scenario.hash()},
        "design": asdict(plan.design), "varied": len(plan.varied), "held": plan.held,
        "selected": [a.path for a in chosen], "headline": [o.column for o in HEADLINE],
        "pairs": {"default": 1, "morris": len(plan.morris_points),
                  "sobol": len(sobol_points), "swings": len(swings)},
        "runs": runs, "executor": getattr(executor, "name", executor),
        "workers": getattr(executor, "workers", workers),
        "wall_time_seconds": round(seconds, 3),
    }
    write_folder(plan, manifest, table, {"morris": (plan.morris, plan.morris_points, morris_d),
                                         "sobol": (sobol_spec, sobol_points, sobol_d)})
    return RobustnessResult(plan.out, table, runs, seconds, warnings)


__all__ = ["HEADLINE", "STAGES", "Design", "Assumption", "assumptions", "plan_robustness",
           "run_robustness", "RobustnessPlan", "RobustnessResult", "problem"]
