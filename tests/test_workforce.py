"""Workforce flows: drivers push rates the documented way, pipelines can run dry, and
draws are keyed by person."""

import numpy as np
import pytest

from nextwork_sim.config import validate
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE
from nextwork_sim.workforce.attrition import driver_shifts
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
            e = model.state.educators
            rows = np.flatnonzero((e.status == ACTIVE) & (e.experience <= 2)
                                  & (e.category == 4))
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
        assert (vacancy > 0).all() and (hires == 0).all()
        positions = model.state.positions
        teaching = model.roles.is_teacher[positions.role] & positions.open
        assert np.all(positions.holder[teaching] >= 0)  # every class has an adult
        subs = model.state.educators.substitute & (model.state.educators.status == ACTIVE)
        assert subs.sum() == (vacancy.iloc[-1] * teaching.sum()).round()
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


def test_the_same_person_gets_the_same_draw_when_another_school_grows():
    from nextwork_sim.kernels import keyed_random as kr

    small = validate({"name": "a", "district": {"preset": "district"}})
    big = validate({"name": "a", "district": {"preset": "district", "enrollment_scale": 1.3}})
    ids = np.arange(5000, 5100)
    a = SchoolSystemModel(small, seed=2)
    b = SchoolSystemModel(big, seed=2)
    try:
        assert a.run_key == b.run_key
        assert a.state.educators.n != b.state.educators.n
        np.testing.assert_array_equal(kr.uniform(a.run_key, "attrition", 3, ids),
                                      kr.uniform(b.run_key, "attrition", 3, ids))
    finally:
        a.release()
        b.release()
