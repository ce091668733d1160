"""Each structural switch changes the state it should (not only "it runs")."""

import numpy as np
import pytest

from nextwork_sim.config import validate
from nextwork_sim.domains import DOMAINS
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.roles import CATEGORY_INDEX, ROLE_INDEX


def _model(model="next_workforce", preset="school", **staffing):
    scenario = validate({"name": "s", "years": 2, "burn_in_years": 0,
                         "district": {"preset": preset},
                         "staffing": {"model": model, **staffing}})
    return SchoolSystemModel(scenario, seed=9)


def _unit(model, unit=0):
    model.school_year.start_year(0)
    model.school_year.start_unit(0, unit)
    return model.school_year


def test_regrouping_raises_personalization_by_its_effect():
    on, off = _model(regroup_each_unit=True), _model(regroup_each_unit=False)
    try:
        effect = on.config.parameters.learning.regrouping_effect
        np.testing.assert_allclose(_unit(on).personalization - _unit(off).personalization,
                                   effect)
    finally:
        on.release()
        off.release()


def test_looping_keeps_students_with_their_adults_and_builds_continuity():
    looping, plain = _model(looping=True), _model(looping=False)
    try:
        looping.run(1)
        plain.run(1)
        state = looping.state
        before = state.students.community.copy()
        holders_before = state.positions.holder.copy()
        team_of = {k: set(holders_before[state.positions.community == k].tolist())
                   for k in range(state.communities.n)}
        looping.school_year.start_year(1)
        plain.school_year.start_year(1)
        kept = np.flatnonzero(state.students.continuity == 1)
        assert kept.size > 0.3 * (state.students.status == 0).sum()
        for row in kept[:50].tolist():
            new_team = set(state.positions.holder[state.positions.community
                                                  == state.students.community[row]].tolist())
            stayers = team_of[before[row]] & new_team
            assert stayers, "a looped student should keep at least one adult"
        assert plain.state.students.continuity.max() == 0
    finally:
        looping.release()
        plain.release()


def test_unit_length_members_carry_work_only_in_their_units():
    model = _model()
    try:
        hooks = _unit(model)
        rows = np.flatnonzero(model.state.educators.role == ROLE_INDEX["community_educator"])
        load_by_unit = []
        for unit in range(model.shape.n_units):
            hooks.start_unit(0, unit)
            hooks.school_days(0, unit * 20, 1)
            load_by_unit.append(model.state.educators.load[rows].copy())
        loads = np.array(load_by_unit)
        assert np.all((loads > 0).sum(axis=0) == model.shape.terms)  # one unit a term each
        fte = model.state.educators.fte[rows]
        config = model.config
        minutes = config.parameters.load.minutes_per_day
        # their FTE's minutes, less the team time beyond their part of the planning allowance
        beyond = (config.staffing.collaboration_minutes_per_week
                  - config.parameters.load.planning_allowance_minutes_per_week * fte)
        np.testing.assert_allclose(hooks.available[rows],
                                   fte * minutes - np.maximum(beyond, 0) / 5)
    finally:
        model.release()


def test_mentoring_speeds_novice_growth():
    with_mentor, without = _model(mentoring_minutes_per_week=120), _model(
        mentoring_minutes_per_week=0)
    try:
        grown = []
        for model in (with_mentor, without):
            hooks = _unit(model)
            novices = model.state.educators.category == CATEGORY_INDEX["novice"]
            before = model.state.educators.skill[novices].copy()
            hooks.end_week(0, 0)
            grown.append((model.state.educators.skill[novices] - before).sum())
        assert (with_mentor.school_year.mentor_minutes > 0).any()
        assert grown[0] > grown[1] >= 0
    finally:
        with_mentor.release()
        without.release()


@pytest.mark.parametrize("name", ["traditional", "next_workforce", "opportunity_culture"])
def test_every_student_has_a_responsible_adult_every_unit(name):
    model = _model(name, preset="district")
    try:
        hooks = _unit(model)
        for unit in range(model.shape.n_units):
            hooks.start_unit(0, unit)
            carrying = np.zeros(model.state.communities.n, dtype=bool)
            active = hooks.unit_mem_educator >= 0
            np.logical_or.at(carrying, hooks.mem_community[active],
                             hooks.split[active].sum(axis=1) > 0)
            served = model.state.students.community[model.state.students.status == 0]
            assert np.all(carrying[served])
    finally:
        model.release()


def test_just_right_never_gives_a_domain_below_threshold_unless_nobody_qualifies():
    model = _model(preset="district")
    try:
        hooks = _unit(model)
        state = model.state
        holder = np.maximum(hooks.unit_mem_educator, 0)
        skill = state.educators.skill[holder]
        category = state.educators.category[holder]
        factor = np.where(np.isin(category, [CATEGORY_INDEX["novice"],
                                             CATEGORY_INDEX["resident"]]),
                          model.config.staffing.sheltered_threshold_factor, 1.0)
        thresholds = hooks.thresholds[None, :] * factor[:, None]
        fixed = state.memberships.fixed >= 0
        below = (hooks.split > 0) & (skill < thresholds) & ~fixed & (hooks.unit_mem_educator
                                                                     >= 0)[:, None]
        for m, d in zip(*np.nonzero(below), strict=True):
            k = hooks.mem_community[m]
            peers = (hooks.mem_community == k) & (hooks.unit_mem_educator >= 0) & ~fixed[:, d]
            assert not np.any(skill[peers, d] >= thresholds[peers, d]), (
                f"{DOMAINS[d]} given below threshold although someone qualified")
    finally:
        model.release()


def test_opportunity_culture_converts_a_position_and_stays_near_budget_neutral():
    from nextwork_sim import run

    tables = {}
    for name in ("traditional", "opportunity_culture"):
        scenario = validate({"name": name, "years": 1, "burn_in_years": 0,
                             "staffing": {"model": name}})
        tables[name] = run(scenario, seed=3)
    def value(name, metric):
        t = tables[name]
        return t.query("metric == @metric and group == 'all'")["value"].iloc[0]
    assert value("opportunity_culture", "positions") < value("traditional", "positions")
    cost = value("opportunity_culture", "cost_per_student") / value("traditional",
                                                                    "cost_per_student")
    assert abs(cost - 1) < 0.05, f"cost ratio {cost:.3f}: reach extension should fund the leader"
