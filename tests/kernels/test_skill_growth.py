import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextwork_sim.kernels.skill_growth import (
    peer_learning,
    peer_learning_reference,
    skill_growth,
    skill_growth_reference,
)

from .helpers import RTOL32, D, world


@pytest.mark.parametrize("seed", range(6))
def test_skill_growth_matches_reference_stays_in_range_and_never_falls(seed):
    w = world(seed)
    rng = np.random.default_rng(seed)
    share = rng.random((w.skill.shape[0], D)) * 2
    efficacy = rng.random(w.skill.shape[0])
    skill = w.skill.copy()
    expected = skill_growth_reference(share, skill, efficacy, w.feedback, 0.05, 0.5)
    skill_growth(share, skill, efficacy, w.feedback, 0.05, 0.5)
    np.testing.assert_allclose(skill, expected, **RTOL32)
    assert np.all((skill >= 0) & (skill <= 1))
    assert np.all(skill >= w.skill)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12), groups=st.integers(1, 4), seed=st.integers(0, 10_000))
def test_peer_learning_matches_reference(n, groups, seed):
    rng = np.random.default_rng(seed)
    skill = rng.random((n, D)).astype(np.float32)
    group = rng.integers(-1, groups, n).astype(np.int32)
    mentor = np.where(rng.random(n) < 0.4, rng.integers(0, n, n), -1).astype(np.int32)
    minutes = rng.uniform(0, 200, n).astype(np.float32)
    mentor_minutes = rng.uniform(0, 100, n).astype(np.float32)
    expected = peer_learning_reference(skill, group, groups, minutes, 1e-3, mentor,
                                       mentor_minutes)
    before = skill.copy()
    peer_learning(skill, group, groups, minutes, 1e-3, mentor, mentor_minutes)
    np.testing.assert_allclose(skill, expected, **RTOL32)
    assert np.all(skill >= before) and np.all(skill <= 1)


def test_the_strongest_colleague_does_not_learn_from_the_group():
    skill = np.array([[0.2] * D, [0.8] * D], dtype=np.float32)
    group = np.array([0, 0], dtype=np.int32)
    none = np.array([-1, -1], dtype=np.int32)
    minutes = np.array([100, 100], dtype=np.float32)
    peer_learning(skill, group, 1, minutes, 1e-3, none, np.zeros(2, np.float32))
    assert np.allclose(skill[1], 0.8) and np.allclose(skill[0], 0.2 + 0.1 * 0.6)
