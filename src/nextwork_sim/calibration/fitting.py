"""``nextwork-sim calibrate``: fit the parameters of kind ``fitted`` to the ``calibrate`` rows
of a targets file with Optuna, on SQLite (or any RDB) storage so a killed fit resumes.

Every trial runs the same seeds (common random numbers: keyed draws make a trial's runs
differ from another's only through the parameters), measures each row (mean over reported
years and replications) and scores the mean squared distance from the published values in
half-bands (``targets.loss``). The search starts with a few fixed-point steps for the shipped
model's rows (``warm_start``), then CMA-ES explores every parameter's search range around the
best point found. docs/calibration.md §2.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..api import scenario_of
from ..config import ConfigError, Scenario, validate
from ..parameters import Parameters
from . import targets as tg
from .warm_start import warm_step


@dataclass(frozen=True)
class Fitted:
    """A parameter calibration may move: its dotted path under ``parameters.``, default and
    search range."""

    path: str
    default: float
    low: float
    high: float


#: Fitted parameters a condition of the model pins rather than a target row: left out of a
#: calibration unless ``only`` names them. The reference match of each school level is set so
#: the level's mean standing does not drift (the norm stays the norm, docs/odd.md §5.5);
#: fitting it to the growth rows instead would make standings drift by ~0.15 SD a decade.
PINNED = ("learning.reference_match.",)


def fitted_parameters(only: list[str] | None = None) -> list[Fitted]:
    """Every ``kind="fitted"`` parameter (docs/parameters.md) but the ``PINNED`` ones, or
    only those whose path starts with one of ``only`` (e.g. ``attrition``)."""
    found: list[Fitted] = []

    def walk(model, prefix: str) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if hasattr(type(value), "model_fields"):
                walk(value, f"{prefix}{name}.")
            elif extra.get("kind") == "fitted":
                low, high = extra["search"]
                found.append(Fitted(f"{prefix}{name}", float(value), low, high))

    walk(Parameters(), "")
    if only:
        unknown = [o for o in only if not any(f.path.startswith(o) for f in found)]
        if unknown:
            raise ConfigError(f"--only {unknown[0]!r}: no fitted parameter starts with it; "
                              f"fitted: {', '.join(f.path for f in found)}")
        return [f for f in found if any(f.path.startswith(o) for o in only)]
    return [f for f in found if not f.path.startswith(PINNED)]


def with_values(base: Scenario, values: dict[str, float]) -> Scenario:
    """``base`` with ``parameters.<path> = value`` for every entry."""
    raw = base.model_dump(mode="json", exclude_none=True)
    for path, value in values.items():
        node = raw.setdefault("parameters", {})
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = float(value)
    return validate(raw, f"{base.name} (calibration values)")


def current_values(scenario: Scenario, space: list[Fitted]) -> dict[str, float]:
    """The scenario's own value of each fitted parameter."""
    values = {}
    for item in space:
        node = scenario.parameters
        for key in item.path.split("."):
            node = getattr(node, key)
        values[item.path] = float(node)
    return values


@dataclass
class Settings:
    """What a fit runs: its preset, replications, reported years and seed (docs/calibration.md
    §2 says why the defaults are precise enough)."""

    preset: str | None = "state"
    replications: int = 8
    years: int = 3
    burn_in_years: int | None = None
    seed: int = 0
    warm_start: int = 3
    sigma: float = 0.03
    workers: int = 2

    def overrides(self) -> list[str]:
        found = [] if self.preset is None else [f"district.preset={self.preset}"]
        if self.burn_in_years is not None:
            found.append(f"burn_in_years={self.burn_in_years}")
        return found


@dataclass
class Fit:
    """The result of a calibration: best values and how they were found."""

    values: dict[str, float]
    loss: float
    trials: int
    summary: pd.DataFrame
    study_name: str
    seconds: float
    header: dict = field(default_factory=dict)


def study_name(scenario: Scenario, targets_hash: str, space: list[Fitted],
               settings: Settings) -> str:
    """One study per problem: the same storage may hold fits of other configs or targets."""
    key = json.dumps({"config": scenario.hash(), "targets": targets_hash,
                      "space": [(f.path, f.low, f.high) for f in space],
                      "settings": [settings.preset, settings.replications, settings.years,
                                   settings.burn_in_years, settings.seed, settings.sigma]},
                     sort_keys=True)
    return "nextwork-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _sampler(x0: dict, settings: Settings):
    import optuna  # start-up time

    with warnings.catch_warnings():
        # x0 and sigma0 start CMA-ES at the warm start; deprecated since Optuna 4.9 but kept
        # until 6 (pyproject pins optuna<6)
        warnings.simplefilter("ignore", FutureWarning)
        return optuna.samplers.CmaEsSampler(x0=x0, sigma0=settings.sigma, seed=settings.seed,
                                            warn_independent_sampling=False)


def _open_study(storage: str, name: str, x0: dict, settings: Settings):
    import optuna  # start-up time

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = _sampler(x0, settings)
    try:
        study = optuna.create_study(study_name=name, storage=storage, direction="minimize",
                                    sampler=sampler, load_if_exists=True)
    except (ValueError, ImportError, optuna.exceptions.StorageInternalError) as error:
        raise ConfigError(f"--storage {storage!r}: cannot open: "
                          f"{str(error).splitlines()[0]}") from None
    # trials a killed process left running will never report: count them as failed
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        study._storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)
    return study


def _done(study) -> list:
    import optuna  # start-up time

    return study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))


def _waiting(study) -> bool:
    import optuna  # start-up time

    return bool(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,)))


def _clip(values: dict, space: list[Fitted]) -> dict:
    bounds = {f.path: (f.low, f.high) for f in space}
    return {k: min(max(float(v), bounds[k][0]), bounds[k][1]) for k, v in values.items()}


def calibrate(config, targets_path: str | Path, *, trials: int, storage: str,
              settings: Settings | None = None, only: list[str] | None = None,
              progress: Callable | None = None) -> Fit:
    """Fit the fitted parameters of ``config`` to the calibrate rows of ``targets_path``.

    ``trials``: how many completed trials the study should hold (a resumed study counts
    those it has). ``progress(total=...)`` once, then ``progress()`` per finished trial.
    """

    settings = settings or Settings()
    started = time.perf_counter()
    targets = tg.read_targets(targets_path)
    base = scenario_of(config, settings.overrides())
    space = fitted_parameters(only)
    targets_hash = tg.file_hash(Path(targets_path))
    name = study_name(base, targets_hash, space, settings)
    start = current_values(base, space)
    study = _open_study(storage, name, _clip(start, space), settings)
    tick = progress or (lambda *a, **k: None)
    tick(total=trials)
    for _ in range(min(len(_done(study)), trials)):
        tick()

    def objective(trial) -> float:
        values = {f.path: trial.suggest_float(f.path, f.low, f.high) for f in space}
        sim = tg.simulate(with_values(base, values), targets, seed=settings.seed,
                          replications=settings.replications, years=settings.years,
                          workers=settings.workers)
        summary = tg.summarise(sim, targets)
        trial.set_user_attr("sim_mean", dict(zip(summary["target"],
                                                 summary["sim_mean"].round(6),
                                                 strict=True)))
        trial.set_user_attr("inside", int(summary["inside"].sum()))
        return tg.loss(summary)

    centred = False
    while len(_done(study)) < trials:
        warming = _enqueue_warm_step(study, base, space, targets, settings, start)
        if not warming and not centred and _done(study):
            # CMA-ES starts from the best point so far (a resumed study keeps its state)
            study.sampler = _sampler(_clip(dict(study.best_params), space), settings)
            centred = True
        study.optimize(objective, n_trials=1, catch=())
        tick()
    best = study.best_trial
    values = {f.path: float(best.params[f.path]) for f in space}
    sim = tg.simulate(with_values(base, values), targets, seed=settings.seed,
                      replications=settings.replications, years=settings.years,
                      workers=settings.workers)
    summary = tg.summarise(sim, targets)
    header = {"config": str(config) if not isinstance(config, Scenario) else config.name,
              "config_hash": base.hash(), "targets": str(targets_path),
              "targets_hash": targets_hash, "study": name, "storage": storage,
              "preset": settings.preset, "replications": settings.replications,
              "years": settings.years, "seed": settings.seed}
    return Fit(values, float(best.value), len(_done(study)), summary, name,
               time.perf_counter() - started, header)


def _enqueue_warm_step(study, base, space, targets, settings, start) -> bool:
    """While fewer than ``settings.warm_start`` warm-start trials are done, queue the next
    fixed-point step from the last one (from the config's values at first). Returns whether
    a warm-start trial is queued."""
    if _waiting(study):
        return True
    warm = [t for t in _done(study) if t.user_attrs.get("phase") == "warm start"]
    if len(warm) >= settings.warm_start:
        return False
    if warm:
        last = warm[-1]
        values = warm_step(dict(last.params), last.user_attrs["sim_mean"], targets, base)
    else:
        values = dict(start)
    study.enqueue_trial(_clip(values, space), user_attrs={"phase": "warm start"},
                        skip_if_exists=False)
    return True
