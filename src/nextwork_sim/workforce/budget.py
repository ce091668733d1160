"""Budget neutrality: flag designs that cost more per student than the baseline, and find
the value of one design field (a supplement, a team size, an FTE) that makes a design cost
what the baseline costs.

The solver bisects on the field: each evaluation is a run with the same seed (common random
numbers), so the cost is a deterministic function of the field and bisection is well defined
where that function is monotone over [low, high] (the caller checks the bracket).
"""

from __future__ import annotations

from collections.abc import Callable


def mean_cost_per_student(table) -> float:
    rows = table[(table["metric"] == "cost_per_student") & (table["group"] == "all")]
    return float(rows["value"].mean())


def _lines(table):
    """Group-all metrics as columns, one row per (scenario, replication, year)."""
    return table[table["group"] == "all"].pivot_table(
        index=["scenario", "replication", "year"], columns="metric", values="value")


def _per_student(lines, dollars) -> float:
    return float((dollars / lines["enrollment"].clip(lower=1)).mean())


def recurring_cost_per_student(table) -> float:
    """Mean over runs and years of (cost_total - transition_cost) / enrollment: what a design
    costs a year once it runs, the one-off cost of switching to it apart."""
    lines = _lines(table)
    transition = lines["transition_cost"] if "transition_cost" in lines else 0.0
    return _per_student(lines, lines["cost_total"] - transition)


def unfilled_cost_per_student(table) -> float:
    """Mean over runs and years of unfilled_post_cost / enrollment (0 without the line)."""
    lines = _lines(table)
    if "unfilled_post_cost" not in lines:
        return 0.0
    return _per_student(lines, lines["unfilled_post_cost"])


def budget_flags(table, baseline: str) -> list[tuple[str, float]]:
    """(scenario, dollars per student above the baseline) for designs that cost more."""
    rows = table[(table["metric"] == "cost_per_student") & (table["group"] == "all")]
    means = rows.groupby("scenario")["value"].mean()
    return [(name, float(value - means[baseline])) for name, value in means.items()
            if name != baseline and value > means[baseline]]


def solve_budget_neutral(cost_at: Callable[[float], float], target: float, low: float,
                         high: float, tolerance: float = 1.0, max_steps: int = 30,
                         integer: bool = False
                         ) -> tuple[float, float, list[tuple[float, float]]]:
    """Bisect ``cost_at(value) = target`` on [low, high]; returns (value, cost, trace).
    With ``integer`` (a team size, a count) only whole values are tried and the closest one
    is returned. Raises ValueError if the bracket does not contain the target."""
    trace = []
    cost_low, cost_high = cost_at(low), cost_at(high)
    trace += [(low, cost_low), (high, cost_high)]
    if (cost_low - target) * (cost_high - target) > 0:
        raise ValueError(f"cost per student is {cost_low:,.0f} at {low} and {cost_high:,.0f} "
                         f"at {high}; the baseline's {target:,.0f} is not between them")
    for _ in range(max_steps):
        if integer and high - low <= 1:
            break
        middle = float((low + high) // 2) if integer else 0.5 * (low + high)
        cost = cost_at(middle)
        trace.append((middle, cost))
        if abs(cost - target) <= tolerance:
            return middle, cost, trace
        if (cost - target) * (cost_low - target) > 0:
            low, cost_low = middle, cost
        else:
            high = middle
    best = min(trace, key=lambda point: abs(point[1] - target))
    return best[0], best[1], trace


__all__ = ["budget_flags", "solve_budget_neutral", "mean_cost_per_student",
           "recurring_cost_per_student", "unfilled_cost_per_student"]
