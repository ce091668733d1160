"""Invariants every staffing model keeps, and the two shipped models' structure."""

import numpy as np
import pytest

from nextwork_sim.config import ConfigError, validate
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.roles import CATEGORY_INDEX

MODELS = ["traditional", "next_workforce", "opportunity_culture", "tests.custom_staffing:CoTaught"]


def _model(name, preset="school"):
    scenario = validate({"name": "s", "years": 1, "burn_in_years": 0,
                         "district": {"preset": preset}, "staffing": {"model": name}})
    model = SchoolSystemModel(scenario, seed=4)
    model.school_year.start_year(0)
    return model


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("unit", [0, 1])
def test_splits_cover_each_domain_once(name, unit):
    model = _model(name)
    try:
        hooks = model.school_year
        hooks.start_unit(0, unit)
        k_count = model.state.communities.n
        total = np.zeros((k_count, 8))
        np.add.at(total, hooks.mem_community, hooks.split.astype(np.float64))
        served = hooks.n_students > 0
        np.testing.assert_allclose(total[served], 1.0, atol=1e-6)
        assert np.all(hooks.split >= 0)
        assert np.all(hooks.split[hooks.unit_mem_educator < 0] == 0)
    finally:
        model.release()


def test_every_student_is_in_one_community_of_their_school_and_grade():
    model = _model("next_workforce", preset="district")
    try:
        s, c = model.state.students, model.state.communities
        enrolled = s.status == 0
        assert np.all(s.community[enrolled] >= 0)
        assert np.array_equal(c.school[s.community[enrolled]], s.school[enrolled])
        assert np.array_equal(c.grade[s.community[enrolled]], s.grade[enrolled])
        sizes = np.bincount(s.community[enrolled], minlength=c.n)
        assert sizes.min() > 0
    finally:
        model.release()


def test_teams_have_a_teacher_leader_and_community_educators_come_and_go():
    model = _model("next_workforce")
    try:
        state, hooks = model.state, model.school_year
        leaders = state.educators.category == CATEGORY_INDEX["teacher_leader"]
        assert leaders.sum() == state.communities.n
        community_educator = state.educators.category == CATEGORY_INDEX["community_educator"]
        rows = np.flatnonzero(community_educator)
        serving = []
        for unit in range(model.shape.n_units):
            hooks.start_unit(0, unit)
            serving.append(np.isin(rows, hooks.unit_mem_educator).sum())
        assert max(serving) < len(rows)  # they come and go, never all at once
        assert sum(serving) == len(rows) * 2  # one unit a term, two terms
    finally:
        model.release()


def test_novices_are_sheltered_from_assessment_and_specialist_domains():
    model = _model("next_workforce", preset="district")
    try:
        hooks = model.school_year
        hooks.start_unit(0, 0)
        category = model.state.educators.category[np.maximum(hooks.unit_mem_educator, 0)]
        novice = (category == CATEGORY_INDEX["novice"]) & (hooks.unit_mem_educator >= 0)
        assert novice.any()
        assert np.all(hooks.split[novice][:, [2, 3, 4, 7]] == 0)
        assert hooks.split[novice][:, [0, 1]].sum() > 0
    finally:
        model.release()


def test_external_model_runs_and_bad_names_are_config_errors():
    model = _model("tests.custom_staffing:CoTaught")
    try:
        assert model.staffing.name == "co_taught"
        model.run(1)
    finally:
        model.release()
    # checked when the config is loaded (`check` catches them), not first when it runs
    for bad, reason in (("tests.custom_staffing:NotAModel", "is not a StaffingModel subclass"),
                        ("no_such_module:X", "cannot load it .ModuleNotFoundError"),
                        ("nextwork_sim.staffing:StaffingModel",
                         "does not implement form_communities and allocate")):
        with pytest.raises(ConfigError, match=f"staffing.model = '{bad}': {reason}"):
            validate({"name": "s", "staffing": {"model": bad}})
    with pytest.raises(ConfigError, match="allowed: configured, next_workforce"):
        validate({"name": "s", "staffing": {"model": "unknown"}})


@pytest.mark.parametrize("config", ["traditional.toml", "next_workforce.toml",
                                    "opportunity_culture.toml", "custom_example.toml"])
def test_a_kept_split_is_the_split_allocation_would_give(config):
    """Allocation is redone only when what the model reads has changed: at every unit
    start the split in use equals a fresh allocation of that unit's members."""
    from nextwork_sim.config import load_config
    from nextwork_sim.school_year import allocate

    from .conftest import CONFIGS

    scenario = load_config(CONFIGS / config, ['district.preset="district"',
                                              "district.enrollment_scale=0.1",
                                              "burn_in_years=0"])
    model = SchoolSystemModel(scenario, seed=5)
    try:
        hooks = model.school_year
        hooks.start_year(0)
        kept = 0
        for unit in range(model.shape.n_units):
            cached = dict(hooks.allocations)
            hooks.start_unit(0, unit)
            kept += all(hooks.allocations.get(i) is cached.get(i) for i in cached) and unit > 0
            fresh = allocate(model, hooks.unit_members(unit), {})
            np.testing.assert_array_equal(hooks.split, fresh)
            hooks.school_days(0, unit * model.shape.unit_days, model.shape.unit_days)
        if config in ("traditional.toml", "opportunity_culture.toml"):
            assert kept > 0  # splits by duty alone are kept between most units
    finally:
        model.release()


@pytest.mark.parametrize("groups", [5, 26_000, 40_000])
def test_roster_order_is_the_lexsort_order(groups):
    """Rosters shuffle each school-grade group by keyed uniforms: the fast sort keys give
    np.lexsort((u, group)) exactly, ties in u included, with 16-bit group codes or wider."""
    from nextwork_sim.school_year import roster_order

    rng = np.random.default_rng(groups)
    u = rng.random(50_000)
    u[::7] = u[1::7][: u[::7].size]  # equal uniforms: the earlier row first
    group = rng.integers(0, groups, u.size)
    assert np.array_equal(roster_order(u, group), np.lexsort((u, group)))


def test_support_staff_beyond_one_per_community_are_spread_through_the_grades():
    """1.4 paraeducators per teacher in self-contained classrooms: every classroom has one or
    two, and the classrooms with two are spread through the grades, not the first ones in
    grade order (which would give kindergarten the extra adults and bias growth by grade)."""
    scenario = validate({"name": "s", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "school"},
                         "staffing": {"paraeducators_per_teacher": 1.4}})
    model = SchoolSystemModel(scenario, seed=4)
    try:
        school = model.schools[0]
        staffing = model.staffing_models[0]
        design = staffing.form_communities(school)
    finally:
        model.release()
    classrooms = [k for k, c in enumerate(design.communities)]
    per_classroom = np.zeros(len(classrooms), dtype=int)
    for membership in design.memberships:
        if design.positions[membership["position"]]["role"] == "paraeducator":
            per_classroom[membership["community"]] += 1
    assert set(per_classroom) == {1, 2}
    grades = np.array([c["grade"] for c in design.communities])
    lower_half = grades <= np.median(grades)
    extra = per_classroom == 2
    # the extra paraeducators fall in proportion in the lower and the upper grades
    assert abs(extra[lower_half].mean() - extra[~lower_half].mean()) < 0.25
