"""Invariants checked every year (nextwork_sim.invariants): every shipped config keeps them,
and each one fires on a state or a summer corrupted on purpose, naming itself and the year
(and the school where it applies)."""

import numpy as np
import pytest
from typer.testing import CliRunner

from nextwork_sim import invariants, summer
from nextwork_sim.cli import app
from nextwork_sim.config import load_config, validate
from nextwork_sim.invariants import InvariantError, check_record, check_state
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.outcomes import METRICS
from nextwork_sim.population import ACTIVE, ENROLLED, GRADUATED, LEFT

from .conftest import CONFIGS


def small(**extra):
    return validate({"name": "small", "years": 2, "burn_in_years": 0,
                     "district": {"preset": "school"}, **extra})


@pytest.fixture
def model():
    built = SchoolSystemModel(small(), seed=3)
    yield built
    built.release()


@pytest.mark.parametrize("config", sorted(p.name for p in CONFIGS.glob("*.toml")))
def test_every_shipped_config_keeps_every_invariant(config, monkeypatch):
    summers = []
    original = invariants.SummerWatch.students

    def counted(watch):
        summers.append(watch.year)
        original(watch)

    monkeypatch.setattr(invariants.SummerWatch, "students", counted)
    scenario = load_config(CONFIGS / config)
    model = SchoolSystemModel(scenario, seed=7)
    try:
        assert model.invariants
        model.run(3)
    finally:
        model.release()
    assert summers == list(range(scenario.burn_in_years + 3))


def test_results_are_the_same_with_and_without_the_checks():
    tables = []
    for checked in (True, False):
        model = SchoolSystemModel(small(), seed=5, invariants=checked)
        tables.append(model.run(2))
        model.release()
    assert tables[0].equals(tables[1])


def test_the_environment_switches_them_off(monkeypatch):
    monkeypatch.setenv(invariants.ENVIRONMENT, "0")
    model = SchoolSystemModel(small(), seed=1)
    assert not model.invariants
    model.release()


# --- the state, corrupted ------------------------------------------------------------------

def _school_of_first_active(model):
    e = model.state.educators
    row = int(np.flatnonzero(e.status == ACTIVE)[0])
    return row, model.schools[e.school[row]].name


def test_a_position_held_by_someone_who_left_is_caught(model):
    row, school = _school_of_first_active(model)
    model.state.educators.status[row] = LEFT
    with pytest.raises(InvariantError, match="positions_held_or_vacant broken in year 1") as err:
        check_state(model, 0)
    assert school in str(err.value)


def test_an_active_educator_without_a_post_is_caught(model):
    row, school = _school_of_first_active(model)
    post = model.state.educators.position[row]
    model.state.positions.holder[post] = -1
    with pytest.raises(InvariantError, match=f"educator row {row} of school '{school}'"):
        check_state(model, 0)


def test_a_closed_position_still_held_is_caught(model):
    row, _ = _school_of_first_active(model)
    model.state.positions.open[model.state.educators.position[row]] = False
    with pytest.raises(InvariantError, match="closed position"):
        check_state(model, 0)


@pytest.mark.parametrize("table, column, value", [
    ("students", "standing", np.nan), ("educators", "chronic_load", np.inf),
    ("memberships", "duty", -np.inf)])
def test_nan_or_inf_in_the_state_is_caught(model, table, column, value):
    getattr(model.state, table).column(column)[3] = value
    with pytest.raises(InvariantError, match=f"finite_state broken .*{table}.{column} is "
                       f"{value} in row 3 of school "):
        check_state(model, 0)


@pytest.mark.parametrize("table, column, value", [
    ("educators", "satisfaction", 1.5), ("educators", "skill", -0.1),
    ("memberships", "fixed", -0.5), ("positions", "fte", 2.0)])
def test_a_share_outside_0_1_in_the_state_is_caught(model, table, column, value):
    getattr(model.state, table).column(column)[2] = value
    with pytest.raises(InvariantError, match=f"shares_in_0_1 broken .*{table}.{column} is "):
        check_state(model, 1)


def test_a_fixed_share_of_minus_one_means_none_and_passes(model):
    model.state.memberships.fixed[:] = -1.0
    check_state(model, 0)


# --- the year's record, corrupted ----------------------------------------------------------

def _record(model):
    """One closed year's record rows, as the summer built them."""
    captured = {}
    original = invariants.SummerWatch.record

    def keep(watch, rows):
        captured["rows"] = list(rows)
        captured["held"] = dict(watch.held_posts)
        original(watch, rows)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(invariants.SummerWatch, "record", keep)
        model.run(1)
    return captured["rows"], captured["held"]


def test_the_record_checks_fire_on_corrupted_rows(model):
    rows, held = _record(model)
    check_record(model, 0, rows, held)  # the real record passes

    def changed(metric, group, value):
        return [(m, g, value if (m, g) == (metric, group) else v) for m, g, v in rows]

    cases = [
        (changed("leave_rate", "all", 1.2), "shares_in_0_1 broken in year 1: leave_rate"),
        (changed("enrollment", "all", np.nan), "finite_results broken in year 1: enrollment"),
        (changed("time_cost", "all", 1e6 + dict(((m, g), v) for m, g, v in rows)[
            ("time_cost", "all")]), "cost_lines_add_up broken in year 1: cost_total"),
        (changed("vacant_posts", "all", -1.0), "positions_held_or_vacant broken in year 1"),
    ]
    for corrupted, message in cases:
        with pytest.raises(InvariantError, match=message.replace("(", r"\(")):
            check_record(model, 0, corrupted, held)


def test_every_share_metric_is_checked_or_named_as_not_a_share():
    share_units = {name for name, metric in METRICS.items()
                   if metric.unit.startswith("share") or metric.unit == "0-1"}
    assert share_units == set(invariants.SHARE_METRICS) | set(invariants.state.NOT_SHARES)


# --- the summer, corrupted -----------------------------------------------------------------

def test_an_uncounted_departure_breaks_educator_conservation(model, monkeypatch):
    hire = summer.fill_vacancies

    def hire_and_lose_one(model, year):
        hired = hire(model, year)
        e = model.state.educators
        lost = np.flatnonzero((e.status == ACTIVE) & ~np.isin(np.arange(e.n), hired))[0]
        e.status[lost] = LEFT  # gone, but no step of the summer counts it
        return hired

    monkeypatch.setattr(summer, "fill_vacancies", hire_and_lose_one)
    with pytest.raises(InvariantError, match=r"educators_conserved broken in year 1 over the "
                       r"summer: \d+ active before .*- leavers \d+ .* but \d+ are active"):
        model.run(1)


def test_a_misreported_flow_is_named(model, monkeypatch):
    settle = summer.settle_transfers
    monkeypatch.setattr(summer, "settle_transfers",
                        lambda model, year, movers: settle(model, year, movers) + 1)
    with pytest.raises(InvariantError, match="educators_conserved .*movers and displaced who "
                       "found no post"):
        model.run(1)


def test_a_student_dropped_at_promotion_breaks_student_conservation(model, monkeypatch):
    promote = summer.promote_students

    def promote_and_drop_one(model, year):
        promote(model, year)
        s = model.state.students
        s.status[np.flatnonzero(s.status == ENROLLED)[0]] = GRADUATED

    monkeypatch.setattr(summer, "promote_students", promote_and_drop_one)
    with pytest.raises(InvariantError, match=r"students_conserved broken in year 1 over the "
                       r"summer: \d+ graduates, \d+ expected"):
        model.run(1)


def test_a_student_in_a_grade_her_school_does_not_teach_is_caught(model, monkeypatch):
    promote = summer.promote_students

    def promote_and_misplace(model, year):
        promote(model, year)
        s = model.state.students
        s.grade[np.flatnonzero(s.status == ENROLLED)[0]] = 12

    monkeypatch.setattr(summer, "promote_students", promote_and_misplace)
    with pytest.raises(InvariantError, match="students_conserved .* in grade 12 is enrolled "
                       "at school "):
        model.run(1)


def test_budget_lines_that_do_not_add_up_stop_the_run(model, monkeypatch):
    budget = summer.annual_budget

    def off_by_a_thousand(*args, **kwargs):
        lines = budget(*args, **kwargs)
        return {**lines, "cost_total": lines["cost_total"] + 1000.0}

    monkeypatch.setattr(summer, "annual_budget", off_by_a_thousand)
    with pytest.raises(InvariantError, match="cost_lines_add_up broken in year 1"):
        model.run(1)


def test_switched_off_nothing_is_checked(monkeypatch):
    model = SchoolSystemModel(small(), seed=3, invariants=False)
    monkeypatch.setattr(summer, "annual_budget", lambda *a, **k: {
        **dict.fromkeys(invariants.state.COST_LINES, 0.0), "cost_total": 1.0,
        "stipend_cost": 0.0})
    model.run(1)
    model.release()


def test_a_broken_invariant_is_one_line_on_the_command_line(tmp_path, monkeypatch):
    budget = summer.annual_budget
    monkeypatch.setattr(summer, "annual_budget", lambda *a, **k: {
        **budget(*a, **k), "cost_total": -1.0})
    out = tmp_path / "never"
    result = CliRunner().invoke(app, ["run", str(CONFIGS / "traditional.toml"), "--years", "1",
                                      "--set", 'district.preset="school"', "--set",
                                      "burn_in_years=0", "--quiet", "--out", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: invariant cost_lines_add_up broken "
                                                   "in year 1")
    assert "Traceback" not in result.output
    assert not out.exists()
