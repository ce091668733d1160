"""Instruction received and student learning (docs/odd.md §3.4 step 6, §3.5).

Learning is linear in the daily rate, and a student's community and needs are fixed within
the year, so the day's quality is summed per community over the units of the year and the
year's learning applied to each student at once: the result equals adding each day's rate
(noise aside, which is drawn once: σ√days·ξ has the variance of the daily sum).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from .backend import register
from .keyed_random import normal_of, normal_reference


def instruction_quality_reference(split, mem_educator, mem_community, skill, efficacy,
                                  n_communities):
    """q[k,d] = Σ_members split[m,d]·skill[i,d]·e[i]: split-weighted skill and efficacy (the
    quality half of ``unit_quality_and_factor_logs``' twin)."""
    filled = mem_educator >= 0
    i = mem_educator[filled]
    quality = np.zeros((n_communities, split.shape[1]))
    contribution = (split[filled].astype(np.float64) * skill[i].astype(np.float64)
                    * efficacy[i, None])
    np.add.at(quality, mem_community[filled], contribution)
    return quality


class Learners(NamedTuple):
    """The students a span's learning is applied to (S student rows, D domains)."""

    community: np.ndarray  #: int32 [S]: the student's community, −1 when not served (skipped)
    need: np.ndarray  #: float32 [S, D]: the student's need in each domain, in typical units
    person_id: np.ndarray  #: int64 [S]: the id the student's keyed noise is drawn for


class Instruction(NamedTuple):
    """What each community's students received over the span (K communities, D domains)."""

    quality_sum: np.ndarray  #: float64 [K, D]: Q_sum, Σ_days quality (match x days)
    personalization_days: np.ndarray  #: float64 [K]: P, Σ_days personalization (units x days)
    covered: np.ndarray  #: bool [K, D]: someone qualified carried the domain every unit
    reference_match: np.ndarray  #: float64 [K]: m_ref of the community's level (match)


class LearningParameters(NamedTuple):
    """The learning's scalar parameters (docs/odd.md §3.5), passed to the kernel as one
    tuple; build it with :meth:`of`."""

    needed: float  #: need (typical units) from which a domain counts as needed
    quality_effect: float  #: θ_q: relative rate per unit of match above the reference
    personalization_effect: float  #: θ_r: relative rate per unit of personalization
    noise_sd: float  #: σ: SD of a student's daily rate (relative rate)
    intra_domain: int  #: index of the domain summed into ``intra_sum``
    inter_domain: int  #: index of the domain summed into ``inter_sum``

    @classmethod
    def of(cls, needed, quality_effect, personalization_effect, noise_sd, intra_domain,
           inter_domain) -> LearningParameters:
        """The tuple with the values floats and the domains ints, so Numba compiles one
        specialisation."""
        return cls(float(needed), float(quality_effect), float(personalization_effect),
                   float(noise_sd), int(intra_domain), int(inter_domain))


class LearningSums(NamedTuple):
    """The students' running sums the learning adds to (S student rows)."""

    rate_sum: np.ndarray  #: float64 [S]: Σ_days rate (days of typical learning), added to
    intra_sum: np.ndarray  #: float64 [S]: Σ_days quality in ``intra_domain`` (match x days)
    inter_sum: np.ndarray  #: float64 [S]: Σ_days quality in ``inter_domain`` (match x days)
    uncovered: np.ndarray  #: bool [S]: a needed domain went uncovered, or-ed into


@njit(cache=True)
def unit_learning(learners, keys, instruction, days, parameters, sums):
    """Learning of a span of ``days`` (a unit, or the whole year's units summed), added to
    ``sums``: Σr += days + θ_q(match_sum − days·m_ref[k]) + θ_r·P[k] + σ√days·ξ, where
    match_sum = Σ_d need·Q_sum[k,d] / Σ_d need, m_ref[k] the reference match of community
    k's school level, P the summed days x personalization and ξ the student's keyed normal
    (``keys``: the pair of event keys). A student with a needed domain (need >= needed)
    that was not covered in their community is flagged. Students with community −1 are
    skipped."""
    p = parameters
    community, need, person_id = learners.community, learners.need, learners.person_id
    quality_sum, reference_match = instruction.quality_sum, instruction.reference_match
    covered, personalization_days = instruction.covered, instruction.personalization_days
    key_a, key_b = keys
    root_days = np.sqrt(days)
    for j in range(community.shape[0]):
        k = community[j]
        if k < 0:
            continue
        weight = 0.0
        weighted = 0.0
        for d in range(need.shape[1]):
            weight += need[j, d]
            weighted += need[j, d] * quality_sum[k, d]
            if need[j, d] >= p.needed and not covered[k, d]:
                sums.uncovered[j] = True
        reference = days * reference_match[k]
        match_sum = weighted / weight if weight > 0.0 else reference
        noise = normal_of(key_a, key_b, person_id[j]) if p.noise_sd != 0.0 else 0.0
        sums.rate_sum[j] += (days + p.quality_effect * (match_sum - reference)
                             + p.personalization_effect * personalization_days[k]
                             + p.noise_sd * root_days * noise)
        sums.intra_sum[j] += quality_sum[k, p.intra_domain]
        sums.inter_sum[j] += quality_sum[k, p.inter_domain]


def unit_learning_reference(learners, keys, instruction, days, parameters, sums):
    """The twin of ``unit_learning``: adds the increments (zero for skipped students) and
    flags the uncovered students as the kernel does."""
    p = parameters
    served = learners.community >= 0
    k = np.maximum(learners.community, 0)
    quality_sum = instruction.quality_sum
    need64 = learners.need.astype(np.float64)
    weight = need64.sum(axis=1)
    weighted = (need64 * quality_sum[k]).sum(axis=1)
    safe = np.where(weight > 0, weight, 1.0)
    reference = days * instruction.reference_match[k]
    match_sum = np.where(weight > 0, weighted / safe, reference)
    noise = normal_reference(keys, learners.person_id) if p.noise_sd != 0.0 else 0.0
    rate = (days + p.quality_effect * (match_sum - reference)
            + p.personalization_effect * instruction.personalization_days[k]
            + p.noise_sd * np.sqrt(days) * noise)
    intra = quality_sum[k, p.intra_domain]
    inter = quality_sum[k, p.inter_domain]
    sums.rate_sum[:] += np.where(served, rate, 0.0)
    sums.intra_sum[:] += np.where(served, intra, 0.0)
    sums.inter_sum[:] += np.where(served, inter, 0.0)
    sums.uncovered[:] |= served & ((learners.need >= p.needed)
                                   & ~instruction.covered[k]).any(axis=1)


@njit(cache=True)
def unit_quality_and_factor_logs(split, mem_educator, mem_community, skill_efficacy_sum, fte,
                                 skill, need_weight, days, quality_sum):
    """At a unit's end, one pass over its memberships gives the unit's summed quality
    Q[k,d] = Σ_members split·Σ_days skill·e into ``quality_sum`` (``instruction_quality_reference``
    with efficacy 1) and the learning ledger's unit sums (``channels.LearningLedger``):
    quality factors per community and domain, Q = days·T·A·E with T the FTE-weighted mean
    skill of the serving adults, A = Σ split·skill / T and E = Q / (days·Σ split·skill);
    returns Σω and Σω·log T, Σω·log A, Σω·log E with weight ω = need_weight·Q over the
    cells where all are positive. One pass, because each membership's educator row is a
    random read: reading it once for both halves halves that cost."""
    n_communities, n_domains = quality_sum.shape
    quality_sum[:] = 0.0
    carried = np.zeros((n_communities, n_domains))
    team = np.zeros((n_communities, n_domains))
    team_fte = np.zeros(n_communities)
    for m in range(split.shape[0]):
        i = mem_educator[m]
        if i < 0:
            continue
        k = mem_community[m]
        team_fte[k] += fte[i]
        for d in range(n_domains):
            quality_sum[k, d] += np.float64(split[m, d]) * skill_efficacy_sum[i, d]
            carried[k, d] += split[m, d] * np.float64(skill[i, d])
            team[k, d] += np.float64(fte[i]) * skill[i, d]
    sums = np.zeros(4)
    for k in range(n_communities):
        if team_fte[k] <= 0:
            continue
        for d in range(n_domains):
            omega = need_weight[k, d] * quality_sum[k, d]
            mean_skill = team[k, d] / team_fte[k]
            if omega > 0 and carried[k, d] > 0 and mean_skill > 0:
                sums[0] += omega
                sums[1] += omega * np.log(mean_skill)
                sums[2] += omega * np.log(carried[k, d] / mean_skill)
                sums[3] += omega * np.log(quality_sum[k, d] / (days * carried[k, d]))
    return sums


def unit_quality_and_factor_logs_reference(split, mem_educator, mem_community,
                                           skill_efficacy_sum, fte, skill, need_weight, days,
                                           quality_sum):
    """The twin: ``quality_sum`` from ``instruction_quality_reference``, the sums from
    ``quality_factor_logs_reference``."""
    quality_sum[:] = instruction_quality_reference(split, mem_educator, mem_community,
                                                   skill_efficacy_sum,
                                                   np.ones(skill_efficacy_sum.shape[0]),
                                                   quality_sum.shape[0])
    return quality_factor_logs_reference(split, mem_educator, mem_community, fte,
                                                      skill, quality_sum, need_weight, days)


def quality_factor_logs_reference(split, mem_educator, mem_community, fte, skill, quality_sum,
                                  need_weight, days):
    """The learning ledger's unit sums given the unit's quality (see
    ``unit_quality_and_factor_logs``)."""
    k_count = quality_sum.shape[0]
    serving = mem_educator >= 0
    person = mem_educator[serving]
    where = mem_community[serving]
    member_skill = skill[person].astype(np.float64)
    carried = np.zeros_like(quality_sum)
    np.add.at(carried, where, split[serving] * member_skill)
    weight = fte[person].astype(np.float64)
    team = np.zeros_like(quality_sum)
    np.add.at(team, where, weight[:, None] * member_skill)
    team_fte = np.bincount(where, weights=weight, minlength=k_count)
    with np.errstate(divide="ignore", invalid="ignore"):
        team /= team_fte[:, None]
        factors = (team, carried / team, quality_sum / (days * carried))
    omega = need_weight * quality_sum
    usable = (omega > 0) & (carried > 0) & (team > 0)
    return np.array([omega[usable].sum(),
                     *((omega[usable] * np.log(f[usable])).sum() for f in factors)])


@njit(cache=True)
def community_needs(rows, community, need, grade, growth_by_grade, n_communities):
    """One pass over the enrolled students ``rows`` (each with a community): per community
    the summed need [K, D] and head count, for the learning ledger the growth-norm-weighted
    need shares [K, D] and summed growth norms; and which students have no need at all (in
    ``rows`` order). A student's need shares are need / Σ need, added in row order."""
    n_domains = need.shape[1]
    need_sum = np.zeros((n_communities, n_domains))
    count = np.zeros(n_communities, dtype=np.int64)
    need_weight = np.zeros((n_communities, n_domains))
    norm_weight = np.zeros(n_communities)
    no_need = np.zeros(rows.shape[0], dtype=np.bool_)
    own = np.zeros(n_domains)
    for j in range(rows.shape[0]):
        r = rows[j]
        k = community[r]
        norm = growth_by_grade[grade[r]]
        count[k] += 1
        norm_weight[k] += norm
        for d in range(n_domains):
            own[d] = need[r, d]
            need_sum[k, d] += own[d]
        # pairwise, in the order NumPy sums a row of eight
        total = ((own[0] + own[1]) + (own[2] + own[3])) + ((own[4] + own[5]) + (own[6] + own[7]))
        if total > 0:
            for d in range(n_domains):
                need_weight[k, d] += norm * (own[d] / total)
        else:
            no_need[j] = True
    return need_sum, count, need_weight, norm_weight, no_need


def community_needs_reference(rows, community, need, grade, growth_by_grade, n_communities):
    """The NumPy twin of ``community_needs``."""
    where = community[rows]
    own = need[rows].astype(np.float64)
    norm = np.asarray(growth_by_grade, dtype=np.float64)[grade[rows]]
    total = own.sum(axis=1)
    share = np.divide(own, total[:, None], out=np.zeros_like(own), where=total[:, None] > 0)
    need_sum = np.zeros((n_communities, own.shape[1]))
    np.add.at(need_sum, where, own)
    need_weight = np.zeros_like(need_sum)
    np.add.at(need_weight, where, norm[:, None] * share)
    return (need_sum, np.bincount(where, minlength=n_communities),
            need_weight, np.bincount(where, weights=norm, minlength=n_communities),
            total <= 0)


register(unit_learning, unit_learning_reference)
register(unit_quality_and_factor_logs, unit_quality_and_factor_logs_reference)
register(community_needs, community_needs_reference)
