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
