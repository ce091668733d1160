"""Peer learning and mentoring each week (docs/odd.md §3.6; Papay et al. 2020: pairing with
a stronger colleague). Deliberate practice, the daily growth, is one of the day's formulas
(``school_day.practised_skill``)."""

from __future__ import annotations

import numpy as np
from numba import njit

from .backend import register


@njit(cache=True)
def _count_mentored(mentor):
    count = 0
    for i in range(mentor.shape[0]):
        if mentor[i] >= 0:
            count += 1
    return count


@njit(cache=True)
def peer_learning(skill, group, n_groups, minutes, rate, mentor, mentor_minutes):
    """Δs = ρ·minutes·(best in group − s)⁺ + ρ·mentor_minutes·(mentor's s − s)⁺, from the
    skills before the week's update."""
    n, n_domains = skill.shape
    best = np.full((max(n_groups, 1), n_domains), -1.0)
    for i in range(n):
        g = group[i]
        if g >= 0:
            for d in range(n_domains):
                if skill[i, d] > best[g, d]:
                    best[g, d] = skill[i, d]
    # Updating in place would let a mentor's new skill leak into a mentee's gain, so the
    # mentors' rows are copied first (few rows, unlike a full delta array).
    mentor_skill = np.empty((_count_mentored(mentor), n_domains), dtype=skill.dtype)
    slot = 0
    for i in range(n):
        if mentor[i] >= 0:
            mentor_skill[slot] = skill[mentor[i]]
            slot += 1
    slot = 0
    for i in range(n):
        g = group[i]
        j = mentor[i]
        if g < 0 and j < 0:
            # no peers and no mentor: no gain, and skill is kept within [0, 1], so the row
            # stays as it is (most rows of a long run: leavers keep theirs)
            continue
        for d in range(n_domains):
            gain = 0.0
            if g >= 0:
                gain += rate * minutes[i] * max(best[g, d] - skill[i, d], 0.0)
            if j >= 0:
                gain += rate * mentor_minutes[i] * max(mentor_skill[slot, d] - skill[i, d], 0.0)
            skill[i, d] = min(skill[i, d] + gain, 1.0)
        if j >= 0:
            slot += 1


def peer_learning_reference(skill, group, n_groups, minutes, rate, mentor, mentor_minutes):
    """The twin of ``peer_learning``: the week's gains from whole-array gaps."""
    s = skill.astype(np.float64)
    best = np.full((max(n_groups, 1), s.shape[1]), -1.0)
    in_group = group >= 0
    np.maximum.at(best, group[in_group], s[in_group])
    gap = np.where(in_group[:, None], np.maximum(best[np.maximum(group, 0)] - s, 0.0), 0.0)
    mentored = mentor >= 0
    mentor_gap = np.where(mentored[:, None], np.maximum(s[np.maximum(mentor, 0)] - s, 0.0), 0.0)
    delta = rate * (minutes[:, None].astype(np.float64) * gap
                    + mentor_minutes[:, None].astype(np.float64) * mentor_gap)
    skill[:] = np.minimum(s + delta, 1.0).astype(skill.dtype)


register(peer_learning, peer_learning_reference)
