"""Summer attrition (MODEL.md §3 summer step 2): stay, move to another school, or leave.

A multinomial logit around the national base rates of the educator's experience band
(calibration/targets.csv), shifted by the year's mean chronic load and satisfaction. A staffing
model changes attrition only through these drivers. Draws come from keyed streams by person
id, so the same person gets the same uniform in every scenario. Movers leave the district in
this slice (within-district transfers arrive with the workforce-flows issue).
"""

from __future__ import annotations

import numpy as np

from ..kernels import keyed_random as kr
from ..kernels.attrition import attrition_probabilities
from ..population import ACTIVE, LEFT, MOVED, RETIRED
from ..roles import CATEGORY_INDEX

STAY = 0


def experience_band(experience: np.ndarray) -> np.ndarray:
    """0: 1-3 years, 1: 4-9, 2: 10-19, 3: 20+ (MODEL.md §7 experience groups)."""
    return np.searchsorted(np.array([3, 9, 19]), experience, side="left").astype(np.int8)


EXPERIENCE_BANDS = ("1-3", "4-9", "10-19", "20+")


def base_rates(category: np.ndarray, experience: np.ndarray, attrition) -> tuple:
    band = experience_band(experience)
    move = np.array([attrition.move_1_3, attrition.move_4_9, attrition.move_10_19,
                     attrition.move_20_plus])[band]
    leave = np.array([attrition.leave_1_3, attrition.leave_4_9, attrition.leave_10_19,
                      attrition.leave_20_plus])[band]
    para = category == CATEGORY_INDEX["paraeducator"]
    move[para], leave[para] = attrition.move_paraeducator, attrition.leave_paraeducator
    community = category == CATEGORY_INDEX["community_educator"]
    move[community], leave[community] = 0.0, attrition.leave_community_educator
    return move, leave


def summer_attrition(model, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw every active educator's outcome; returns (rows, status after the summer)."""
    table = model.state.educators
    attrition = model.scenario.parameters.attrition
    rows = np.flatnonzero(table.status == ACTIVE)
    move, leave = base_rates(table.category[rows], table.experience[rows], attrition)
    days = max(model.days_this_year, 1)
    mean_chronic = table.chronic_sum[rows] / days
    p_move = np.empty(rows.size)
    p_leave = np.empty(rows.size)
    attrition_probabilities(move, leave, mean_chronic, table.satisfaction[rows],
                            attrition.load_effect, attrition.satisfaction_effect,
                            attrition.reference_load, attrition.reference_satisfaction,
                            p_move, p_leave)
    ids = table.person_id[rows]
    u = kr.uniform(model.run_key, "attrition", year, ids, 0)
    u_retire = kr.uniform(model.run_key, "attrition", year, ids, 1)
    outcome = np.full(rows.size, ACTIVE, dtype=np.int8)
    outcome[u < p_leave] = LEFT
    outcome[(u >= p_leave) & (u < p_leave + p_move)] = MOVED
    retiring = (outcome == LEFT) & (table.experience[rows] >= 20) & (
        u_retire < attrition.retirement_share_20_plus)
    outcome[retiring] = RETIRED
    departing = rows[outcome != ACTIVE]
    table.status[departing] = outcome[outcome != ACTIVE]
    model.state.positions.holder[table.position[departing]] = -1
    model.remove_educator_agents(departing)
    return rows, outcome
