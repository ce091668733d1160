"""Workforce flows: drivers push rates the documented way, pipelines can run dry, and
draws are keyed by person."""

import numpy as np
import pytest

from nextwork_sim.config import validate
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE, LEFT, RETIRED
from nextwork_sim.roles import CATEGORY_INDEX
from nextwork_sim.workforce.advancement import ELIGIBLE_FOR_LEAD
from nextwork_sim.workforce.attrition import driver_shifts, driver_terms, summer_attrition
from nextwork_sim.workforce.pipelines import PATHWAYS


def _model(**extra):
    scenario = validate({"name": "w", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "school"}, **extra})
    model = SchoolSystemModel(scenario, seed=8)
    model.school_year.start_year(0)
    return model


@pytest.mark.parametrize("field, value, sign", [
    ("attrition.pay_effect", -3.0, "pay_below_market_raises"),
    ("attrition.leader_quality_effect", -1.0, "better_leader_lowers"),
    ("attrition.poverty_move_effect", 2.0, "poverty_raises"),
])
def test_rates_move_the_documented_way_with_each_driver(field, value, sign):
    model = _model(parameters={field.split(".")[0]: {field.split(".")[1]: value}})
    try:
        rows = np.flatnonzero(model.state.educators.status == ACTIVE)
        e = model.state.educators
        # one pathway for all: the early-retention shift of a pathway counts in years 1-3,
        # so the experience change below would move it too
        e.pathway[rows] = PATHWAYS.index("traditional")
        base_move, base_leave = driver_shifts(model, rows)
        school = model.schools[0]
        if sign == "pay_below_market_raises":
            e.experience[rows] = 2  # second step of the schedule: far below market pay
            move, _ = driver_shifts(model, rows)
            teacher = np.isin(e.category[rows], [1, 2, 3, 4])
            assert np.all(move[teacher] >= base_move[teacher])
            assert np.any(move[teacher] > base_move[teacher])
        elif sign == "better_leader_lowers":
            model.schools[0] = type(school)(**{**school.__dict__, "leader_quality": 2.0})
            move, leave = driver_shifts(model, rows)
            assert np.all(move < base_move) and np.all(leave < base_leave)
        else:
            model.schools[0] = type(school)(**{**school.__dict__, "low_income_share": 0.95})
            move, _ = driver_shifts(model, rows)
            assert np.all(move > base_move)
    finally:
        model.release()


def test_mentoring_and_collaboration_lower_early_attrition():
    with_support = _model(staffing={"model": "next_workforce",
                                    "collaboration_minutes_per_week": 150})
    without = _model(staffing={"model": "next_workforce", "mentoring_minutes_per_week": 0,
                               "collaboration_minutes_per_week": 60})
    try:
        shifts = []
        for model in (with_support, without):
            # every core teacher a first-year novice, mentors assigned again: the support
            # driver must then reach each of them (the build alone may draw no novice)
            e = model.state.educators
            rows = np.flatnonzero((e.status == ACTIVE) & (e.category == 2))
            e.experience[rows], e.category[rows] = 1, 4
            model.school_year.start_year(0)
            shifts.append(driver_shifts(model, rows)[1])
        assert shifts[0].size and np.all(shifts[0] < shifts[1])
    finally:
        with_support.release()
        without.release()


def test_an_empty_pipeline_leaves_vacancies_covered_by_substitutes_not_a_crash():
    dry = {name: {"supply_per_1000_students": 0.0} for name in
           ("traditional", "alternative", "residency", "para_to_teacher", "career_switcher",
            "community")}
    model = _model(years=2, parameters={"pipelines": dry})
    try:
        table = model.run(2)
        vacancy = table.query("metric == 'vacancy_rate' and group == 'all'")["value"]
        hires = table.query("metric == 'hires' and group == 'all'")["value"]
        # the build fills every post for year 1; the dry summer leaves year 2's to substitutes
        assert vacancy.iloc[0] == 0 and vacancy.iloc[1] > 0 and (hires == 0).all()
        positions = model.state.positions
        teaching = model.roles.is_teacher[positions.role] & positions.open
        assert np.all(positions.holder[teaching] >= 0)  # every class has an adult
        subs = model.state.educators.substitute & (model.state.educators.status == ACTIVE)
        # with nobody hired, every post a substitute covered in year 2 is covered again for
        # year 3, with those the second summer's leavers opened
        assert subs.sum() >= (vacancy.iloc[-1] * teaching.sum()).round() > 0
    finally:
        model.release()


def test_positions_are_filled_plus_vacant_every_year():
    model = _model(years=3)
    try:
        for year in range(3):
            model.run(year + 1)
            p = model.state.positions
            open_ = p.open
            filled = (p.holder[open_] >= 0).sum()
            assert filled + (p.holder[open_] < 0).sum() == open_.sum()
            active = (model.state.educators.status == ACTIVE).sum()
            assert active == filled
    finally:
        model.release()


def test_every_design_gets_the_same_entering_students():
    """Two designs hire different numbers of educators; the students who enter each year
    must still be the same people with the same needs, flags and standing. With one id
    counter for students and educators, the kindergarten of year 2 got other ids."""
    columns = ("person_id", "school", "grade", "need", "low_income", "english_learner",
               "disability", "advanced", "race", "standing")
    entering, educators = {}, {}
    for name in ("traditional", "next_workforce"):
        scenario = validate({"name": name, "burn_in_years": 0, "district": {"preset": "school"},
                             "staffing": {"model": name}})
        model = SchoolSystemModel(scenario, seed=3)
        cohorts = []
        try:
            for year in range(1, 6):
                model.run(year)
                s = model.state.students
                new = np.flatnonzero(s.entry_year == model.year)  # entered this summer
                cohorts.append({c: getattr(s, c)[new].copy() for c in columns})
            educators[name] = model.state.educators.n
        finally:
            model.release()
        entering[name] = cohorts
    assert educators["traditional"] != educators["next_workforce"]  # they hired differently
    for a, b in zip(entering["traditional"], entering["next_workforce"], strict=True):
        assert a["person_id"].size > 0
        for column in columns:
            np.testing.assert_array_equal(a[column], b[column], err_msg=column)


INITIAL_SKILL_PARAMETERS = (
    "leadership_entry_gap", "teacher_leader_skill_bonus", "teacher_leader_leadership_bonus",
    "specialist_skill_bonus", "resident_skill_gap", "paraeducator_novice_skill",
    "paraeducator_experience_gain", "paraeducator_experience_rate",
    "paraeducator_individualized_bonus", "community_educator_skill",
    "community_educator_content_skill", "community_educator_project_skill",
    "initial_skill_min", "initial_skill_max")


@pytest.mark.parametrize("name", INITIAL_SKILL_PARAMETERS)
def test_initial_skill_reads_each_step_from_the_parameters(name):
    """A step of the initial skills left as a literal in hiring.initial_skill would not move
    when its parameter does."""
    from nextwork_sim.parameters import SkillParams
    from nextwork_sim.roles import CATEGORY_INDEX, ROLE_INDEX
    from nextwork_sim.workforce.hiring import initial_skill

    roles = ["teacher_leader", "teacher", "special_education_specialist",
             "english_learner_specialist", "resident", "paraeducator", "community_educator"]
    role = np.array([ROLE_INDEX[r] for r in roles])
    category = np.array([CATEGORY_INDEX[c] for c in (
        "teacher_leader", "professional", "specialist", "specialist", "resident",
        "paraeducator", "community_educator")])
    experience = np.array([8, 6, 6, 6, 1, 4, 1], dtype=np.int16)
    # a spread that reaches both clip bounds
    noise = np.tile(np.array([0, -9.0, 9.0, 0, 0, 0, 0, 0]), (len(roles), 1))
    default = SkillParams()
    moved = default.model_copy(update={name: getattr(default, name) * 0.9})
    assert not np.array_equal(initial_skill(role, category, experience, noise, default),
                              initial_skill(role, category, experience, noise, moved))


def test_a_mover_placed_at_another_school_is_a_year_more_experienced():
    """Movers who find a post in the district keep teaching: their experience (and hence
    their pay step and category) advances like everyone else's. It used to stall."""
    scenario = validate({"name": "w", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "district"}})
    model = SchoolSystemModel(scenario, seed=4)
    try:
        e = model.state.educators
        active = np.flatnonzero(e.status == ACTIVE)
        school, experience = e.school[active].copy(), e.experience[active].copy()
        role = e.role[active].copy()
        model.run(1)
        # a paraeducator who becomes a teacher restarts her count (seat time): leave her out
        same_role = e.role[active] == role
        moved = (e.status[active] == ACTIVE) & (e.school[active] != school) & same_role
        assert moved.sum() > 0
        np.testing.assert_array_equal(e.experience[active[moved]], experience[moved] + 1)
        stayed = (e.status[active] == ACTIVE) & (e.school[active] == school) & same_role
        np.testing.assert_array_equal(e.experience[active[stayed]], experience[stayed] + 1)
    finally:
        model.release()


def test_the_advancement_path_keeps_only_teachers_who_could_climb_it():
    """Under seat time (8 years and a degree) the path term reaches exactly the professionals
    and specialists with both, at schools with a lead post; novices and those short of the
    rule get none, whatever their school."""
    model = _model(staffing={"model": "next_workforce", "advancement": "seat_time",
                             "advancement_years": 8},
                   parameters={"attrition": {"advancement_path_effect": -0.5}})
    try:
        e = model.state.educators
        rows = np.flatnonzero(e.status == ACTIVE)
        e.degree[rows] = np.arange(rows.size) % 2 == 0
        terms = driver_terms(model, rows)["advancement"][1]
        eligible = np.isin(e.category[rows], ELIGIBLE_FOR_LEAD)
        climbs = eligible & (e.experience[rows] >= 8) & e.degree[rows]
        assert climbs.any() and (eligible & ~climbs).any()
        np.testing.assert_array_equal(terms, np.where(climbs, -0.5, 0.0))
        assert not np.any(terms[e.category[rows] == CATEGORY_INDEX["novice"]])
    finally:
        model.release()


def _pool_counts(vacate_residents: int = 0, **parameters):
    """Candidates of a district summer by (pathway, kind), the supply factors and the open
    resident posts, the first ``vacate_residents`` resident posts emptied first."""
    from nextwork_sim.population import LEFT
    from nextwork_sim.roles import ROLE_INDEX
    from nextwork_sim.workforce.pipelines import KINDS, candidate_pool, supply_response

    scenario = validate({"name": "p", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "district"},
                         "staffing": {"model": "next_workforce"}, "parameters": parameters})
    model = SchoolSystemModel(scenario, seed=8)
    try:
        p, e = model.state.positions, model.state.educators
        posts = np.flatnonzero(p.open & (p.role == ROLE_INDEX["resident"]) & (p.holder >= 0))
        for post in posts[:vacate_residents]:
            e.status[p.holder[post]], e.position[p.holder[post]] = LEFT, -1
            p.holder[post] = -1
        pool = candidate_pool(model, 0)
        counts = {(PATHWAYS[q], KINDS[k]): int(np.sum((pool.pathway == q) & (pool.kind == k)))
                  for q in range(len(PATHWAYS)) for k in range(len(KINDS))}
        enrollment = sum(school.enrollment for school in model.schools)
        return counts, supply_response(model), enrollment
    finally:
        model.release()


def test_pipelines_answer_pay_stipends_and_the_entry_posts_a_design_opens():
    supply = validate({"name": "p"}).parameters.pipelines
    shipped, (pay, stipend, open_posts), enrollment = _pool_counts()
    assert (pay, stipend, open_posts) == (1.0, 1.0, 0)  # the calibrated supply, untouched

    def expected(pathway, factor, extra=0.0):
        return round(getattr(supply, pathway).supply_per_1000_students * enrollment / 1000
                     * factor + extra)

    for pathway in ("traditional", "alternative", "residency", "career_switcher"):
        assert shipped[(pathway, "teacher")] == expected(pathway, 1.0)
    raised, (pay_up, _, _), _ = _pool_counts(costs={"teacher_base_salary": 61600.0},
                                             pipelines={"pay_elasticity": 2.0})
    assert pay_up == pytest.approx(1.1 ** 2)
    for pathway in ("traditional", "alternative", "residency", "career_switcher"):
        assert raised[(pathway, "teacher")] == expected(pathway, pay_up)
    assert raised[("community", "para")] == shipped[("community", "para")]
    richer, (_, stipend_up, _), _ = _pool_counts(costs={"resident_stipend": 45000.0})
    assert stipend_up == pytest.approx(1.5)
    assert richer[("residency", "teacher")] == expected("residency", 1.5)
    assert richer[("traditional", "teacher")] == shipped[("traditional", "teacher")]
    # each open resident post draws applicants_per_entry_post (0.5) more resident candidates
    opened, (_, _, posts), _ = _pool_counts(vacate_residents=6)
    assert posts == 6
    assert opened[("residency", "resident")] == expected("residency", 1.0, 0.5 * 6)
    assert opened[("residency", "teacher")] == shipped[("residency", "teacher")]


def test_retirement_is_a_hazard_no_working_condition_shifts():
    """The same district under a far better and a far worse leader: other leaving moves, the
    retirees are the same people, at about retire_20_plus of the veterans."""
    retirees, leavers = [], []
    for effect in (-2.0, 0.0):
        model = _model(parameters={"attrition": {"leader_quality_effect": effect,
                                                 "retire_20_plus": 0.3}})
        try:
            e = model.state.educators
            veterans = np.flatnonzero((e.status == ACTIVE) & (e.experience >= 20))
            rows, outcome, _, _ = summer_attrition(model, 0)
            retirees.append(rows[outcome == RETIRED])
            leavers.append(rows[outcome == LEFT])
            assert np.all(e.experience[rows[outcome == RETIRED]] >= 20)
            assert retirees[-1].size == pytest.approx(0.3 * veterans.size,
                                                      abs=4 * np.sqrt(veterans.size * 0.21))
        finally:
            model.release()
    np.testing.assert_array_equal(retirees[0], retirees[1])
    assert leavers[0].size != leavers[1].size


def _mentoring_model(minutes: float):
    """Traditional (no teacher-leaders) with every third core teacher made a novice, and
    mentors assigned again."""
    model = _model(staffing={"model": "traditional", "mentoring_minutes_per_week": minutes})
    e = model.state.educators
    rows = np.flatnonzero((e.status == ACTIVE) & (e.category == CATEGORY_INDEX["professional"]))
    novices = rows[::3]
    e.experience[novices], e.category[novices] = 1, CATEGORY_INDEX["novice"]
    e.pathway[rows] = PATHWAYS.index("traditional")
    model.school_year.start_year(0)
    return model, novices


def test_without_teacher_leaders_an_experienced_teacher_of_the_school_mentors():
    model, novices = _mentoring_model(30.0)
    try:
        e, hooks = model.state.educators, model.school_year
        mentor = hooks.mentor[novices]
        assert np.all(mentor >= 0)
        assert np.all(e.school[mentor] == e.school[novices])
        assert np.all(e.category[mentor] == CATEGORY_INDEX["professional"])
        assert np.all(e.experience[mentor] >= 5)
        np.testing.assert_array_equal(hooks.mentor_minutes[novices], 30.0)
        # mentees spread over the school's experienced teachers: nobody mentors two while an
        # eligible colleague mentors none
        per_school = {}
        for m in mentor:
            per_school.setdefault(int(e.school[m]), []).append(int(m))
        for school, chosen in per_school.items():
            counts = np.unique(chosen, return_counts=True)[1]
            assert counts.max() - counts.min() <= 1, school
    finally:
        model.release()


def test_more_mentoring_lowers_mentored_teachers_leave_and_move_and_only_theirs():
    shifts = {}
    for minutes in (0.0, 15.0, 30.0, 60.0, 120.0):
        model, novices = _mentoring_model(minutes)
        try:
            e = model.state.educators
            rows = np.flatnonzero(e.status == ACTIVE)
            shifts[minutes] = (driver_shifts(model, rows), np.isin(rows, novices))
        finally:
            model.release()
    (move0, leave0), mentee = shifts[0.0]
    previous_move, previous_leave = move0, leave0
    for minutes in (15.0, 30.0, 60.0):
        (move, leave), _ = shifts[minutes]
        assert np.all(move[mentee] < previous_move[mentee])
        assert np.all(leave[mentee] < previous_leave[mentee])
        np.testing.assert_array_equal(move[~mentee], move0[~mentee])
        np.testing.assert_array_equal(leave[~mentee], leave0[~mentee])
        previous_move, previous_leave = move, leave
    # a full dose (60 minutes) gives the whole effect; more adds nothing
    np.testing.assert_allclose(shifts[120.0][0][1][mentee], shifts[60.0][0][1][mentee])
    np.testing.assert_allclose(shifts[60.0][0][1][mentee] - leave0[mentee], -0.35)
