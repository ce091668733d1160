"""Weekly satisfaction (docs/odd.md §3.6): moves toward a target set by load and collaboration."""

from __future__ import annotations

import numpy as np
from numba import njit

from .backend import register


@njit(cache=True)
def satisfaction_update(satisfaction, chronic, feedback, baseline, load_weight,
                        collaboration_weight, adjustment_weeks):
    """target = clip(baseline − w_L·(C − 1) + w_c·feedback, 0, 1); S += (target − S)/τ."""
    for i in range(satisfaction.shape[0]):
        target = baseline - load_weight * (chronic[i] - 1.0) + collaboration_weight * feedback[i]
        target = min(max(target, 0.0), 1.0)
        satisfaction[i] += (target - satisfaction[i]) / adjustment_weeks


def satisfaction_update_reference(satisfaction, chronic, feedback, baseline, load_weight,
                                  collaboration_weight, adjustment_weeks):
    """The twin of ``satisfaction_update``."""
    s = satisfaction.astype(np.float64)
    target = np.clip(baseline - load_weight * (chronic - 1.0)
                     + collaboration_weight * feedback.astype(np.float64), 0.0, 1.0)
    satisfaction[:] = (s + (target - s) / adjustment_weeks).astype(satisfaction.dtype)


register(satisfaction_update, satisfaction_update_reference)
