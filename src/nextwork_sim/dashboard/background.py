"""Small comparisons started from the dashboard: the size cap, and the run itself through the
library API (``api.compare``, which submits to the executors of experiments/executors.py).

The page runs ``run_comparison`` in a Solara task (a thread), so the page stays live;
``progress(done, total)`` is called every simulated year and ``cancelled()`` is asked at the
same moments: a cancelled run stops within a simulated year (one worker: runs go year by
year in this process) or when the runs in flight finish (two workers), and writes nothing
(``api.compare`` writes the results folder whole at the end, or not at all).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import api
from ..config import PRESETS, ConfigError, Scenario, validate

#: The cap on a dashboard run: presets, replications and reported years a user may ask for,
#: and a budget of simulated school-years over every run (burn-in included). At 20 schools,
#: two scenarios of 5 replications x 10 years + 2 burn-in years are 2,400 school-years.
ALLOWED_PRESETS = ("school", "district")
MAX_REPLICATIONS = 10
MAX_YEARS = 10
MAX_WORKERS = 2
MAX_SCHOOL_YEARS = 2400


class RunCancelled(Exception):
    """The user cancelled the run; nothing was written."""


@dataclass(frozen=True)
class RunRequest:
    """What to run: ``scenario`` against ``baseline`` on a preset district."""

    scenario: Scenario
    baseline: Scenario
    preset: str = "school"
    years: int = 3
    replications: int = 2
    seed: int = 0
    workers: int = 1


def schools_of(preset: str) -> int:
    return sum(count for count, _ in PRESETS[preset].values())


def school_years(request: RunRequest) -> int:
    """Simulated school-years of the whole comparison (burn-in included)."""
    per_run = request.years + max(s.burn_in_years for s in (request.scenario,
                                                              request.baseline))
    return 2 * request.replications * per_run * schools_of(request.preset)


def on_preset(scenario: Scenario, preset: str) -> Scenario:
    """``scenario`` on a preset district (its own district files dropped), validated again:
    an adoption that names schools the preset lacks is refused in one line."""
    raw = scenario.model_dump(mode="json", exclude_none=True)
    district = {k: v for k, v in raw.get("district", {}).items()
                if k not in ("schools_csv", "staff_csv")}
    raw["district"] = {**district, "preset": preset}
    return validate(raw, f"{scenario.name} on the {preset} preset")


def check_request(request: RunRequest) -> None:
    """Refuse, in one line, a run above the cap or one the comparison could not run."""
    if request.preset not in ALLOWED_PRESETS:
        raise ConfigError(f"preset {request.preset!r}: allowed: {', '.join(ALLOWED_PRESETS)}")
    if not 1 <= request.replications <= MAX_REPLICATIONS:
        raise ConfigError(f"replications {request.replications}: allowed 1 to "
                          f"{MAX_REPLICATIONS}")
    if not 1 <= request.years <= MAX_YEARS:
        raise ConfigError(f"years {request.years}: allowed 1 to {MAX_YEARS}")
    if not 1 <= request.workers <= MAX_WORKERS:
        raise ConfigError(f"workers {request.workers}: allowed 1 to {MAX_WORKERS}")
    size = school_years(request)
    if size > MAX_SCHOOL_YEARS:
        raise ConfigError(f"{size:,} simulated school-years: the dashboard runs at most "
                          f"{MAX_SCHOOL_YEARS:,} (fewer replications or years, or the "
                          "school preset; larger runs: nextwork-sim compare)")
    if request.scenario.name == request.baseline.name:
        raise ConfigError(f"scenario and baseline are both named {request.scenario.name!r}; "
                          "rename the edited scenario")


def output_folder(results_root: str | Path, request: RunRequest) -> Path:
    """Where a dashboard run is written: ``<results>/dashboard/<scenario>-vs-<baseline>-
    <date-time>`` (a new folder each run)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return (Path(results_root) / "dashboard"
            / f"{request.scenario.name}-vs-{request.baseline.name}-{stamp}")


def run_comparison(request: RunRequest, out: Path,
                   progress: Callable[[int, int], None] = lambda done, total: None,
                   cancelled: Callable[[], bool] = lambda: False):
    """Run ``request`` through ``api.compare`` into the new folder ``out`` and return the
    ``Comparison``; raises RunCancelled when ``cancelled()`` turns true, ConfigError for a
    request above the cap."""

    check_request(request)
    scenarios = [on_preset(request.baseline, request.preset),
                 on_preset(request.scenario, request.preset)]
    state = {"done": 0, "total": 0}
    unset = object()

    def step(total=unset) -> None:
        if cancelled():
            raise RunCancelled()
        if total is unset:
            state["done"] += 1
        else:
            state["total"] = total
        progress(state["done"], state["total"])

    return api.compare(scenarios, years=request.years, seed=request.seed,
                       replications=request.replications, workers=request.workers,
                       executor="local", out=out, progress=step)
