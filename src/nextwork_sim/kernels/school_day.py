"""One school day in one fused pass (MODEL.md §3 steps 1-6): demand → load share → load →
chronic load and efficacy → skill growth → instruction quality, then the unit's and year's
accumulators. The reference twin composes the per-mechanism references."""

from __future__ import annotations

import numpy as np
from numba import njit

from .cognitive_load import (
    chronic_and_efficacy_reference,
    cognitive_load_reference,
    load_share_reference,
)
from .daily_learning import instruction_quality, instruction_quality_reference
from .skill_growth import skill_growth_reference
from .task_demand import task_demand, task_demand_reference


@njit(cache=True)
def school_day(need_sum, minutes_per_need, coordination, fluctuation, leadership_domain,
               split, mem_educator, mem_community, available, difficulty, skill, skill_floor,
               switch_cost, chronic, chronic_weight, efficacy_slope, efficacy_threshold,
               feedback, practice_rate, feedback_boost, rows, demand_out, share_out, load_out,
               efficacy_out, quality_out, quality_sum, chronic_sum):
    """Updates skill, chronic, the out arrays and the accumulators in place. Educator work is
    done for ``rows`` (the active educators) only, so departed rows cost nothing; every filled
    membership must name an educator in ``rows``."""
    task_demand(need_sum, minutes_per_need, coordination, fluctuation, leadership_domain,
                demand_out)
    n_domains = split.shape[1]
    for i in rows:
        for d in range(n_domains):
            share_out[i, d] = 0.0
    for m in range(split.shape[0]):
        i = mem_educator[m]
        if i < 0:
            continue
        k = mem_community[m]
        for d in range(n_domains):
            share_out[i, d] += split[m, d] * demand_out[k, d] / available[i]
    for i in rows:
        total = 0.0
        carried = 0
        for d in range(n_domains):
            if share_out[i, d] > 0.0:
                carried += 1
                total += share_out[i, d] * difficulty[d] / (skill_floor + skill[i, d])
        load = total + switch_cost * max(carried - 1, 0)
        load_out[i] = load
        chronic[i] += chronic_weight * (load - chronic[i])
        efficacy = 1.0 / (1.0 + np.exp(efficacy_slope * (load - efficacy_threshold)))
        efficacy_out[i] = efficacy
        rate = practice_rate * efficacy * (1.0 + feedback_boost * feedback[i])
        for d in range(n_domains):
            grown = skill[i, d] + rate * share_out[i, d] * (1.0 - skill[i, d])
            skill[i, d] = min(max(grown, 0.0), 1.0)
        chronic_sum[i] += chronic[i]
    instruction_quality(split, mem_educator, mem_community, skill, efficacy_out, quality_out)
    quality_sum += quality_out


def school_day_reference(need_sum, minutes_per_need, coordination, fluctuation,
                         leadership_domain, split, mem_educator, mem_community, available,
                         difficulty, skill, skill_floor, switch_cost, chronic, chronic_weight,
                         efficacy_slope, efficacy_threshold, feedback, practice_rate,
                         feedback_boost, rows, quality_sum, chronic_sum) -> dict:
    """The same day from the per-mechanism references; inputs are not modified. Entries of
    educators outside ``rows`` keep their input values (share, load and efficacy: NaN,
    meaning "not computed")."""
    demand = task_demand_reference(need_sum, minutes_per_need, coordination, fluctuation,
                                   leadership_domain)
    share = load_share_reference(split, mem_educator, mem_community, demand, available,
                                 skill.shape[0])
    load = cognitive_load_reference(share, difficulty, skill, skill_floor, switch_cost)
    new_chronic, efficacy = chronic_and_efficacy_reference(load, chronic, chronic_weight,
                                                           efficacy_slope, efficacy_threshold)
    new_skill = skill_growth_reference(share, skill, efficacy, feedback, practice_rate,
                                       feedback_boost)
    active = np.zeros(skill.shape[0], dtype=bool)
    active[rows] = True
    new_skill = np.where(active[:, None], new_skill, skill)
    new_chronic = np.where(active, new_chronic, chronic)
    efficacy_used = np.where(active, efficacy, np.nan)
    quality = instruction_quality_reference(split, mem_educator, mem_community, new_skill,
                                            efficacy_used, need_sum.shape[0])
    return {"demand": demand, "share": np.where(active[:, None], share, np.nan),
            "load": np.where(active, load, np.nan), "chronic": new_chronic,
            "efficacy": efficacy_used, "skill": new_skill, "quality": quality,
            "quality_sum": quality_sum + quality,
            "chronic_sum": chronic_sum + np.where(active, new_chronic, 0.0)}
