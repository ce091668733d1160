"""Equal service unless the design says otherwise, and every post counted (issue 17, 3-4)."""

import numpy as np
import pytest
from typer.testing import CliRunner

from nextwork_sim import load_results
from nextwork_sim.cli import app
from nextwork_sim.config import load_config, validate
from nextwork_sim.district import build_schools
from nextwork_sim.roles import RoleCatalogue
from nextwork_sim.staffing import REGISTRY, staffing_class
from nextwork_sim.staffing.base import (
    School,
    class_size_teachers,
    classes_needed,
    even_groups,
    proportional_split,
)

from .conftest import CONFIGS

#: every registered model, the configured one as configs/custom_example.toml writes it
DESIGNS = {name: CONFIGS / f"{name}.toml" for name in REGISTRY if name != "configured"}
DESIGNS["configured"] = CONFIGS / "custom_example.toml"


def _staffing(scenario):
    settings = scenario.staffing
    model = staffing_class(settings.model)(settings, (0, 0, 1, 1))
    model.roles = RoleCatalogue(settings.roles)
    return model


def _school(per_grade: int, level: str = "high") -> School:
    grades = {"elementary": tuple(range(6)), "middle": (6, 7, 8), "high": (9, 10, 11, 12)}
    return School(index=0, level=level, grades=grades[level],
                  enrollment=per_grade * len(grades[level]), low_income_share=0.5,
                  english_learner_share=0.1, disability_share=0.13)


def test_the_class_size_rule_is_ceil_and_never_rounds_halves_to_even():
    assert classes_needed(240, 25) == 10 and classes_needed(250, 25) == 10
    assert classes_needed(251, 25) == 11 and classes_needed(3, 25) == 1
    assert even_groups(10, 4) == [4, 3, 3]  # 10 classrooms in pods of 4: three pods, not round(2.5)
    assert even_groups(4, 4) == [4] and even_groups(9, 4) == [3, 3, 3]
    assert proportional_split(240, [4, 3, 3]) == [96, 72, 72]
    assert sum(proportional_split(241, [4, 3, 3])) == 241
    assert School(0, "high", (9, 10), 5, 0.5, 0.1, 0.1).students_per_grade == 3  # 2.5 -> 3


@pytest.mark.parametrize("name", sorted(set(DESIGNS) - {"traditional"}))
def test_every_design_keeps_the_schools_specialists_and_paraeducators(name):
    """Support staff are the same under every design: caseload specialists and the
    paraeducators of the class-size teachers. Counting the design's own teaching posts cut
    0.4 paraeducator with every post Opportunity Culture converted, undeclared."""
    scenario = load_config(DESIGNS[name], [])
    base = load_config(CONFIGS / "traditional.toml", [])
    support = ("special_education_specialist", "english_learner_specialist", "paraeducator")
    for school in build_schools(scenario, 0):
        design = _staffing(scenario).form_communities(school)
        traditional = _staffing(base).form_communities(school)
        for role in support:
            assert design.count(role) == traditional.count(role), (name, school.name, role)


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_every_design_staffs_the_class_size_teachers_minus_what_it_declares(name):
    """Fails when a design under- or over-staffs teachers without declaring it (the old
    round(students / roster) teams gave a secondary grade of 240 eight teachers, not ten)."""
    scenario = load_config(DESIGNS[name], [])
    model = _staffing(scenario)
    class_size = scenario.staffing.class_size
    schools = build_schools(scenario, 0)
    assert len(schools) == 20  # the district preset
    # and a range of other sizes, where rounding rules differ most
    schools += [_school(n, level) for n in range(1, 400, 7)
                for level in ("elementary", "middle", "high")]
    for school in schools:
        design = model.form_communities(school)
        expected = class_size_teachers(school, class_size) - model.converted_teacher_posts(school)
        assert model.classroom_teacher_fte(design) == pytest.approx(expected), (school, name)
        if name != "opportunity_culture":  # only the reach extension converts posts
            assert model.converted_teacher_posts(school) <= 0, (school, name)
            assert not model.declared_conversions


def test_next_workforce_teams_hold_at_most_team_teachers_and_split_the_grade_by_teachers():
    scenario = load_config(CONFIGS / "next_workforce.toml", [])
    model = _staffing(scenario)
    design = model.form_communities(_school(240))
    teams = [k for k, c in enumerate(design.communities) if c["grade"] == 9]
    teachers = [sum(p["community"] == k and p["role"] in ("teacher", "teacher_leader")
                    for p in design.positions) for k in teams]
    leaders = [sum(p["community"] == k and p["role"] == "teacher_leader"
                   for p in design.positions) for k in teams]
    assert teachers == [4, 3, 3] and leaders == [1, 1, 1]
    assert [design.communities[k]["capacity"] for k in teams] == [96, 72, 72]


def test_opportunity_culture_declares_one_converted_post_per_pod():
    scenario = load_config(CONFIGS / "opportunity_culture.toml", [])
    model = _staffing(scenario)
    school = _school(240)  # 10 classrooms a grade: pods of 4, 3 and 3
    assert model.converted_teacher_posts(school) == 3 * 4
    assert model.classroom_teacher_fte(model.form_communities(school)) == 4 * (10 - 3)
    assert "reach extension" in model.declared_conversions


def test_a_configured_design_short_of_teachers_is_topped_up_or_declares_the_shortfall():
    data = {"name": "thin", "district": {"preset": "school"},
            "staffing": {"model": "configured", "class_size": 25, "design": {
                "students_per_community": 60, "allocation": "whole_class",
                "members": [{"role": "teacher"}, {"role": "paraeducator"}]}}}
    school = _school(240)
    topped = _staffing(validate(data, "thin"))
    assert topped.classroom_teacher_fte(topped.form_communities(school)) == 40
    assert topped.converted_teacher_posts(school) == 0
    data["staffing"]["design"]["teacher_posts"] = "as_designed"
    thin = _staffing(validate(data, "thin"))
    assert thin.classroom_teacher_fte(thin.form_communities(school)) == 4 * 4  # 240 / 60
    assert thin.converted_teacher_posts(school) == 40 - 16
    assert "as_designed" in thin.declared_conversions


def test_teams_and_classrooms_give_the_same_teachers_and_students_per_teacher(tmp_path):
    """District preset, first reported year (the built workforce fills every post, so no
    substitute blurs the count): next_workforce's teaching posts equal traditional's, and
    students per teacher agrees exactly: team splits partition the class-size teachers, so
    ceil rounding enters only the rosters, never the count. Opportunity Culture staffs its
    declared conversions fewer."""
    out = tmp_path / "service"
    names = ("traditional", "next_workforce", "opportunity_culture")
    result = CliRunner().invoke(app, ["compare", *(str(CONFIGS / f"{n}.toml") for n in names),
                                      "--years", "1", "--set", "burn_in_years=0",
                                      "--no-shared-start", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "students_per_teacher" in result.output and "adults per 100" in result.output
    table = load_results(out)
    value = table[table["group"] == "all"].set_index(["metric", "scenario"])["value"]
    assert value["positions", "next_workforce"] == value["positions", "traditional"]
    assert value["students_per_teacher", "next_workforce"] == pytest.approx(
        value["students_per_teacher", "traditional"], rel=1e-12)
    oc = load_config(CONFIGS / "opportunity_culture.toml", [])
    converted = sum(_staffing(oc).converted_teacher_posts(s) for s in build_schools(oc, 0))
    assert converted > 0
    assert value["positions", "opportunity_culture"] == value["positions", "traditional"] \
        - converted
    enrollment = value["enrollment", "traditional"]
    assert value["students_per_teacher", "opportunity_culture"] == pytest.approx(
        enrollment / (value["positions", "traditional"] - converted))
    adults = table[(table["metric"] == "adults_per_100_students")
                   & table["group"].str.startswith("category=")]
    by_scenario = adults.groupby("scenario")["value"].sum()
    for name in names:
        assert by_scenario[name] == pytest.approx(value["adults_per_100_students", name])


def test_posts_no_pipeline_fills_are_vacant_counted_and_priced_outside_the_total(tmp_path):
    """No residency supply, none drawn by open posts (and no paraeducator ready to become a
    resident): every resident
    post of next_workforce stays empty. Fails if vacancy counts teaching posts only, if the
    warning is missing, or if unfilled_post_cost leaks into cost_total."""
    out = tmp_path / "residents"
    result = CliRunner().invoke(app, [
        "compare", str(CONFIGS / "traditional.toml"), str(CONFIGS / "next_workforce.toml"),
        "--years", "2", "--set", 'district.preset="school"', "--set", "burn_in_years=1",
        "--set", "parameters.pipelines.residency.supply_per_1000_students=0",
        "--set", "parameters.pipelines.applicants_per_entry_post=0",
        "--set", "staffing.advancement_skill=1.0", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "warning: next_workforce leaves 100% of resident posts vacant during year 1 " \
           "(fill rate 0%, mean over years 0%)" in text
    table = load_results(out)
    rates = table[(table["metric"] == "vacancy_rate") & table["group"].str.startswith(
        "category=")].groupby(["scenario", "group"])["value"].max()
    for (scenario, group), worst in rates.items():  # a warning exactly where one is due
        warned = f"warning: {scenario} leaves {worst:.0%} of {group[9:]} posts" in text
        assert warned == (worst > 0.10), (scenario, group, worst)
    rows = table[table["scenario"] == "next_workforce"]
    value = rows.set_index(["metric", "group", "year"])["value"]
    resident_stipend = load_config(CONFIGS / "next_workforce.toml", []).parameters.costs \
        .resident_stipend
    for year in (1, 2):
        assert value["vacancy_rate", "category=resident", year] == 1.0
        posts = value["positions", "category=resident", year]
        assert posts > 0 and value["vacant_posts", "category=resident", year] == posts
        assert value["unfilled_post_cost", "category=resident", year] == pytest.approx(
            posts * resident_stipend)
        assert value["unfilled_post_cost", "all", year] > 0
    for scenario, part in table[table["group"] == "all"].groupby("scenario"):
        lines = part.pivot_table(index="year", columns="metric", values="value")
        parts = [m for m in ("salary_cost", "credential_cost", "recruitment_cost",
                             "turnover_cost", "benefits_cost", "time_cost", "transition_cost")
                 if m in lines]
        np.testing.assert_allclose(lines["cost_total"], lines[parts].sum(axis=1), rtol=1e-12,
                                   err_msg=scenario)


def test_students_are_spread_in_proportion_to_rosters_and_equal_rosters_keep_round_robin():
    from nextwork_sim.school_year import roster_seats

    first, count = np.array([0, 3]), np.array([3, 2])
    seat = roster_seats(np.array([96, 72, 72, 25, 25]), first, count)
    assert np.bincount(seat(np.zeros(240, int), np.arange(240)), minlength=5).tolist() == [
        96, 72, 72, 0, 0]
    fewer = np.bincount(seat(np.zeros(200, int), np.arange(200)), minlength=3)
    assert np.all(np.abs(fewer - 200 * np.array([0.4, 0.3, 0.3])) <= 1)
    ranks = np.arange(7)
    assert np.array_equal(seat(np.ones(7, int), ranks), 3 + ranks % 2)  # equal rosters
    plain = roster_seats(np.full(5, 25), first, count)
    assert np.array_equal(plain(np.zeros(7, int), ranks), ranks % 3)
