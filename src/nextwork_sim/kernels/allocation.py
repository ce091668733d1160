"""Allocation (MODEL.md §3 step 2): splitting each community's domains among its members.

Fixed shares (pull-out specialists, paraeducators) come first; the free rest is split in
proportion to a weight among the active members without a fixed share. Staffing models
choose the weight (duty, FTE x skill^γ, ...) and call this through
``staffing.base.split_by_weight``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .grouped import group_sum_reference


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
                              min_share):
    """The split as whole-array NumPy operations."""
    fixed_rows = active[:, None] & (fixed >= 0)
    fixed = np.where(fixed_rows, fixed, 0.0)
    fixed_total = group_sum_reference(community, fixed, n_communities)
    over = np.where(fixed_total > 1.0, 1.0 / np.maximum(fixed_total, 1e-12), 1.0)
    fixed = fixed * over[community]
    fixed_total = np.minimum(fixed_total, 1.0)
    free = 1.0 - fixed_total
    weight = np.where(active[:, None] & ~fixed_rows, weight, 0.0)
    share = _normalise(weight, community, n_communities)
    if min_share > 0:
        floor = min_share * fte.astype(np.float64)[:, None]
        kept = np.where(share * free[community] < floor, 0.0, weight)
        kept_total = group_sum_reference(community, kept, n_communities)
        weight = np.where(kept_total[community] > 0, kept, weight)
        share = _normalise(weight, community, n_communities)
    total = group_sum_reference(community, weight, n_communities)
    orphan = (total <= 0) & (fixed_total > 0)
    rescale = np.where(orphan, 1.0 / np.maximum(fixed_total, 1e-12), 1.0)
    return share * free[community] + fixed * rescale[community]


def _normalise(weight, community, n_communities):
    total = group_sum_reference(community, weight, n_communities)
    per_member = total[community]
    return np.divide(weight, per_member, out=np.zeros_like(per_member), where=per_member > 0)
