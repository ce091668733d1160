import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextwork_sim.kernels.cognitive_load import (
    chronic_and_efficacy,
    chronic_and_efficacy_reference,
    cognitive_load,
    cognitive_load_reference,
    load_share,
    load_share_reference,
)

from .helpers import ATOL64, SHAPES, D, world


def _demand(w):
    return w.need_sum * w.minutes_per_need


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_load_share_matches_reference(seed, k, e, m):
    w = world(seed, k, e, m)
    out = np.full((e, D), 99.0)  # stale values must be cleared
    load_share(w.split, w.mem_educator, w.mem_community, _demand(w), w.available, out)
    expected = load_share_reference(w.split, w.mem_educator, w.mem_community, _demand(w),
                                    w.available, e)
    np.testing.assert_allclose(out, expected, **ATOL64)


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_load_share_conserves_the_demand_filled_memberships_carry(seed, k, e, m):
    w = world(seed, k, e, m)
    demand = _demand(w)
    out = np.empty((e, D))
    load_share(w.split, w.mem_educator, w.mem_community, demand, w.available, out)
    filled = w.mem_educator >= 0
    filled_split = np.zeros((k, D))
    np.add.at(filled_split, w.mem_community[filled], w.split[filled])
    carried_minutes = (out * w.available[:, None]).sum(axis=0)
    np.testing.assert_allclose(carried_minutes, (demand * filled_split).sum(axis=0),
                               rtol=1e-12, atol=1e-9)


def test_with_no_vacancies_every_split_domain_is_carried_in_full():
    w = world(3, k=5, e=9, m=30)
    mem_educator = np.abs(w.mem_educator).astype(np.int32)  # fill every membership
    demand = _demand(w)
    out = np.empty((9, D))
    load_share(w.split, mem_educator, w.mem_community, demand, w.available, out)
    split_sum = np.zeros((5, D))
    np.add.at(split_sum, w.mem_community, w.split)
    assert np.allclose(split_sum[split_sum > 0], 1.0, atol=1e-6)
    np.testing.assert_allclose((out * w.available[:, None]).sum(),
                               (demand * (split_sum > 0)).sum(), rtol=1e-6)


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_cognitive_load_matches_reference(seed, k, e, m):
    w = world(seed, k, e, m)
    rng = np.random.default_rng(seed)
    share = rng.random((e, D)) * (rng.random((e, D)) < 0.7)
    share[0] = 0.0  # carries nothing: no switching cost either
    out = np.empty(e)
    cognitive_load(share, w.difficulty, w.skill, 0.1, 0.03, out)
    expected = cognitive_load_reference(share, w.difficulty, w.skill, 0.1, 0.03)
    np.testing.assert_allclose(out, expected, **ATOL64)
    assert out[0] == 0.0


def test_load_falls_with_skill_and_rises_with_domains_carried():
    w = world(2)
    e = w.skill.shape[0]
    share = np.full((e, D), 0.1)
    low, high = np.empty(e), np.empty(e)
    cognitive_load(share, w.difficulty, w.skill, 0.1, 0.03, low)
    cognitive_load(share, w.difficulty, np.minimum(w.skill + 0.01, 1).astype(np.float32),
                   0.1, 0.03, high)
    assert np.all(high < low)
    one_domain = np.zeros((e, D))
    one_domain[:, 0] = 0.8
    split_work = np.full((e, D), 0.1)
    uniform_skill = np.full((e, D), 0.5, dtype=np.float32)
    flat = np.ones(D)
    focused, spread = np.empty(e), np.empty(e)
    cognitive_load(one_domain, flat, uniform_skill, 0.1, 0.03, focused)
    cognitive_load(split_work, flat, uniform_skill, 0.1, 0.03, spread)
    np.testing.assert_allclose(spread - focused, 0.03 * (D - 1), **ATOL64)


@pytest.mark.parametrize("n", [1, 50])
def test_chronic_and_efficacy_match_reference(n):
    rng = np.random.default_rng(n)
    load = rng.uniform(0, 3, n)
    chronic = rng.uniform(0, 2, n)
    expected_chronic, expected_efficacy = chronic_and_efficacy_reference(load, chronic, 0.05,
                                                                         6.0, 1.1)
    efficacy = np.empty(n)
    chronic_and_efficacy(load, chronic, 0.05, 6.0, 1.1, efficacy)
    np.testing.assert_allclose(chronic, expected_chronic, **ATOL64)
    np.testing.assert_allclose(efficacy, expected_efficacy, **ATOL64)


@settings(max_examples=50, deadline=None)
@given(load=st.lists(st.floats(0, 10), min_size=1, max_size=30),
       slope=st.floats(0.1, 10), threshold=st.floats(0.5, 2))
def test_efficacy_lies_in_the_open_unit_interval_and_falls_with_load(load, slope, threshold):
    load = np.sort(np.array(load))
    efficacy = np.empty(load.size)
    chronic_and_efficacy(load, np.zeros(load.size), 0.05, slope, threshold, efficacy)
    assert np.all((efficacy > 0) & (efficacy < 1))
    assert np.all(np.diff(efficacy) <= 0)
