"""Advancement into open lead roles (MODEL.md §3 summer step 3), before hiring.

A lead position (category teacher_leader) left vacant over the summer is filled from within
the school when someone qualifies under the staffing model's rule:

- ``competency``: mean skill at least ``advancement_skill``, team_leadership skill at least
  its threshold and ``advancement_credentials`` micro-credentials (years do not matter);
- ``seat_time``: at least ``advancement_years`` of experience and a master's degree.

The most skilled qualified teacher of the school advances; the position they leave is filled
by hiring like any other vacancy. Candidates' stable ids order ties, so the result does not
depend on row order.
"""

from __future__ import annotations

import numpy as np

from ..domains import LEADERSHIP
from ..population import ACTIVE
from ..roles import CATEGORY_INDEX
from .placement import occupy

_LEAD = CATEGORY_INDEX["teacher_leader"]
_ELIGIBLE = [CATEGORY_INDEX["professional"], CATEGORY_INDEX["specialist"]]


def qualifies(settings, skill: np.ndarray, experience: np.ndarray, credentials: np.ndarray,
              degree: np.ndarray) -> np.ndarray:
    """Who meets the model's advancement rule (bool per educator): seat time needs years
    and a degree; competency needs skill and credentials, whatever the years."""
    if settings.advancement == "seat_time":
        return (experience >= settings.advancement_years) & degree
    return ((skill.mean(axis=1) >= settings.advancement_skill)
            & (skill[:, LEADERSHIP] >= settings.thresholds.team_leadership)
            & (credentials >= settings.advancement_credentials))


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
        pool = pool[qualifies(settings, educators.skill[pool], educators.experience[pool],
                              educators.credentials[pool], educators.degree[pool])]
        if pool.size == 0:
            continue
        order = np.lexsort((educators.person_id[pool], -educators.skill[pool].mean(axis=1)))
        person = int(pool[order[0]])
        occupy(model, person, position)
        advanced.append(person)
    return np.array(advanced, dtype=np.int64)


def paraeducators_into_teaching(model, year: int) -> np.ndarray:
    """Para-to-teacher pathway: a vacant teaching position is offered first to a qualified
    paraeducator of the same school (competency: credentials and skill, prior years credited;
    seat time: a degree, starting again at year one of the schedule)."""
    from ..workforce.pipelines import PATHWAYS

    state = model.state
    positions, educators = state.positions, state.educators
    teacher_role = model.roles.index["teacher"]
    para = CATEGORY_INDEX["paraeducator"]
    vacant = np.flatnonzero((positions.holder < 0) & positions.open
                            & (positions.role == teacher_role))
    moved: list[int] = []
    for position in vacant.tolist():
        school = positions.school[position]
        settings = model.staffing_models[model.school_model[school]].settings
        pool = np.flatnonzero((educators.status == ACTIVE) & (educators.school == school)
                              & (educators.category == para) & (educators.position >= 0)
                              & ~educators.substitute)
        if settings.advancement == "seat_time":
            pool = pool[educators.degree[pool]]
        else:
            pool = pool[(educators.credentials[pool] >= settings.advancement_credentials)
                        & (educators.skill[pool].mean(axis=1) >= settings.advancement_skill
                           - 0.1)]
        if pool.size == 0:
            continue
        person = int(pool[np.lexsort((educators.person_id[pool],
                                      -educators.skill[pool].mean(axis=1)))[0]])
        educators.pathway[person] = PATHWAYS.index("para_to_teacher")
        if settings.advancement == "seat_time":
            educators.experience[person] = 1
        occupy(model, person, position)
        moved.append(person)
    return np.array(moved, dtype=np.int64)
