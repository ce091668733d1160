import numpy as np
import pytest

from nextwork_sim.kernels import keyed_random as kr
from nextwork_sim.kernels.attrition import (
    attrition_probabilities,
    attrition_probabilities_reference,
)
from nextwork_sim.kernels.satisfaction import satisfaction_update, satisfaction_update_reference

from .helpers import ATOL64, RTOL32


def _rates(seed, n=60):
    rng = np.random.default_rng(seed)
    move = rng.uniform(0, 0.2, n)
    leave = rng.uniform(0, 0.2, n)
    move[:3] = 0.0
    leave[3:5] = 0.0
    return move, leave, rng.uniform(0, 2, n), rng.random(n).astype(np.float32)


@pytest.mark.parametrize("seed", range(5))
def test_attrition_probabilities_match_reference(seed):
    move, leave, chronic, satisfaction = _rates(seed)
    p_move, p_leave = np.empty_like(move), np.empty_like(move)
    rng = np.random.default_rng(seed + 100)
    shifts = rng.normal(0, 0.5, (2, move.size))
    attrition_probabilities(move, leave, chronic, satisfaction, 0.8, 1.0, 1.0, 0.6, *shifts,
                            p_move, p_leave)
    exp_move, exp_leave = attrition_probabilities_reference(move, leave, chronic, satisfaction,
                                                            0.8, 1.0, 1.0, 0.6, *shifts)
    np.testing.assert_allclose(p_move, exp_move, **ATOL64)
    np.testing.assert_allclose(p_leave, exp_leave, **ATOL64)
    assert np.all(p_move[:3] == 0) and np.all(p_leave[3:5] == 0)
    assert np.all(p_move + p_leave < 1)


def test_base_rates_hold_at_reference_drivers_and_load_raises_attrition():
    move, leave, _, _ = _rates(1)
    at_reference = np.ones_like(move)
    satisfaction = np.full(move.size, 0.6, dtype=np.float32)
    p_move, p_leave = np.empty_like(move), np.empty_like(move)
    zero = np.zeros_like(move)
    attrition_probabilities(move, leave, at_reference, satisfaction, 0.8, 1.0, 1.0,
                            float(np.float32(0.6)), zero, zero, p_move, p_leave)
    np.testing.assert_allclose(p_move, move, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(p_leave, leave, rtol=1e-12, atol=1e-15)
    heavy_move, heavy_leave = np.empty_like(move), np.empty_like(move)
    attrition_probabilities(move, leave, at_reference + 0.5, satisfaction, 0.8, 1.0, 1.0,
                            float(np.float32(0.6)), zero, zero, heavy_move, heavy_leave)
    positive = (move + leave) > 0
    assert np.all(heavy_move[positive] + heavy_leave[positive] > move[positive] + leave[positive])
    pushed_move, pushed_leave = np.empty_like(move), np.empty_like(move)
    attrition_probabilities(move, leave, at_reference, satisfaction, 0.8, 1.0, 1.0,
                            float(np.float32(0.6)), zero + 0.3, zero - 0.3, pushed_move,
                            pushed_leave)
    assert np.all(pushed_move[move > 0] > move[move > 0])
    assert np.all(pushed_leave[leave > 0] < leave[leave > 0])


@pytest.mark.parametrize("seed", range(5))
def test_satisfaction_update_matches_reference(seed):
    rng = np.random.default_rng(seed)
    satisfaction = rng.random(30).astype(np.float32)
    chronic, feedback = rng.uniform(0, 2, 30), rng.random(30).astype(np.float32)
    expected = satisfaction_update_reference(satisfaction, chronic, feedback, 0.6, 0.3, 0.1, 6.0)
    satisfaction_update(satisfaction, chronic, feedback, 0.6, 0.3, 0.1, 6.0)
    np.testing.assert_allclose(satisfaction, expected, **RTOL32)
    assert np.all((satisfaction >= 0) & (satisfaction <= 1))


def test_keyed_uniform_kernel_matches_reference_and_is_order_free():
    ids = np.array([5, 0, 123456789, 2**40, 7], dtype=np.int64)
    key = kr.event_key(99, "attrition", 3, 1)
    out = np.empty(ids.size)
    kr.keyed_uniform(key, ids, out)
    np.testing.assert_array_equal(out, kr.keyed_uniform_reference(key, ids))
    assert np.all((out > 0) & (out < 1))
    shuffled = kr.uniform(99, "attrition", 3, ids[::-1], 1)
    np.testing.assert_array_equal(shuffled[::-1], out)


def test_keyed_streams_differ_by_key_and_look_uniform():
    ids = np.arange(200_000)
    a = kr.uniform(1, "attrition", 0, ids)
    b = kr.uniform(1, "attrition", 1, ids)
    c = kr.uniform(2, "attrition", 0, ids)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01 and abs(np.corrcoef(a, c)[0, 1]) < 0.01
    counts = np.histogram(a, bins=20, range=(0, 1))[0]
    expected = ids.size / 20
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 43.8  # 99.9th percentile of chi-square with 19 degrees of freedom
    z = kr.normal(1, "learning", 0, ids)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
