"""Initialization (docs/odd.md §5.1): schools from a preset, students with needs and flags.

Every person attribute is drawn from keyed streams indexed by the person's stable id, so the
same district (same students) is built whatever the staffing model.
"""

from __future__ import annotations

import numpy as np

from .config import LEVEL_GRADES, LEVELS, PRESETS, RACES, Scenario
from .district_files import read_schools, read_staff
from .domains import CONTENT, INDIVIDUALIZED, LANGUAGE, N_DOMAINS, SOCIAL_EMOTIONAL
from .kernels import keyed_random as kr
from .parameters import as_array
from .population import State
from .staffing.base import School


def build_schools(scenario: Scenario, run_key: int) -> list[School]:
    """Schools of the preset; each school's low-income share is Beta-distributed around the
    district's (``low_income_spread`` sets how segregated schools are)."""
    district = scenario.district
    composition = district.composition
    if district.schools_csv is not None:
        return schools_from_csv(scenario, run_key)
    rng = np.random.default_rng(np.random.SeedSequence(int(run_key),
                                                       spawn_key=(kr.SpawnKey.PRESET_SCHOOLS,)))
    schools: list[School] = []
    for level in LEVELS:
        count, enrollment = PRESETS[district.preset][level]
        low, high = LEVEL_GRADES[level]
        mean, spread = composition.low_income, composition.low_income_spread
        shares = rng.beta(max(mean * spread, 1e-3), max((1 - mean) * spread, 1e-3), size=count)
        leaders = rng.standard_normal(count)
        for share, leader in zip(shares, leaders, strict=True):
            schools.append(School(
                index=len(schools), level=level, grades=tuple(range(low, high + 1)),
                enrollment=max(1, round(enrollment * district.enrollment_scale)),
                low_income_share=float(share),
                english_learner_share=composition.english_learner,
                disability_share=composition.disability,
                name=f"{level}-{len(schools) + 1}", leader_quality=float(leader),
            ))
    return schools


def schools_from_csv(scenario: Scenario, run_key: int) -> list[School]:
    """Schools in file order, with their own composition where the file gives it; a leader
    quality the file does not give is drawn from the run's key."""

    composition = scenario.district.composition
    scale = scenario.district.enrollment_scale
    table = read_schools(scenario.district.schools_csv)
    family = np.random.SeedSequence(int(run_key), spawn_key=(kr.SpawnKey.CSV_LEADER_QUALITY,))
    leaders = np.random.default_rng(family).standard_normal(len(table))
    schools = []
    for index, row in enumerate(table.itertuples(index=False)):
        low, high = LEVEL_GRADES[row.level]

        def share(column: str, default: float, row=row) -> float:
            value = getattr(row, column, None)
            return default if value is None or value != value else float(value)

        schools.append(School(
            index=index, level=row.level, grades=tuple(range(low, high + 1)),
            enrollment=max(1, round(int(row.enrollment) * scale)),
            low_income_share=float(row.low_income),
            english_learner_share=share("english_learner", composition.english_learner),
            disability_share=share("disability", composition.disability),
            name=str(row.name), leader_quality=share("leader_quality", float(leaders[index]))))
    return schools


def roster_experience(model) -> tuple[np.ndarray, int]:
    """Experience per position from the staff roster (-1: draw as usual), and the number of
    roster rows that found no position of their role at their school."""
    positions = model.state.positions
    experience = np.full(positions.n, -1, dtype=np.int64)
    path = model.config.district.staff_csv
    if path is None:
        return experience, 0

    by_name = {school.name: school.index for school in model.schools}
    staff = read_staff(path, set(by_name), set(model.roles.names))
    unmatched = 0
    for row in staff.itertuples(index=False):
        free = np.flatnonzero((positions.school == by_name[row.school])
                              & (positions.role == model.roles.index[row.role])
                              & (experience < 0))
        if free.size == 0:
            unmatched += 1
            continue
        experience[free[0]] = int(row.experience)
    return experience, unmatched


def add_students(state: State, scenario: Scenario, run_key: int, schools: list[School],
                 school_of: np.ndarray, grades: np.ndarray, year: int) -> np.ndarray:
    """Append students (school index and grade per student) in one pass; returns their rows.
    Flags follow each school's composition (its low-income, EL and disability shares)."""
    composition = scenario.district.composition
    population = scenario.parameters.population
    rows = state.students.add(len(grades))
    ids = state.new_student_ids(len(grades))
    table = state.students
    table.person_id[rows] = ids
    table.grade[rows] = grades
    table.school[rows] = school_of
    table.entry_year[rows] = year

    def draw(sub: int) -> np.ndarray:
        return kr.uniform(run_key, "build_student", 0, ids, sub)

    def share(attribute: str) -> np.ndarray:
        return np.array([getattr(s, attribute) for s in schools])[school_of]

    low_income = draw(kr.BUILD_STUDENT.low_income) < share("low_income_share")
    english_learner = draw(kr.BUILD_STUDENT.english_learner) < share("english_learner_share")
    disability = draw(kr.BUILD_STUDENT.disability) < share("disability_share")
    advanced = (draw(kr.BUILD_STUDENT.advanced) < composition.advanced) & ~disability
    race = race_given_low_income(composition, low_income, draw(kr.BUILD_STUDENT.race))

    need = np.tile(as_array(population.base_need), (len(rows), 1))
    need[disability, INDIVIDUALIZED] += population.disability_individualized_need
    need[disability, SOCIAL_EMOTIONAL] += population.disability_social_emotional_need
    need[english_learner, LANGUAGE] += population.english_learner_language_need
    need[advanced, CONTENT] += population.advanced_content_need
    spread = np.column_stack([kr.normal(run_key, "build_student", 0, ids,
                                        kr.BUILD_STUDENT.need_spread.nth(d))
                              for d in range(N_DOMAINS)])
    need *= np.exp(population.need_sd * spread - population.need_sd ** 2 / 2)

    # centred so a district of national composition starts on the norm (mean z = 0)
    standing = (kr.normal(run_key, "build_student", 0, ids, kr.BUILD_STUDENT.standing)
                + expected_offset(scenario))
    standing -= population.low_income_gap * low_income
    standing -= population.english_learner_gap * english_learner
    standing -= population.disability_gap * disability
    standing += population.advanced_lead * advanced
    standing -= race_gaps(population)[race]

    table.low_income[rows] = low_income
    table.english_learner[rows] = english_learner
    table.disability[rows] = disability
    table.advanced[rows] = advanced
    table.race[rows] = race
    table.need[rows] = need
    table.standing[rows] = standing
    return rows


def race_shares_given_low_income(composition) -> tuple[np.ndarray, np.ndarray]:
    """P(race | low income) and P(race | not low income), by Bayes from the district's race
    mix and ``low_income_by_race`` (rescaled so the mix gives ``composition.low_income``)."""
    share = np.array([getattr(composition.race, r) for r in RACES])
    likely = np.array([getattr(composition.low_income_by_race, r) for r in RACES])
    likely = np.minimum(likely * composition.low_income / max(share @ likely, 1e-12), 1.0)
    low, other = share * likely, share * (1.0 - likely)
    return low / max(low.sum(), 1e-12), other / max(other.sum(), 1e-12)


def race_given_low_income(composition, low_income: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Each student's race group from her uniform ``u``, by the mix of her income group: a
    low-income student is more often of color, so schools differ in racial composition as
    they differ in poverty."""
    given_low, given_other = race_shares_given_low_income(composition)
    last = len(RACES) - 1
    low = np.minimum(np.searchsorted(np.cumsum(given_low), u), last)
    other = np.minimum(np.searchsorted(np.cumsum(given_other), u), last)
    return np.where(low_income, low, other).astype(np.int8)


def race_gaps(population) -> np.ndarray:
    """Initial standing below White students' of each race group (``population.race_gap``)."""
    return np.array([getattr(population.race_gap, r) for r in RACES])


def expected_offset(scenario: Scenario) -> float:
    """Mean of the group offsets of initial standing at the configured composition."""
    composition = scenario.district.composition
    population = scenario.parameters.population
    share = np.array([getattr(composition.race, r) for r in RACES])
    return (share @ race_gaps(population)
            + population.low_income_gap * composition.low_income
            + population.english_learner_gap * composition.english_learner
            + population.disability_gap * composition.disability
            - population.advanced_lead * composition.advanced * (1 - composition.disability))


def grades_of(school: School) -> np.ndarray:
    """An even roster: ``students_per_grade`` students in each of the school's grades."""
    return np.repeat(np.array(school.grades, dtype=np.int8), school.students_per_grade)


def initial_roster(schools: list[School]) -> tuple[np.ndarray, np.ndarray]:
    """(school index, grade) of every initial student, school by school."""
    grades = [grades_of(s) for s in schools]
    school_of = np.repeat([s.index for s in schools], [len(g) for g in grades])
    return school_of.astype(np.int32), np.concatenate(grades)
