"""nextwork-sim: agent-based projections of school staffing models.

>>> import nextwork_sim
>>> table = nextwork_sim.run("configs/traditional.toml", years=3, seed=7)   # doctest: +SKIP
>>> table.query("metric == 'leave_rate' and group == 'all'")                 # doctest: +SKIP
"""

from __future__ import annotations

from .version import __version__


def run(config, years: int | None = None, seed: int = 0, replication: int = 0,
        overrides: list[str] | None = None):
    """Run one scenario (a path, a dict or a Scenario) and return the tidy yearly table
    (columns scenario, point, replication, year, metric, group, value)."""
    from .config import load_config, resolve  # start-up time
    from .experiments.runner import run_one  # start-up time

    scenario = load_config(config, overrides) if isinstance(config, str | bytes) or hasattr(
        config, "__fspath__") else resolve(config)
    return run_one(scenario, seed=seed, replication=replication, years=years)


def load_results(path):
    """Read a results folder written by ``nextwork-sim run`` or ``compare``."""
    from .experiments.storage import load_results as _load  # start-up time

    return _load(path)


#: The library behind the command (api.py), imported on first use so that ``import
#: nextwork_sim`` stays light in worker processes.
_API = ("compare", "explain", "explained_scenarios", "burn_in", "budget_solve", "Comparison",
        "BudgetSolution")


def __getattr__(name: str):
    if name in _API:
        from . import api  # start-up time

        return getattr(api, name)
    raise AttributeError(f"module 'nextwork_sim' has no attribute {name!r}")


__all__ = ["run", "load_results", *_API, "__version__"]
