from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


@pytest.fixture
def small_scenario():
    """A one-school scenario that runs in well under a second a year."""
    from nextwork_sim.config import validate

    return validate({"name": "small", "years": 2, "burn_in_years": 0,
                     "district": {"preset": "school"}})


@pytest.fixture
def small_team_scenario():
    from nextwork_sim.config import validate

    return validate({"name": "small_team", "years": 2, "burn_in_years": 0,
                     "district": {"preset": "school"},
                     "staffing": {"model": "next_workforce",
                                  "collaboration_minutes_per_week": 150}})
