"""Time has a price and the budget is the full cost: collaboration beyond the planning
allowance and mentoring come out of the day or are paid; benefits, paid time and transition
training are budget lines inside cost_total."""

import numpy as np
import pytest

from nextwork_sim import run
from nextwork_sim.adoption import switch_schools
from nextwork_sim.config import ConfigError, load_config, validate
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE
from nextwork_sim.summer import SummerContext

from .conftest import ROOT

ALLOWANCE = 225.0  # parameters.load.planning_allowance_minutes_per_week
LINES = ("salary_cost", "benefits_cost", "time_cost", "transition_cost", "credential_cost",
         "recruitment_cost", "turnover_cost")


def _traditional(minutes: float, funded: str, years: int = 1):
    """Traditional with ``minutes`` of collaboration and no mentoring: the only time beyond
    the allowance is the collaboration these tests vary (mentoring's own test is below)."""
    return validate({"name": "t", "years": years, "burn_in_years": 0,
                     "district": {"preset": "school"},
                     "staffing": {"model": "traditional",
                                  "collaboration_minutes_per_week": minutes,
                                  "mentoring_minutes_per_week": 0.0,
                                  "time_funded": funded}})


def _all(table, metric: str) -> np.ndarray:
    return table.query("metric == @metric and group == 'all'").sort_values("year")[
        "value"].to_numpy()


def _started(scenario, seed=2):
    model = SchoolSystemModel(scenario, seed=seed)
    model.school_year.start_year(0)
    return model


def test_collaboration_beyond_the_allowance_comes_out_of_the_day_or_is_paid_per_minute():
    p = _traditional(600, "within_day").parameters
    for funded in ("within_day", "paid"):
        model = _started(_traditional(600, funded))
        try:
            e, hooks = model.state.educators, model.school_year
            collaborating = (e.status == ACTIVE) & (e.community >= 0)
            assert np.all(e.fte[collaborating] == 1.0)  # traditional posts are full-time
            extra = 600 - ALLOWANCE
            day = p.load.minutes_per_day - (extra / 5 if funded == "within_day" else 0.0)
            assert np.allclose(hooks.available[collaborating], day)
            dollars = (collaborating.sum() * extra / 60 * 180 / 5
                       * p.costs.extra_time_hourly_rate)
            assert hooks.time_cost == pytest.approx(dollars if funded == "paid" else 0.0,
                                                    rel=1e-12)
        finally:
            model.release()


def test_added_minutes_raise_daily_load_within_the_day_and_cost_when_paid():
    at_allowance = run(_traditional(ALLOWANCE, "within_day"), years=2, seed=2)
    within_day = run(_traditional(600, "within_day"), years=2, seed=2)
    paid_at_allowance = run(_traditional(ALLOWANCE, "paid"), years=2, seed=2)
    paid = run(_traditional(600, "paid"), years=2, seed=2)
    load = {name: _all(t, "mean_chronic_load").mean()
            for name, t in (("base", at_allowance), ("within", within_day), ("paid", paid))}
    assert load["within"] > load["base"]  # 75 of 450 minutes a day gone
    assert np.all(_all(within_day, "time_cost") == 0.0)
    assert np.all(_all(paid, "time_cost") > 0.0)
    assert np.all(_all(paid, "cost_total") > _all(paid_at_allowance, "cost_total"))
    # paid time leaves the day whole: load no higher than at the allowance
    assert load["paid"] <= load["base"] + 1e-9


def test_a_config_at_the_allowance_does_not_depend_on_how_time_is_funded():
    within = run(_traditional(ALLOWANCE, "within_day"), years=2, seed=3)
    paid = run(_traditional(ALLOWANCE, "paid"), years=2, seed=3)
    assert within.drop(columns="scenario").equals(paid.drop(columns="scenario"))
    assert np.all(_all(paid, "time_cost") == 0.0)


def test_mentoring_minutes_come_out_of_the_mentor_and_the_mentee():
    def started(minutes):
        return _started(validate({"name": "m", "years": 1, "burn_in_years": 0,
                                  "district": {"preset": "school"},
                                  "staffing": {"model": "next_workforce",
                                               "mentoring_minutes_per_week": minutes}}))

    plain, mentored = started(0), started(60)
    try:
        hooks = mentored.school_year
        mentees = np.flatnonzero(hooks.mentor >= 0)
        assert mentees.size > 0
        given = np.bincount(hooks.mentor[mentees], minlength=hooks.available.size) * 60.0
        received = np.where(hooks.mentor >= 0, 60.0, 0.0)
        lost = plain.school_year.available - hooks.available
        assert np.allclose(lost, (given + received) / 5)
        assert lost[hooks.mentor[mentees]].min() >= 12.0  # every mentor gives time
    finally:
        plain.release()
        mentored.release()


def test_time_funded_is_checked():
    with pytest.raises(ConfigError, match="time_funded"):
        validate({"name": "x", "staffing": {"time_funded": "overtime"}})


@pytest.mark.parametrize("name", ["traditional", "next_workforce", "opportunity_culture"])
def test_the_budget_lines_add_up_and_benefits_are_the_rate_on_salaries(name):
    scenario = load_config(ROOT / "configs" / f"{name}.toml")
    table = run(scenario, years=2, seed=1)
    lines = table[table["group"] == "all"].pivot_table(index="year", columns="metric",
                                                        values="value")
    np.testing.assert_allclose(lines[list(LINES)].sum(axis=1), lines["cost_total"], rtol=1e-12)
    np.testing.assert_allclose(lines["benefits_cost"],
                               scenario.parameters.costs.benefits_rate * lines["salary_cost"],
                               rtol=1e-12)
    np.testing.assert_allclose(lines["cost_per_student"],
                               lines["cost_total"] / lines["enrollment"], rtol=1e-12)


def _switching_high_school():
    return validate({"name": "a", "years": 2, "burn_in_years": 0,
                     "staffing": {"model": "traditional"},
                     "adoption": [{"schools": ["high-17"], "from_year": 2,
                                   "staffing": {"model": "next_workforce"}}]})


def test_role_changes_count_the_educators_placed_in_another_role():
    model = SchoolSystemModel(_switching_high_school(), seed=3)
    try:
        e = model.state.educators
        school = next(s.index for s in model.schools if s.name == "high-17")
        there = np.flatnonzero((e.status == ACTIVE) & (e.school == school))
        role_before = e.role[there].copy()
        context = SummerContext()
        switch_schools(model, 0, context)
        stayed = (e.status[there] == ACTIVE) & (e.school[there] == school)
        changed = int(np.sum(stayed & (e.role[there] != role_before)))
        assert changed > 0  # the teams' leads are promoted from within
        assert context.role_changes == changed
    finally:
        model.release()


def test_transition_training_is_charged_in_the_year_the_switch_prepares():
    scenario = _switching_high_school()  # switches over the first summer, for year 2
    table = run(scenario, years=2, seed=3)
    transition = _all(table, "transition_cost")
    per_educator = scenario.parameters.costs.transition_training_cost
    assert transition[0] == 0 and transition[1] > 0
    assert transition[1] == per_educator * _all(table, "role_changes")[1]
    lines = table[table["group"] == "all"].pivot_table(index="year", columns="metric",
                                                        values="value")
    np.testing.assert_allclose(lines[list(LINES)].sum(axis=1), lines["cost_total"], rtol=1e-12)


def test_time_funding_is_a_design_element_of_explain():
    from nextwork_sim.experiments.decompose import differing_elements, hybrid

    base = _traditional(600, "within_day")
    other = _traditional(600, "paid")
    assert differing_elements(base, other) == ["time_funding"]
    assert hybrid(base, other, ("time_funding",)).staffing.time_funded == "paid"
    assert hybrid(base, other, ()).staffing.time_funded == "within_day"


def test_a_switch_over_the_summer_does_not_reprice_the_year_that_was():
    """Year 1 is the same year, with the same people in the same roles, whether or not a
    school switches over its summer: its pay must be the same. Priced after the switch,
    the promoted leads' stipends and the changed roles leaked into year 1."""
    switching = run(_switching_high_school(), years=1, seed=3)
    staying = run(validate({"name": "a", "years": 1, "burn_in_years": 0,
                            "staffing": {"model": "traditional"}}), years=1, seed=3)
    for line in ("salary_cost", "stipend_cost", "benefits_cost"):
        assert _all(switching, line)[0] == _all(staying, line)[0], line
    assert _all(switching, "role_changes")[0] == 0  # booked to year 2, not repriced here
