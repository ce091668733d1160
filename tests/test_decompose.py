"""Decomposition: one differing element gets the whole difference; contributions add up."""

import itertools

import numpy as np
import pytest

from nextwork_sim.config import validate
from nextwork_sim.experiments.decompose import decompose, differing_elements, shapley

BASE = {"name": "base", "years": 2, "burn_in_years": 1, "district": {"preset": "school"}}


def _scenario(name, **staffing):
    return validate({**BASE, "name": name, "staffing": {"model": "traditional", **staffing}})


def test_shapley_of_an_additive_game_is_each_players_own_effect():
    elements = ["a", "b", "c"]
    effect = {"a": 1.0, "b": -2.0, "c": 0.5}
    values = {c: sum(effect[e] for e in c) + (0.3 if {"a", "b"} <= set(c) else 0.0)
              for r in range(4) for c in itertools.combinations(elements, r)}
    result = shapley(values, elements)
    assert result["c"] == pytest.approx(0.5)
    assert result["a"] == pytest.approx(1.15) and result["b"] == pytest.approx(-1.85)
    assert sum(result.values()) == pytest.approx(values[("a", "b", "c")] - values[()])


def test_the_only_element_that_matters_gets_the_whole_difference():
    base = _scenario("base")
    # secondary_periods is part of "structure" but the one school of the preset is elementary
    other = _scenario("other", collaboration_minutes_per_week=150, secondary_periods=4)
    assert differing_elements(base, other) == ["structure", "collaboration"]
    table = decompose(base, other, seed=2, replications=2, years=None,
                      metrics=("mean_skill", "attrition_rate"))
    for metric, part in table[table.kind == "design"].groupby("metric"):
        row = part.set_index("mechanism")["contribution"]
        assert row["structure"] == 0.0, metric
        assert row["collaboration"] == pytest.approx(row["total"], abs=1e-12)
    design = table[table.kind == "design"]
    skill = design[design.metric == "mean_skill"].set_index("mechanism")["contribution"]
    assert skill["total"] > 0  # more collaboration, more peer learning


def test_contributions_add_up_to_the_total_in_every_replication():
    base = _scenario("base")
    other = _scenario("other", collaboration_minutes_per_week=150,
                      mentoring_minutes_per_week=90, credentials="micro")
    table = decompose(base, other, seed=4, replications=2, years=None,
                      metrics=("mean_chronic_load", "cost_per_student"))
    for _, part in table[table.kind == "design"].groupby("metric"):
        row = part.set_index("mechanism")["contribution"]
        parts = row.drop(["total", "interaction"])
        assert np.isclose(parts.sum(), row["total"], atol=1e-9)
