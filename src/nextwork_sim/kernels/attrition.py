"""Attrition hazard (docs/odd.md §3.9): a multinomial logit around base rates."""

from __future__ import annotations

import numpy as np
from numba import njit

from .backend import register


@njit(cache=True)
def attrition_probabilities(base_move, base_leave, mean_chronic, satisfaction, load_effect,
                            satisfaction_effect, reference_load, reference_satisfaction,
                            move_shift, leave_shift, out_move, out_leave):
    """a_o = log(p_o/p_stay) + x + shift_o, x = b_L(C − C_ref) + b_S(S_ref − S), for o in
    (move, leave); p_o = e^a_o / (1 + Σ e^a). ``*_shift`` carry the other drivers' log-odds."""
    for i in range(base_move.shape[0]):
        x = (load_effect * (mean_chronic[i] - reference_load)
             + satisfaction_effect * (reference_satisfaction - satisfaction[i]))
        # Softmax over log weights, shifted by their maximum so no exp overflows; a zero base
        # rate is a log weight of -inf, whose exp is an exact 0 (no 0·inf = NaN).
        log_stay = np.log(1.0 - base_move[i] - base_leave[i])
        log_move = np.log(base_move[i]) + x + move_shift[i] if base_move[i] > 0 else -np.inf
        log_leave = np.log(base_leave[i]) + x + leave_shift[i] if base_leave[i] > 0 else -np.inf
        top = max(log_stay, max(log_move, log_leave))
        move = np.exp(log_move - top)
        leave = np.exp(log_leave - top)
        denominator = np.exp(log_stay - top) + move + leave
        out_move[i] = move / denominator
        out_leave[i] = leave / denominator


def attrition_probabilities_reference(base_move, base_leave, mean_chronic, satisfaction,
                                      load_effect, satisfaction_effect, reference_load,
                                      reference_satisfaction, move_shift, leave_shift,
                                      out_move, out_leave):
    """The twin of ``attrition_probabilities``: the softmax as whole-array operations."""
    x = (load_effect * (mean_chronic - reference_load)
         + satisfaction_effect * (reference_satisfaction - satisfaction.astype(np.float64)))
    with np.errstate(divide="ignore"):
        logs = np.stack([np.log(1.0 - base_move - base_leave),
                         np.log(base_move) + x + move_shift,
                         np.log(base_leave) + x + leave_shift])
    weights = np.exp(logs - logs.max(axis=0))
    probabilities = weights / weights.sum(axis=0)
    out_move[:], out_leave[:] = probabilities[1], probabilities[2]


register(attrition_probabilities, attrition_probabilities_reference)
