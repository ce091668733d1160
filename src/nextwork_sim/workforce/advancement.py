"""Advancement into open lead roles (docs/odd.md §3.10), before hiring.

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

from typing import NamedTuple

import numpy as np

from ..domains import LEADERSHIP
from ..kernels import keyed_random as kr
from ..population import ACTIVE, MOVED
from ..roles import CATEGORY_INDEX
from ..workforce.pipelines import PATHWAYS
from .placement import occupy

_LEAD = CATEGORY_INDEX["teacher_leader"]
#: who may advance into a lead role
ELIGIBLE_FOR_LEAD = [CATEGORY_INDEX["professional"], CATEGORY_INDEX["specialist"]]


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
    """Fill vacant lead positions from within; returns the rows of those who advanced.
    Each vacancy (in position order) takes the most skilled qualified professional or
    specialist of its school not yet advanced: one queue per school, best first."""
    state = model.state
    positions, educators = state.positions, state.educators
    vacant = np.flatnonzero((positions.holder < 0) & positions.open
                            & (model.roles.category[positions.role] == _LEAD))
    if vacant.size == 0:
        return np.empty(0, dtype=np.int64)
    eligible = np.flatnonzero((educators.status == ACTIVE)
                              & (educators.position >= 0)  # not movers in transit
                              & np.isin(educators.category, ELIGIBLE_FOR_LEAD))
    model_of = model.school_model[educators.school[eligible]]
    qualified = np.zeros(eligible.size, dtype=bool)
    for index, staffing in enumerate(model.staffing_models):
        mine = np.flatnonzero(model_of == index)
        if mine.size:
            rows = eligible[mine]
            qualified[mine] = qualifies(staffing.settings, educators.skill[rows],
                                        educators.experience[rows],
                                        educators.credentials[rows], educators.degree[rows])
    queues = _SchoolQueues(educators, eligible[qualified])
    advanced: list[int] = []
    for position in vacant.tolist():
        person = queues.take(int(positions.school[position]))
        if person < 0:
            continue
        occupy(model, person, position)
        advanced.append(person)
    return np.array(advanced, dtype=np.int64)


class _SchoolQueues:
    """``candidates`` queued per school, most skilled (mean skill) first, stable ids
    breaking ties; ``take(school)`` gives the next one, or -1 when the school has none left."""

    def __init__(self, educators, candidates: np.ndarray):
        order = np.lexsort((educators.person_id[candidates],
                            -educators.skill[candidates].mean(axis=1),
                            educators.school[candidates]))
        self.candidates = candidates[order]
        school_ids, first, count = np.unique(educators.school[self.candidates],
                                             return_index=True, return_counts=True)
        self.start = dict(zip(school_ids.tolist(), first.tolist(), strict=True))
        self.end = dict(zip(school_ids.tolist(), (first + count).tolist(), strict=True))

    def take(self, school: int) -> int:
        start = self.start.get(school)
        if start is None or start >= self.end[school]:
            return -1
        self.start[school] = start + 1
        return int(self.candidates[start])


def _internal_fill(model, vacant_role: int, from_category: int, qualifies_for, pathway: str,
                   seat_time_restart: bool, year: int) -> np.ndarray:
    """Offer each open vacancy of ``vacant_role`` (in position order) to the best qualified
    educator of category ``from_category`` at the same school (most skilled first, stable
    ids breaking ties); a person moves at most once. Whoever takes a teaching post this way
    is a beginning teacher of record next year and joins that year's entry cohort
    (``cohort_cumulative_leave`` counts every first-year teacher, as the national cohort
    studies do, not only those hired from outside)."""

    positions, educators = model.state.positions, model.state.educators
    vacant = np.flatnonzero((positions.holder < 0) & positions.open
                            & (positions.role == vacant_role))
    candidates = np.flatnonzero((educators.status == ACTIVE)
                                & (educators.category == from_category)
                                & (educators.position >= 0) & ~educators.substitute)
    if vacant.size == 0 or candidates.size == 0:
        return np.empty(0, dtype=np.int64)
    model_of = model.school_model[educators.school[candidates]]
    qualified = np.zeros(candidates.size, dtype=bool)
    for index, staffing in enumerate(model.staffing_models):
        mine = model_of == index
        if mine.any():
            qualified[mine] = qualifies_for(staffing.settings, candidates[mine])
    queues = _SchoolQueues(educators, candidates[qualified])
    moved: list[int] = []
    for position in vacant.tolist():
        school = int(positions.school[position])
        person = queues.take(school)
        if person < 0:
            continue
        _step_up(model, person, position, pathway, seat_time_restart)
        moved.append(person)
    moved = np.array(moved, dtype=np.int64)
    if model.roles.is_teacher[vacant_role]:
        _join_entry_cohort(educators, moved, year)
    return moved


def _step_up(model, person: int, position: int, pathway: str, seat_time_restart: bool) -> None:
    """``person`` takes ``position`` by a grow-your-own pathway (her pathway becomes it)."""
    educators = model.state.educators
    school = model.state.positions.school[position]
    settings = model.staffing_models[model.school_model[school]].settings
    educators.pathway[person] = PATHWAYS.index(pathway)
    if seat_time_restart and settings.advancement == "seat_time":
        # year zero now: the summer's closing increment makes the coming year her first
        # as a teacher (1 here counted it as her second)
        educators.experience[person] = 0
    occupy(model, person, position)


def _join_entry_cohort(educators, rows: np.ndarray, year: int) -> None:
    """Whoever takes a teaching post from within is a beginning teacher of record next year
    (the entry cohort of ``cohort_cumulative_leave``)."""
    educators.novice_entry[rows] = True
    educators.entry_year[rows] = year + 1


def _leave_district(model, rows: np.ndarray, year: int) -> None:
    """``rows`` leave their posts and the district's rows (status moved) this summer."""
    educators = model.state.educators
    model.state.positions.holder[educators.position[rows]] = -1
    educators.position[rows] = -1
    educators.status[rows] = MOVED
    educators.exit_year[rows] = year
    model.remove_educator_agents(rows)


class GrowYourOwn(NamedTuple):
    """What the summer's grow-your-own moves did (rows of educators)."""

    moved: np.ndarray  #: everyone who took a new post up the ladder
    residents_home: np.ndarray  #: finished residents who took a post at their own school
    residents_elsewhere: np.ndarray  #: ... at another school of the district
    residents_left: np.ndarray  #: finished residents with no post open: left the district
    para_to_resident: np.ndarray  #: paraeducators into a residency
    para_to_teacher: np.ndarray  #: paraeducators straight into a teaching post
    community_to_para: np.ndarray  #: community educators into a paraeducator post


def paraeducators_into_teaching(model, year: int) -> GrowYourOwn:
    """Grow-your-own pathways, before hiring. Residents who have served ``residency_years``
    take vacant teaching positions of their school, then of any school of the district (most
    skilled first); those for whom no post is open leave the district. Then qualified
    paraeducators (competency: credentials and skill, prior years credited; seat time: a
    degree, starting again at year one), ``para_to_teacher_rate`` of them a year, take a
    vacant residency of their school where the
    design has one, else a teaching position; last, community educators who have served a year
    take vacant paraeducator posts of their school at ``community_to_para_rate`` (the
    ladder's first rung). Each rung's cost is ``ladder_cost``."""
    educators = model.state.educators
    roles = model.roles
    teacher, resident = roles.index["teacher"], roles.index["resident"]
    careers = model.config.parameters.careers
    margin = careers.paraeducator_skill_margin

    def para_ready(settings, pool):
        # qualified (degree, or credentials and skill) and, by a keyed draw, among the
        # para_to_teacher_rate of them who take the step this summer: the same draw for the
        # residency and the teaching post, so a paraeducator is offered the step once a year
        if settings.advancement == "seat_time":
            qualified = educators.degree[pool]
        else:
            qualified = ((educators.credentials[pool] >= settings.advancement_credentials)
                         & (educators.skill[pool].mean(axis=1)
                            >= settings.advancement_skill - margin))
        u = kr.uniform(model.run_key, "advancement", year, educators.person_id[pool],
                       kr.ADVANCEMENT.para_step)
        return qualified & (u < careers.para_to_teacher_rate)

    def resident_ready(settings, pool):
        # experience counts the year just served: at this summer a first-year resident has 1
        return educators.experience[pool] >= careers.residency_years

    at_home = _internal_fill(model, teacher, CATEGORY_INDEX["resident"], resident_ready,
                             "residency", seat_time_restart=True, year=year)
    elsewhere, left = _finish_residencies(model, year, careers.residency_years)
    to_resident = _internal_fill(model, resident, CATEGORY_INDEX["paraeducator"], para_ready,
                                 "para_to_teacher", seat_time_restart=False, year=year)
    to_teacher = _internal_fill(model, teacher, CATEGORY_INDEX["paraeducator"], para_ready,
                                "para_to_teacher", seat_time_restart=True, year=year)

    def community_ready(settings, pool):
        # the first rung: a community educator who has served a year takes a paraeducator
        # post of her school at community_to_para_rate a year (keyed draw)
        u = kr.uniform(model.run_key, "advancement", year, educators.person_id[pool],
                       kr.ADVANCEMENT.community_step)
        return (educators.experience[pool] >= 1) & (u < careers.community_to_para_rate)

    to_para = _internal_fill(model, roles.index["paraeducator"],
                             CATEGORY_INDEX["community_educator"], community_ready, "community",
                             seat_time_restart=False, year=year)
    moved = np.concatenate([at_home, elsewhere, to_resident, to_teacher, to_para])
    return GrowYourOwn(moved, at_home, elsewhere, left, to_resident, to_teacher, to_para)


def ladder_cost(model, grown: GrowYourOwn) -> float:
    """What the summer's steps up the ladder cost the district (recruitment line): each
    paraeducator into a residency or teaching post the para_to_teacher pathway's cost, each
    community educator into a paraeducator post ``community_to_para_cost``."""
    pipelines, careers = model.config.parameters.pipelines, model.config.parameters.careers
    return float((grown.para_to_resident.size + grown.para_to_teacher.size)
                 * pipelines.para_to_teacher.cost
                 + grown.community_to_para.size * careers.community_to_para_cost)


def _finish_residencies(model, year: int, residency_years: int) -> tuple[np.ndarray, np.ndarray]:
    """Residents who have served their years and found no post at their own school: each
    takes the district's next open teaching vacancy (position order; residents most skilled
    first, stable ids breaking ties), as a beginning teacher of record next year; those left
    over leave the district. Returns (placed, left)."""
    positions, educators = model.state.positions, model.state.educators
    finished = np.flatnonzero((educators.status == ACTIVE) & ~educators.substitute
                              & (educators.category == CATEGORY_INDEX["resident"])
                              & (educators.position >= 0)
                              & (educators.experience >= residency_years))
    if finished.size == 0:
        return finished, finished
    finished = finished[np.lexsort((educators.person_id[finished],
                                    -educators.skill[finished].mean(axis=1)))]
    teacher = model.roles.index["teacher"]
    vacant = np.flatnonzero((positions.holder < 0) & positions.open
                            & (positions.role == teacher))
    placed = finished[:vacant.size]
    for person, position in zip(placed.tolist(), vacant.tolist(), strict=False):
        _step_up(model, person, position, "residency", seat_time_restart=True)
    _join_entry_cohort(educators, placed, year)
    left = finished[vacant.size:]
    _leave_district(model, left, year)
    return placed, left


def out_of_classroom(model, year: int) -> np.ndarray:
    """Seat-time rules offer no higher role that keeps a teacher with students: each summer a
    qualified teacher (years and degree) leaves the classroom for a coach or administrator
    post with probability ``out_of_classroom_rate`` (keyed draw). Their position opens."""

    educators = model.state.educators
    rate = model.config.parameters.careers.out_of_classroom_rate
    rows = np.flatnonzero((educators.status == ACTIVE) & ~educators.substitute
                          & (educators.position >= 0)
                          & np.isin(educators.category, ELIGIBLE_FOR_LEAD))
    if rows.size == 0 or rate <= 0:
        return rows[:0]
    settings = [m.settings for m in model.staffing_models]
    seat_time = np.array([s.advancement == "seat_time" for s in settings])[
        model.school_model[educators.school[rows]]]
    years = np.array([s.advancement_years for s in settings])[
        model.school_model[educators.school[rows]]]
    ready = seat_time & (educators.experience[rows] >= years) & educators.degree[rows]
    u = kr.uniform(model.run_key, "advancement", year, educators.person_id[rows],
                   kr.ADVANCEMENT.out_of_classroom)
    leaving = rows[ready & (u < rate)]
    _leave_district(model, leaving, year)
    return leaving
