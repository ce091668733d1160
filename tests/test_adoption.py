"""Mixed and phased adoption: the right schools switch at the right time, people and
positions stay consistent."""

import numpy as np
import pytest

from nextwork_sim.config import ConfigError, validate
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE, MOVED
from nextwork_sim.staffing.base import COMMUNITY_KINDS

TEAM = COMMUNITY_KINDS.index("team")


def _scenario(adoption, burn_in=1):
    return validate({"name": "a", "years": 3, "burn_in_years": burn_in,
                     "staffing": {"model": "traditional"}, "adoption": adoption})


def _open_team_schools(model):
    c = model.state.communities
    return set(c.school[c.open & (c.kind == TEAM)].tolist())


def test_a_share_of_schools_switches_in_its_year_and_not_before():
    scenario = _scenario([{"share": 0.5, "levels": ["elementary"], "from_year": 2,
                           "staffing": {"model": "next_workforce"}}])
    model = SchoolSystemModel(scenario, seed=3)
    try:
        assert _open_team_schools(model) == set()
        model.run(1)  # burn-in year + reported year 1: the switch happens in that summer
        switched = _open_team_schools(model)
        assert len(switched) == 6
        assert all(model.schools[s].level == "elementary" for s in switched)
        table = model.run(3)
        assert set(table["year"]) == {1, 2, 3}
        state = model.state
        open_positions = state.positions.open
        holders = state.positions.holder[open_positions]
        active = np.flatnonzero(state.educators.status == ACTIVE)
        assert np.array_equal(np.sort(holders[holders >= 0]), active)
        closed = ~open_positions
        assert np.all(state.positions.holder[closed] == -1)
        assert _open_team_schools(model) == switched
    finally:
        model.release()


def test_from_the_start_means_after_a_burn_in_under_the_base_model():
    scenario = _scenario([{"schools": ["elementary-1"], "from_year": 1,
                           "staffing": {"model": "next_workforce"}}], burn_in=2)
    model = SchoolSystemModel(scenario, seed=3)
    try:
        model.calendar.run(1)
        assert _open_team_schools(model) == set()
        model.calendar.run(1, first_year=1)
        assert _open_team_schools(model) == {0}
    finally:
        model.release()


def test_a_smaller_design_displaces_and_records_it():
    scenario = _scenario([{"schools": ["high-17"], "from_year": 2,
                           "staffing": {"model": "opportunity_culture"}}], burn_in=0)
    model = SchoolSystemModel(scenario, seed=3)
    try:
        table = model.run(2)

        def metric(name):
            return table.query(f"metric == '{name}' and group == 'all'")["value"].to_numpy()

        # the switch over the first summer prepares year 2 and is booked there
        assert metric("displaced")[0] == 0 and metric("displaced")[1] == model.displaced > 0
        e = model.state.educators
        moved_on = (e.exit_year == 0) & (e.status == MOVED)  # year 1's summer is year 0
        assert metric("displaced_left_district")[1] <= model.displaced
        assert moved_on.sum() >= metric("displaced_left_district")[1]
        positions = table.query("metric == 'positions' and group == 'all'")["value"].to_numpy()
        # 40 high-school classrooms became 12 pods (4, 3, 3 a grade), each converting a post
        assert positions[0] == 744 and positions[1] == 744 - 12  # during each year
    finally:
        model.release()


def test_a_shared_start_reports_its_switch_in_year_one(monkeypatch):
    """The switch of a shared start happens in the last burn-in summer, which is never
    reported: it must still show in year 1 (displaced, and who left), every displaced
    educator who left must carry an exit_year, and lead posts go to seasoned incumbents."""
    from nextwork_sim import adoption
    from nextwork_sim.roles import CATEGORY_INDEX

    seen, real_displace = [], adoption.displace
    monkeypatch.setattr(adoption, "displace", lambda model, rows, context: (
        seen.append(rows.copy()), real_displace(model, rows, context)))
    base = validate({"name": "traditional", "burn_in_years": 1,
                     "district": {"preset": "district"}})
    # Opportunity Culture converts a teaching post per pod: some teachers lose theirs
    teams = validate({"name": "pods", "burn_in_years": 1, "district": {"preset": "district"},
                      "staffing": {"model": "opportunity_culture"}})
    model = SchoolSystemModel(adoption.shared_start(base, teams), seed=3)
    try:
        model.run(0)  # the burn-in year and its summer, where the schools switch
        displaced = np.concatenate(seen)
        assert displaced.size == model.displaced > 0
        e, p = model.state.educators, model.state.positions
        left = displaced[e.status[displaced] != ACTIVE]
        assert np.all(e.status[left] == MOVED) and np.all(e.exit_year[left] == 0)
        stayed = displaced[e.status[displaced] == ACTIVE]
        assert np.all(e.position[stayed] >= 0)  # placed at another school
        leads = np.flatnonzero(p.open & (model.roles.category[p.role]
                                         == CATEGORY_INDEX["teacher_leader"]))
        held = p.holder[leads]
        # a traditional district has far more seasoned teachers than lead posts
        assert np.all(held >= 0) and not e.substitute[held].any()
        table = model.run(1)
        year_one = table.query("year == 1 and group == 'all'").set_index("metric")["value"]
        assert year_one["displaced"] == displaced.size
        assert year_one["displaced_left_district"] == left.size
        assert year_one["role_changes"] > 0
    finally:
        model.release()


def test_adoption_errors_are_config_errors():
    with pytest.raises(ConfigError, match="'nowhere' is not a school"):
        _scenario([{"schools": ["nowhere"], "staffing": {"model": "next_workforce"}}])
    with pytest.raises(ConfigError, match="exactly one of share or schools"):
        _scenario([{"staffing": {"model": "next_workforce"}}])


def test_a_switch_keeps_each_specialist_in_a_post_of_their_role():
    """Both designs have the same caseload specialists: nobody's role may change. Placing
    by category alone put special-education specialists into English-learner posts."""
    from nextwork_sim.adoption import switch_schools
    from nextwork_sim.summer import SummerContext

    scenario = _scenario([{"schools": ["high-17"], "from_year": 2,
                           "staffing": {"model": "next_workforce"}}], burn_in=0)
    model = SchoolSystemModel(scenario, seed=3)
    try:
        e = model.state.educators
        school = next(s.index for s in model.schools if s.name == "high-17")
        specialists = np.flatnonzero((e.status == ACTIVE) & (e.school == school)
                                     & (model.roles.category[e.role] == 3))
        roles = e.role[specialists].copy()
        assert np.unique(roles).size == 2  # both kinds are there to be mixed up
        switch_schools(model, 0, SummerContext())
        assert np.all(e.position[specialists] >= 0)
        np.testing.assert_array_equal(e.role[specialists], roles)
    finally:
        model.release()


def test_a_switch_to_fewer_leads_keeps_the_leaders_teaching():
    """A team school that goes back to one teacher per classroom has no lead posts: its
    teacher-leaders must take its teacher posts, not leave while those posts stay empty."""
    from nextwork_sim.adoption import switch_schools
    from nextwork_sim.roles import CATEGORY_INDEX
    from nextwork_sim.summer import SummerContext

    scenario = validate({"name": "a", "years": 2, "burn_in_years": 0,
                         "staffing": {"model": "next_workforce"},
                         "adoption": [{"schools": ["high-17"], "from_year": 2,
                                       "staffing": {"model": "traditional"}}]})
    model = SchoolSystemModel(scenario, seed=3)
    try:
        e, p = model.state.educators, model.state.positions
        school = next(s.index for s in model.schools if s.name == "high-17")
        leaders = np.flatnonzero((e.status == ACTIVE) & (e.school == school)
                                 & (e.category == CATEGORY_INDEX["teacher_leader"]))
        assert leaders.size > 0
        switch_schools(model, 0, SummerContext())
        assert np.all(e.position[leaders] >= 0) and np.all(e.school[leaders] == school)
        teaching = p.open & (p.school == school) & (model.roles.category[p.role]
                                                     == CATEGORY_INDEX["professional"])
        assert np.all(p.holder[teaching] >= 0)  # the school's own people fill its classrooms
    finally:
        model.release()
