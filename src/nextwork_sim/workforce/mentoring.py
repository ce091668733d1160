"""Induction mentoring (docs/odd.md §3.6): who mentors each beginner, for how long.

Every design mentors its novices (teachers in their first two years) and residents for
``mentoring_minutes_per_week``; a design may mentor more people (``StaffingModel.
mentoring_minutes``). The mentor is the teacher-leader of the mentee's primary community where
there is one, and otherwise an experienced teacher of her school, who gives the minutes from
her own day as the mentee does (``costs.extra_minutes``).
"""

from __future__ import annotations

import numpy as np

from ..population import ACTIVE
from ..roles import CATEGORY_INDEX


def assign_mentors(model) -> tuple[np.ndarray, np.ndarray]:
    """Each educator's mentor row (-1 none) and weekly mentoring minutes received (0 without
    a mentor)."""
    state = model.state
    educators = state.educators
    school_model = model.school_model[np.maximum(educators.school, 0)]
    minutes = np.zeros(educators.n, dtype=np.float32)
    for index, staffing in enumerate(model.staffing_models):
        mine = school_model == index
        minutes[mine] = staffing.mentoring_minutes(educators.category[mine])
    leader_of = np.full(state.communities.n, -1, dtype=np.int32)
    holders = state.positions.holder
    leaders = np.flatnonzero(holders >= 0)
    leaders = leaders[educators.category[holders[leaders]] == CATEGORY_INDEX["teacher_leader"]]
    leader_of[state.positions.community[leaders]] = holders[leaders]
    primary = educators.community
    active = educators.status == ACTIVE
    mentor = np.where((primary >= 0) & (minutes > 0), leader_of[np.maximum(primary, 0)], -1)
    mentor = np.where(active, mentor, -1).astype(np.int32)
    unmatched = np.flatnonzero((minutes > 0) & (mentor < 0) & active & (educators.school >= 0))
    if unmatched.size:
        experience = model.config.parameters.skill.mentor_min_experience
        mentor[unmatched] = school_mentors(educators, unmatched, experience)
    minutes = np.where(mentor >= 0, minutes, 0.0).astype(np.float32)
    return mentor, minutes


def school_mentors(educators, mentees: np.ndarray, min_experience: int) -> np.ndarray:
    """A mentor for each of ``mentees`` from her own school: its active professional
    teachers with at least ``min_experience`` years, most experienced first (stable ids
    breaking ties), taken in turn so mentees spread over them; -1 where the school has none."""
    candidates = np.flatnonzero((educators.status == ACTIVE) & ~educators.substitute
                                & (educators.category == CATEGORY_INDEX["professional"])
                                & (educators.experience >= min_experience))
    mentor = np.full(mentees.size, -1, dtype=np.int32)
    if candidates.size == 0:
        return mentor
    school = educators.school
    candidates = candidates[np.lexsort((educators.person_id[candidates],
                                        -educators.experience[candidates].astype(np.int64),
                                        school[candidates]))]
    schools, first, count = np.unique(school[candidates], return_index=True,
                                      return_counts=True)
    order = np.lexsort((educators.person_id[mentees], school[mentees]))
    sorted_mentees = mentees[order]
    mentee_school = school[sorted_mentees]
    _, mentee_first, inverse = np.unique(mentee_school, return_index=True, return_inverse=True)
    turn = np.arange(sorted_mentees.size) - mentee_first[inverse]
    at = np.minimum(np.searchsorted(schools, mentee_school), schools.size - 1)
    has = schools[at] == mentee_school
    chosen = np.full(sorted_mentees.size, -1, dtype=np.int32)
    chosen[has] = candidates[first[at[has]] + turn[has] % count[at[has]]]
    chosen[chosen == sorted_mentees] = -1  # nobody mentors herself
    mentor[order] = chosen
    return mentor
