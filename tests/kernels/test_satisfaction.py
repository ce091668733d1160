import numpy as np
import pytest

from nextwork_sim.kernels.satisfaction import satisfaction_update, satisfaction_update_reference

from .helpers import RTOL32


@pytest.mark.parametrize(("seed", "n"), [(0, 1), (1, 30), (2, 200)])
def test_satisfaction_update_matches_reference_and_stays_in_range(seed, n):
    rng = np.random.default_rng(seed)
    satisfaction = rng.random(n).astype(np.float32)
    chronic, feedback = rng.uniform(0, 4, n), rng.random(n).astype(np.float32)
    expected = satisfaction.copy()
    satisfaction_update_reference(expected, chronic, feedback, 0.6, 0.3, 0.1, 6.0)
    satisfaction_update(satisfaction, chronic, feedback, 0.6, 0.3, 0.1, 6.0)
    np.testing.assert_allclose(satisfaction, expected, **RTOL32)
    assert np.all((satisfaction >= 0) & (satisfaction <= 1))


def test_satisfaction_settles_at_its_target():
    satisfaction = np.array([0.0, 1.0, 0.5], dtype=np.float32)
    chronic = np.array([1.0, 1.0, 3.0])
    feedback = np.array([0.5, 0.5, 0.0], dtype=np.float32)
    for _ in range(300):
        satisfaction_update(satisfaction, chronic, feedback, 0.6, 0.4, 0.2, 6.0)
    np.testing.assert_allclose(satisfaction, [0.7, 0.7, 0.0], atol=1e-5)
