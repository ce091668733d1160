"""School days, one fused pass a day (docs/odd.md §3.4), run a span of days per call.

Within a unit the split, the students' needs and the members' time are fixed, so a
community's demand before the day's fluctuation is too, and member m (educator i, community
k) carries share W[m,d]·f[k] of domain d, with W = split·base[k,d]/available[i] and base the
unfluctuated demand. :func:`unit_weights` lays the unit's memberships out by educator (CSR)
with these weights; :func:`school_days` then runs the days between two calendar boundaries:
each day the keyed fluctuation of every open community (a draw from a table of quantiles,
``task_demand.fluctuation_values``), then per educator share, load,
chronic load, efficacy, skill growth and the running sum Σ_days skill·efficacy, each
educator running all the span's days in turn. Quality of
instruction is linear in that sum (the split is fixed within the unit), so the unit's summed
quality is Q[k,d] = Σ_members split·Σ_days skill·e
(``daily_learning.unit_quality_and_factor_logs``), formed once at the unit's end.

The reference twin runs the same days from the per-mechanism references, one day at a time.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..domains import N_DOMAINS
from .cognitive_load import (
    chronic_and_efficacy_reference,
    cognitive_load_reference,
    load_share_reference,
)
from .keyed_random import sub_key, table_draw_reference, table_index, table_shift
from .skill_growth import skill_growth_reference
from .task_demand import task_demand_reference


@njit(cache=True)
def unit_weights(split, mem_educator, mem_community, need_sum, minutes_per_need,
                 coordination, leadership_domain, available, rows):
    """The unit's memberships by educator: ``ptr`` (len(rows) + 1) indexes ``weight``
    (W[m,d] per membership) and ``community``; every filled membership must name an
    educator in ``rows``."""
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
            base = need_sum[k, d] * minutes_per_need[d]
            if d == leadership_domain:
                base += coordination[k]
            weight[at, d] = split[m, d] * base * per_minute
    return ptr, weight, community


@njit(cache=True)
def school_days(day_prefix, first_day, n_days, community_open, fluctuation_values, rows, ptr,
                weight,
                member_community, difficulty, skill, skill_floor, switch_cost, chronic,
                chronic_weight, efficacy_slope, efficacy_threshold, feedback, practice_rate,
                feedback_boost, fluctuation, domain_work, share_out, load_out, efficacy_out,
                skill_efficacy_sum, chronic_sum):
    """Runs days ``first_day`` to ``first_day + n_days - 1``; updates skill, chronic, load,
    efficacy and the sums in place, share_out holds the last day's shares. An open
    community's fluctuation on day t is a keyed draw (the key of sub-event t under
    ``day_prefix``, the community's index) from the table of quantiles that
    ``fluctuation_values`` starts with (2^b entries), a closed one's the 1 that follows it.
    Work is done for ``rows`` (the active educators, in any order) only; ``fluctuation`` is
    uint16 scratch of one row per community and at least ``n_days`` columns (a community's
    days side by side, read together) holding the index of each draw in
    ``fluctuation_values``: four times smaller than the values, so the rows an educator's
    communities read stay in cache in later years, when transfers have scattered them.
    ``domain_work`` is float64 scratch of at least 3 rows of ``N_DOMAINS`` (an educator's
    share, skill and sum while it runs), so a call allocates nothing.

    Educators do not interact within a day, so once the span's fluctuations are drawn each
    educator runs all the span's days in turn with its state held in locals: its weights
    and state are read and written once a span instead of once a day."""
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
        boost = 1.0 + feedback_boost * feedback[i]
        load = 0.0
        efficacy = 0.0
        for t in range(n_days):
            for d in range(N_DOMAINS):
                share[d] = 0.0
            for m in range(ptr[r], ptr[r + 1]):
                f = fluctuation_values[fluctuation[member_community[m], t]]
                for d in range(N_DOMAINS):
                    share[d] += weight[m, d] * f
            # a domain not carried has share 0 and adds nothing to the sum (the branch
            # saves the division, which costs more than a mispredicted branch)
            total = 0.0
            carried = 0
            for d in range(N_DOMAINS):
                if share[d] > 0.0:
                    carried += 1
                    total += share[d] * difficulty[d] / (skill_floor + own_skill[d])
            load = total + switch_cost * max(carried - 1, 0)
            own_chronic += chronic_weight * (load - own_chronic)
            efficacy = 1.0 / (1.0 + np.exp(efficacy_slope * (load - efficacy_threshold)))
            rate = practice_rate * efficacy * boost
            for d in range(N_DOMAINS):
                grown = own_skill[d] + rate * share[d] * (1.0 - own_skill[d])
                # skill is float32 state: round as storing it each day would
                own_skill[d] = np.float32(min(max(grown, 0.0), 1.0))
                own_sum[d] += own_skill[d] * efficacy
            own_chronic_sum += own_chronic
        for d in range(N_DOMAINS):
            skill[i, d] = own_skill[d]
            skill_efficacy_sum[i, d] = own_sum[d]
            share_out[i, d] = share[d]
        chronic[i] = own_chronic
        chronic_sum[i] = own_chronic_sum
        load_out[i] = load
        efficacy_out[i] = efficacy


def school_days_reference(day_keys, community_open, fluctuation_table, need_sum,
                          minutes_per_need, coordination, leadership_domain, split,
                          mem_educator, mem_community, available, difficulty, skill,
                          skill_floor, switch_cost, chronic, chronic_weight, efficacy_slope,
                          efficacy_threshold, feedback, practice_rate, feedback_boost, rows,
                          skill_efficacy_sum, chronic_sum) -> dict:
    """The same days (``day_keys``: each day's event key) from the per-mechanism references
    and the unit's raw arrays (split, memberships, needs); inputs are not modified. Entries
    of educators outside ``rows`` keep their input values (share, load and efficacy: NaN,
    meaning "not computed")."""
    n_educators = skill.shape[0]
    active = np.zeros(n_educators, dtype=bool)
    active[rows] = True
    skill, chronic = skill.copy(), chronic.copy()
    skill_efficacy_sum, chronic_sum = skill_efficacy_sum.copy(), chronic_sum.copy()
    ids = np.arange(need_sum.shape[0])
    day = {}
    for key in day_keys:
        fluctuation = np.where(community_open,
                               table_draw_reference(key, ids, fluctuation_table), 1.0)
        demand = task_demand_reference(need_sum, minutes_per_need, coordination, fluctuation,
                                       leadership_domain)
        share = load_share_reference(split, mem_educator, mem_community, demand, available,
                                     n_educators)
        load = cognitive_load_reference(share, difficulty, skill, skill_floor, switch_cost)
        new_chronic, efficacy = chronic_and_efficacy_reference(
            load, chronic, chronic_weight, efficacy_slope, efficacy_threshold)
        new_skill = skill_growth_reference(share, skill, efficacy, feedback, practice_rate,
                                           feedback_boost)
        skill = np.where(active[:, None], new_skill, skill)
        chronic = np.where(active, new_chronic, chronic)
        skill_efficacy_sum = skill_efficacy_sum + np.where(
            active[:, None], skill.astype(np.float64) * efficacy[:, None], 0.0)
        chronic_sum = chronic_sum + np.where(active, chronic, 0.0)
        day = {"share": np.where(active[:, None], share, np.nan),
               "load": np.where(active, load, np.nan),
               "efficacy": np.where(active, efficacy, np.nan)}
    return {**day, "skill": skill, "chronic": chronic,
            "skill_efficacy_sum": skill_efficacy_sum, "chronic_sum": chronic_sum}
