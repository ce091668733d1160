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

import numpy as np

from ..domains import N_DOMAINS

# Names, not submodules: the package re-exports functions (school_day, skill_growth) under
# their modules' names, so ``from . import school_day`` would give the function.
from .allocation import just_right_weight as _just_right_weight
from .allocation import just_right_weight_reference as _just_right_weight_reference
from .allocation import most_skilled_fallback as _most_skilled_fallback
from .allocation import most_skilled_fallback_reference as _most_skilled_fallback_reference
from .allocation import split_by_weight as _split_by_weight
from .allocation import split_by_weight_reference as _split_by_weight_reference
from .allocation import unit_staffing as _unit_staffing
from .allocation import unit_staffing_reference as _unit_staffing_reference
from .attrition import attrition_probabilities as _attrition
from .attrition import attrition_probabilities_reference as _attrition_reference
from .daily_learning import community_needs as _community_needs
from .daily_learning import community_needs_reference as _community_needs_reference
from .daily_learning import unit_learning as _unit_learning
from .daily_learning import unit_learning_reference as _unit_learning_reference
from .daily_learning import unit_quality_and_factor_logs as _unit_quality_and_factor_logs
from .daily_learning import (
    unit_quality_and_factor_logs_reference as _unit_quality_and_factor_logs_reference,
)
from .grouped import group_max as _group_max
from .grouped import group_max_reference as _group_max_reference
from .grouped import group_sum as _group_sum
from .grouped import group_sum_reference as _group_sum_reference
from .grouped import take_rows as _take_rows
from .grouped import take_rows_reference as _take_rows_reference
from .keyed_random import sub_key
from .satisfaction import satisfaction_update as _satisfaction
from .satisfaction import satisfaction_update_reference as _satisfaction_reference
from .school_day import school_days as _school_days
from .school_day import school_days_reference as _school_days_reference
from .school_day import unit_weights as _unit_weights
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


def school_days(day_prefix, first_day, n_days, community_open, fluctuation_values, need_sum,
                minutes_per_need,
                coordination, leadership_domain, split, mem_educator, mem_community, available,
                layout, difficulty, skill, skill_floor, switch_cost, chronic, chronic_weight,
                efficacy_slope, efficacy_threshold, feedback, practice_rate, feedback_boost,
                rows, fluctuation, domain_work, share_out, load_out, efficacy_out,
                skill_efficacy_sum, chronic_sum):
    """``school_day.school_days`` on the selected backend. The kernel reads the unit's
    ``layout`` (``unit_weights``); the reference the raw split, memberships and needs.
    ``fluctuation_values`` is ``task_demand.fluctuation_values``: the table, then 1.0."""
    params = (difficulty, skill, skill_floor, switch_cost, chronic, chronic_weight,
              efficacy_slope, efficacy_threshold, feedback, practice_rate, feedback_boost)
    if not reference_enabled():
        # the kernel does not check bounds: a short scratch would be written past its end
        if fluctuation.shape[0] < community_open.shape[0] or fluctuation.shape[1] < n_days:
            raise ValueError(f"school_days: fluctuation scratch {fluctuation.shape} is too "
                             f"small for {community_open.shape[0]} communities x {n_days} days")
        if fluctuation.dtype != np.uint16:
            raise ValueError(f"school_days: fluctuation scratch must be uint16 (indices of "
                             f"draws), not {fluctuation.dtype}")
        if fluctuation_values.shape[0] > 2 ** 16:
            raise ValueError(f"school_days: {fluctuation_values.shape[0]} fluctuation values "
                             f"do not fit uint16 indices (at most 2^16)")
        if domain_work.shape[0] < 3 or domain_work.shape[1] != N_DOMAINS:
            raise ValueError(f"school_days: domain work {domain_work.shape} must have 3 rows "
                             f"of {N_DOMAINS} domains")
        _school_days(day_prefix, first_day, n_days, community_open, fluctuation_values, rows,
                     *layout, *params,
                     fluctuation, domain_work, share_out, load_out, efficacy_out,
                     skill_efficacy_sum, chronic_sum)
        return
    day_keys = [sub_key(day_prefix, day) for day in range(first_day, first_day + n_days)]
    days = _school_days_reference(day_keys, community_open, fluctuation_values[:-1], need_sum,
                                  minutes_per_need, coordination, leadership_domain, split,
                                  mem_educator, mem_community, available, *params, rows,
                                  skill_efficacy_sum, chronic_sum)
    # The kernel leaves educators outside ``rows`` as they were (the reference marks them
    # NaN), so only the active rows of share, load and efficacy are written.
    share_out[rows] = days["share"][rows]
    load_out[rows] = days["load"][rows]
    efficacy_out[rows] = days["efficacy"][rows]
    chronic[:] = days["chronic"]
    skill[:] = days["skill"]
    skill_efficacy_sum[:] = days["skill_efficacy_sum"]
    chronic_sum[:] = days["chronic_sum"]


def unit_weights(split, mem_educator, mem_community, need_sum, minutes_per_need, coordination,
                 leadership_domain, available, rows):
    """The kernel's layout of a unit; None on the reference path, which does not use it."""
    if reference_enabled():
        return None
    return _unit_weights(split, mem_educator, mem_community, need_sum, minutes_per_need,
                         coordination, leadership_domain, available, rows)


def unit_learning(student_community, need, person_id, key_a, key_b, quality_sum, days,
                  personalization_days, covered, needed, quality_effect, reference_match,
                  personalization_effect, noise_sd, intra_domain, inter_domain, out_rate_sum,
                  out_intra_sum, out_inter_sum, out_uncovered):
    """``daily_learning.unit_learning`` on the selected backend."""
    args = (student_community, need, person_id, key_a, key_b, quality_sum, days,
            personalization_days, covered, needed, quality_effect, reference_match,
            personalization_effect, noise_sd, intra_domain, inter_domain)
    if not reference_enabled():
        _unit_learning(*args, out_rate_sum, out_intra_sum, out_inter_sum, out_uncovered)
        return
    rate, intra, inter, uncovered = _unit_learning_reference(*args)
    out_rate_sum += rate
    out_intra_sum += intra
    out_inter_sum += inter
    out_uncovered |= uncovered


def community_needs(rows, community, need, grade, growth_by_grade, n_communities):
    """``daily_learning.community_needs`` on the selected backend."""
    args = (np.ascontiguousarray(rows, dtype=np.int64), community, need, grade,
            np.asarray(growth_by_grade, dtype=np.float64), n_communities)
    if not reference_enabled():
        return _community_needs(*args)
    return _community_needs_reference(*args)


def unit_quality_and_factor_logs(split, mem_educator, mem_community, skill_efficacy_sum, fte,
                                 skill, need_weight, days, quality_sum):
    """``daily_learning.unit_quality_and_factor_logs`` on the selected backend."""
    args = (split, mem_educator, mem_community, skill_efficacy_sum, fte, skill, need_weight,
            days)
    if not reference_enabled():
        return _unit_quality_and_factor_logs(*args, quality_sum)
    quality_sum[:], sums = _unit_quality_and_factor_logs_reference(*args, quality_sum.shape[0])
    return sums


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


def split_by_weight(weight, community, active, fixed, fte, n_communities, min_share, out):
    """``allocation.split_by_weight`` on the selected backend."""
    args = (weight, community, active, fixed, fte, n_communities, min_share)
    if not reference_enabled():
        _split_by_weight(*args, out)
        return
    out[:] = _split_by_weight_reference(*args)


def just_right_weight(category, duty, skill, fte, thresholds, may_carry, sheltered,
                      sheltered_factor, exponent):
    """``allocation.just_right_weight`` on the selected backend (a new float32 array)."""
    args = (np.ascontiguousarray(category, dtype=np.int64), np.ascontiguousarray(duty),
            np.ascontiguousarray(skill), np.ascontiguousarray(fte),
            np.ascontiguousarray(thresholds, dtype=np.float64), may_carry, sheltered,
            float(sheltered_factor), np.float32(exponent))
    if not reference_enabled():
        out = np.empty(duty.shape, dtype=np.float32)
        _just_right_weight(*args, out)
        return out
    return _just_right_weight_reference(*args)


def most_skilled_fallback(weight, community, active, fixed, skill, n_communities):
    """``allocation.most_skilled_fallback`` on the selected backend (a new float64 array)."""
    args = (np.ascontiguousarray(weight, dtype=np.float64),
            np.ascontiguousarray(community, dtype=np.int64),
            np.ascontiguousarray(active, dtype=np.bool_), np.ascontiguousarray(fixed),
            np.ascontiguousarray(skill), n_communities)
    if not reference_enabled():
        out = np.empty(weight.shape)
        _most_skilled_fallback(*args, out)
        return out
    return _most_skilled_fallback_reference(*args)


def unit_staffing(split, mem_educator, mem_community, mem_fte, mem_skill, n_educators,
                  thresholds, need_sum, minutes_per_need, n_students, coordination_per_member,
                  students_per_adult, personalization_cap,
                  out_coordination, out_personalization, out_covered):
    """``allocation.unit_staffing`` on the selected backend."""
    args = (split, mem_educator, mem_community, mem_fte, mem_skill, n_educators, thresholds,
            need_sum, minutes_per_need, n_students, coordination_per_member,
            float(students_per_adult), float(personalization_cap))
    if not reference_enabled():
        _unit_staffing(*args, out_coordination, out_personalization, out_covered)
        return
    out_coordination[:], out_personalization[:], out_covered[:] = (
        _unit_staffing_reference(*args))


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


def take_rows(table, rows, out):
    """``grouped.take_rows`` on the selected backend."""
    if not reference_enabled():
        _take_rows(table, rows, out)
        return
    out[:] = _take_rows_reference(table, rows)
