"""Attrition hazard (MODEL.md §3 summer step 2): a multinomial logit around base rates."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def attrition_probabilities(base_move, base_leave, mean_chronic, satisfaction, load_effect,
                            satisfaction_effect, reference_load, reference_satisfaction,
                            out_move, out_leave):
    """a = log(p/p_stay) + x, x = b_L(C − C_ref) + b_S(S_ref − S); p = e^a / (1 + Σ e^a).
    Written as p·e^x / (p_stay + (p_move + p_leave)·e^x): exact zeros stay zero."""
    for i in range(base_move.shape[0]):
        stay = 1.0 - base_move[i] - base_leave[i]
        shift = np.exp(load_effect * (mean_chronic[i] - reference_load)
                       + satisfaction_effect * (reference_satisfaction - satisfaction[i]))
        denominator = stay + (base_move[i] + base_leave[i]) * shift
        out_move[i] = base_move[i] * shift / denominator
        out_leave[i] = base_leave[i] * shift / denominator


def attrition_probabilities_reference(base_move, base_leave, mean_chronic, satisfaction,
                                      load_effect, satisfaction_effect, reference_load,
                                      reference_satisfaction):
    stay = 1.0 - base_move - base_leave
    x = (load_effect * (mean_chronic - reference_load)
         + satisfaction_effect * (reference_satisfaction - satisfaction.astype(np.float64)))
    with np.errstate(divide="ignore"):
        a_move = np.log(base_move) - np.log(stay) + x
        a_leave = np.log(base_leave) - np.log(stay) + x
    denominator = 1.0 + np.exp(a_move) + np.exp(a_leave)
    return np.exp(a_move) / denominator, np.exp(a_leave) / denominator
