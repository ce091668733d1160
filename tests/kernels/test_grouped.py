import numpy as np
import pytest

from nextwork_sim.kernels.grouped import (
    group_max,
    group_max_reference,
    group_sum,
    group_sum_reference,
)

from .helpers import ATOL64


@pytest.mark.parametrize("seed", range(5))
def test_group_reductions_match_numpy(seed):
    rng = np.random.default_rng(seed)
    n_groups = 1 + seed * 3
    groups = rng.integers(0, n_groups, 200).astype(np.int64)
    values = rng.normal(size=(200, 8))
    out = np.empty((n_groups, 8))
    group_sum(groups, values, n_groups, out)
    np.testing.assert_allclose(out, group_sum_reference(groups, values, n_groups), **ATOL64)
    group_max(groups, values, n_groups + 2, -5.0, out := np.empty((n_groups + 2, 8)))
    np.testing.assert_array_equal(out, group_max_reference(groups, values, n_groups + 2, -5.0))


def test_greedy_pick_matches_a_python_loop():
    from nextwork_sim.workforce.pipelines import greedy_pick

    rng = np.random.default_rng(4)
    scores = rng.random((30, 50))
    experience = rng.integers(1, 10, 50)
    minimum = rng.integers(1, 6, 30)
    free = rng.random(50) < 0.7
    expected, taken = [], free.copy()
    for row in range(30):
        allowed = taken & (experience >= minimum[row])
        if not allowed.any():
            expected.append(-1)
            continue
        best = int(np.argmax(np.where(allowed, scores[row], -np.inf)))
        taken[best] = False
        expected.append(best)
    out = np.empty(30, dtype=np.int64)
    greedy_pick(scores, experience, minimum, free, out)
    assert out.tolist() == expected and np.array_equal(free, taken)


def test_masked_keyed_normal_matches_reference():
    from nextwork_sim.kernels import keyed_random as kr

    ids = np.arange(1000, 3000)
    mask = ids % 3 != 0
    got = kr.normal_where(77, "learning", 2, ids, mask, 4)
    expected = kr.normal(77, "learning", 2, ids, 4)
    np.testing.assert_allclose(got[mask], expected[mask], rtol=1e-12, atol=1e-12)
    assert np.all(got[~mask] == 0)
