"""Mixed and phased adoption: the right schools switch at the right time, people and
positions stay consistent."""

import numpy as np
import pytest

from nextwork_sim.config import ConfigError, validate
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE
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
        displaced = table.query("metric == 'displaced' and group == 'all'")["value"].to_numpy()
        assert displaced[0] == model.displaced > 0 and displaced[1] == 0
        positions = table.query("metric == 'positions' and group == 'all'")["value"].to_numpy()
        # 40 high-school classrooms became 12 pods (4, 3, 3 a grade), each converting a post
        assert positions[0] == 744 - 12
    finally:
        model.release()


def test_adoption_errors_are_config_errors():
    with pytest.raises(ConfigError, match="'nowhere' is not a school"):
        _scenario([{"schools": ["nowhere"], "staffing": {"model": "next_workforce"}}])
    with pytest.raises(ConfigError, match="exactly one of share or schools"):
        _scenario([{"staffing": {"model": "next_workforce"}}])
