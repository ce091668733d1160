"""One school day in one fused pass (MODEL.md §3 steps 1-6): demand → load share → load →
chronic load and efficacy → skill growth → instruction quality, then the unit's and year's
accumulators. The reference twin composes the per-mechanism references."""

from __future__ import annotations

from numba import njit

from .cognitive_load import (
    chronic_and_efficacy,
    chronic_and_efficacy_reference,
    cognitive_load,
    cognitive_load_reference,
    load_share,
    load_share_reference,
)
from .daily_learning import instruction_quality, instruction_quality_reference
from .skill_growth import skill_growth, skill_growth_reference
from .task_demand import task_demand, task_demand_reference


@njit(cache=True)
def school_day(need_sum, minutes_per_need, coordination, fluctuation, leadership_domain,
               split, mem_educator, mem_community, available, difficulty, skill, skill_floor,
               switch_cost, chronic, chronic_weight, efficacy_slope, efficacy_threshold,
               feedback, practice_rate, feedback_boost, demand_out, share_out, load_out,
               efficacy_out, quality_out, quality_sum, chronic_sum):
    """Updates skill, chronic, the out arrays and the accumulators in place."""
    task_demand(need_sum, minutes_per_need, coordination, fluctuation, leadership_domain,
                demand_out)
    load_share(split, mem_educator, mem_community, demand_out, available, share_out)
    cognitive_load(share_out, difficulty, skill, skill_floor, switch_cost, load_out)
    chronic_and_efficacy(load_out, chronic, chronic_weight, efficacy_slope, efficacy_threshold,
                         efficacy_out)
    skill_growth(share_out, skill, efficacy_out, feedback, practice_rate, feedback_boost)
    instruction_quality(split, mem_educator, mem_community, skill, efficacy_out, quality_out)
    quality_sum += quality_out
    chronic_sum += chronic


def school_day_reference(need_sum, minutes_per_need, coordination, fluctuation,
                         leadership_domain, split, mem_educator, mem_community, available,
                         difficulty, skill, skill_floor, switch_cost, chronic, chronic_weight,
                         efficacy_slope, efficacy_threshold, feedback, practice_rate,
                         feedback_boost, quality_sum, chronic_sum) -> dict:
    """The same day from the references; inputs are not modified."""
    demand = task_demand_reference(need_sum, minutes_per_need, coordination, fluctuation,
                                   leadership_domain)
    share = load_share_reference(split, mem_educator, mem_community, demand, available,
                                 skill.shape[0])
    load = cognitive_load_reference(share, difficulty, skill, skill_floor, switch_cost)
    new_chronic, efficacy = chronic_and_efficacy_reference(load, chronic, chronic_weight,
                                                           efficacy_slope, efficacy_threshold)
    new_skill = skill_growth_reference(share, skill, efficacy, feedback, practice_rate,
                                       feedback_boost)
    quality = instruction_quality_reference(split, mem_educator, mem_community, new_skill,
                                            efficacy, need_sum.shape[0])
    return {"demand": demand, "share": share, "load": load, "chronic": new_chronic,
            "efficacy": efficacy, "skill": new_skill, "quality": quality,
            "quality_sum": quality_sum + quality, "chronic_sum": chronic_sum + new_chronic}
