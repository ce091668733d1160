"""Professional learning each term (careers issue): stackable micro-credentials by domain, or
a master's degree under seat-time rules.

Enrolment: each term an educator not studying starts with probability
``enroll_rate · exp(-cost_deterrence · (out-of-pocket price / annual pay + hours / 1400))``,
so the price of a route deters lower-paid educators (paraeducators, residents) in proportion
to their pay, and its study time deters everyone alike.
Micro-credentials (``staffing.credentials = "micro"``) target the educator's weakest domain
among those they carry; each term the enrolled complete with ``completion_rate`` lowered by
chronic overload, gaining ``micro_skill_gain`` in that domain only; ``micro_per_masters`` of
them count as a master's. The degree route takes ``masters_terms`` terms (no completion draw
beyond attendance, also slowed by overload) and adds ``masters_skill_gain`` everywhere and a
salary lane. The district pays ``district_pays_share`` of prices.
"""

from __future__ import annotations

import numpy as np

from ..kernels import keyed_random as kr
from ..population import ACTIVE
from .costs import salaries


def term_learning(model, year: int, term: int) -> None:
    state = model.state
    e = state.educators
    params = model.config.parameters.credentials
    rows = np.flatnonzero((e.status == ACTIVE) & ~e.substitute)
    if rows.size == 0:
        return

    settings_of = [m.settings for m in model.staffing_models]
    route = np.array([s.credentials for s in settings_of])[model.school_model[e.school[rows]]]
    pays = np.array([s.district_pays_share for s in settings_of])[model.school_model[
        e.school[rows]]]
    micro = route == "micro"
    price = np.where(micro, params.micro_cost,
                     params.masters_cost / params.masters_terms * params.masters_priced_terms)
    pay = salaries(e.role[rows], e.experience[rows], e.fte[rows], np.ones(rows.size),
                   model.config.parameters.costs, model.roles)
    out_of_pocket = price * (1 - pays)
    # price deters in proportion to pay; study time (a share of the working year) deters
    # everyone alike
    hours = np.where(micro, params.micro_hours, 0.0)
    enroll_p = params.enroll_rate * np.exp(-params.cost_deterrence * (
        out_of_pocket / np.maximum(pay, 1.0) + hours / params.working_hours_per_year))
    ids = e.person_id[rows]
    u_enroll = kr.uniform(model.run_key, "credential", year, ids, kr.CREDENTIAL.enroll.nth(term))
    u_finish = kr.uniform(model.run_key, "credential", year, ids, kr.CREDENTIAL.finish.nth(term))
    days = max(model.days_this_year, 1)
    overload = np.maximum(e.chronic_sum[rows] / days - 1.0, 0.0)
    finish_p = params.completion_rate * np.exp(-params.completion_load_effect * overload)

    studying = e.studying[rows] >= 0
    degree_route = ~micro & ~e.degree[rows]
    # progress first (those already enrolled), then new enrolments
    finished_micro = studying & micro & (u_finish < finish_p)
    done = rows[finished_micro]
    domain = e.studying[done].astype(np.int64)
    e.skill[done, domain] = np.minimum(e.skill[done, domain] + params.micro_skill_gain, 1.0)
    e.credentials[done] += 1
    e.degree[done] |= e.credentials[done] >= params.micro_per_masters
    e.studying[done] = -1
    attending = studying & degree_route & (u_finish < finish_p)
    e.study_terms[rows[attending]] += 1
    graduates = rows[attending][e.study_terms[rows[attending]] >= params.masters_terms]
    e.skill[graduates] = np.minimum(e.skill[graduates] + params.masters_skill_gain, 1.0)
    e.degree[graduates] = True
    e.studying[graduates] = -1

    starting = ~studying & (u_enroll < enroll_p) & (micro | degree_route)
    start_rows = rows[starting]
    weakest = np.argmin(np.where(model.school_year.share[start_rows] > 0,
                                 e.skill[start_rows], 2.0), axis=1)
    e.studying[start_rows] = np.where(micro[starting], weakest, 0)
    spent = (price * pays)[starting]
    e.credential_cost[start_rows] += spent
