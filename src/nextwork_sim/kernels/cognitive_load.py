"""Cognitive load and efficacy (docs/odd.md §3.4; Feldon 2007, Doyle 1977)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def load_share(split, mem_educator, mem_community, demand, available, out_share):
    """A[i,d] = Σ_memberships of i split[m,d]·T[k,d] / available[i] (vacant members skipped)."""
    out_share[:] = 0.0
    for m in range(split.shape[0]):
        i = mem_educator[m]
        if i < 0:
            continue
        k = mem_community[m]
        for d in range(split.shape[1]):
            out_share[i, d] += split[m, d] * demand[k, d] / available[i]


def load_share_reference(split, mem_educator, mem_community, demand, available, n_educators):
    filled = mem_educator >= 0
    share = np.zeros((n_educators, split.shape[1]))
    carried = split[filled].astype(np.float64) * demand[mem_community[filled]]
    np.add.at(share, mem_educator[filled], carried / available[mem_educator[filled], None])
    return share


@njit(cache=True)
def cognitive_load(share, difficulty, skill, skill_floor, switch_cost, out_load):
    """L[i] = Σ_d A[i,d]·c[d]/(ε + skill[i,d]) + κ·max(domains carried − 1, 0)."""
    for i in range(share.shape[0]):
        total = 0.0
        carried = 0
        for d in range(share.shape[1]):
            if share[i, d] > 0.0:
                carried += 1
                total += share[i, d] * difficulty[d] / (skill_floor + skill[i, d])
        out_load[i] = total + switch_cost * max(carried - 1, 0)


def cognitive_load_reference(share, difficulty, skill, skill_floor, switch_cost):
    per_domain = share * difficulty[None, :] / (skill_floor + skill.astype(np.float64))
    carried = (share > 0).sum(axis=1)
    return per_domain.sum(axis=1) + switch_cost * np.maximum(carried - 1, 0)


@njit(cache=True)
def chronic_and_efficacy(load, chronic, chronic_weight, efficacy_slope, efficacy_threshold,
                         out_efficacy):
    """C ← C + w·(L − C) (exponential mean); e = 1 / (1 + exp(β·(L − L*)))."""
    for i in range(load.shape[0]):
        chronic[i] += chronic_weight * (load[i] - chronic[i])
        out_efficacy[i] = 1.0 / (1.0 + np.exp(efficacy_slope * (load[i] - efficacy_threshold)))


def chronic_and_efficacy_reference(load, chronic, chronic_weight, efficacy_slope,
                                   efficacy_threshold):
    new_chronic = chronic + chronic_weight * (load - chronic)
    efficacy = 1.0 / (1.0 + np.exp(efficacy_slope * (load - efficacy_threshold)))
    return new_chronic, efficacy
