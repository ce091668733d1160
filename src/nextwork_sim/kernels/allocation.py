"""Allocation (docs/odd.md §3.3): splitting each community's domains among its members.

Fixed shares (pull-out specialists, paraeducators) come first; the free rest is split in
proportion to a weight among the active members without a fixed share. Staffing models
choose the weight (duty, FTE x skill^γ, ...) and call this through
``staffing.base.split_by_weight``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from .backend import register


def _total_by(groups, values, n_groups):
    """Σ of ``values`` rows per group, for the twins (NumPy's ``add.at``)."""
    total = np.zeros((n_groups, values.shape[1]))
    np.add.at(total, groups, values)
    return total


@njit(cache=True)
def _normalised(weight, community, total, m, d):
    per_member = total[community[m], d]
    return weight[m, d] / per_member if per_member > 0 else 0.0


@njit(cache=True)
def split_by_weight(weight, community, active, fixed, fte, n_communities, min_share, out):
    """Fills ``out[M, D]``: fixed shares first (scaled down when several ask for more than
    the whole domain), the free rest in proportion to ``weight`` among active members
    without a fixed share; a share below ``min_share`` x the member's FTE is dropped and the
    rest renormalised, unless every share of the domain is that small; a domain whose free
    part nobody can take goes to the fixed members, in proportion."""
    n_members, n_domains = weight.shape
    fixed_total = np.zeros((n_communities, n_domains))
    total = np.zeros((n_communities, n_domains))
    for m in range(n_members):
        if not active[m]:
            continue
        k = community[m]
        for d in range(n_domains):
            if fixed[m, d] >= 0:
                fixed_total[k, d] += fixed[m, d]
            else:
                total[k, d] += weight[m, d]
    if min_share > 0:
        kept_total = np.zeros((n_communities, n_domains))
        for m in range(n_members):
            if not active[m]:
                continue
            k = community[m]
            for d in range(n_domains):
                if fixed[m, d] < 0:
                    free = 1.0 - min(fixed_total[k, d], 1.0)
                    share = _normalised(weight, community, total, m, d)
                    if share * free >= min_share * np.float64(fte[m]):
                        kept_total[k, d] += weight[m, d]
    for m in range(n_members):
        k = community[m]
        for d in range(n_domains):
            out[m, d] = 0.0
        if not active[m]:
            continue
        for d in range(n_domains):
            over = fixed_total[k, d]
            if fixed[m, d] >= 0:
                share = fixed[m, d] / over if over > 1.0 else np.float64(fixed[m, d])
                if total[k, d] <= 0 and over > 0:  # nobody takes the free part
                    share /= min(over, 1.0)
                out[m, d] = share
                continue
            free = 1.0 - min(over, 1.0)
            share = _normalised(weight, community, total, m, d)
            if min_share > 0 and kept_total[k, d] > 0:
                small = share * free < min_share * np.float64(fte[m])
                share = 0.0 if small else weight[m, d] / kept_total[k, d]
            out[m, d] = share * free


def split_by_weight_reference(weight, community, active, fixed, fte, n_communities,
                              min_share, out):
    """The twin of ``split_by_weight``: the split as whole-array NumPy operations."""
    fixed_rows = active[:, None] & (fixed >= 0)
    fixed = np.where(fixed_rows, fixed, 0.0)
    fixed_total = _total_by(community, fixed, n_communities)
    over = np.where(fixed_total > 1.0, 1.0 / np.maximum(fixed_total, 1e-12), 1.0)
    fixed = fixed * over[community]
    fixed_total = np.minimum(fixed_total, 1.0)
    free = 1.0 - fixed_total
    weight = np.where(active[:, None] & ~fixed_rows, weight, 0.0)
    share = _normalise(weight, community, n_communities)
    if min_share > 0:
        floor = min_share * fte.astype(np.float64)[:, None]
        kept = np.where(share * free[community] < floor, 0.0, weight)
        kept_total = _total_by(community, kept, n_communities)
        weight = np.where(kept_total[community] > 0, kept, weight)
        share = _normalise(weight, community, n_communities)
    total = _total_by(community, weight, n_communities)
    orphan = (total <= 0) & (fixed_total > 0)
    rescale = np.where(orphan, 1.0 / np.maximum(fixed_total, 1e-12), 1.0)
    out[:] = share * free[community] + fixed * rescale[community]


def _normalise(weight, community, n_communities):
    total = _total_by(community, weight, n_communities)
    per_member = total[community]
    return np.divide(weight, per_member, out=np.zeros_like(per_member), where=per_member > 0)


class ServingMembers(NamedTuple):
    """A unit's memberships as :func:`unit_staffing` reads them (M memberships, D domains):
    the holder's FTE and skill per membership, so the pass reads them in order."""

    split: np.ndarray  #: float32 [M, D]: the member's share of each domain
    educator: np.ndarray  #: int32 [M]: the serving educator, −1 when none serves this unit
    community: np.ndarray  #: int32 [M]
    fte: np.ndarray  #: float32 [M]: the holder's FTE
    skill: np.ndarray  #: float32 [M, D]: the holder's skill (0–1)


class StaffingParameters(NamedTuple):
    """The unit's scalar staffing parameters (docs/odd.md §3.3), passed to the kernel as one
    tuple; build it with :meth:`of`."""

    coordination_per_member: float  #: c: minutes a day per member beyond the first
    students_per_adult: float  #: S: students per adult FTE at which personalization is 0
    personalization_cap: float  #: P: the highest personalization (personalization units)
    skill_zero: float  #: s₀: skill at which an adult's hour adds no personalization
    skill_full: float  #: s₁: skill from which an adult's hour counts in full

    @classmethod
    def of(cls, **values) -> StaffingParameters:
        """The tuple with every value a float, so Numba compiles one specialisation."""
        return cls(**{name: float(value) for name, value in values.items()})


class UnitStaffing(NamedTuple):
    """What :func:`unit_staffing` writes for each community (K communities, D domains)."""

    coordination: np.ndarray  #: float64 [K]: coordination minutes a day
    personalization: np.ndarray  #: float64 [K]: personalization from adult time, in [−1, P]
    covered: np.ndarray  #: bool [K, D]: a qualified serving member carries part of the domain


@njit(cache=True)
def unit_staffing(members, n_educators, need_sum, n_students, minutes_per_need, thresholds,
                  parameters, out):
    """What a unit's split implies for each community, in one pass over the ``members``
    (a :class:`ServingMembers`; ``n_educators`` educator rows), written into ``out`` (a
    :class:`UnitStaffing`):

    - coordination minutes, c·(members − 1);
    - personalization: qualified adult FTE per student (``n_students`` [K]) relative to one
      adult per S students, minus one, clipped to [−1, P]; each member's FTE is shared over
      their communities in proportion to the typical work (``need_sum`` [K, D] x
      ``minutes_per_need`` [D]) they carry there, and each domain's hours count by the
      member's skill in it: 0 at or below s₀, in full from s₁, linearly between (an adult
      who cannot do the domain's work adds little individual attention to it);
    - covered[k,d]: someone whose skill meets the domain's threshold (``thresholds`` [D])
      carries part of it.
    """
    p = parameters
    split, mem_educator, mem_community = members.split, members.educator, members.community
    n_communities, n_domains = need_sum.shape
    # the share of an hour that personalizes, q(skill): written out in the loop, which runs
    # over every membership and domain at each unit start (a function call there cost 60 %)
    low, high = p.skill_zero, p.skill_full
    ramp = high > low
    span = high - low
    carried = np.zeros(split.shape[0])
    qualified = np.zeros(split.shape[0])
    per_educator = np.zeros(n_educators)
    n_members = np.zeros(n_communities)
    for k in range(n_communities):
        for d in range(n_domains):
            out.covered[k, d] = False
    for m in range(split.shape[0]):
        i = mem_educator[m]
        if i < 0:
            continue
        k = mem_community[m]
        n_members[k] += 1
        work = 0.0
        qualified_work = 0.0
        for d in range(n_domains):
            domain_work = split[m, d] * (need_sum[k, d] * minutes_per_need[d])
            work += domain_work
            skill = members.skill[m, d]
            if split[m, d] > 0 and skill >= thresholds[d]:
                out.covered[k, d] = True
            if domain_work == 0.0:
                continue
            if ramp:
                qualified_work += min(max((skill - low) / span, 0.0), 1.0) * domain_work
            elif skill > low:
                qualified_work += domain_work
        carried[m] = work
        qualified[m] = qualified_work
        per_educator[i] += work
    adult_fte = np.zeros(n_communities)
    for m in range(split.shape[0]):
        i = mem_educator[m]
        if i < 0 or per_educator[i] <= 0:
            continue
        adult_fte[mem_community[m]] += qualified[m] / per_educator[i] * members.fte[m]
    for k in range(n_communities):
        out.coordination[k] = p.coordination_per_member * max(n_members[k] - 1, 0)
        ratio = adult_fte[k] * p.students_per_adult / max(n_students[k], 1) - 1.0
        out.personalization[k] = min(max(ratio, -1.0), p.personalization_cap)


def unit_staffing_reference(members, n_educators, need_sum, n_students, minutes_per_need,
                            thresholds, parameters, out):
    """The twin of ``unit_staffing``, as whole-array NumPy operations."""
    p = parameters
    k_count = need_sum.shape[0]
    community = members.community
    serving = members.educator >= 0
    person = np.maximum(members.educator, 0)
    n_members = np.bincount(community[serving], minlength=k_count)
    coordination = p.coordination_per_member * np.maximum(n_members - 1, 0)
    typical = need_sum * minutes_per_need
    work = members.split * typical[community]
    carried = np.where(serving, work.sum(axis=1), 0.0)
    skill = members.skill.astype(np.float64)
    if p.skill_full > p.skill_zero:
        counted = np.clip((skill - p.skill_zero) / (p.skill_full - p.skill_zero), 0.0, 1.0)
    else:
        counted = (skill > p.skill_zero).astype(np.float64)
    qualified_work = np.where(serving, (work * counted).sum(axis=1), 0.0)
    per_educator = np.bincount(person, weights=carried, minlength=n_educators)
    with np.errstate(invalid="ignore", divide="ignore"):
        qualified_share_of_time = np.where(serving & (per_educator[person] > 0),
                                           qualified_work / per_educator[person], 0.0)
    adult_fte = np.bincount(community, weights=qualified_share_of_time * members.fte,
                            minlength=k_count)
    personalization = np.clip(adult_fte * p.students_per_adult / np.maximum(n_students, 1)
                              - 1.0, -1.0, p.personalization_cap)
    qualified = (serving[:, None] & (members.split > 0)
                 & (members.skill >= thresholds[None, :]))
    out.coordination[:] = coordination
    out.personalization[:] = personalization
    out.covered[:] = _total_by(community, qualified, k_count) > 0


@njit(cache=True)
def most_skilled_fallback(weight, community, active, fixed, skill, n_communities):
    """Returns float64 [M, D]: the weight of each active member without a fixed share of the
    domain (0 for the rest); where no such member of a community has weight for a domain,
    1 for the most skilled of them (all of them on a tie) instead (docs/odd.md §3.3)."""
    n_members, n_domains = weight.shape
    out = np.empty((n_members, n_domains))
    total = np.zeros((n_communities, n_domains))
    best = np.full((n_communities, n_domains), -1.0)
    for m in range(n_members):
        k = community[m]
        for d in range(n_domains):
            if active[m] and fixed[m, d] < 0:
                out[m, d] = weight[m, d]
                total[k, d] += weight[m, d]
                if skill[m, d] > best[k, d]:
                    best[k, d] = skill[m, d]
            else:
                out[m, d] = 0.0
    for m in range(n_members):
        k = community[m]
        for d in range(n_domains):
            if (total[k, d] <= 0 and active[m] and fixed[m, d] < 0
                    and skill[m, d] >= best[k, d]):
                out[m, d] = 1.0
    return out


def most_skilled_fallback_reference(weight, community, active, fixed, skill, n_communities):
    """The NumPy twin of ``most_skilled_fallback``."""
    candidate = active[:, None] & (fixed < 0)
    weight = np.where(candidate, weight, 0.0).astype(np.float64)
    total = _total_by(community, weight, n_communities)
    empty = total[community] <= 0
    if not empty.any():
        return weight
    masked = np.where(candidate, skill.astype(np.float64), -1.0)
    best = np.full((n_communities, masked.shape[1]), -1.0)
    np.maximum.at(best, community, masked)
    chosen = empty & candidate & (masked >= best[community])
    return np.where(chosen, 1.0, weight)


@njit(cache=True)
def just_right_weight(category, duty, skill, fte, thresholds, may_carry, sheltered,
                      sheltered_factor, exponent):
    """Returns float32 [M, D]: each member's weight for each domain under
    just-right responsibilities: FTE·skill^γ where the member's category may carry the
    domain, the member has duty in it (pull-out staff keep only their fixed shares) and
    meets its threshold (× ``sheltered_factor`` for sheltered categories); 0 elsewhere. The
    power is taken in float32, skill's type."""
    exponent = np.float32(exponent)
    out = np.empty(duty.shape, dtype=np.float32)
    for m in range(duty.shape[0]):
        c = category[m]
        factor = sheltered_factor if sheltered[c] else 1.0
        for d in range(duty.shape[1]):
            if (may_carry[c, d] and duty[m, d] > 0
                    and skill[m, d] >= factor * thresholds[d]):
                out[m, d] = fte[m] * skill[m, d] ** exponent
            else:
                out[m, d] = 0.0
    return out


def just_right_weight_reference(category, duty, skill, fte, thresholds, may_carry, sheltered,
                                sheltered_factor, exponent):
    """The NumPy twin of ``just_right_weight``."""
    factor = np.where(sheltered[category], sheltered_factor, 1.0)[:, None]
    qualified = (may_carry[category] & (duty > 0) & (skill >= factor * thresholds[None, :]))
    fitted = np.power(skill, np.float32(exponent), out=np.zeros(skill.shape, dtype=np.float32),
                      where=qualified)
    return np.where(qualified, fte[:, None] * fitted, np.float32(0.0))


register(split_by_weight, split_by_weight_reference)
register(unit_staffing, unit_staffing_reference)
register(most_skilled_fallback, most_skilled_fallback_reference)
register(just_right_weight, just_right_weight_reference)
