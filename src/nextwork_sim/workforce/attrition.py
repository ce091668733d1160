"""Summer attrition (docs/odd.md §3.9): stay, move to another school, or leave.

A multinomial logit around the national base rates of the educator's experience band
(calibration/targets.csv), shifted by the year's mean chronic load and satisfaction. A staffing
model changes attrition only through these drivers. Draws come from keyed streams by person
id, so the same person gets the same uniform in every scenario. A share of movers look for a
post at another school of the district first (``settle_transfers``, docs/odd.md §3.10).
"""

from __future__ import annotations

import numpy as np

from ..components import Component
from ..kernels import keyed_random as kr
from ..kernels.backend import attrition_probabilities
from ..population import ACTIVE, LEFT, MOVED, RETIRED
from ..roles import CATEGORY_INDEX, is_teacher_category
from .advancement import ELIGIBLE_FOR_LEAD, qualifies
from .costs import salaries
from .pipelines import PATHWAYS
from .placement import occupy

STAY = 0


def experience_band(experience: np.ndarray) -> np.ndarray:
    """0: 1-3 years, 1: 4-9, 2: 10-19, 3: 20+ (docs/outputs.md, groups)."""
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


def retirement_hazard(experience: np.ndarray, attrition) -> np.ndarray:
    """Each educator's yearly probability of retiring: ``retire_20_plus`` from 20 years on,
    none before (docs/odd.md §3.9). A hazard of its own, not a share of leaving: pay, load,
    support or a school's poverty do not shift it."""
    return np.where(experience >= 20, attrition.retire_20_plus, 0.0)


def driver_terms(model, rows: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Log-odds terms (move, leave) of the drivers other than load and satisfaction, by
    channel: school poverty, pay relative to the market, leader quality, support (mentoring in
    the first two years, collaboration time), an advancement path in reach, and entry (the
    first-year shift and the pathway's early-career retention) (docs/odd.md §3.9). No
    staffing model enters except through these."""

    table = model.state.educators
    a = model.config.parameters.attrition
    costs = model.config.parameters.costs
    schools = table.school[rows]
    poverty = np.array([s.low_income_share for s in model.schools])[schools]
    leader = np.array([s.leader_quality for s in model.schools])[schools]
    category = table.category[rows]
    teacher = is_teacher_category(category)
    para = category == CATEGORY_INDEX["paraeducator"]
    pay = salaries(table.role[rows], table.experience[rows], table.fte[rows],
                   np.ones(rows.size), costs, model.roles)
    market = np.where(teacher, costs.market_teacher_salary,
                      np.where(para, costs.paraeducator_salary * table.fte[rows], 0.0))
    relative_pay = np.where(market > 0, np.log(np.maximum(pay, 1.0) / np.maximum(market, 1.0)),
                            0.0)
    hooks = model.school_year
    mentoring = mentoring_dose(table.experience[rows], hooks.mentor_minutes[rows], a)
    collaboration = hooks.collaboration[rows].astype(np.float64) - a.collaboration_reference_minutes
    path = advancement_in_reach(model, rows)
    pipelines = model.config.parameters.pipelines
    early_retention = np.array([getattr(pipelines, p).early_retention if hasattr(pipelines, p)
                                else 0.0 for p in PATHWAYS])[table.pathway[rows]]
    entry = (a.first_year_effect * (table.experience[rows] == 1) * teacher
             + (table.experience[rows] <= 3) * early_retention)
    both = {
        "pay": a.pay_effect * relative_pay,
        "leader": a.leader_quality_effect * leader,
        "support": a.mentoring_effect * mentoring + a.collaboration_effect * collaboration,
        "advancement": a.advancement_path_effect * path,
        "entry": entry,
    }
    terms = {name: (value, value) for name, value in both.items()}
    terms["poverty"] = (a.poverty_move_effect * (poverty - a.reference_poverty),
                        a.poverty_leave_effect * (poverty - a.reference_poverty))
    return terms


def mentoring_dose(experience: np.ndarray, minutes: np.ndarray, attrition) -> np.ndarray:
    """Each educator's dose of induction mentoring, 0 to 1: the weekly minutes received over
    ``mentoring_full_dose_minutes`` (capped at 1), in her first two years only. Linear up to a
    full dose is an assumption: the studies compare mentored and unmentored beginners, and
    fuller induction with more retention (Smith & Ingersoll 2004; Ronfeldt & McQueen 2017)."""
    dose = np.minimum(minutes.astype(np.float64) / attrition.mentoring_full_dose_minutes, 1.0)
    return np.where(experience <= 2, dose, 0.0)


def advancement_in_reach(model, rows: np.ndarray) -> np.ndarray:
    """Whether each educator of ``rows`` could take a lead role of her school now: a
    professional or specialist (not a novice, not already a lead) whose school has lead posts
    and who meets its design's advancement rule (``advancement.qualifies``: years and a degree
    under seat time, skill and credentials under competency). A career ladder can only keep
    those who can climb it (docs/odd.md §3.9)."""
    table = model.state.educators
    positions = model.state.positions
    lead = CATEGORY_INDEX["teacher_leader"]
    has_lead_role = np.zeros(len(model.schools), dtype=bool)
    has_lead_role[positions.school[positions.open
                                   & (model.roles.category[positions.role] == lead)]] = True
    schools = table.school[rows]
    reach = np.isin(table.category[rows], ELIGIBLE_FOR_LEAD) & has_lead_role[schools]
    model_of = model.school_model[schools]
    for index, staffing in enumerate(model.staffing_models):
        mine = np.flatnonzero(reach & (model_of == index))
        if mine.size:
            people = rows[mine]
            reach[mine] = qualifies(staffing.settings, table.skill[people],
                                    table.experience[people], table.credentials[people],
                                    table.degree[people])
    return reach


def driver_shifts(model, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The summed move and leave log-odds shifts of ``driver_terms``."""
    return driver_shifts_of(driver_terms(model, rows))


def driver_shifts_of(terms: dict) -> tuple[np.ndarray, np.ndarray]:
    return (sum(move for move, _ in terms.values()),
            sum(leave for _, leave in terms.values()))


def load_terms(mean_chronic: np.ndarray, satisfaction: np.ndarray, attrition) -> dict:
    """The load and satisfaction terms x of the attrition kernel, the same in both equations."""
    load = attrition.load_effect * (mean_chronic - attrition.reference_load)
    mood = attrition.satisfaction_effect * (attrition.reference_satisfaction
                                            - satisfaction.astype(np.float64))
    return {"load": (load, load), "satisfaction": (mood, mood)}


#: The smallest rate whose log-odds the attrition channels report (see summer_attrition).
RATE_FLOOR = 1e-12


def summer_attrition(model, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    """Draw every active educator's outcome; returns (rows, outcome, movers, terms). Movers
    who look inside the district first are kept active and returned as ``movers``, for
    ``settle_transfers`` to place; the others leave the district's rows. ``terms``: (the
    attrition kernel's terms by driver, p_move, p_leave) of ``rows``, for the channels."""
    table = model.state.educators
    attrition = model.config.parameters.attrition
    release_substitutes(model, year)
    rows = np.flatnonzero(table.status == ACTIVE)
    move, leave = base_rates(table.category[rows], table.experience[rows], attrition)
    days = max(model.days_this_year, 1)
    mean_chronic = table.chronic_sum[rows] / days
    terms = driver_terms(model, rows)
    move_shift, leave_shift = driver_shifts_of(terms)
    p_move = np.empty(rows.size)
    p_leave = np.empty(rows.size)
    attrition_probabilities(move, leave, mean_chronic, table.satisfaction[rows],
                            attrition.load_effect, attrition.satisfaction_effect,
                            attrition.reference_load, attrition.reference_satisfaction,
                            move_shift, leave_shift, p_move, p_leave)
    ids = table.person_id[rows]
    u = kr.uniform(model.run_key, "attrition", year, ids, kr.ATTRITION.outcome)
    u_retire = kr.uniform(model.run_key, "attrition", year, ids, kr.ATTRITION.retirement)
    u_stay_in_district = kr.uniform(model.run_key, "attrition", year, ids,
                                    kr.ATTRITION.stay_in_district)
    outcome = np.full(rows.size, ACTIVE, dtype=np.int8)
    outcome[u < p_leave] = LEFT
    outcome[(u >= p_leave) & (u < p_leave + p_move)] = MOVED
    # retirement first, on its own draw: a retiree's other draw does not matter
    outcome[u_retire < retirement_hazard(table.experience[rows], attrition)] = RETIRED
    departing = rows[outcome != ACTIVE]
    model.state.positions.holder[table.position[departing]] = -1
    transfer = (outcome == MOVED) & (u_stay_in_district < attrition.within_district_share)
    movers = rows[transfer]
    table.position[movers] = -1
    leaving = rows[(outcome != ACTIVE) & ~transfer]
    table.status[leaving] = outcome[(outcome != ACTIVE) & ~transfer]
    table.exit_year[leaving] = year
    model.remove_educator_agents(leaving)
    terms.update(load_terms(mean_chronic, table.satisfaction[rows], attrition))
    # A base rate of 0 (or move + leave = 1) has infinite log-odds: reported as those of
    # RATE_FLOOR, so results and their summaries stay finite (the probability implied
    # differs by less than RATE_FLOOR).
    stay = np.log(np.maximum(1.0 - move - leave, RATE_FLOOR))
    terms["base"] = (np.log(np.maximum(move, RATE_FLOOR)) - stay,
                     np.log(np.maximum(leave, RATE_FLOOR)) - stay)
    return rows, outcome, movers, (terms, p_move, p_leave)


def release_substitutes(model, year: int) -> None:
    """Long-term substitutes cover a vacancy for one year; the post is open again in summer."""
    table = model.state.educators
    subs = np.flatnonzero((table.status == ACTIVE) & table.substitute)
    model.state.positions.holder[table.position[subs]] = -1
    table.status[subs] = LEFT
    table.exit_year[subs] = year
    table.position[subs] = -1
    model.remove_educator_agents(subs)


def settle_transfers(model, year: int, movers: np.ndarray) -> int:
    """Place the summer's within-district ``movers`` in vacancies of their role category at
    other schools (before external hiring); those without one leave the district. Returns
    how many were placed."""
    table, positions = model.state.educators, model.state.positions
    placed = 0
    order = np.argsort(kr.uniform(model.run_key, "hiring", year, table.person_id[movers],
                                    kr.HIRING.mover_order))
    open_vacant = np.flatnonzero((positions.holder < 0) & positions.open)
    wanted = model.roles.category[positions.role[open_vacant]]
    # per category, the open vacancies in position order, each with its school
    queues = {int(c): list(zip(open_vacant[wanted == c].tolist(),
                               positions.school[open_vacant[wanted == c]].tolist(), strict=True))
              for c in np.unique(wanted)}
    category, school = table.column("category"), table.column("school")
    judges = [c for c in getattr(model, "summer", ())
              if type(c).placement_fit is not Component.placement_fit]
    # with judges, each queue also as arrays (posts, schools), kept in step with it
    arrays = {int(c): (open_vacant[wanted == c],
                       positions.school[open_vacant[wanted == c]].astype(np.int64))
              for c in np.unique(wanted)} if judges else {}
    leaving = []
    for person in movers[order].tolist():
        key = _home_category(category[person])
        queue = queues.get(key, [])
        here = school[person]
        slot = next((i for i, (_, at) in enumerate(queue) if at != here), None)
        if slot is not None and judges:
            slot = _suited_slot(model, person, arrays[key], here, judges)
        if slot is None:
            leaving.append(person)
            continue
        occupy(model, person, queue.pop(slot)[0])
        if judges:
            arrays[key] = tuple(np.delete(column, slot) for column in arrays[key])
        placed += 1
    leaving = np.array(leaving, dtype=np.int64)
    table.status[leaving] = MOVED
    table.exit_year[leaving] = year
    model.remove_educator_agents(leaving)
    return placed


def _suited_slot(model, person: int, queue: tuple, here: int, judges: list) -> int | None:
    """The first vacancy of ``queue`` (its posts and their schools, as arrays) at another
    school that suits every component that judges (``Component.placement_fit``), None when
    none does (the mover leaves the district, as when no vacancy is open)."""
    posts, schools = queue
    suits = schools != here
    for judge in judges:
        fit = judge.placement_fit(model, person, posts)
        if fit is not None:
            suits &= fit
    return int(np.flatnonzero(suits)[0]) if suits.any() else None


def _home_category(category: int) -> int:
    """Novices apply for ordinary teaching positions."""
    if category == CATEGORY_INDEX["novice"]:
        return CATEGORY_INDEX["professional"]
    return int(category)
