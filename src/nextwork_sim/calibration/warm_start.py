"""Fixed-point steps that bring the shipped model's fitted parameters near their targets
before CMA-ES explores (docs/calibration.md §2). Each parameter is moved by the rule its role
in the model gives: a base rate by the ratio of published to simulated rate of its row, a
log-odds effect by half the log of that ratio, a level's reference match by the gap of its
growth rows over the slope of growth in the match. A parameter whose rows are absent from
the targets, or not measured, keeps its value; parameters no rule knows are left alone.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..config import LEVEL_GRADES

#: base rate → the (metric, group) whose published/simulated ratio scales it
RATE_ROWS = {
    "attrition.move_1_3": ("move_rate", "experience=1-3"),
    "attrition.leave_1_3": ("leave_rate", "experience=1-3"),
    "attrition.retire_20_plus": ("leave_rate", "experience=20+"),
    "attrition.move_4_9": ("move_rate", "all"),
    "attrition.leave_4_9": ("leave_rate", "all"),
    "attrition.move_10_19": ("move_rate", "all"),
    "attrition.leave_10_19": ("leave_rate", "all"),
    "attrition.move_20_plus": ("move_rate", "all"),
    "attrition.leave_paraeducator": ("leave_rate", "category=paraeducator"),
}
#: poverty effect (log-odds per unit of low-income share) → the metric whose high/low ratio
#: it sets; SPREAD is the typical gap of low-income share between high- and low-poverty schools
POVERTY_ROWS = {"attrition.poverty_move_effect": "move_rate",
                "attrition.poverty_leave_effect": "leave_rate"}
SPREAD = 0.55
DAMPING = 0.5  # half steps for the noisiest rows (poverty bands, entry cohorts)


def warm_step(values: dict[str, float], simulated: dict[str, float], targets: pd.DataFrame,
              scenario) -> dict[str, float]:
    """One fixed-point step from ``values`` given the simulated mean of each target row
    (``simulated``: target id → value)."""
    published = {(m, g): v for m, g, v in zip(targets["metric"], targets["group"],
                                              targets["value"], strict=True)}
    measured = {(m, g): simulated.get(t, float("nan"))
                for t, m, g in zip(targets["target"], targets["metric"], targets["group"],
                                   strict=True)}

    def ratio(key) -> float:
        sim = measured.get(key, float("nan"))
        if key not in published or not np.isfinite(sim) or sim <= 0:
            return float("nan")
        return published[key] / sim

    out = dict(values)
    for path, key in RATE_ROWS.items():
        if path in out and np.isfinite(ratio(key)):
            out[path] = out[path] * ratio(key)
    for path, metric in POVERTY_ROWS.items():
        high, low = ratio((metric, "school_poverty=high")), ratio((metric, "school_poverty=low"))
        if path in out and np.isfinite(high) and np.isfinite(low):
            out[path] += DAMPING * math.log(high / low) / SPREAD
    cohort = ratio(("cohort_cumulative_leave", "years_since_entry=1"))
    if "attrition.first_year_effect" in out and np.isfinite(cohort):
        out["attrition.first_year_effect"] += DAMPING * math.log(cohort)
    _learning_step(out, published, measured, scenario)
    return out


def _learning_step(out: dict, published: dict, measured: dict, scenario) -> None:
    learning = scenario.parameters.learning
    quality = out.get("learning.quality_effect", learning.quality_effect)
    norm = np.asarray(learning.growth_by_grade)
    for level, (first, last) in LEVEL_GRADES.items():
        path = f"learning.reference_match.{level}"
        if path not in out:
            continue
        # growth = g * (1 + quality * (match - m_ref) + ...): d growth / d m_ref = -quality * g
        shifts = [(measured[key] - published[key]) / (quality * norm[grade])
                  for grade in range(first, last + 1)
                  if (key := ("achievement_growth", f"grade={grade}")) in published
                  and np.isfinite(measured.get(key, float("nan")))]
        if shifts:
            out[path] += float(np.mean(shifts))
    experience = ("achievement_growth", "teacher_experience=5 minus teacher_experience=1")
    sim = measured.get(experience, float("nan"))
    if "learning.quality_effect" in out and experience in published and np.isfinite(sim) \
            and sim > 0:
        out["learning.quality_effect"] *= published[experience] / sim
