"""Skill growth: deliberate practice each day (docs/odd.md §3.4), peer learning and
mentoring each week (§3.6; Papay et al. 2020: pairing with a stronger colleague)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def skill_growth(share, skill, efficacy, feedback, practice_rate, feedback_boost):
    """s ← min(1, s + η·A·(1 − s)·e·(1 + φ·feedback)): overload (low e) slows learning."""
    for i in range(skill.shape[0]):
        rate = practice_rate * efficacy[i] * (1.0 + feedback_boost * feedback[i])
        for d in range(skill.shape[1]):
            grown = skill[i, d] + rate * share[i, d] * (1.0 - skill[i, d])
            skill[i, d] = min(max(grown, 0.0), 1.0)


def skill_growth_reference(share, skill, efficacy, feedback, practice_rate, feedback_boost):
    s = skill.astype(np.float64)
    rate = practice_rate * efficacy * (1.0 + feedback_boost * feedback.astype(np.float64))
    return np.clip(s + rate[:, None] * share * (1.0 - s), 0.0, 1.0).astype(skill.dtype)


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
    s = skill.astype(np.float64)
    best = np.full((max(n_groups, 1), s.shape[1]), -1.0)
    in_group = group >= 0
    np.maximum.at(best, group[in_group], s[in_group])
    gap = np.where(in_group[:, None], np.maximum(best[np.maximum(group, 0)] - s, 0.0), 0.0)
    mentored = mentor >= 0
    mentor_gap = np.where(mentored[:, None], np.maximum(s[np.maximum(mentor, 0)] - s, 0.0), 0.0)
    delta = rate * (minutes[:, None].astype(np.float64) * gap
                    + mentor_minutes[:, None].astype(np.float64) * mentor_gap)
    return np.minimum(s + delta, 1.0).astype(skill.dtype)
