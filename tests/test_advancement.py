"""Advancement into vacant lead roles follows the model's rule."""

import numpy as np
import pytest

from nextwork_sim.config import validate
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import LEFT
from nextwork_sim.roles import CATEGORY_INDEX
from nextwork_sim.workforce.advancement import advance_into_leads

LEAD = CATEGORY_INDEX["teacher_leader"]


def _vacate_a_lead(rule, residency_years: int = 1, **staffing):
    scenario = validate({"name": "a", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "school"},
                         "staffing": {"model": "next_workforce", "advancement": rule,
                                      **staffing},
                         "parameters": {"careers": {"residency_years": residency_years}}})
    model = SchoolSystemModel(scenario, seed=5)
    e, p = model.state.educators, model.state.positions
    lead = int(np.flatnonzero(e.category == LEAD)[0])
    e.status[lead] = LEFT
    p.holder[e.position[lead]] = -1
    return model, int(e.position[lead])


@pytest.mark.parametrize("years", [3, 12, 30])
def test_seat_time_never_advances_anyone_below_the_years(years):
    model, position = _vacate_a_lead("seat_time", advancement_years=years)
    try:
        e = model.state.educators
        e.degree[::2] = True  # seat time needs a degree too
        eligible = (e.status == 0) & (e.experience >= years) & e.degree & np.isin(
            e.category, [CATEGORY_INDEX["professional"], CATEGORY_INDEX["specialist"]])
        advanced = advance_into_leads(model)
        assert np.all(e.experience[advanced] >= years) and np.all(e.degree[advanced])
        assert advanced.size == (1 if eligible.any() else 0)
    finally:
        model.release()


def test_competency_promotes_the_most_skilled_qualified_and_frees_their_post():
    model, position = _vacate_a_lead("competency", advancement_skill=0.3,
                                     advancement_credentials=0)
    try:
        e, p = model.state.educators, model.state.positions
        eligible = np.isin(e.category, [CATEGORY_INDEX["professional"],
                                        CATEGORY_INDEX["specialist"]])
        candidates = np.flatnonzero((e.status == 0) & eligible & (e.skill[:, 7] >= 0.5)
                                    & (e.skill.mean(axis=1) >= 0.3))
        old_position = e.position.copy()
        advanced = advance_into_leads(model)
        assert advanced.size == 1
        person = advanced[0]
        assert person in candidates
        assert e.skill[person].mean() == pytest.approx(e.skill[candidates].mean(axis=1).max())
        assert p.holder[position] == person and e.category[person] == LEAD
        assert p.holder[old_position[person]] == -1  # hiring fills it next
    finally:
        model.release()


def test_nobody_qualified_leaves_the_lead_vacant_for_hiring():
    model, position = _vacate_a_lead("competency", advancement_skill=0.99)
    try:
        assert advance_into_leads(model).size == 0
        assert model.state.positions.holder[position] == -1
    finally:
        model.release()


def test_competency_needs_the_credentials():
    model, position = _vacate_a_lead("competency", advancement_skill=0.3,
                                     advancement_credentials=2)
    try:
        e = model.state.educators
        assert advance_into_leads(model).size == 0  # nobody holds credentials yet
        e.credentials[:] = 2
        assert advance_into_leads(model).size == 1
    finally:
        model.release()


def test_residents_who_served_their_years_take_their_schools_vacant_posts_first():
    from nextwork_sim.roles import ROLE_INDEX
    from nextwork_sim.workforce.advancement import paraeducators_into_teaching

    model, _ = _vacate_a_lead("competency", residency_years=2)
    try:
        e, p = model.state.educators, model.state.positions
        teacher = int(np.flatnonzero(e.role == ROLE_INDEX["teacher"])[0])
        school_post = int(e.position[teacher])
        e.status[teacher] = 1
        p.holder[school_post] = -1
        residents = np.flatnonzero(e.role == ROLE_INDEX["resident"])
        e.experience[residents] = 1
        # one year served of two: nobody finishes, nobody leaves
        grown = paraeducators_into_teaching(model, 0)
        assert grown.residents_home.size == grown.residents_left.size == 0
        assert p.holder[school_post] < 0
        e.experience[residents[1:]] = 2
        grown = paraeducators_into_teaching(model, 0)
        new_teacher = p.holder[school_post]
        assert new_teacher in residents.tolist() and new_teacher in grown.residents_home
        # a teacher now, in her second year under competency rules (residency credited)
        assert e.role[new_teacher] == ROLE_INDEX["teacher"]
        assert e.category[new_teacher] == CATEGORY_INDEX["novice"]
        # a beginning teacher of record next year, whatever experience was credited: she
        # joins year 1's entry cohort; the resident who has not finished stays a resident
        assert e.novice_entry[new_teacher] and e.entry_year[new_teacher] == 1
        assert e.role[residents[0]] == ROLE_INDEX["resident"] and e.status[residents[0]] == 0
        assert not e.novice_entry[residents[0]]
    finally:
        model.release()


def test_finished_residents_go_to_other_schools_then_leave_when_no_post_is_open():
    """With one teaching post open in another school and more finished residents than
    that, the most skilled takes it and the others leave the district: no one stays a
    resident past her residency."""
    from nextwork_sim.population import MOVED
    from nextwork_sim.roles import ROLE_INDEX
    from nextwork_sim.workforce.advancement import paraeducators_into_teaching

    scenario = validate({"name": "r", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "school", "enrollment_scale": 3.0},
                         "staffing": {"model": "next_workforce"}})
    model = SchoolSystemModel(scenario, seed=5)
    try:
        e, p = model.state.educators, model.state.positions
        residents = np.flatnonzero((e.role == ROLE_INDEX["resident"]) & (e.status == 0))
        assert residents.size >= 3
        e.experience[residents] = 1
        other = np.flatnonzero((e.role == ROLE_INDEX["teacher"]) & (e.status == 0)
                               & ~np.isin(e.school, e.school[residents]))
        home = np.flatnonzero((e.role == ROLE_INDEX["teacher"]) & (e.status == 0))
        assert other.size or home.size
        vacated = int((other if other.size else home)[0])
        post = int(e.position[vacated])
        e.status[vacated] = 1
        p.holder[post] = -1
        best = residents[np.lexsort((e.person_id[residents],
                                     -e.skill[residents].mean(axis=1)))][0]
        grown = paraeducators_into_teaching(model, 0)
        placed = np.concatenate([grown.residents_home, grown.residents_elsewhere])
        assert placed.tolist() == [best] and p.holder[post] == best
        np.testing.assert_array_equal(np.sort(grown.residents_left),
                                      np.sort(residents[residents != best]))
        assert np.all(e.status[grown.residents_left] == MOVED)
        assert np.all(e.position[grown.residents_left] == -1)
        assert not np.any((e.status == 0) & (e.role == ROLE_INDEX["resident"])
                          & (e.experience >= 1))
    finally:
        model.release()


def test_seat_time_teachers_leave_the_classroom_for_promotion_only_when_qualified():
    from nextwork_sim.config import validate
    from nextwork_sim.model import SchoolSystemModel
    from nextwork_sim.workforce.advancement import out_of_classroom

    scenario = validate({"name": "t", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "school"},
                         "parameters": {"careers": {"out_of_classroom_rate": 0.5}}})
    model = SchoolSystemModel(scenario, seed=3)
    try:
        e = model.state.educators
        e.degree[:] = False  # the steady start has degrees: take them away first
        assert out_of_classroom(model, 0).size == 0
        e.degree[:] = True
        gone = out_of_classroom(model, 0)
        assert gone.size > 0 and np.all(e.experience[gone] >= 7)
        assert np.all(model.state.positions.holder[model.state.positions.open] != gone[0])
    finally:
        model.release()


def _advance_one_position_at_a_time(model):
    """The rule as written, one vacancy at a time: the most skilled qualified professional or
    specialist then at the vacancy's school, stable ids breaking ties."""
    from nextwork_sim.population import ACTIVE
    from nextwork_sim.workforce.advancement import qualifies
    from nextwork_sim.workforce.placement import occupy

    positions, e = model.state.positions, model.state.educators
    vacant = np.flatnonzero((positions.holder < 0) & positions.open
                            & (model.roles.category[positions.role] == LEAD))
    advanced = []
    for position in vacant.tolist():
        school = positions.school[position]
        settings = model.staffing_models[model.school_model[school]].settings
        pool = np.flatnonzero((e.status == ACTIVE) & (e.school == school) & (e.position >= 0)
                              & np.isin(e.category, [CATEGORY_INDEX["professional"],
                                                     CATEGORY_INDEX["specialist"]]))
        pool = pool[qualifies(settings, e.skill[pool], e.experience[pool], e.credentials[pool],
                              e.degree[pool])]
        if pool.size:
            person = int(pool[np.lexsort((e.person_id[pool], -e.skill[pool].mean(axis=1)))[0]])
            occupy(model, person, position)
            advanced.append(person)
    return advanced


def test_advancement_in_queues_per_school_is_the_rule_one_vacancy_at_a_time():
    """Many leads vacated across a district's schools: the per-school queues advance the same
    people into the same positions as filling one vacancy at a time."""
    scenario = validate({"name": "a", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "district"},
                         "staffing": {"model": "next_workforce", "advancement": "seat_time",
                                      "advancement_years": 3}})
    outcomes = []
    for advance in (lambda m: advance_into_leads(m).tolist(), _advance_one_position_at_a_time):
        model = SchoolSystemModel(scenario, seed=8)
        try:
            e, p = model.state.educators, model.state.positions
            e.degree[::3] = True
            leads = np.flatnonzero(e.category == LEAD)[::2]
            e.status[leads] = LEFT
            p.holder[e.position[leads]] = -1
            moved = advance(model)
            outcomes.append((moved, p.holder.copy(), e.category.copy()))
        finally:
            model.release()
    assert len(outcomes[0][0]) > 5  # several schools, several vacancies
    assert outcomes[0][0] == outcomes[1][0]
    assert np.array_equal(outcomes[0][1], outcomes[1][1])
    assert np.array_equal(outcomes[0][2], outcomes[1][2])


def test_a_paraeducator_who_becomes_a_teacher_under_seat_time_starts_in_her_first_year():
    """Seat-time rules restart the count: the year after the move is her first as a teacher
    (experience 1, a novice), not her second (the summer's increment used to follow the
    restart)."""
    from nextwork_sim.roles import ROLE_INDEX
    from nextwork_sim.workforce.pipelines import PATHWAYS

    scenario = validate({"name": "t", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "district"}})
    model = SchoolSystemModel(scenario, seed=1)
    try:
        e = model.state.educators
        paras = np.flatnonzero((e.role == ROLE_INDEX["paraeducator"]) & (e.status == 0))
        model.calendar.run(1)
        moved = paras[(e.role[paras] == ROLE_INDEX["teacher"]) & (e.status[paras] == 0)]
        assert moved.size > 0
        assert np.all(e.pathway[moved] == PATHWAYS.index("para_to_teacher"))
        assert np.all(e.experience[moved] == 1)
        assert np.all(e.category[moved] == CATEGORY_INDEX["novice"])
        # the entry cohort of year 1 counts them (cohort_cumulative_leave), as the national
        # cohort studies count every beginning teacher, not only outside hires
        assert np.all(e.novice_entry[moved]) and np.all(e.entry_year[moved] == 1)
    finally:
        model.release()


def test_community_educators_climb_to_paraeducator_at_their_rate_and_each_step_costs():
    """The ladder's first rung: with a paraeducator post open at every school, community
    educators who served a year take them at community_to_para_rate (none at 0, all the open
    posts' worth at 1), and every step is charged."""
    from nextwork_sim.roles import ROLE_INDEX
    from nextwork_sim.workforce.advancement import ladder_cost, paraeducators_into_teaching

    def climb(rate):
        scenario = validate({"name": "c", "years": 1, "burn_in_years": 0,
                             "district": {"preset": "district"},
                             "staffing": {"model": "next_workforce"},
                             "parameters": {"careers": {"community_to_para_rate": rate,
                                                        "community_to_para_cost": 1000.0}}})
        model = SchoolSystemModel(scenario, seed=4)
        try:
            e, p = model.state.educators, model.state.positions
            community = np.flatnonzero(e.role == ROLE_INDEX["community_educator"])
            e.experience[community] = 1
            e.degree[:] = False  # no paraeducator moves up and frees another post
            e.credentials[:] = 0
            opened = 0
            for school in np.unique(e.school[community]):
                para = np.flatnonzero((e.role == ROLE_INDEX["paraeducator"])
                                      & (e.school == school) & (e.status == 0))[:1]
                e.status[para], p.holder[e.position[para]] = LEFT, -1
                opened += para.size
            grown = paraeducators_into_teaching(model, 0)
            return grown, ladder_cost(model, grown), opened, e.role.copy()
        finally:
            model.release()

    none, cost_none, _, _ = climb(0.0)
    assert none.community_to_para.size == 0 and cost_none == 0.0
    every, cost_every, opened, roles = climb(1.0)
    assert opened > 1 and every.community_to_para.size == opened  # one per open post
    assert np.all(roles[every.community_to_para] == ROLE_INDEX["paraeducator"])
    assert cost_every == 1000.0 * every.community_to_para.size
    some, _, _, _ = climb(0.3)
    assert 0 < some.community_to_para.size < every.community_to_para.size
