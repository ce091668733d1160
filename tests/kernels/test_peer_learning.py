import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nextwork_sim.kernels.peer_learning import peer_learning, peer_learning_reference

from .helpers import RTOL32, D


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12), groups=st.integers(1, 4), seed=st.integers(0, 10_000))
def test_peer_learning_matches_reference(n, groups, seed):
    rng = np.random.default_rng(seed)
    skill = rng.random((n, D)).astype(np.float32)
    group = rng.integers(-1, groups, n).astype(np.int32)
    mentor = np.where(rng.random(n) < 0.4, rng.integers(0, n, n), -1).astype(np.int32)
    minutes = rng.uniform(0, 200, n).astype(np.float32)
    mentor_minutes = rng.uniform(0, 100, n).astype(np.float32)
    expected = skill.copy()
    peer_learning_reference(expected, group, groups, minutes, 1e-3, mentor, mentor_minutes)
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


def test_a_mentee_learns_from_the_mentor_skill_before_the_week():
    # 0 mentors 1, and 2 mentors 0: 1's gain must use 0's skill from before 0 learned
    skill = np.array([[0.5] * D, [0.1] * D, [0.9] * D], dtype=np.float32)
    mentor = np.array([2, 0, -1], dtype=np.int32)
    no_group = np.full(3, -1, dtype=np.int32)
    mentor_minutes = np.full(3, 100, dtype=np.float32)
    peer_learning(skill, no_group, 0, np.zeros(3, np.float32), 1e-3, mentor, mentor_minutes)
    np.testing.assert_allclose(skill[:, 0], [0.5 + 0.1 * 0.4, 0.1 + 0.1 * 0.4, 0.9], **RTOL32)
