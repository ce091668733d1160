"""Hiring (docs/odd.md §3.11) and the initial workforce (§5.2, §5.3).

Each summer vacancies are filled from the recruitment pipelines (pipelines.py), a teaching
post nobody can fill by a long-term substitute; at build the workforce is drawn from the
traditional district's steady state or the national cold start.
"""

from __future__ import annotations

import numpy as np

from ..config import RACES
from ..district import roster_experience
from ..domains import N_DOMAINS
from ..kernels import keyed_random as kr
from ..population import ENROLLED
from ..roles import (
    CATEGORIES,
    CATEGORY_INDEX,
    ROLE_INDEX,
    is_teacher_category,
    teacher_category,
)
from .entry_skill import initial_skill
from .equilibrium import shipped, steady_attributes, steady_experience
from .pipelines import (
    KIND_OF_CATEGORY,
    KINDS,
    PATHWAYS,
    candidate_pool,
    community_lack,
    match_candidates,
    race_of,
)


def draw_experience(category: np.ndarray, u: np.ndarray, u2: np.ndarray,
                    population) -> np.ndarray:
    """Years of experience (including the coming year) of the initial workforce, by role
    category, from the national experience distribution."""
    experience = np.ones(category.shape[0], dtype=np.int16)
    teacher = np.isin(category, [CATEGORY_INDEX[c] for c in ("professional", "specialist",
                                                             "novice")])
    cuts = np.cumsum([population.experience_1_3, population.experience_4_9,
                      population.experience_10_19])
    band = np.searchsorted(cuts, u)
    # the bands of the shares: 1-3, 4-9, 10-19, 20 and more
    low = np.array([1, 4, 10, 20])[band]
    width = np.array([3, 6, 10, population.max_experience - 19])[band]
    experience[teacher] = (low + np.floor(u2 * width))[teacher]
    leader = category == CATEGORY_INDEX["teacher_leader"]
    lowest = population.leader_experience_min
    span = population.leader_experience_max - lowest + 1
    experience[leader] = (lowest + np.floor(u2 * span))[leader]
    para = category == CATEGORY_INDEX["paraeducator"]
    experience[para] = (1 + np.floor(u2 * population.paraeducator_experience_max))[para]
    return experience


def fill_vacancies(model, year: int, initial: bool = False) -> np.ndarray:
    """Fill every open vacant position: at build from the national workforce, each summer
    from the pipelines (long-term substitutes where nobody can be hired). Returns new rows."""
    state = model.state
    positions = state.positions
    vacant = np.flatnonzero((positions.holder == -1) & positions.open)
    if vacant.size == 0:
        return vacant
    if initial:
        return _initial_workforce(model, vacant)
    return _hire_from_pipelines(model, year, vacant)


def initial_race(model, vacant: np.ndarray, role: np.ndarray, u_of_color: np.ndarray,
                 u_race: np.ndarray) -> np.ndarray:
    """Race of the initial holders of ``vacant`` posts: people of color more often where
    students are (teachers: the district's share of teachers of color plus
    ``teacher_of_color_slope`` times the school's students-of-color share above the
    district's; paraeducators from their own share, ``paraeducator_of_color``, shifted
    alike), their race among people of color by the teachers' national mix."""
    composition = model.config.district.composition
    students = model.state.students
    enrolled = students.status == ENROLLED
    of_color_student = (students.race != RACES.index("white")) & enrolled
    schools = len(model.schools)
    counts = np.bincount(students.school[enrolled], minlength=schools)
    school_share = np.bincount(students.school[of_color_student], minlength=schools) / \
        np.maximum(counts, 1)
    district_share = of_color_student.sum() / max(enrolled.sum(), 1)
    school = model.state.positions.school[vacant]
    para = model.roles.category[role] == CATEGORY_INDEX["paraeducator"]
    base = np.where(para, composition.paraeducator_of_color,
                    1.0 - composition.teacher_race.white)
    chance = np.clip(base + composition.teacher_of_color_slope
                     * (school_share[school] - district_share), 0.0, 1.0)
    return race_of(u_of_color < chance, u_race, composition.teacher_race)


def _initial_workforce(model, vacant: np.ndarray) -> np.ndarray:
    """The workforce a run starts with: the traditional district's steady state
    (``population.initial_state = "equilibrium"``, workforce/equilibrium.py) or the national
    cold start; a district roster's experience, where given, is kept."""
    state, params = model.state, model.config.parameters
    ids = state.new_educator_ids(vacant.size)

    def draw(sub: int) -> np.ndarray:
        return kr.uniform(model.run_key, "build_educator", 0, ids, sub)

    role = state.positions.role[vacant]
    experience = draw_experience(model.roles.category[role], draw(kr.BUILD_EDUCATOR.experience),
                                 draw(kr.BUILD_EDUCATOR.experience_within_band),
                                 params.population)
    steady = None
    if params.population.initial_state == "equilibrium":
        steady = shipped()
        role_names = np.array(model.roles.names)[role]
        experience = steady_experience(steady, role_names, draw(kr.BUILD_EDUCATOR.experience),
                                       experience)
    given, model.roster_unmatched = roster_experience(model)
    experience = np.where(given[vacant] > 0, given[vacant], experience).astype(np.int16)
    noise = np.column_stack([kr.normal(model.run_key, "build_educator", 0, ids,
                                       kr.BUILD_EDUCATOR.skill_spread.nth(d))
                             for d in range(N_DOMAINS)])
    category = teacher_category(role, experience, model.roles)
    skill = initial_skill(role, category, experience, noise, params.skill)
    race = initial_race(model, vacant, role, draw(kr.BUILD_EDUCATOR.race),
                        draw(kr.BUILD_EDUCATOR.race_of_color))
    pathway = np.full(vacant.size, PATHWAYS.index("traditional"))
    if steady is None:
        return _place(model, vacant, ids, experience, skill, race, pathway, first_year=0)
    teacher = np.full(vacant.size, ROLE_INDEX["teacher"])
    teacher_formula = initial_skill(teacher, teacher_category(teacher, experience, model.roles),
                                    experience, np.zeros_like(noise), params.skill)
    drawn = steady_attributes(steady, role_names, is_teacher_category(category), experience,
                              skill, teacher_formula, noise,
                              {"degree": draw(kr.BUILD_EDUCATOR.degree),
                               "study": draw(kr.BUILD_EDUCATOR.study),
                               "pathway": draw(kr.BUILD_EDUCATOR.pathway)})
    rows = _place(model, vacant, ids, experience, drawn["skill"], race, drawn["pathway"],
                  first_year=0)
    e = state.educators
    e.degree[rows] = drawn["degree"]
    route = np.array([m.settings.credentials for m in model.staffing_models])
    studying = drawn["studying"] & (route[model.school_model[e.school[rows]]] == "degree")
    e.studying[rows[studying]] = 0
    terms = params.credentials.masters_terms
    e.study_terms[rows[studying]] = np.floor(
        draw(kr.BUILD_EDUCATOR.study_terms)[studying] * terms).astype(np.int16)
    return rows


def _hire_from_pipelines(model, year: int, vacant: np.ndarray) -> np.ndarray:
    state, params = model.state, model.config.parameters
    positions = state.positions
    order = np.argsort(kr.uniform(model.run_key, "hiring", year, vacant,
                                     kr.HIRING.vacancy_order), kind="stable")
    vacant = vacant[order]
    pool = candidate_pool(model, year)
    lack = community_lack(model)
    tie_break = kr.uniform(model.run_key, "hiring", year, np.arange(pool.kind.size),
                           kr.HIRING.candidate_tie_break)
    category = model.roles.category[positions.role[vacant]]
    kind = np.array([KINDS.index(KIND_OF_CATEGORY[CATEGORIES[c]]) for c in category])
    minimum = np.where(category == CATEGORY_INDEX["teacher_leader"],
                       params.careers.lead_minimum_years, 1)
    chosen = match_candidates(pool, kind, minimum, lack[positions.community[vacant]],
                              tie_break, _component_terms(model, year, pool, vacant))
    hired = chosen >= 0
    teaching = model.roles.is_teacher[positions.role[vacant]]
    substitute = ~hired & teaching
    fill = vacant[hired | substitute]
    picks = chosen[hired | substitute]
    is_substitute = substitute[hired | substitute]
    ids = state.new_educator_ids(fill.size)
    u_race = kr.uniform(model.run_key, "hiring", year, ids, kr.HIRING.substitute_of_color)
    from_pool = picks[~is_substitute]
    experience = np.ones(fill.size, dtype=np.int16)
    experience[~is_substitute] = pool.experience[from_pool]
    skill = np.full((fill.size, N_DOMAINS), params.pipelines.substitute_skill, np.float32)
    skill[~is_substitute] = pool.skill[from_pool]
    of_color = u_race < params.pipelines.substitute_of_color_share
    of_color[~is_substitute] = pool.of_color[from_pool]
    race = race_of(of_color, kr.uniform(model.run_key, "hiring", year, ids,
                                               kr.HIRING.race_of_color),
                   model.config.district.composition.teacher_race)
    pathway = np.full(fill.size, PATHWAYS.index("long_term_substitute"))
    pathway[~is_substitute] = pool.pathway[from_pool]
    rows = _place(model, fill, ids, experience.astype(np.int16), skill, race, pathway,
                  first_year=year + 1)
    state.educators.substitute[rows] = is_substitute
    state.educators.novice_entry[rows[is_substitute]] = False
    candidate = np.where(is_substitute, -1, picks)
    for component in getattr(model, "summer", ()):
        component.hired(model, year, rows, candidate)
    return rows


def _component_terms(model, year: int, pool, vacant: np.ndarray):
    """The components' hiring terms (``Component.hiring_terms``) side by side, or None when
    no component has any (the match is then the built-in one, bit for bit)."""
    terms = [t for component in getattr(model, "summer", ())
             if (t := component.hiring_terms(model, year, pool, vacant)) is not None]
    if not terms:
        return None
    return (np.hstack([t[0] for t in terms]), np.hstack([t[1] for t in terms]))


def recruitment_cost(model, hired: np.ndarray) -> float:
    """What recruiting the ``hired`` rows (``fill_vacancies``) cost: each pipeline hire's
    pathway cost; long-term substitutes cost nothing to recruit."""
    e, pipelines = model.state.educators, model.config.parameters.pipelines
    return float(sum(getattr(pipelines, PATHWAYS[p]).cost
                     for p in e.pathway[hired[~e.substitute[hired]]]))


def _place(model, vacant, ids, experience, skill, race, pathway, first_year: int) -> np.ndarray:
    """Create educator rows in ``vacant`` positions."""
    state, params = model.state, model.config.parameters
    positions, table = state.positions, state.educators
    rows = table.add(vacant.size)
    role = positions.role[vacant]
    category = teacher_category(role, experience, model.roles)
    table.person_id[rows] = ids
    table.role[rows] = role
    table.fte[rows] = positions.fte[vacant]
    table.school[rows] = positions.school[vacant]
    table.community[rows] = positions.community[vacant]
    table.position[rows] = vacant
    table.experience[rows] = experience
    table.category[rows] = category
    table.skill[rows] = skill
    table.race[rows] = race
    table.pathway[rows] = pathway
    table.satisfaction[rows] = params.satisfaction.baseline
    table.chronic_load[rows] = params.attrition.reference_load
    table.entry_year[rows] = first_year - (experience - 1)
    table.novice_entry[rows] = (experience == 1) & np.isin(
        category, [CATEGORY_INDEX["novice"], CATEGORY_INDEX["professional"]])
    positions.holder[vacant] = rows
    model.add_educator_agents(rows)
    return rows
