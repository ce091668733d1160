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
    expected = np.full((n_groups, 8), 9.0)  # stale values must be cleared
    group_sum(groups, values, n_groups, out)
    group_sum_reference(groups, values, n_groups, expected)
    np.testing.assert_allclose(out, expected, **ATOL64)
    out, expected = np.empty((n_groups + 2, 8)), np.full((n_groups + 2, 8), 9.0)
    group_max(groups, values, n_groups + 2, -5.0, out)
    group_max_reference(groups, values, n_groups + 2, -5.0, expected)
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("seed", range(4))
def test_pick_best_free_matches_a_python_loop_and_its_twin(seed):
    from nextwork_sim.workforce import pipelines
    from nextwork_sim.workforce.pipelines import pick_best_free, pick_best_free_reference

    rng = np.random.default_rng(seed)
    n_rows = 3 * pipelines._COMPACT_EVERY + 11  # rows span several repackings
    n_columns = n_rows + n_rows // 4  # 70 % free: the last rows find none
    lack = rng.random((n_rows, 8))
    skill_by_domain = rng.random((8, n_columns))
    skill_by_domain[:, 7] = skill_by_domain[:, 3]  # exact ties go to the first column
    jitter = 1e-6 * rng.random(n_columns)
    jitter[7] = jitter[3]
    experience = rng.integers(1, 10, n_columns)
    minimum = rng.integers(1, 6, n_rows)
    free = rng.random(n_columns) < 0.7
    expected, taken = [], free.copy()
    for row in range(n_rows):
        score = [sum_in_order(lack[row], skill_by_domain[:, c]) + jitter[c]
                 if taken[c] and experience[c] >= minimum[row] else -np.inf
                 for c in range(n_columns)]
        if max(score) == -np.inf:
            expected.append(-1)
            continue
        best = int(np.argmax(score))
        taken[best] = False
        expected.append(best)
    assert -1 in expected  # some rows find no candidate left
    for pick in (pick_best_free, pick_best_free_reference):
        out, still_free = np.empty(n_rows, dtype=np.int64), free.copy()
        pick(lack, skill_by_domain, jitter, experience, minimum, still_free, out)
        assert out.tolist() == expected and np.array_equal(still_free, taken)


def sum_in_order(weights, values) -> float:
    """Σ weights·values, left to right in Python floats (the order every machine keeps)."""
    total = float(weights[0]) * float(values[0])
    for w, v in zip(weights[1:], values[1:], strict=True):
        total += float(w) * float(v)
    return total


@pytest.mark.parametrize("seed", range(3))
def test_sums_by_code_matches_bincount_bit_for_bit(seed):
    from nextwork_sim.outcomes import sums_by_code

    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 5, 300)
    values = rng.normal(size=(4, 300))
    got = sums_by_code(codes, values.T.copy(), 7)
    assert got.shape == (4, 7) and np.all(got[:, 5:] == 0)
    np.testing.assert_array_equal(sums_by_code(codes, values.T, 7), got)  # Fortran order
    for v in range(4):
        np.testing.assert_array_equal(got[v], np.bincount(codes, weights=values[v], minlength=7))
    with pytest.raises(ValueError, match="non-negative"):
        sums_by_code(codes - 1, values.T.copy(), 7)


def test_masked_keyed_normal_matches_reference():
    from nextwork_sim.kernels import keyed_random as kr

    ids = np.arange(1000, 3000)
    mask = ids % 3 != 0
    got = kr.normal_where(77, "learning", 2, ids, mask, 4)
    expected = kr.normal(77, "learning", 2, ids, 4)
    np.testing.assert_allclose(got[mask], expected[mask], rtol=1e-12, atol=1e-12)
    assert np.all(got[~mask] == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_take_rows_matches_fancy_indexing(dtype):
    from nextwork_sim.kernels import use_reference
    from nextwork_sim.kernels.grouped import rows_of, take_rows, take_rows_reference

    rng = np.random.default_rng(5)
    table = rng.random((400, 8)).astype(dtype)
    rows = rng.integers(0, 400, 1000)  # repeats and any order
    out = np.empty((1000, 8), dtype=dtype)
    take_rows(table, rows, out)
    np.testing.assert_array_equal(out, table[rows])
    take_rows_reference(table, rows, expected := np.zeros_like(out))
    np.testing.assert_array_equal(expected, table[rows])
    np.testing.assert_array_equal(rows_of(table, rows), table[rows])
    with use_reference():
        assert rows_of(table, rows).dtype == dtype
        np.testing.assert_array_equal(rows_of(table, rows), table[rows])
