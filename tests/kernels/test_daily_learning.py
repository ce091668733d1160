import numpy as np
import pytest

from nextwork_sim.kernels.daily_learning import (
    instruction_quality,
    instruction_quality_reference,
    unit_learning,
    unit_learning_reference,
)

from .helpers import ATOL64, SHAPES, D, world


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_instruction_quality_matches_reference(seed, k, e, m):
    w = world(seed, k, e, m)
    efficacy = np.random.default_rng(seed).random(e)
    out = np.full((k, D), 7.0)  # stale values must be cleared
    instruction_quality(w.split, w.mem_educator, w.mem_community, w.skill, efficacy, out)
    expected = instruction_quality_reference(w.split, w.mem_educator, w.mem_community, w.skill,
                                             efficacy, k)
    np.testing.assert_allclose(out, expected, **ATOL64)


def _students(seed, s=40, k=5):
    rng = np.random.default_rng(seed)
    community = rng.integers(-1, k, s).astype(np.int32)
    need = rng.gamma(1.0, 1.0, (s, D)).astype(np.float32)
    community[-1] = k - 1  # at least one student served
    if s > 2:
        need[0] = 0.0  # a student with no need at all
        need[1, :4] = 0.0
    return community, need, rng.random((k, D)) * 20, rng.uniform(-1, 1, k), rng.normal(size=s)


@pytest.mark.parametrize(("seed", "s", "k"), [(0, 1, 1), (1, 40, 1), (2, 40, 5), (3, 300, 12)])
def test_unit_learning_matches_reference(seed, s, k):
    community, need, quality_sum, personalization, noise = _students(seed, s, k)
    args = (community, need, quality_sum, 20, personalization, noise, 0.8, 0.3, 0.05, 0.5, 5, 6)
    start = np.random.default_rng(seed).random((3, s))
    rate, intra, inter = start.copy()
    unit_learning(*args, rate, intra, inter)
    expected = unit_learning_reference(*args)
    for got, base, inc in zip((rate, intra, inter), start, expected, strict=True):
        np.testing.assert_allclose(got, base + inc, **ATOL64)
    skipped = community < 0
    assert np.array_equal(rate[skipped], start[0][skipped])


def test_reference_quality_gives_exactly_the_typical_rate():
    community, need, _, _, _ = _students(3)
    days, reference_match = 20, 0.3
    quality_sum = np.full((5, D), reference_match * days)
    rate = np.zeros(community.size)
    intra, inter = np.zeros_like(rate), np.zeros_like(rate)
    unit_learning(community, need, quality_sum, days, np.zeros(5), np.zeros(community.size),
                  0.8, reference_match, 0.05, 0.5, 5, 6, rate, intra, inter)
    served = community >= 0
    np.testing.assert_allclose(rate[served], days, rtol=0, atol=1e-12)
    assert np.all(rate[~served] == 0)


def test_better_instruction_in_needed_domains_means_more_learning():
    community, need, quality_sum, personalization, noise = _students(5)
    better = quality_sum.copy()
    better[:, 0] += 5.0
    base = np.zeros(community.size)
    more = np.zeros(community.size)
    scratch = np.zeros((4, community.size))
    for q, out in ((quality_sum, base), (better, more)):
        unit_learning(community, need, q, 20, personalization, noise, 0.8, 0.3, 0.05, 0.5, 5, 6,
                      out, scratch[0], scratch[1])
    helped = (community >= 0) & (need[:, 0] > 0)
    assert helped.any() and np.all(more[helped] > base[helped])
    assert np.array_equal(more[~helped], base[~helped])
