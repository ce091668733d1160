"""Hiring (MODEL.md §3 summer step 4) and the initial workforce (§5).

In this slice every vacancy is filled from an unlimited traditional-preparation pipeline:
a share of teacher hires are first-year teachers, the rest experienced teachers from outside
the district. Pipelines with limited supply and their own skill and retention profiles arrive
with the workforce-flows issue.
"""

from __future__ import annotations

import numpy as np

from ..config import RACES
from ..domains import CONTENT, INDIVIDUALIZED, LANGUAGE, LEADERSHIP, N_DOMAINS, PROJECT
from ..kernels import keyed_random as kr
from ..roles import CATEGORY_INDEX, ROLE_INDEX, teacher_category

PATHWAYS: tuple[str, ...] = ("traditional", "alternative", "residency", "para_to_teacher",
                             "career_switcher", "community")


def experience_curve(experience: np.ndarray, skill_params) -> np.ndarray:
    """Mean initial skill by experience: returns are steepest in the first years."""
    years = np.maximum(experience.astype(np.float64) - 1.0, 0.0)
    return skill_params.novice_skill + skill_params.experience_skill_gain * (
        1.0 - np.exp(-skill_params.experience_skill_rate * years))


def initial_skill(role: np.ndarray, category: np.ndarray, experience: np.ndarray,
                  noise: np.ndarray, skill_params) -> np.ndarray:
    """Skill [E, D] of people entering the model: by category (and a few named roles) and
    experience, plus spread."""
    skill = np.repeat(experience_curve(experience, skill_params)[:, None], N_DOMAINS, axis=1)
    skill[:, LEADERSHIP] -= 0.1
    leader = category == CATEGORY_INDEX["teacher_leader"]
    skill[leader] += 0.08
    skill[leader, LEADERSHIP] += 0.15
    skill[role == ROLE_INDEX["special_education_specialist"], INDIVIDUALIZED] += 0.15
    skill[role == ROLE_INDEX["english_learner_specialist"], LANGUAGE] += 0.15
    skill[category == CATEGORY_INDEX["resident"]] = skill_params.novice_skill - 0.08
    para = category == CATEGORY_INDEX["paraeducator"]
    skill[para] = 0.22 + 0.1 * (1 - np.exp(-0.2 * (experience[para, None] - 1.0)))
    skill[para, INDIVIDUALIZED] += 0.05
    community = category == CATEGORY_INDEX["community_educator"]
    skill[community] = 0.2
    skill[community, CONTENT] = 0.55
    skill[community, PROJECT] = 0.5
    skill += skill_params.skill_sd * noise
    return np.clip(skill, 0.02, 0.98).astype(np.float32)


def draw_experience(category: np.ndarray, u: np.ndarray, u2: np.ndarray, population,
                    initial: bool) -> np.ndarray:
    """Years of experience (including the coming year) of new people, by role category."""
    experience = np.ones(category.shape[0], dtype=np.int16)
    teacher = np.isin(category, [CATEGORY_INDEX[c] for c in ("professional", "specialist",
                                                             "novice")])
    if initial:
        cuts = np.cumsum([population.experience_1_3, population.experience_4_9,
                          population.experience_10_19])
        band = np.searchsorted(cuts, u)
        low = np.array([1, 4, 10, 20])[band]
        width = np.array([3, 6, 10, 16])[band]
        experience[teacher] = (low + np.floor(u2 * width))[teacher]
    else:
        novice = u < population.novice_hire_share
        experience[teacher] = np.where(novice, 1, 2 + np.floor(u2 * 14))[teacher]
    leader = category == CATEGORY_INDEX["teacher_leader"]
    experience[leader] = (6 + np.floor(u2 * 15))[leader]
    para = category == CATEGORY_INDEX["paraeducator"]
    experience[para] = (1 + np.floor(u2 * (20 if initial else 8)))[para]
    return experience


def fill_vacancies(model, year: int, initial: bool = False) -> np.ndarray:
    """Hire one person into every vacant position; returns the new educator rows."""
    state, params = model.state, model.scenario.parameters
    positions = state.positions
    vacant = np.flatnonzero((positions.holder == -1) & positions.open)
    if vacant.size == 0:
        return vacant
    table = state.educators
    rows = table.add(vacant.size)
    ids = state.new_ids(vacant.size)
    stream = "build_educator" if initial else "hiring"
    draw_year = 0 if initial else year

    def draw(sub: int) -> np.ndarray:
        return kr.uniform(model.run_key, stream, draw_year, ids, sub)

    role = positions.role[vacant]
    roles = model.roles
    experience = draw_experience(roles.category[role], draw(0), draw(1), params.population,
                                 initial)
    if initial:
        from ..district import roster_experience

        given, model.roster_unmatched = roster_experience(model)
        experience = np.where(given[vacant] > 0, given[vacant], experience).astype(np.int16)
    noise = np.column_stack([kr.normal(model.run_key, stream, draw_year, ids, 10 + d)
                             for d in range(N_DOMAINS)])
    race_cdf = np.cumsum([getattr(model.scenario.district.composition.teacher_race, r)
                          for r in RACES])
    table.person_id[rows] = ids
    table.role[rows] = role
    table.fte[rows] = positions.fte[vacant]
    table.school[rows] = positions.school[vacant]
    table.community[rows] = positions.community[vacant]
    table.position[rows] = vacant
    table.experience[rows] = experience
    category = teacher_category(role, experience, roles)
    table.category[rows] = category
    table.skill[rows] = initial_skill(role, category, experience, noise, params.skill)
    table.race[rows] = np.minimum(np.searchsorted(race_cdf, draw(2)), len(RACES) - 1)
    table.pathway[rows] = PATHWAYS.index("traditional")
    table.satisfaction[rows] = params.satisfaction.baseline
    table.chronic_load[rows] = params.attrition.reference_load
    table.entry_year[rows] = year - (experience - 1)
    positions.holder[vacant] = rows
    model.add_educator_agents(rows)
    return rows
