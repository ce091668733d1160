"""``nextwork-sim bench``: numbers, not assertions (issue "Performance at state scale").

Builds the district of a preset (Mesa agents included), runs whole simulated years through
the real calendar and times, separately, the full school day (demand, allocation when due,
load, efficacy, skill growth, learning, noise: every day, unit and week hook) and the summer.
Then it builds the same district's day as idiomatic per-agent Mesa (``bench/mesa_baseline``)
and times a sample of its days. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import numpy as np

from .config import apply_overrides, load_config, validate

DAY_HOOKS = ("start_unit", "school_days", "end_unit", "end_week", "end_term")


class _Timed:
    """Wraps the calendar's hooks and adds up the seconds spent in each."""

    def __init__(self, hooks):
        self.hooks = hooks
        self.seconds = {name: 0.0 for name in (*DAY_HOOKS, "start_year", "summer")}

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
    """Array bytes a school day reads or writes, per enrolled student (a lower bound on the
    memory traffic: each array counted once per pass that touches it)."""
    state, hooks = model.state, model.school_year
    e, k, m = len(hooks.active_rows), state.communities.n, state.memberships.n
    d = 8
    day = (k * d * 8 * 4          # need_sum, demand (write, read twice), quality, quality_sum
           + m * (d * 4 * 2 + 8)  # split read twice, member/community indices
           + e * d * (8 * 3 + 4 * 3)  # share (zero, add, read), skill (read 2, write)
           + e * 8 * 6)           # available, load, chronic, efficacy, feedback, chronic_sum
    unit_days = model.shape.unit_days
    students = max(len(hooks.enrolled), 1)
    per_unit = students * (d * 4 + 4 + 8 * 4 + 8)  # need, community, 3 sums + noise, flags
    return (day + per_unit / unit_days) / students


def run_benchmark(scale: str, years: int, config: Path | None = None,
                  overrides: list[str] | None = None, baseline_days: int | None = None
                  ) -> dict:
    from .bench.mesa_baseline import PerAgentDay
    from .model import SchoolSystemModel

    overrides = [f'district.preset="{scale}"', "burn_in_years=0", *(overrides or [])]
    if config is not None:
        scenario = load_config(config, overrides)
    else:
        scenario = validate(apply_overrides({"name": "bench"}, overrides), "bench (with --set)")
    start = time.perf_counter()
    model = SchoolSystemModel(scenario, seed=1)
    build = time.perf_counter() - start
    hooks = model.school_year
    start = time.perf_counter()
    hooks.start_year(0)
    hooks.start_unit(0, 0)
    hooks.school_days(0, 0, 1)  # first call: JIT compile (or load from cache) and warm-up
    compile_seconds = time.perf_counter() - start
    students = len(hooks.enrolled)
    educators = len(hooks.active_rows)
    timed = _Timed(hooks)
    model.calendar.hooks = timed
    start = time.perf_counter()
    model.run(years)
    run_seconds = time.perf_counter() - start
    day_seconds = sum(timed.seconds[name] for name in DAY_HOOKS)
    days = years * model.shape.days
    student_days = students * days
    traffic = bytes_per_student_day(model)

    hooks.start_year(years)
    hooks.start_unit(years, 0)
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
        "students": students,
        "educators": educators,
        "years": years,
        "days": days,
        "build_seconds": round(build, 2),
        "compile_seconds": round(compile_seconds, 2),
        "run_seconds": round(run_seconds, 2),
        "seconds_per_year": round(run_seconds / years, 3),
        "school_day_seconds": round(day_seconds, 3),
        "summer_seconds": round(timed.seconds["summer"], 3),
        "student_days_per_s": round(rate),
        "bytes_per_student_day": round(traffic, 1),
        "bandwidth_bound_student_days_per_s": round(10e9 / traffic),
        "mesa_baseline_student_days_per_s": round(baseline_rate),
        "mesa_ratio": round(rate / baseline_rate, 1),
        "peak_memory_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2),
    }


def format_report(report: dict) -> list[tuple[str, str]]:
    rows = []
    for key, value in report.items():
        text = f"{value:,}" if isinstance(value, int | np.integer) else str(value)
        rows.append((key, text))
    return rows
