"""Careers and money: credentials, budget lines, supplements."""

import numpy as np
import pytest

from nextwork_sim import run
from nextwork_sim.config import validate
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.roles import ROLE_INDEX
from nextwork_sim.workforce.credentials import term_learning


def _scenario(**staffing):
    return validate({"name": "c", "years": 1, "burn_in_years": 0,
                     "district": {"preset": "school"},
                     "staffing": {"model": "next_workforce", **staffing}})


def test_a_micro_credential_raises_the_skill_it_names_and_nothing_else():
    model = SchoolSystemModel(_scenario(credentials="micro"), seed=2)
    try:
        hooks = model.school_year
        hooks.start_year(0)
        e = model.state.educators
        e.studying[:] = 3  # everyone studies individualized_support
        e.studying[e.status != 0] = -1
        before = e.skill.copy()
        term_learning(model, 0, 0)
        done = np.flatnonzero(e.credentials > 0)
        assert done.size > 0
        gained = e.skill[done] - before[done]
        assert np.allclose(gained[:, 3], np.minimum(before[done, 3] + 0.05, 1) - before[done, 3])
        assert np.all(np.delete(gained, 3, axis=1) == 0)
        untouched = np.setdiff1d(np.flatnonzero(e.status == 0), done)
        new_students = e.studying[untouched] == -1  # may have enrolled again this term
        assert np.all(e.skill[untouched][~new_students] == before[untouched][~new_students])
    finally:
        model.release()


def test_price_deters_lower_paid_educators():
    enrolled = {}
    for pays in (0.0, 1.0):
        # a district's ~200 paraeducators: a school's eight may, by chance, enrol none
        scenario = _scenario(credentials="micro", district_pays_share=pays).model_copy(
            update={"district": validate({"name": "d", "district": {"preset": "district"}})
                    .district})
        model = SchoolSystemModel(scenario, seed=2)
        try:
            model.school_year.start_year(0)
            term_learning(model, 0, 0)
            e = model.state.educators
            para = e.role == ROLE_INDEX["paraeducator"]
            enrolled[pays] = (e.studying[para] >= 0).mean()
        finally:
            model.release()
    assert enrolled[1.0] > enrolled[0.0]


def test_budget_lines_add_up_every_year():
    table = run(_scenario(credentials="micro", district_pays_share=0.5), years=3, seed=4)
    lines = table[table["group"] == "all"].pivot_table(index="year", columns="metric",
                                                        values="value")
    parts = lines[["salary_cost", "benefits_cost", "time_cost", "transition_cost",
                   "credential_cost", "recruitment_cost", "turnover_cost"]]
    np.testing.assert_allclose(parts.sum(axis=1), lines["cost_total"], rtol=1e-12)
    assert (lines["credential_cost"] > 0).all()


def test_cost_responds_to_the_leader_supplement_as_the_arithmetic_says():
    totals, leader_pay = {}, {}
    for share in (0.2, 0.3):
        scenario = validate({"name": "oc", "years": 1, "burn_in_years": 0,
                             "staffing": {"model": "opportunity_culture"},
                             "parameters": {"costs": {"leader_supplement_share": share}}})
        model = SchoolSystemModel(scenario, seed=5)
        try:
            e = model.state.educators
            # without degrees nobody becomes a leader through seat time and there is no degree
            # lane, so which teachers lead does not depend on their pay
            e.degree[:] = False
            e.studying[:] = -1
            e.study_terms[:] = 0
            built = e.n
            experience = e.experience[:built].copy()  # the summer pays before the increment
            costs = scenario.parameters.costs
            table = model.run(1)
            # the year is paid by the role held at the summer (leaders who advanced included)
            leaders = np.flatnonzero(e.role[:built] == ROLE_INDEX["multi_classroom_leader"])
            steps = np.minimum(experience[leaders] - 1, costs.max_steps)
            leader_pay[share] = (costs.teacher_base_salary + costs.salary_step * steps).sum()
        finally:
            model.release()
        totals[share] = table.query("metric == 'salary_cost' and group == 'all'")["value"].iloc[0]
    # supplements scale the leaders' schedule pay; nothing else depends on the share in year 1
    assert totals[0.3] - totals[0.2] == pytest.approx(0.1 * leader_pay[0.2], rel=1e-9)


def test_budget_solver_finds_the_root_and_refuses_a_bad_bracket():
    from nextwork_sim.workforce.budget import solve_budget_neutral

    value, cost, trace = solve_budget_neutral(lambda x: 4000 + 800 * x, 4300, 0, 1,
                                              tolerance=0.5)
    assert value == pytest.approx(0.375, abs=1e-3) and abs(cost - 4300) <= 0.5
    with pytest.raises(ValueError, match="not between them"):
        solve_budget_neutral(lambda x: 4000 + 800 * x, 9000, 0, 1)


def test_compare_flags_a_design_that_costs_more(tmp_path):
    from typer.testing import CliRunner

    from nextwork_sim.cli import app

    from .conftest import CONFIGS

    result = CliRunner().invoke(app, [
        "compare", str(CONFIGS / "traditional.toml"), str(CONFIGS / "custom_example.toml"),
        "--years", "1", "--out", str(tmp_path / "o"), "--quiet", "--set", "burn_in_years=0"])
    assert result.exit_code == 0, result.output
    from nextwork_sim import load_results
    from nextwork_sim.workforce.budget import budget_flags

    flags = budget_flags(load_results(tmp_path / "o"), "traditional")
    assert [name for name, _ in flags] == ["studios"]  # two teachers per 50 students cost more
    assert f"not budget-neutral: studios costs ${flags[0][1]:,.0f} more" in result.output


def test_budget_solver_on_a_whole_number_field_returns_the_closest_whole_value():
    from nextwork_sim.workforce.budget import solve_budget_neutral

    value, cost, trace = solve_budget_neutral(lambda x: 6000 - 250 * x, 5180, 2, 6,
                                              tolerance=0.5, integer=True)
    assert value == 3.0 and all(float(v).is_integer() for v, _ in trace)


def test_budget_solve_command_recovers_the_baselines_own_value(tmp_path):
    """Solving the baseline's own config for its class size must land on its class size:
    every evaluation is the mean over replications with common random numbers."""
    from typer.testing import CliRunner

    from nextwork_sim.cli import app

    from .conftest import CONFIGS

    config = CONFIGS / "traditional.toml"
    result = CliRunner().invoke(app, [
        "budget-solve", str(config), "--baseline", str(config), "--field",
        "staffing.class_size", "--low", "20", "--high", "31", "--years", "1",
        "--replications", "2", "--quiet", "--set", 'district.preset="school"',
        "--set", "burn_in_years=0"])
    assert result.exit_code == 0, result.output
    assert "budget-neutral at staffing.class_size = 25:" in result.output
    assert "1 years x 2 replications" in result.output


def test_recurring_cost_leaves_the_transition_out():
    import pandas as pd

    from nextwork_sim.workforce.budget import mean_cost_per_student, recurring_cost_per_student

    rows = []
    for year, total, transition in ((1, 1_000_000.0, 100_000.0), (2, 900_000.0, 0.0)):
        for metric, value in (("cost_total", total), ("transition_cost", transition),
                              ("enrollment", 100.0), ("cost_per_student", total / 100)):
            rows.append(("a", 0, year, metric, "all", value))
    table = pd.DataFrame(rows, columns=["scenario", "replication", "year", "metric", "group",
                                        "value"])
    assert recurring_cost_per_student(table) == 9000.0
    assert mean_cost_per_student(table) == 9500.0


def test_unfilled_cost_per_student_reads_the_shadow_line():
    import pandas as pd

    from nextwork_sim.workforce.budget import unfilled_cost_per_student

    rows = [("a", 0, 1, "unfilled_post_cost", "all", 5000.0),
            ("a", 0, 1, "enrollment", "all", 100.0),
            ("a", 0, 2, "unfilled_post_cost", "all", 0.0),
            ("a", 0, 2, "enrollment", "all", 100.0)]
    table = pd.DataFrame(rows, columns=["scenario", "replication", "year", "metric", "group",
                                        "value"])
    assert unfilled_cost_per_student(table) == 25.0
    assert unfilled_cost_per_student(table[table["metric"] == "enrollment"]) == 0.0
