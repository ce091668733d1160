import numpy as np
import pytest

from nextwork_sim.kernels.cognitive_load import (
    chronic_and_efficacy,
    chronic_and_efficacy_reference,
    cognitive_load,
    cognitive_load_reference,
    load_share,
    load_share_reference,
)
from nextwork_sim.kernels.task_demand import task_demand, task_demand_reference

from .helpers import ATOL64, D, world

SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
def test_task_demand_matches_reference(seed):
    w = world(seed)
    out = np.empty_like(w.need_sum)
    task_demand(w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, out)
    expected = task_demand_reference(w.need_sum, w.minutes_per_need, w.coordination,
                                     w.fluctuation, 7)
    np.testing.assert_allclose(out, expected, **ATOL64)


def test_more_students_more_demand():
    w = world(1)
    low, high = np.empty_like(w.need_sum), np.empty_like(w.need_sum)
    task_demand(w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, low)
    task_demand(w.need_sum * 1.2, w.minutes_per_need, w.coordination, w.fluctuation, 7, high)
    assert np.all(high >= low) and high.sum() > low.sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_load_share_matches_reference_and_conserves_demand(seed):
    w = world(seed, k=1 + seed, e=1 + 2 * seed, m=3 + 3 * seed)
    demand = w.need_sum * w.minutes_per_need
    out = np.full((w.skill.shape[0], D), 99.0)
    load_share(w.split, w.mem_educator, w.mem_community, demand, w.available, out)
    expected = load_share_reference(w.split, w.mem_educator, w.mem_community, demand,
                                    w.available, w.skill.shape[0])
    np.testing.assert_allclose(out, expected, **ATOL64)
    filled = w.mem_educator >= 0
    carried = (w.split[filled] * demand[w.mem_community[filled]]).sum()
    assert (out * w.available[:, None]).sum() == pytest.approx(carried, rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_cognitive_load_matches_reference(seed):
    w = world(seed)
    rng = np.random.default_rng(seed)
    share = rng.random((w.skill.shape[0], D)) * (rng.random((w.skill.shape[0], D)) < 0.7)
    out = np.empty(w.skill.shape[0])
    cognitive_load(share, w.difficulty, w.skill, 0.1, 0.03, out)
    expected = cognitive_load_reference(share, w.difficulty, w.skill, 0.1, 0.03)
    np.testing.assert_allclose(out, expected, **ATOL64)


def test_load_falls_with_skill():
    w = world(2)
    share = np.full((w.skill.shape[0], D), 0.1)
    low, high = np.empty(w.skill.shape[0]), np.empty(w.skill.shape[0])
    cognitive_load(share, w.difficulty, w.skill, 0.1, 0.03, low)
    cognitive_load(share, w.difficulty, np.minimum(w.skill + 0.01, 1).astype(np.float32),
                   0.1, 0.03, high)
    assert np.all(high < low)


@pytest.mark.parametrize("seed", SEEDS)
def test_chronic_and_efficacy_match_reference(seed):
    rng = np.random.default_rng(seed)
    load = rng.uniform(0, 3, 50)
    chronic = rng.uniform(0, 2, 50)
    expected_chronic, expected_efficacy = chronic_and_efficacy_reference(load, chronic, 0.05,
                                                                         6.0, 1.1)
    efficacy = np.empty(50)
    chronic_and_efficacy(load, chronic, 0.05, 6.0, 1.1, efficacy)
    np.testing.assert_allclose(chronic, expected_chronic, **ATOL64)
    np.testing.assert_allclose(efficacy, expected_efficacy, **ATOL64)
    order = np.argsort(load)
    assert np.all((efficacy > 0) & (efficacy < 1))
    assert np.all(np.diff(efficacy[order]) <= 0)
