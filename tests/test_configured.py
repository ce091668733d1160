"""Staffing models written in a config: impossible designs are rejected, good ones run."""

import numpy as np
import pytest

from nextwork_sim.config import ConfigError, load_config, validate
from nextwork_sim.model import SchoolSystemModel

from .conftest import CONFIGS


def _design(members, allocation="just_right", roles=(), **extra):
    return {"name": "c", "years": 1, "burn_in_years": 0, "district": {"preset": "school"},
            "staffing": {"model": "configured", "roles": list(roles),
                         "design": {"allocation": allocation, "members": members, **extra}}}


@pytest.mark.parametrize("members, allocation, message", [
    ([{"role": "teacher", "count": 3}], "just_right", "needs a lead"),
    ([{"role": "teacher", "count": 3}], "leader_coached", "needs a lead"),
    ([{"role": "paraeducator"}], "whole_class", "has no teacher"),
    ([{"role": "teacher", "fte": 1.5}], "whole_class", "staffing.design.members.0.fte = 1.5"),
    ([{"role": "wizard"}], "whole_class", "'wizard' is not defined"),
    ([{"role": "teacher"}, {"role": "paraeducator", "count": 3,
                            "fixed": {"individualized_support": 0.4}}],
     "whole_class", "fixed shares of individualized_support sum to 1.20"),
])
def test_impossible_designs_are_rejected_with_a_clear_line(members, allocation, message):
    with pytest.raises(ConfigError, match=message) as info:
        validate(_design(members, allocation))
    assert "\n" not in str(info.value)


def test_configured_needs_a_design_and_roles_cannot_shadow_built_ins():
    with pytest.raises(ConfigError, match=r"needs a \[staffing.design\] table"):
        validate({"name": "c", "staffing": {"model": "configured"}})
    with pytest.raises(ConfigError, match="built in"):
        validate(_design([{"role": "teacher"}], "whole_class",
                         roles=[{"name": "teacher", "category": "professional"}]))


def test_custom_example_runs_with_its_own_roles_and_multi_age_studios():
    scenario = load_config(CONFIGS / "custom_example.toml",
                           ['district.preset="school"', "burn_in_years=0", "years=1"])
    model = SchoolSystemModel(scenario, seed=2)
    try:
        hooks = model.school_year
        hooks.start_year(0)
        hooks.start_unit(0, 0)
        students, communities = model.state.students, model.state.communities
        enrolled = students.status == 0
        grades_in = {k: set(students.grade[enrolled & (students.community == k)].tolist())
                     for k in range(communities.n)}
        assert all(len(g) == 2 for g in grades_in.values())  # two grades per studio
        lead = model.roles.index["studio_lead"]
        assert (model.state.educators.role == lead).sum() == communities.n
        # a studio lead below the role's required project skill never gets that domain
        # unless nobody in the studio qualifies
        holder = np.maximum(hooks.unit_mem_educator, 0)
        is_lead = model.state.positions.role[model.state.memberships.position] == lead
        project = 6
        below = is_lead & (model.state.educators.skill[holder, project] < 0.5)
        given = below & (hooks.split[:, project] > 0)
        for m in np.flatnonzero(given):
            peers = hooks.mem_community == hooks.mem_community[m]
            assert not np.any(model.state.educators.skill[holder[peers], project] >= 0.35)
        table = model.run(1)
        assert table.query("metric == 'cost_per_student'")["value"].iloc[0] > 0
    finally:
        model.release()


@pytest.mark.parametrize("allocation", ["whole_class", "leader_coached"])
def test_other_allocation_rules_split_every_domain(allocation):
    members = [{"role": "teacher_leader"}, {"role": "teacher", "count": 2},
               {"role": "paraeducator", "domains": ["social_emotional"]}]
    model = SchoolSystemModel(validate(_design(members, allocation)), seed=1)
    try:
        hooks = model.school_year
        hooks.start_year(0)
        hooks.start_unit(0, 0)
        total = np.zeros((model.state.communities.n, 8))
        np.add.at(total, hooks.mem_community, hooks.split.astype(float))
        np.testing.assert_allclose(total[hooks.n_students > 0], 1.0, atol=1e-6)
        if allocation == "leader_coached":
            lead = model.state.educators.category[np.maximum(hooks.unit_mem_educator, 0)] == 1
            lead &= model.state.memberships.units == np.iinfo(np.uint64).max
            lead &= np.isin(hooks.mem_community, np.arange(model.state.communities.n))
            team_lead = lead & (model.state.memberships.duty[:, 0] > 0)
            np.testing.assert_allclose(hooks.split[team_lead, 0], 0.35, atol=1e-6)
    finally:
        model.release()
