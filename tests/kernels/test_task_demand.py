import numpy as np
import pytest

from nextwork_sim.kernels.task_demand import task_demand, task_demand_reference

from .helpers import ATOL64, SHAPES, world


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_task_demand_matches_reference(seed, k, e, m):
    w = world(seed, k, e, m)
    out = np.full_like(w.need_sum, np.nan)
    task_demand(w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, out)
    expected = task_demand_reference(w.need_sum, w.minutes_per_need, w.coordination,
                                     w.fluctuation, 7)
    np.testing.assert_allclose(out, expected, **ATOL64)


def test_coordination_lands_on_the_leadership_domain_only():
    w = world(1)
    without, with_ = np.empty_like(w.need_sum), np.empty_like(w.need_sum)
    task_demand(w.need_sum, w.minutes_per_need, np.zeros_like(w.coordination), w.fluctuation,
                3, without)
    task_demand(w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 3, with_)
    extra = with_ - without
    np.testing.assert_allclose(extra[:, 3], w.coordination * w.fluctuation, **ATOL64)
    assert np.all(np.delete(extra, 3, axis=1) == 0)


def test_more_students_more_demand():
    w = world(1)
    low, high = np.empty_like(w.need_sum), np.empty_like(w.need_sum)
    task_demand(w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, low)
    task_demand(w.need_sum * 1.2, w.minutes_per_need, w.coordination, w.fluctuation, 7, high)
    assert np.all(high >= low) and high.sum() > low.sum()
