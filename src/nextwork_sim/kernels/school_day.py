"""School days, one fused pass a day (docs/odd.md §3.4), run a span of days per call.

The day's formulas (cognitive load, chronic load, efficacy, skill growth) are written once,
as the small inlined functions below; the day kernel calls them, and so does any kernel that
needs them. They live in this module because Numba's cache of a kernel is invalidated by an
edit of the kernel's own file only: a formula kept elsewhere could be edited while the
cached day kernel went on running the old one.

Within a unit the split, the students' needs and the members' time are fixed, so a
community's demand before the day's fluctuation is too, and member m (educator i, community
k) carries share W[m,d]·f[k] of domain d, with W = split·base[k,d]/available[i] and base the
unfluctuated demand. :func:`unit_weights` lays the unit's memberships out by educator (CSR)
with these weights; :func:`school_days` then runs the days between two calendar boundaries:
each day the keyed fluctuation of every open community (a draw from a table of quantiles,
:func:`fluctuation_values`), then per educator share, load, chronic load, efficacy, skill
growth and the running sum Σ_days skill·efficacy, each educator running all the span's days
in turn. Quality of instruction is linear in that sum (the split is fixed within the unit),
so the unit's summed quality is Q[k,d] = Σ_members split·Σ_days skill·e
(``daily_learning.unit_quality_and_factor_logs``), formed once at the unit's end.

The NumPy twins (``*_reference``) are written separately, one whole-array step per
mechanism, and run the same days one day at a time from the unit's raw arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ..domains import N_DOMAINS
from .backend import register
from .keyed_random import (
    normal_quantiles,
    sub_key,
    table_draw_reference,
    table_index,
    table_shift,
)


class Unit(NamedTuple):
    """A unit's raw arrays, fixed from its start to its end (M memberships, K communities,
    E educator rows, D domains)."""

    split: np.ndarray  #: float32 [M, D]: each member's share of each domain
    mem_educator: np.ndarray  #: int32 [M]: the serving educator, −1 when none serves
    mem_community: np.ndarray  #: int32 [M]
    need_sum: np.ndarray  #: float64 [K, D]: the community's summed student need
    minutes_per_need: np.ndarray  #: float64 [D]: minutes of work per unit of need
    coordination: np.ndarray  #: float64 [K]: coordination minutes, on the leadership domain
    leadership_domain: int
    available: np.ndarray  #: float64 [E]: each educator's minutes a day
    rows: np.ndarray  #: int64: the active educators, in any order (the rest are not visited)


class DayParameters(NamedTuple):
    """The day's scalar parameters (docs/odd.md §3.4), passed to the kernel as one tuple."""

    skill_floor: float  #: ε: load per unit of work at skill 0 is c/ε
    switch_cost: float  #: κ: load per domain carried beyond the first
    chronic_weight: float  #: w: weight of today's load in the chronic load's running mean
    efficacy_slope: float  #: β
    efficacy_threshold: float  #: L*: the load at which efficacy is one half
    practice_rate: float  #: η: skill growth per day of full share at efficacy 1
    feedback_boost: float  #: φ: extra growth with full collaboration feedback

    @classmethod
    def of(cls, **values) -> DayParameters:
        """The tuple with every value a float, so Numba compiles one specialisation."""
        return cls(**{name: float(value) for name, value in values.items()})


class DayState(NamedTuple):
    """The educators' arrays a span of days reads and writes (E educator rows)."""

    skill: np.ndarray  #: float32 [E, D], updated
    chronic: np.ndarray  #: float64 [E], updated
    feedback: np.ndarray  #: float32 [E], read
    share: np.ndarray  #: float64 [E, D]: the span's last day's shares (active rows written)
    load: np.ndarray  #: float64 [E]: the last day's load (active rows written)
    efficacy: np.ndarray  #: float64 [E]: the last day's efficacy (active rows written)
    skill_efficacy_sum: np.ndarray  #: float64 [E, D]: Σ_days skill·efficacy, added to
    chronic_sum: np.ndarray  #: float64 [E]: Σ_days chronic load, added to


# --- the day's formulas --------------------------------------------------------------------


@njit(cache=True, inline="always")
def domain_load(share, difficulty, skill, skill_floor):
    """A carried domain's part of the cognitive load, A·c/(ε + s) (Feldon 2007)."""
    return share * difficulty / (skill_floor + skill)


@njit(cache=True, inline="always")
def switching_load(carried, switch_cost):
    """The load of switching between the domains carried: κ·max(domains carried − 1, 0)."""
    return switch_cost * max(carried - 1, 0)


@njit(cache=True, inline="always")
def chronic_load(chronic, load, weight):
    """C + w·(L − C): the exponential running mean of the daily load."""
    return chronic + weight * (load - chronic)


@njit(cache=True, inline="always")
def efficacy_at(load, slope, threshold):
    """e = 1 / (1 + exp(β·(L − L*))): efficacy falls with load (Doyle 1977)."""
    return 1.0 / (1.0 + np.exp(slope * (load - threshold)))


@njit(cache=True, inline="always")
def practice_rate_of(efficacy, feedback, practice_rate, feedback_boost):
    """r = η·e·(1 + φ·feedback): overload (low e) slows learning, feedback speeds it."""
    return practice_rate * efficacy * (1.0 + feedback_boost * feedback)


@njit(cache=True, inline="always")
def practised_skill(skill, share, rate):
    """A day's deliberate practice in one domain: s + r·A·(1 − s), kept within [0, 1]."""
    return min(max(skill + rate * share * (1.0 - skill), 0.0), 1.0)


# --- the kernels ---------------------------------------------------------------------------


@njit(cache=True)
def unit_weights(unit):
    """The unit's memberships by educator: ``ptr`` (len(rows) + 1) indexes ``weight``
    (W[m,d] per membership) and ``community``; every filled membership must name an
    educator in ``unit.rows``."""
    split, mem_educator, mem_community = unit.split, unit.mem_educator, unit.mem_community
    available, rows = unit.available, unit.rows
    n_domains = split.shape[1]
    slot = np.full(available.shape[0], -1, dtype=np.int64)
    for r in range(rows.shape[0]):
        slot[rows[r]] = r
    ptr = np.zeros(rows.shape[0] + 1, dtype=np.int64)
    for m in range(split.shape[0]):
        if mem_educator[m] >= 0:
            ptr[slot[mem_educator[m]] + 1] += 1
    for r in range(rows.shape[0]):
        ptr[r + 1] += ptr[r]
    fill = ptr[:-1].copy()
    weight = np.empty((ptr[-1], n_domains))
    community = np.empty(ptr[-1], dtype=np.int32)
    for m in range(split.shape[0]):
        i = mem_educator[m]
        if i < 0:
            continue
        at = fill[slot[i]]
        fill[slot[i]] += 1
        k = mem_community[m]
        community[at] = k
        per_minute = 1.0 / available[i]
        for d in range(n_domains):
            base = unit.need_sum[k, d] * unit.minutes_per_need[d]
            if d == unit.leadership_domain:
                base += unit.coordination[k]
            weight[at, d] = split[m, d] * base * per_minute
    return ptr, weight, community


@njit(cache=True)
def school_days(day_prefix, first_day, n_days, community_open, fluctuation_values, unit,
                layout, difficulty, parameters, state, fluctuation, domain_work):
    """Runs days ``first_day`` to ``first_day + n_days - 1`` for the educators
    ``unit.rows`` (``layout``: :func:`unit_weights` of ``unit``; the kernel reads the
    layout, not the unit's raw arrays); updates ``state`` (a :class:`DayState`) in place.
    An open community's fluctuation on day t is a keyed draw (the key of sub-event t under
    ``day_prefix``, the community's index) from the table of quantiles that
    ``fluctuation_values`` starts with (2^b entries), a closed one's the 1 that follows it.
    ``fluctuation`` is uint16 scratch of one row per community and at least ``n_days``
    columns (a community's days side by side, read together) holding the index of each
    draw in ``fluctuation_values``: four times smaller than the values, so the rows an
    educator's communities read stay in cache in later years, when transfers have scattered
    them. ``domain_work`` is float64 scratch of at least 3 rows of ``N_DOMAINS`` (an
    educator's share, skill and sum while it runs), so a call allocates nothing
    (:func:`check_scratch`: the kernel does not check bounds).

    Educators do not interact within a day, so once the span's fluctuations are drawn each
    educator runs all the span's days in turn with its state held in locals: its weights
    and state are read and written once a span instead of once a day."""
    ptr, weight, member_community = layout
    rows = unit.rows
    p = parameters
    skill, chronic, feedback = state.skill, state.chronic, state.feedback
    skill_efficacy_sum, chronic_sum = state.skill_efficacy_sum, state.chronic_sum
    closed = fluctuation_values.shape[0] - 1
    shift = table_shift(closed)
    n_communities = community_open.shape[0]
    for t in range(n_days):
        key = sub_key(day_prefix, first_day + t)
        for k in range(n_communities):
            fluctuation[k, t] = closed
            if community_open[k]:
                fluctuation[k, t] = table_index(key, k, shift)
    share, own_skill, own_sum = domain_work[0], domain_work[1], domain_work[2]
    for r in range(rows.shape[0]):
        i = rows[r]
        for d in range(N_DOMAINS):
            own_skill[d] = skill[i, d]
            own_sum[d] = skill_efficacy_sum[i, d]
        own_chronic = chronic[i]
        own_chronic_sum = chronic_sum[i]
        load = 0.0
        efficacy = 0.0
        for t in range(n_days):
            for d in range(N_DOMAINS):
                share[d] = 0.0
            for m in range(ptr[r], ptr[r + 1]):
                f = fluctuation_values[fluctuation[member_community[m], t]]
                for d in range(N_DOMAINS):
                    share[d] += weight[m, d] * f
            # L = Σ_d A[d]·c[d]/(ε + s[d]) + κ·max(domains carried − 1, 0). The sum over
            # domains stays in the kernel, not in an inlined function of the arrays: with it
            # there the day ran 12 % slower (Numba's inlining of array arguments). A domain
            # not carried (A = 0) adds nothing and is skipped: the division costs more than
            # a mispredicted branch.
            load = 0.0
            carried = 0
            for d in range(N_DOMAINS):
                if share[d] > 0.0:
                    carried += 1
                    load += domain_load(share[d], difficulty[d], own_skill[d], p.skill_floor)
            load += switching_load(carried, p.switch_cost)
            own_chronic = chronic_load(own_chronic, load, p.chronic_weight)
            efficacy = efficacy_at(load, p.efficacy_slope, p.efficacy_threshold)
            rate = practice_rate_of(efficacy, feedback[i], p.practice_rate, p.feedback_boost)
            for d in range(N_DOMAINS):
                # skill is float32 state: round as storing it each day would
                own_skill[d] = np.float32(practised_skill(own_skill[d], share[d], rate))
                own_sum[d] += own_skill[d] * efficacy
            own_chronic_sum += own_chronic
        for d in range(N_DOMAINS):
            skill[i, d] = own_skill[d]
            skill_efficacy_sum[i, d] = own_sum[d]
            state.share[i, d] = share[d]
        chronic[i] = own_chronic
        chronic_sum[i] = own_chronic_sum
        state.load[i] = load
        state.efficacy[i] = efficacy


def check_scratch(n_communities: int, n_days: int, fluctuation_values: np.ndarray,
                  fluctuation: np.ndarray, domain_work: np.ndarray) -> None:
    """Raises ValueError when :func:`school_days`' scratch is too small or of the wrong type:
    Numba does not check bounds, so a short scratch would be written past its end."""
    if fluctuation.shape[0] < n_communities or fluctuation.shape[1] < n_days:
        raise ValueError(f"school_days: fluctuation scratch {fluctuation.shape} is too "
                         f"small for {n_communities} communities x {n_days} days")
    if fluctuation.dtype != np.uint16:
        raise ValueError(f"school_days: fluctuation scratch must be uint16 (indices of "
                         f"draws), not {fluctuation.dtype}")
    if fluctuation_values.shape[0] > 2 ** 16:
        raise ValueError(f"school_days: {fluctuation_values.shape[0]} fluctuation values "
                         f"do not fit uint16 indices (at most 2^16)")
    if domain_work.shape[0] < 3 or domain_work.shape[1] != N_DOMAINS:
        raise ValueError(f"school_days: domain work {domain_work.shape} must have 3 rows "
                         f"of {N_DOMAINS} domains")


def fluctuation_table(sd: float, size: int = 4096) -> np.ndarray:
    """The daily demand fluctuation as ``size`` equiprobable quantiles of a lognormal,
    exp(σz − σ²/2), scaled to mean exactly 1 so demand is unbiased."""
    table = np.exp(sd * normal_quantiles(size) - sd * sd / 2)
    return table / table.mean()


def fluctuation_values(sd: float, size: int = 4096) -> np.ndarray:
    """What the day kernel reads: the :func:`fluctuation_table` followed by 1.0, a closed
    community's fluctuation; a draw is stored as its index here."""
    return np.append(fluctuation_table(sd, size), 1.0)


# --- the NumPy twins -----------------------------------------------------------------------


def unit_weights_reference(unit):
    """The twin of :func:`unit_weights`: memberships grouped by their educator's place in
    ``unit.rows`` (a stable sort keeps membership order within an educator)."""
    slot = np.full(unit.available.shape[0], -1, dtype=np.int64)
    slot[unit.rows] = np.arange(unit.rows.shape[0])
    filled = np.flatnonzero(unit.mem_educator >= 0)
    order = filled[np.argsort(slot[unit.mem_educator[filled]], kind="stable")]
    counts = np.bincount(slot[unit.mem_educator[filled]], minlength=unit.rows.shape[0])
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    base = task_demand_reference(unit.need_sum, unit.minutes_per_need, unit.coordination,
                                 np.ones(unit.need_sum.shape[0]), unit.leadership_domain)
    community = unit.mem_community[order]
    weight = (unit.split[order].astype(np.float64) * base[community]
              / unit.available[unit.mem_educator[order], None])
    return ptr, weight, community.astype(np.int32)


def task_demand_reference(need_sum, minutes_per_need, coordination, fluctuation,
                          leadership_domain):
    """T[k,d] = (need_sum[k,d]·minutes[d] + coordination[k]·[d = leadership])·fluctuation[k]:
    minutes of adult work a community generates per domain."""
    demand = need_sum * minutes_per_need[None, :]
    demand[:, leadership_domain] += coordination
    return demand * fluctuation[:, None]


def load_share_reference(split, mem_educator, mem_community, demand, available, n_educators):
    """A[i,d] = Σ_memberships of i split[m,d]·T[k,d] / available[i] (vacant ones skipped)."""
    filled = mem_educator >= 0
    share = np.zeros((n_educators, split.shape[1]))
    carried = split[filled].astype(np.float64) * demand[mem_community[filled]]
    np.add.at(share, mem_educator[filled], carried / available[mem_educator[filled], None])
    return share


def cognitive_load_reference(share, difficulty, skill, skill_floor, switch_cost):
    """L[i] of every educator: Σ_d A·c/(ε + s) over the domains carried, plus
    κ·max(domains carried − 1, 0) (see :func:`domain_load`, :func:`switching_load`)."""
    per_domain = share * difficulty[None, :] / (skill_floor + skill.astype(np.float64))
    carried = (share > 0).sum(axis=1)
    return per_domain.sum(axis=1) + switch_cost * np.maximum(carried - 1, 0)


def chronic_and_efficacy_reference(load, chronic, chronic_weight, efficacy_slope,
                                   efficacy_threshold):
    """(new chronic load, efficacy) of every educator."""
    new_chronic = chronic + chronic_weight * (load - chronic)
    efficacy = 1.0 / (1.0 + np.exp(efficacy_slope * (load - efficacy_threshold)))
    return new_chronic, efficacy


def skill_growth_reference(share, skill, efficacy, feedback, practice_rate, feedback_boost):
    """s ← min(1, s + η·A·(1 − s)·e·(1 + φ·feedback)) for every educator and domain."""
    s = skill.astype(np.float64)
    rate = practice_rate * efficacy * (1.0 + feedback_boost * feedback.astype(np.float64))
    return np.clip(s + rate[:, None] * share * (1.0 - s), 0.0, 1.0).astype(skill.dtype)


def school_days_reference(day_prefix, first_day, n_days, community_open, fluctuation_values,
                          unit, layout, difficulty, parameters, state, fluctuation,
                          domain_work):
    """The twin of :func:`school_days`: the same days, one day at a time, from the
    per-mechanism references and the unit's raw arrays (``layout`` and the scratch are the
    kernel's and go unread). Writes ``state`` as the kernel does: educators outside
    ``unit.rows`` keep every value."""
    p = parameters
    n_educators = state.skill.shape[0]
    active = np.zeros(n_educators, dtype=bool)
    active[unit.rows] = True
    skill, chronic = state.skill.copy(), state.chronic.copy()
    skill_efficacy_sum, chronic_sum = state.skill_efficacy_sum.copy(), state.chronic_sum.copy()
    table = fluctuation_values[:-1]
    ids = np.arange(unit.need_sum.shape[0])
    share = load = efficacy = None
    for day in range(first_day, first_day + n_days):
        key = sub_key(day_prefix, day)
        day_fluctuation = np.where(community_open, table_draw_reference(key, ids, table), 1.0)
        demand = task_demand_reference(unit.need_sum, unit.minutes_per_need, unit.coordination,
                                       day_fluctuation, unit.leadership_domain)
        share = load_share_reference(unit.split, unit.mem_educator, unit.mem_community, demand,
                                     unit.available, n_educators)
        load = cognitive_load_reference(share, difficulty, skill, p.skill_floor, p.switch_cost)
        new_chronic, efficacy = chronic_and_efficacy_reference(
            load, chronic, p.chronic_weight, p.efficacy_slope, p.efficacy_threshold)
        new_skill = skill_growth_reference(share, skill, efficacy, state.feedback,
                                           p.practice_rate, p.feedback_boost)
        skill = np.where(active[:, None], new_skill, skill)
        chronic = np.where(active, new_chronic, chronic)
        skill_efficacy_sum = skill_efficacy_sum + np.where(
            active[:, None], skill.astype(np.float64) * efficacy[:, None], 0.0)
        chronic_sum = chronic_sum + np.where(active, chronic, 0.0)
    state.skill[:] = skill
    state.chronic[:] = chronic
    state.skill_efficacy_sum[:] = skill_efficacy_sum
    state.chronic_sum[:] = chronic_sum
    if n_days > 0:
        state.share[unit.rows] = share[unit.rows]
        state.load[unit.rows] = load[unit.rows]
        state.efficacy[unit.rows] = efficacy[unit.rows]


register(unit_weights, unit_weights_reference)
register(school_days, school_days_reference)
