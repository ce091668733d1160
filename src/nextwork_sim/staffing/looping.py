"""Looping (docs/odd.md §3.2, §6): a community's adults keep their students the next year.

Grades loop in pairs (the school's first and second grade, third and fourth, ...). Each
summer the adults of a community of the lower grade of a pair move up with their students to
the community in the same slot of the upper grade, and the upper grade's adults go back down
to take the new cohort. Students who stay with the same adults gain a year of continuity.
Any staffing model can loop (``staffing.looping = true``).
"""

from __future__ import annotations

import numpy as np


def loop_pairs(model, school_loops: np.ndarray) -> np.ndarray:
    """pair[k] = the community k's adults and students move to next year (-1: none), for
    the schools whose staffing model loops."""
    communities = model.state.communities
    pair = np.full(communities.n, -1, dtype=np.int64)
    for school in model.schools:
        if not school_loops[school.index]:
            continue
        for grade in school.grades[::2]:
            if grade + 1 not in school.grades:
                continue
            here = (communities.school == school.index) & communities.open
            lower = np.flatnonzero(here & (communities.grade == grade))
            upper = np.flatnonzero(here & (communities.grade == grade + 1))
            count = min(len(lower), len(upper))
            pair[lower[:count]] = upper[:count]
            pair[upper[:count]] = lower[:count]
    return pair


def _own_positions(model) -> dict[int, list[int]]:
    """Positions serving only their primary community (not shared pull-out staff)."""
    members = model.state.memberships
    positions = model.state.positions
    spread = np.zeros(positions.n, dtype=np.int64)
    np.add.at(spread, members.position, 1)
    own: dict[int, list[int]] = {}
    for p in np.flatnonzero(spread == 1).tolist():
        own.setdefault(int(positions.community[p]), []).append(p)
    return own


def swap_adults(model, pair: np.ndarray) -> None:
    """Exchange the holders of the own positions of each looping pair, role by role."""
    state = model.state
    positions, educators = state.positions, state.educators
    own = _own_positions(model)
    for lower in np.flatnonzero(pair >= 0).tolist():
        upper = int(pair[lower])
        if upper < lower:
            continue
        mine, theirs = own.get(lower, []), own.get(upper, [])
        for role in set(positions.role[mine].tolist()):
            a = [p for p in mine if positions.role[p] == role]
            b = [p for p in theirs if positions.role[p] == role]
            for p, q in zip(a, b, strict=False):
                holders = positions.holder[[p, q]].copy()
                positions.holder[p], positions.holder[q] = holders[1], holders[0]
                for position, holder in ((p, holders[1]), (q, holders[0])):
                    if holder >= 0:
                        educators.position[holder] = position
                        educators.community[holder] = positions.community[position]


def looped_students(model, pair: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of students who move up with their adults, and the community they move to."""
    students = model.state.students
    rows = np.flatnonzero((students.status == 0) & (students.community >= 0))
    previous = students.community[rows]
    communities = model.state.communities
    target = pair[previous]
    keeps = (target >= 0) & (communities.grade[previous] < communities.grade[np.maximum(target, 0)])
    keeps &= communities.school[np.maximum(target, 0)] == students.school[rows]
    keeps &= communities.grade[np.maximum(target, 0)] == students.grade[rows]
    return rows[keeps], target[keeps]
