"""Task demand (docs/odd.md §3.4): minutes of adult work a community generates per domain."""

from __future__ import annotations

import numpy as np
from numba import njit

from .keyed_random import normal_quantiles


@njit(cache=True)
def task_demand(need_sum, minutes_per_need, coordination, fluctuation, leadership_domain, out):
    """T[k,d] = (need_sum[k,d]·minutes[d] + coordination[k]·[d = leadership])·fluctuation[k]."""
    for k in range(need_sum.shape[0]):
        for d in range(need_sum.shape[1]):
            minutes = need_sum[k, d] * minutes_per_need[d]
            if d == leadership_domain:
                minutes += coordination[k]
            out[k, d] = minutes * fluctuation[k]


def task_demand_reference(need_sum, minutes_per_need, coordination, fluctuation,
                          leadership_domain):
    demand = need_sum * minutes_per_need[None, :]
    demand[:, leadership_domain] += coordination
    return demand * fluctuation[:, None]


def fluctuation_table(sd: float, size: int = 4096) -> np.ndarray:
    """The daily demand fluctuation as ``size`` equiprobable quantiles of a lognormal,
    exp(σz − σ²/2), scaled to mean exactly 1 so demand is unbiased."""
    table = np.exp(sd * normal_quantiles(size) - sd * sd / 2)
    return table / table.mean()


def fluctuation_values(sd: float, size: int = 4096) -> np.ndarray:
    """What the day kernel reads (``school_day.school_days``): the :func:`fluctuation_table`
    followed by 1.0, a closed community's fluctuation; a draw is stored as its index here."""
    return np.append(fluctuation_table(sd, size), 1.0)
