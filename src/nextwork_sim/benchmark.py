"""``nextwork-sim bench``: numbers, not assertions. Times the fused day kernels alone and
whole simulated years (days, units, weeks and summers) at a preset scale."""

from __future__ import annotations

import time
from pathlib import Path

from .config import apply_overrides, load_config, validate


def run_benchmark(scale: str, years: int, config: Path | None = None,
                  overrides: list[str] | None = None) -> dict[str, str]:
    overrides = [f'district.preset="{scale}"', "burn_in_years=0", *(overrides or [])]
    if config is not None:
        scenario = load_config(config, overrides)
    else:
        scenario = validate(apply_overrides({"name": "bench"}, overrides), "bench (with --set)")
    from .model import SchoolSystemModel

    start = time.perf_counter()
    model = SchoolSystemModel(scenario, seed=1)
    build = time.perf_counter() - start
    hooks = model.school_year
    hooks.start_year(0)
    hooks.start_unit(0, 0)
    hooks.school_day(0, 0)  # compile / warm up
    days = 40
    start = time.perf_counter()
    for day in range(days):
        hooks.school_day(0, day)
    day_seconds = (time.perf_counter() - start) / days
    students = int(len(hooks.enrolled))
    start = time.perf_counter()
    model.run(years)
    year_seconds = (time.perf_counter() - start) / years
    model.release()
    return {
        "scale": scale,
        "students": f"{students:,}",
        "educators": f"{int((model.state.educators.status == 0).sum()):,}",
        "build seconds": f"{build:.2f}",
        "day kernels, seconds per day": f"{day_seconds * 1e3:.3f} ms",
        "day kernels, student-days per second": f"{students / day_seconds:,.0f}",
        "seconds per simulated year": f"{year_seconds:.2f}",
        "student-days per second (whole year)":
            f"{students * scenario.calendar.school_days / year_seconds:,.0f}",
    }
