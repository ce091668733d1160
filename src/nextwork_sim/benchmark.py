"""``nextwork-sim bench``: numbers, not assertions (issue "Performance at state scale").

Builds the district of a preset (Mesa agents included), optionally burns it in, runs whole
simulated years through the real calendar and times, separately, the full school day
(demand, allocation when due, load, efficacy, skill growth, learning, noise: the day
spans, unit starts and ends and the weekly peer learning), the term events (credentials),
the start of each year (rosters) and the summer. Then it builds the same district's day as
idiomatic per-agent Mesa (``bench/mesa_baseline``) and times a sample of its days. JIT
compilation (or loading the kernels from Numba's cache) is timed first, on a one-school
model, so it is in no other number. Peak memory is the process's maximum resident set size
before the baseline is built.
"""

from __future__ import annotations

import os
import platform
import resource
import time
from pathlib import Path

import mesa
import numba
import numpy as np

from .bench.mesa_baseline import PerAgentDay
from .config import apply_overrides, load_config, validate
from .model import SchoolSystemModel

#: the calendar hooks that make up the school day (the issue's list of daily mechanisms)
DAY_HOOKS = ("start_unit", "school_days", "end_unit", "end_week")
OTHER_HOOKS = ("end_term", "start_year", "summer")


class _Timed:
    """Wraps the calendar's hooks and adds up the seconds spent in each."""

    def __init__(self, hooks):
        self.hooks = hooks
        self.seconds = dict.fromkeys((*DAY_HOOKS, *OTHER_HOOKS), 0.0)

    def __getattr__(self, name):
        method = getattr(self.hooks, name)
        if name not in self.seconds:
            return method

        def timed(*args):
            start = time.perf_counter()
            result = method(*args)
            self.seconds[name] += time.perf_counter() - start
            return result

        return timed


def bytes_per_student_day(model) -> float:
    """Array bytes the school day reads or writes, per enrolled student: a lower bound on the
    memory traffic, each array counted once per pass that touches it (see docs/scaling.md).
    Each day the fluctuation of every community is drawn and its index (uint16) written; once
    a span (the days between two calendar boundaries, run by one kernel call) the fused pass
    streams the unit's member weights (8 float64 + a community index, plus the community's
    fluctuation indices)
    and each educator's skill (float32, read and written), summed skill x efficacy (float64,
    read and written) and scalars; per unit, allocation and the unit's accounting pass over
    the memberships a few times; once a year each student's learning is applied."""
    state, hooks = model.state, model.school_year
    e, k = len(hooks.active_rows), state.communities.n
    nnz = int((hooks.unit_mem_educator >= 0).sum())
    m = state.memberships.n
    d = 8
    shape = model.shape
    days_per_span = shape.days / len(shape.spans())
    day = k * (1 + 2)
    span = nnz * (d * 8 + 4 + 2) + e * (d * 4 * 2 + d * 8 * 2 + 4 + 8 * 8)
    unit = m * (d * 4 * 3 * 3 + d * 4 * 2 + d * 8 + d * 4 * 2) + k * d * 8 * 6
    week = e * (d * 4 * 2 + 12 + 24)
    students = max(len(hooks.enrolled), 1)
    year_end = students * (d * 4 + 4 + 8 + 3 * 8 * 2 + 1)
    per_day = (day + span / days_per_span + unit / shape.unit_days
               + week / shape.days_per_week + year_end / shape.days)
    return per_day / students


def machine() -> dict:
    """What the numbers were measured on: the CPU's name and widest vector extension, the
    cores, and the versions of Python, NumPy, Numba and Mesa. Machines sold under the same
    name have run the same commit 1.5x apart, so a number means little without them."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    name = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break
    except OSError:  # not Linux: the name platform gives
        pass
    vector = next((v for v in ("avx512f", "avx2", "avx", "sse4_2", "neon", "asimd")
                   if v in flags), "unknown")
    return {"cpu": name, "vector_extension": vector, "cores": os.cpu_count(),
            "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__, "mesa": mesa.__version__}


def _scenario(scale: str, config: Path | None, burn_in: int, overrides: list[str]):
    overrides = [f'district.preset="{scale}"', f"burn_in_years={burn_in}", *overrides]
    if config is not None:
        return load_config(config, overrides)
    return validate(apply_overrides({"name": "bench"}, overrides), "bench (with --set)")


def compile_kernels(config: Path | None, overrides: list[str]) -> float:
    """Seconds to compile (or load from Numba's cache) every kernel a year touches: one
    simulated year of a one-school model of the same scenario."""

    start = time.perf_counter()
    model = SchoolSystemModel(_scenario("school", config, 0, overrides), seed=1)
    model.run(1)
    model.release()
    return time.perf_counter() - start


def run_benchmark(scale: str, years: int, config: Path | None = None,
                  overrides: list[str] | None = None, baseline_days: int | None = None,
                  burn_in: int = 0, invariants: bool = True) -> dict:
    """Time a model of ``scale`` (see the module docstring); ``invariants``: check them
    every year as runs do (invariants.py; their cost is in the summer and the run)."""

    overrides = list(overrides or [])
    compile_seconds = compile_kernels(config, overrides)
    scenario = _scenario(scale, config, burn_in, overrides)
    start = time.perf_counter()
    model = SchoolSystemModel(scenario, seed=1, invariants=invariants)
    build = time.perf_counter() - start
    start = time.perf_counter()
    model.calendar.run(burn_in)
    burn_in_seconds = time.perf_counter() - start
    hooks = model.school_year
    timed = _Timed(hooks)
    model.calendar.hooks = timed
    start = time.perf_counter()
    model.run(years)
    run_seconds = time.perf_counter() - start
    peak_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    seconds = timed.seconds
    day_seconds = sum(seconds[name] for name in DAY_HOOKS)
    students = len(hooks.enrolled)
    educators = len(hooks.active_rows)
    student_days = students * years * model.shape.days
    traffic = bytes_per_student_day(model)

    year = burn_in + years
    hooks.start_year(year)
    hooks.start_unit(year, 0)
    baseline = PerAgentDay(model)
    sample = baseline_days or (1 if scale == "state" else 3)
    start = time.perf_counter()
    for _ in range(sample):
        baseline.step()
    baseline_seconds = (time.perf_counter() - start) / sample
    baseline.release()
    model.release()
    rate = student_days / day_seconds
    baseline_rate = len(baseline.student_rows) / baseline_seconds
    return {
        "scale": scale,
        "config": str(config) if config is not None else "default (traditional)",
        "students": students,
        "educators": educators,
        "years": years,
        "days": years * model.shape.days,
        "compile_seconds": round(compile_seconds, 2),
        "build_seconds": round(build, 2),
        "invariants": "checked" if invariants else "off",
        "burn_in_years": burn_in,
        "burn_in_seconds": round(burn_in_seconds, 2),
        "run_seconds": round(run_seconds, 2),
        "build_and_run_seconds": round(build + run_seconds, 2),
        "seconds_per_year": round(run_seconds / years, 3),
        "school_day_seconds": round(day_seconds, 3),
        "day_span_seconds": round(seconds["school_days"], 3),
        "unit_start_seconds": round(seconds["start_unit"], 3),
        "unit_end_seconds": round(seconds["end_unit"], 3),
        "week_seconds": round(seconds["end_week"], 3),
        "term_seconds": round(seconds["end_term"], 3),
        "year_start_seconds": round(seconds["start_year"], 3),
        "summer_seconds": round(seconds["summer"], 3),
        "student_days_per_s": round(rate),
        "bytes_per_student_day": round(traffic, 1),
        "bandwidth_bound_student_days_per_s": round(10e9 / traffic),
        "mesa_baseline_student_days_per_s": round(baseline_rate),
        "mesa_ratio": round(rate / baseline_rate, 1),
        "peak_memory_gb": round(peak_memory, 2),
        **machine(),
    }


def format_report(report: dict) -> list[tuple[str, str]]:
    rows = []
    for key, value in report.items():
        text = f"{value:,}" if isinstance(value, int | np.integer) else str(value)
        rows.append((key, text))
    return rows
