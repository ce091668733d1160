"""Why scenarios differ: an exact Shapley decomposition of each difference to the baseline
into the design elements that differ (issue "Why scenarios differ").

A design element is a group of config fields (``ELEMENTS``): the team *structure* (model,
roles, team sizes, allocation rule), *collaboration* time, *mentoring*, *regrouping and
looping*, the *credential* route, the *advancement* rule and *pay* (the cost parameters).
For every coalition S of the elements in which the scenario differs from the baseline, a
hybrid scenario takes the fields of S from the scenario and the rest from the baseline, and
is run with the same seeds (common random numbers, shared start). The Shapley value of an
element averages its marginal effect over all orders, so the contributions add up to the
total difference exactly, replication by replication; the intervals are over replications.
``interaction`` is reported too: the total minus the sum of one-at-a-time effects from the
baseline (how much the elements' effects depend on each other).

What this is not: a decomposition into internal channels (load, efficacy, skill, match) of a
single run. It answers "which part of the design produces the difference", with each part
acting through whatever mechanisms it touches.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy import stats

from ..adoption import STRUCTURE_FIELDS, shared_start
from ..config import Scenario, validate

ELEMENTS: dict[str, tuple[str, ...]] = {
    "structure": STRUCTURE_FIELDS,
    "collaboration": ("collaboration_minutes_per_week",),
    "mentoring": ("mentoring_minutes_per_week",),
    "regrouping_and_looping": ("regroup_each_unit", "looping"),
    "credentials": ("credentials", "district_pays_share"),
    "advancement": ("advancement", "advancement_years", "advancement_skill",
                    "advancement_credentials"),
    "pay": ("parameters.costs",),
}
DEFAULT_METRICS = ("attrition_rate", "leave_rate", "mean_chronic_load", "mean_skill",
                   "achievement_growth", "months_of_learning", "cost_per_student")


def _get(data: dict, field: str):
    if field.startswith("parameters."):
        return data["parameters"].get(field.split(".", 1)[1])
    return data["staffing"].get(field)


def _set(data: dict, field: str, value) -> None:
    if field.startswith("parameters."):
        data["parameters"][field.split(".", 1)[1]] = value
    elif value is None:
        data["staffing"].pop(field, None)
    else:
        data["staffing"][field] = value


def differing_elements(baseline: Scenario, scenario: Scenario) -> list[str]:
    a = baseline.model_dump(mode="json", exclude_none=True)
    b = scenario.model_dump(mode="json", exclude_none=True)
    return [name for name, fields in ELEMENTS.items()
            if any(_get(a, f) != _get(b, f) for f in fields)]


def hybrid(baseline: Scenario, scenario: Scenario, coalition: tuple[str, ...],
           code: int = 0) -> Scenario:
    """The baseline with the scenario's fields of the elements in ``coalition``."""
    data = baseline.model_dump(mode="json", exclude_none=True)
    source = scenario.model_dump(mode="json", exclude_none=True)
    for name in coalition:
        for field in ELEMENTS[name]:
            _set(data, field, _get(source, field))
    data["name"] = f"{scenario.name[:48]}__c{code}"
    return validate(data, f"decomposition of {scenario.name}")


def coalitions(elements: list[str]) -> list[tuple[str, ...]]:
    return [tuple(c) for r in range(len(elements) + 1)
            for c in itertools.combinations(elements, r)]


def shapley(values: dict[tuple[str, ...], float], elements: list[str]) -> dict[str, float]:
    """Exact Shapley values from the value of every coalition."""
    n = len(elements)
    out = {}
    for element in elements:
        others = [e for e in elements if e != element]
        total = 0.0
        for r in range(n):
            weight = math.factorial(r) * math.factorial(n - r - 1) / math.factorial(n)
            for subset in itertools.combinations(others, r):
                with_it = tuple(e for e in elements if e in subset or e == element)
                without = tuple(e for e in elements if e in subset)
                total += weight * (values[with_it] - values[without])
        out[element] = total
    return out


def decompose(baseline: Scenario, scenario: Scenario, seed: int, replications: int,
              years: int | None, metrics=DEFAULT_METRICS, executor: str = "local",
              workers: int = 1, scheduler: str | None = None) -> pd.DataFrame:
    """Tidy table: scenario, metric, mechanism, contribution, ci_low, ci_high (mechanism
    ``total`` and ``interaction`` included)."""
    from .executors import run_tasks
    from .runner import make_tasks

    elements = differing_elements(baseline, scenario)
    hybrids = {c: shared_start(baseline, hybrid(baseline, scenario, c, i))
               for i, c in enumerate(coalitions(elements))}
    tasks = []
    for point, (_, hybrid_scenario) in enumerate(hybrids.items()):
        tasks += make_tasks([hybrid_scenario], seed, replications, years, point=point)
    tables = dict(run_tasks(tasks, executor, workers, scheduler))
    table = pd.concat(tables.values(), ignore_index=True)
    table = table[(table["group"] == "all") & table["metric"].isin(metrics)]
    per_run = table.groupby(["point", "replication", "metric"])["value"].mean()
    keys = list(hybrids)
    rows = []
    for metric in metrics:
        per_replication = []
        for r in range(replications):
            values = {keys[p]: per_run.get((p, r, metric), np.nan) for p in range(len(keys))}
            contributions = shapley(values, elements)
            total = values[tuple(elements)] - values[()]
            singles = sum(values[(e,)] - values[()] for e in elements)
            per_replication.append({**contributions, "total": total,
                                    "interaction": total - singles})
        frame = pd.DataFrame(per_replication)
        for mechanism in frame.columns:
            x = frame[mechanism].to_numpy(dtype=float)
            mean = float(np.mean(x))
            half = (stats.t.ppf(0.975, len(x) - 1) * np.std(x, ddof=1) / np.sqrt(len(x))
                    if len(x) > 1 else float("nan"))
            rows.append({"scenario": scenario.name, "metric": metric, "mechanism": mechanism,
                         "contribution": mean, "ci_low": mean - half, "ci_high": mean + half})
    return pd.DataFrame(rows)


def sentences(table: pd.DataFrame, baseline: str) -> list[str]:
    """One plain sentence per scenario and metric."""
    out = []
    for (scenario, metric), part in table.groupby(["scenario", "metric"], sort=False):
        total = part.loc[part["mechanism"] == "total", "contribution"].iloc[0]
        shares = part[~part["mechanism"].isin(["total", "interaction"])].copy()
        if abs(total) < 1e-12 or shares.empty:
            out.append(f"{metric}: {scenario} and {baseline} do not differ.")
            continue
        shares["share"] = shares["contribution"] / total
        shares = shares.sort_values("share", ascending=False)
        lead = shares.iloc[0]
        rest = ", ".join(f"{row.mechanism} {row.share:.0%}" for row in shares.iloc[1:].itertuples())
        out.append(f"{metric}: {scenario} differs from {baseline} by {total:+.4g}; "
                   f"{lead.share:.0%} of it comes from {lead.mechanism}"
                   + (f" (then {rest})." if rest else "."))
    return out
