"""Advancement into open lead roles (MODEL.md §3 summer step 3), before hiring.

A lead position (category teacher_leader) left vacant over the summer is filled from within
the school when someone qualifies under the staffing model's rule:

- ``competency``: mean skill at least ``advancement_skill`` and team_leadership skill at
  least its threshold (years do not matter);
- ``seat_time``: at least ``advancement_years`` of experience (a degree requirement arrives
  with the careers issue).

The most skilled qualified teacher of the school advances; the position they leave is filled
by hiring like any other vacancy. Candidates' stable ids order ties, so the result does not
depend on row order.
"""

from __future__ import annotations

import numpy as np

from ..domains import LEADERSHIP
from ..population import ACTIVE
from ..roles import CATEGORY_INDEX, teacher_category

_LEAD = CATEGORY_INDEX["teacher_leader"]
_ELIGIBLE = [CATEGORY_INDEX["professional"], CATEGORY_INDEX["specialist"]]


def qualifies(settings, skill: np.ndarray, experience: np.ndarray) -> np.ndarray:
    """Who meets the model's advancement rule (bool per educator)."""
    if settings.advancement == "seat_time":
        return experience >= settings.advancement_years
    return ((skill.mean(axis=1) >= settings.advancement_skill)
            & (skill[:, LEADERSHIP] >= settings.thresholds.team_leadership))


def advance_into_leads(model) -> np.ndarray:
    """Fill vacant lead positions from within; returns the rows of those who advanced."""
    state = model.state
    positions, educators = state.positions, state.educators
    vacant = np.flatnonzero((positions.holder < 0) & positions.open
                            & (model.roles.category[positions.role] == _LEAD))
    advanced: list[int] = []
    for position in vacant.tolist():
        school = positions.school[position]
        settings = model.staffing_models[model.school_model[school]].settings
        pool = np.flatnonzero((educators.status == ACTIVE) & (educators.school == school)
                              & (educators.position >= 0)  # not movers in transit
                              & np.isin(educators.category, _ELIGIBLE))
        pool = pool[qualifies(settings, educators.skill[pool], educators.experience[pool])]
        if pool.size == 0:
            continue
        order = np.lexsort((educators.person_id[pool], -educators.skill[pool].mean(axis=1)))
        person = int(pool[order[0]])
        positions.holder[educators.position[person]] = -1
        positions.holder[position] = person
        educators.position[person] = position
        educators.community[person] = positions.community[position]
        educators.fte[person] = positions.fte[position]
        educators.role[person] = positions.role[position]
        educators.category[person] = teacher_category(educators.role[[person]],
                                                      educators.experience[[person]],
                                                      model.roles)[0]
        advanced.append(person)
    return np.array(advanced, dtype=np.int64)
