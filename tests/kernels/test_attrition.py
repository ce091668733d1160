import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextwork_sim.kernels.attrition import (
    attrition_probabilities,
    attrition_probabilities_reference,
)

from .helpers import ATOL64

EFFECTS = (0.8, 1.0, 1.0, 0.6)  # load_effect, satisfaction_effect, reference load, satisfaction


def _rates(seed, n=60):
    rng = np.random.default_rng(seed)
    move = rng.uniform(0, 0.2, n)
    leave = rng.uniform(0, 0.2, n)
    move[:3] = 0.0
    leave[3:5] = 0.0
    leave[0] = 0.0  # both zero: certain to stay
    return move, leave, rng.uniform(0, 2, n), rng.random(n).astype(np.float32)


def _run(move, leave, chronic, satisfaction, move_shift, leave_shift, effects=EFFECTS,
         kernel=attrition_probabilities):
    p_move, p_leave = np.empty_like(move), np.empty_like(move)
    kernel(move, leave, chronic, satisfaction, *effects, move_shift,
                            leave_shift, p_move, p_leave)
    return p_move, p_leave


@pytest.mark.parametrize(("seed", "n"), [(0, 60), (1, 60), (2, 6), (3, 500)])
def test_attrition_probabilities_match_reference_and_the_textbook_logit(seed, n):
    move, leave, chronic, satisfaction = _rates(seed, n)
    shifts = np.random.default_rng(seed + 100).normal(0, 0.5, (2, n))
    p_move, p_leave = _run(move, leave, chronic, satisfaction, *shifts)
    exp_move, exp_leave = _run(move, leave, chronic, satisfaction, *shifts,
                               kernel=attrition_probabilities_reference)
    np.testing.assert_allclose(p_move, exp_move, **ATOL64)
    np.testing.assert_allclose(p_leave, exp_leave, **ATOL64)
    load_effect, satisfaction_effect, reference_load, reference_satisfaction = EFFECTS
    x = (load_effect * (chronic - reference_load)
         + satisfaction_effect * (reference_satisfaction - satisfaction.astype(np.float64)))
    stay = 1 - move - leave
    with np.errstate(divide="ignore"):
        a_move, a_leave = np.log(move / stay) + x + shifts[0], np.log(leave / stay) + x + shifts[1]
    denominator = 1 + np.exp(a_move) + np.exp(a_leave)
    np.testing.assert_allclose(p_move, np.exp(a_move) / denominator, **ATOL64)
    np.testing.assert_allclose(p_leave, np.exp(a_leave) / denominator, **ATOL64)
    np.testing.assert_allclose(p_move + p_leave + 1 / denominator, 1.0, **ATOL64)
    assert np.all(p_move[:3] == 0) and np.all(p_leave[3:5] == 0) and p_leave[0] == 0


def test_base_rates_hold_at_reference_drivers_and_load_raises_attrition():
    move, leave, _, _ = _rates(1)
    at_reference = np.ones_like(move)
    satisfaction = np.full(move.size, 0.6, dtype=np.float32)
    zero = np.zeros_like(move)
    effects = (0.8, 1.0, 1.0, float(np.float32(0.6)))  # x is exactly 0
    p_move, p_leave = _run(move, leave, at_reference, satisfaction, zero, zero, effects)
    np.testing.assert_allclose(p_move, move, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(p_leave, leave, rtol=1e-12, atol=1e-15)
    heavy_move, heavy_leave = _run(move, leave, at_reference + 0.5, satisfaction, zero, zero,
                                   effects)
    positive = (move + leave) > 0
    assert np.all(heavy_move[positive] + heavy_leave[positive] > move[positive] + leave[positive])
    pushed_move, pushed_leave = _run(move, leave, at_reference, satisfaction, zero + 0.3,
                                     zero - 0.3, effects)
    assert np.all(pushed_move[move > 0] > move[move > 0])
    assert np.all(pushed_leave[leave > 0] < leave[leave > 0])


@settings(max_examples=60, deadline=None)
@given(move=st.floats(0, 0.49), leave=st.floats(0, 0.49), chronic=st.floats(-1e3, 1e3),
       shift=st.floats(-800, 800))
def test_extreme_drivers_give_valid_probabilities(move, leave, chronic, shift):
    one = np.ones(1)
    p_move, p_leave = _run(move * one, leave * one, chronic * one, np.zeros(1, np.float32),
                           shift * one, -shift * one)
    assert np.all(np.isfinite(p_move) & np.isfinite(p_leave))
    assert 0 <= p_move[0] <= 1 and 0 <= p_leave[0] <= 1 and p_move[0] + p_leave[0] <= 1 + 1e-15
    assert (p_move[0] == 0) == (move == 0) or p_move[0] < 1e-300
    assert (p_leave[0] == 0) == (leave == 0) or p_leave[0] < 1e-300
    exp_move, exp_leave = _run(move * one, leave * one, chronic * one,
                               np.zeros(1, np.float32), shift * one, -shift * one,
                               kernel=attrition_probabilities_reference)
    np.testing.assert_allclose(p_move, exp_move, **ATOL64)
    np.testing.assert_allclose(p_leave, exp_leave, **ATOL64)
