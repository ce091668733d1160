"""Attrition hazard (MODEL.md §3 summer step 2): a multinomial logit around base rates."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def attrition_probabilities(base_move, base_leave, mean_chronic, satisfaction, load_effect,
                            satisfaction_effect, reference_load, reference_satisfaction,
                            move_shift, leave_shift, out_move, out_leave):
    """a_o = log(p_o/p_stay) + x + shift_o, x = b_L(C − C_ref) + b_S(S_ref − S), for o in
    (move, leave); p_o = e^a_o / (1 + Σ e^a). ``*_shift`` carry the other drivers' log-odds.
    Written as p_o·e^(x+shift_o) / (p_stay + Σ p·e^(x+shift)): exact zeros stay zero."""
    for i in range(base_move.shape[0]):
        stay = 1.0 - base_move[i] - base_leave[i]
        x = (load_effect * (mean_chronic[i] - reference_load)
             + satisfaction_effect * (reference_satisfaction - satisfaction[i]))
        move = base_move[i] * np.exp(x + move_shift[i])
        leave = base_leave[i] * np.exp(x + leave_shift[i])
        denominator = stay + move + leave
        out_move[i] = move / denominator
        out_leave[i] = leave / denominator


def attrition_probabilities_reference(base_move, base_leave, mean_chronic, satisfaction,
                                      load_effect, satisfaction_effect, reference_load,
                                      reference_satisfaction, move_shift, leave_shift):
    stay = 1.0 - base_move - base_leave
    x = (load_effect * (mean_chronic - reference_load)
         + satisfaction_effect * (reference_satisfaction - satisfaction.astype(np.float64)))
    with np.errstate(divide="ignore"):
        a_move = np.log(base_move) - np.log(stay) + x + move_shift
        a_leave = np.log(base_leave) - np.log(stay) + x + leave_shift
    denominator = 1.0 + np.exp(a_move) + np.exp(a_leave)
    return np.exp(a_move) / denominator, np.exp(a_leave) / denominator
