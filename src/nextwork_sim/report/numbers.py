"""The numbers a reader sees first: the executive summary's sentences and the scenario table,
both read straight from summary.csv for the last reported year (mean over replications,
its 95 % t-interval, and the paired difference to the baseline with its interval).

Every number shown is in summary.csv as it stands (the rows ``<scenario>`` and
``<scenario> - <baseline>``), scaled for reading (a share per 100, dollars rounded).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..outcomes import METRICS


@dataclass(frozen=True)
class Quantity:
    """How one metric (one group) is read: ``label``, multiplied by ``scale``, shown with
    ``digits`` decimals and a ``unit``; ``up``/``down`` name a positive/negative difference."""

    metric: str
    group: str
    label: str
    unit: str
    scale: float = 1.0
    digits: int = 2
    up: str = "higher"
    down: str = "lower"

    def format(self, value: float, signed: bool = False) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "n/a"
        value = round(value * self.scale, self.digits) + 0.0  # no "−0.0"
        if self.unit == "dollars":
            text = f"${abs(value):,.{self.digits}f}"
            return ("−" if value < 0 else ("+" if signed else "")) + text
        text = f"{value:{'+' if signed else ''},.{self.digits}f}"
        return text.replace("-", "−")

    def interval(self, low: float, high: float) -> str:
        if any(v is None or math.isnan(v) for v in (low, high)):
            return "no interval: one replication"
        return f"{self.format(low)} to {self.format(high)}"


SHARE = {"scale": 100.0, "digits": 1}
#: the executive summary's candidates, in order; the first five the results hold are used
HEADLINES = (
    Quantity("attrition_rate", "all", "Teachers leaving their school (moving or leaving "
             "teaching)", "per 100 teachers", up="more", down="fewer", **SHARE),
    Quantity("months_of_learning", "all", "Learning in a school year, mean over students",
             "months", digits=2, up="more", down="fewer"),
    Quantity("achievement_gap", "low_income=true", "The gap between low-income students and "
             "the others", "SD", digits=3, up="wider", down="narrower"),
    Quantity("vacancy_rate", "all", "Teaching posts vacant during the year",
             "per 100 posts", up="more", down="fewer", **SHARE),
    Quantity("cost_per_student", "all", "Cost per student", "dollars", digits=0,
             up="more", down="less"),
    Quantity("mean_chronic_load", "all", "Teachers' chronic cognitive load",
             "capacity units", digits=3),
    Quantity("leave_rate", "all", "Teachers leaving the profession", "per 100 teachers",
             up="more", down="fewer", **SHARE),
)
#: the scenario table's rows (those the results hold)
TABLE_ROWS = (
    HEADLINES[0],
    Quantity("leave_rate", "all", "left the profession", "per 100 teachers", **SHARE),
    Quantity("vacancy_rate", "all", "teaching posts vacant", "per 100 posts", **SHARE),
    Quantity("mean_chronic_load", "all", "chronic cognitive load", "capacity units", digits=3),
    Quantity("overloaded_share", "all", "educators overloaded", "per 100 educators", **SHARE),
    Quantity("mean_skill", "all", "mean skill", "0-1", digits=3),
    Quantity("satisfaction", "all", "satisfaction", "0-1", digits=3),
    Quantity("achievement_growth", "all", "achievement growth", "SD per year", digits=3),
    Quantity("months_of_learning", "all", "months of learning", "months", digits=2),
    Quantity("achievement_gap", "low_income=true", "gap, low-income students", "SD", digits=3),
    Quantity("uncovered_need_share", "all", "students with an uncovered need",
             "per 100 students", **SHARE),
    Quantity("students_per_teacher", "all", "students per teacher", "students per FTE",
             digits=1),
    Quantity("adults_per_100_students", "all", "adults per 100 students", "FTE", digits=1),
    Quantity("attrition_rate", "of_color=true", "teachers of colour leaving their school",
             "per 100 teachers of colour", **SHARE),
    Quantity("attrition_rate", "of_color=false", "white teachers leaving their school",
             "per 100 white teachers", **SHARE),
    Quantity("achievement_gap", "race=black", "gap, Black students", "SD", digits=3),
    Quantity("achievement_gap", "race=hispanic", "gap, Hispanic students", "SD", digits=3),
    Quantity("educators_of_color_share", "all", "teachers of colour", "per 100 teachers",
             **SHARE),
    Quantity("representation_gap", "all", "students of colour minus teachers of colour",
             "percentage points", **SHARE),
    Quantity("cost_per_student", "all", "cost per student", "dollars", digits=0),
    Quantity("unfilled_post_cost", "all", "empty posts' shadow cost (not in the cost)",
             "dollars", digits=0),
)


def _row(summary: pd.DataFrame, scenario: str, q: Quantity, year: int) -> pd.Series | None:
    rows = summary[(summary["scenario"] == scenario) & (summary["metric"] == q.metric)
                   & (summary["group"] == q.group) & (summary["year"] == year)]
    return None if rows.empty else rows.iloc[0]


@dataclass
class Figures:
    """One scenario's value of a quantity in one year, and its difference to the baseline
    (None for the baseline itself), straight from summary.csv."""

    scenario: str
    mean: float
    ci_low: float
    ci_high: float
    difference: float | None = None
    diff_low: float | None = None
    diff_high: float | None = None


def figures_of(summary: pd.DataFrame, q: Quantity, scenarios: list[str],
               year: int) -> list[Figures] | None:
    """Each scenario's figures for ``q`` in ``year`` (None when summary.csv lacks a row)."""
    baseline, out = scenarios[0], []
    for scenario in scenarios:
        row = _row(summary, scenario, q, year)
        if row is None:
            return None
        found = Figures(scenario, float(row["mean"]), float(row["ci_low"]),
                        float(row["ci_high"]))
        if scenario != baseline:
            diff = _row(summary, f"{scenario} - {baseline}", q, year)
            if diff is not None:
                found.difference = float(diff["mean"])
                found.diff_low, found.diff_high = float(diff["ci_low"]), float(diff["ci_high"])
        out.append(found)
    return out


def _clause(q: Quantity, f: Figures, baseline: str) -> str:
    unit = "" if q.unit == "dollars" else f" {q.unit}"  # "$8,799", not "$8,799 dollars"
    text = (f"{q.format(f.mean)}{unit} under {f.scenario} (95 % CI of the mean "
            f"{q.interval(f.ci_low, f.ci_high)})")
    if f.difference is None:
        return text
    if f.difference == 0:
        text += f", the same as under {baseline}"
    else:
        word = q.up if f.difference > 0 else q.down
        text += f", {q.format(abs(f.difference))} {word} than under {baseline}"
    text += f" (95 % CI of the difference {q.interval(f.diff_low, f.diff_high)}"
    if f.diff_low is not None and not math.isnan(f.diff_low) and f.diff_low <= 0 <= f.diff_high:
        text += ", which includes no difference"
    return text + ")"


def _no_difference(f: Figures) -> bool:
    return f.difference == 0 and f.diff_low == 0 and f.diff_high == 0


def executive_summary(summary: pd.DataFrame, scenarios: list[str], year: int,
                      limit: int = 5) -> list[dict]:
    """Up to ``limit`` sentences, one per headline quantity the results hold: each
    non-baseline scenario's value with its interval and its difference to the baseline with
    the difference's interval (the baseline alone when there is one scenario). Each item:
    ``{"quantity", "figures", "text"}``."""
    baseline, out = scenarios[0], []
    for q in HEADLINES:
        found = figures_of(summary, q, scenarios, year)
        if found is None or (len(found) > 1 and all(_no_difference(f) for f in found[1:])):
            continue  # a difference of exactly 0 in every replication: nothing to say
        shown = found[1:] if len(found) > 1 else found
        clauses = "; ".join(_clause(q, f, baseline) for f in shown)
        out.append({"quantity": q, "figures": found,
                    "text": f"{q.label} in year {year}: {clauses}."})
        if len(out) == limit:
            break
    return out


def scenario_table(summary: pd.DataFrame, scenarios: list[str], year: int) -> list[dict]:
    """Rows of the scenario table: per quantity, each scenario's mean and interval, and each
    non-baseline scenario's difference and interval (formatted)."""
    rows = []
    for q in TABLE_ROWS:
        found = figures_of(summary, q, scenarios, year)
        if found is None:
            continue
        cells = []
        for f in found:
            cells.append({"mean": q.format(f.mean), "interval": q.interval(f.ci_low, f.ci_high),
                          "difference": False, "excludes_zero": False})
            if f.scenario != scenarios[0]:
                cells.append({"mean": q.format(f.difference, signed=True),
                              "interval": q.interval(f.diff_low, f.diff_high),
                              "difference": True,
                              "excludes_zero": f.diff_low is not None and not math.isnan(f.diff_low)
                              and not f.diff_low <= 0 <= f.diff_high})
        rows.append({"quantity": q, "metric_unit": METRICS[q.metric].unit, "cells": cells})
    return rows
