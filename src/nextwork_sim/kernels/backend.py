"""Which twin the model calls: the Numba kernels (default) or their NumPy references.

The model's call sites use the wrappers below, which have the Numba kernels' signatures
(results written into the arrays given). ``with use_reference():`` runs the whole model in
this process on the references instead, so the optimised path can be checked end to end
against plain NumPy (tests/test_reference_path.py). The environment variable
``NEXTWORK_KERNELS=reference``, read at import, does the same for a whole command, worker
processes included. The keyed random streams are inputs, not mechanisms, and stay on Numba
in both paths.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

# Names, not submodules: the package re-exports functions (school_day, skill_growth) under
# their modules' names, so ``from . import school_day`` would give the function.
from .attrition import attrition_probabilities as _attrition
from .attrition import attrition_probabilities_reference as _attrition_reference
from .daily_learning import unit_learning as _unit_learning
from .daily_learning import unit_learning_reference as _unit_learning_reference
from .grouped import flag_uncovered as _flag_uncovered
from .grouped import flag_uncovered_reference as _flag_uncovered_reference
from .grouped import group_max as _group_max
from .grouped import group_max_reference as _group_max_reference
from .grouped import group_sum as _group_sum
from .grouped import group_sum_reference as _group_sum_reference
from .satisfaction import satisfaction_update as _satisfaction
from .satisfaction import satisfaction_update_reference as _satisfaction_reference
from .school_day import school_day as _school_day
from .school_day import school_day_reference as _school_day_reference
from .skill_growth import peer_learning as _peer_learning
from .skill_growth import peer_learning_reference as _peer_learning_reference

BACKENDS = ("numba", "reference")
_backend = os.environ.get("NEXTWORK_KERNELS", "numba")
if _backend not in BACKENDS:
    raise ValueError(f"NEXTWORK_KERNELS={_backend!r}: expected one of {BACKENDS}")


def reference_enabled() -> bool:
    """True while the model runs on the NumPy references."""
    return _backend == "reference"


@contextmanager
def use_reference(enabled: bool = True):
    """Inside the block, run on the NumPy references (``enabled``) or on Numba (not)."""
    global _backend
    previous = _backend
    _backend = "reference" if enabled else "numba"
    try:
        yield
    finally:
        _backend = previous


def school_day(need_sum, minutes_per_need, coordination, fluctuation, leadership_domain,
               split, mem_educator, mem_community, available, difficulty, skill, skill_floor,
               switch_cost, chronic, chronic_weight, efficacy_slope, efficacy_threshold,
               feedback, practice_rate, feedback_boost, rows, demand_out, share_out, load_out,
               efficacy_out, quality_out, quality_sum, chronic_sum):
    """``school_day.school_day`` on the selected backend."""
    args = (need_sum, minutes_per_need, coordination, fluctuation, leadership_domain, split,
            mem_educator, mem_community, available, difficulty, skill, skill_floor,
            switch_cost, chronic, chronic_weight, efficacy_slope, efficacy_threshold, feedback,
            practice_rate, feedback_boost, rows)
    if not reference_enabled():
        _school_day(*args, demand_out, share_out, load_out, efficacy_out, quality_out,
                    quality_sum, chronic_sum)
        return
    day = _school_day_reference(*args, quality_sum, chronic_sum)
    # The kernel leaves educators outside ``rows`` as they were (the reference marks them
    # NaN), so only the active rows of share, load and efficacy are written.
    demand_out[:] = day["demand"]
    share_out[rows] = day["share"][rows]
    load_out[rows] = day["load"][rows]
    efficacy_out[rows] = day["efficacy"][rows]
    chronic[:] = day["chronic"]
    skill[:] = day["skill"]
    quality_out[:] = day["quality"]
    quality_sum[:] = day["quality_sum"]
    chronic_sum[:] = day["chronic_sum"]


def unit_learning(student_community, need, quality_sum, days, personalization, noise,
                  quality_effect, reference_match, personalization_effect, noise_sd,
                  intra_domain, inter_domain, out_rate_sum, out_intra_sum, out_inter_sum):
    """``daily_learning.unit_learning`` on the selected backend."""
    args = (student_community, need, quality_sum, days, personalization, noise,
            quality_effect, reference_match, personalization_effect, noise_sd, intra_domain,
            inter_domain)
    if not reference_enabled():
        _unit_learning(*args, out_rate_sum, out_intra_sum, out_inter_sum)
        return
    rate, intra, inter = _unit_learning_reference(*args)
    out_rate_sum += rate
    out_intra_sum += intra
    out_inter_sum += inter


def peer_learning(skill, group, n_groups, minutes, rate, mentor, mentor_minutes):
    """``skill_growth.peer_learning`` on the selected backend."""
    args = (skill, group, n_groups, minutes, rate, mentor, mentor_minutes)
    if not reference_enabled():
        _peer_learning(*args)
        return
    skill[:] = _peer_learning_reference(*args)


def satisfaction_update(satisfaction, chronic, feedback, baseline, load_weight,
                        collaboration_weight, adjustment_weeks):
    """``satisfaction.satisfaction_update`` on the selected backend."""
    args = (satisfaction, chronic, feedback, baseline, load_weight, collaboration_weight,
            adjustment_weeks)
    if not reference_enabled():
        _satisfaction(*args)
        return
    satisfaction[:] = _satisfaction_reference(*args)


def flag_uncovered(community, need, covered, needed, out):
    """``grouped.flag_uncovered`` on the selected backend."""
    if not reference_enabled():
        _flag_uncovered(community, need, covered, needed, out)
        return
    out[:] = _flag_uncovered_reference(community, need, covered, needed, out)


def attrition_probabilities(base_move, base_leave, mean_chronic, satisfaction, load_effect,
                            satisfaction_effect, reference_load, reference_satisfaction,
                            move_shift, leave_shift, out_move, out_leave):
    """``attrition.attrition_probabilities`` on the selected backend."""
    args = (base_move, base_leave, mean_chronic, satisfaction, load_effect,
            satisfaction_effect, reference_load, reference_satisfaction, move_shift,
            leave_shift)
    if not reference_enabled():
        _attrition(*args, out_move, out_leave)
        return
    out_move[:], out_leave[:] = _attrition_reference(*args)


def group_sum(groups, values, n_groups, out):
    """``grouped.group_sum`` on the selected backend."""
    if not reference_enabled():
        _group_sum(groups, values, n_groups, out)
        return
    out[:] = _group_sum_reference(groups, values, n_groups)


def group_max(groups, values, n_groups, fill, out):
    """``grouped.group_max`` on the selected backend."""
    if not reference_enabled():
        _group_max(groups, values, n_groups, fill, out)
        return
    out[:] = _group_max_reference(groups, values, n_groups, fill)
