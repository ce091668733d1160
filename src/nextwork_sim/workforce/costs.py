"""The year's budget (docs/odd.md §3.12, §3.14): salaries, benefits, stipends, paid time,
transition training, credentials, recruitment and turnover cost; and the price of time: the
minutes a design adds beyond the planning allowance of the contract day."""

from __future__ import annotations

import numpy as np

from ..roles import DEFAULT_CATALOGUE, ROLE_INDEX


def salaries(role: np.ndarray, experience: np.ndarray, fte: np.ndarray,
             year_share: np.ndarray, costs, catalogue=DEFAULT_CATALOGUE,
             degree: np.ndarray | None = None, degree_step: float = 0.0,
             stipends: bool = True) -> np.ndarray:
    """Pay of each educator for the year: the teacher schedule (base + steps), stipends,
    or the role's pay per FTE; ``year_share`` is the part of the year served. Without
    ``stipends``: no role stipends, leader supplements or specialist premiums."""
    pay_basis = catalogue.pay[role]
    steps = np.minimum(np.maximum(experience - 1, 0), costs.max_steps)
    on_schedule = pay_basis == "teacher_schedule"
    pay = np.where(on_schedule, costs.teacher_base_salary + costs.salary_step * steps, 0.0)
    if degree is not None:
        pay += np.where(on_schedule & degree, degree_step, 0.0)
    if stipends:
        pay += np.where(role == ROLE_INDEX["teacher_leader"], costs.teacher_leader_stipend, 0.0)
        multi_classroom_leader = role == ROLE_INDEX["multi_classroom_leader"]
        pay *= np.where(multi_classroom_leader, 1.0 + costs.leader_supplement_share, 1.0)
        specialist = np.isin(role, [ROLE_INDEX["special_education_specialist"],
                                    ROLE_INDEX["english_learner_specialist"]])
        pay += np.where(specialist, costs.specialist_premium, 0.0)
    pay += np.where(pay_basis == "paraeducator", costs.paraeducator_salary * fte, 0.0)
    pay += np.where(pay_basis == "resident", costs.resident_stipend, 0.0)
    pay += np.where(pay_basis == "community_educator", costs.community_educator_salary * fte, 0.0)
    if stipends:
        pay += catalogue.stipend[role]
    return pay * year_share


def extra_minutes(model, collaboration: np.ndarray, mentor: np.ndarray,
                  mentor_minutes: np.ndarray) -> np.ndarray:
    """Weekly minutes of each educator beyond the day's planning allowance: collaboration
    above the allowance (pro rata to FTE; up to it, team time replaces individual planning),
    plus every mentoring minute, received by the mentee and given by the mentor."""
    educators = model.state.educators
    allowance = model.config.parameters.load.planning_allowance_minutes_per_week
    extra = np.maximum(collaboration - allowance * educators.fte, 0.0).astype(np.float64)
    extra += mentor_minutes
    mentored = mentor >= 0
    extra += np.bincount(mentor[mentored], weights=mentor_minutes[mentored],
                         minlength=educators.n)
    return extra


def paid_time(model) -> np.ndarray:
    """Whether each educator's school runs a design that pays for extra time."""
    educators = model.state.educators
    paid = np.array([m.settings.time_funded == "paid" for m in model.staffing_models])
    return paid[model.school_model[np.maximum(educators.school, 0)]] & (educators.school >= 0)


def time_cost(model, extra: np.ndarray, paid: np.ndarray, rows: np.ndarray) -> float:
    """Dollars for a year of the paid extra minutes of ``rows`` (the part of the year each
    serves)."""
    shape = model.shape
    weeks = shape.days / shape.days_per_week
    hours = extra[rows] * paid[rows] * model.year_share_served(rows) * weeks / 60.0
    return float(hours.sum() * model.config.parameters.costs.extra_time_hourly_rate)


def payroll(model, rows: np.ndarray) -> tuple[float, float]:
    """(pay, pay without stipends) of ``rows`` for the year that ends: priced at the summer's
    start, on the roles, FTE and posts they held during it (a switch or a departure over the
    summer must not reprice the year that was)."""
    table = model.state.educators
    params = model.config.parameters
    arguments = (table.role[rows], table.experience[rows], table.fte[rows],
                 model.year_share_served(rows), params.costs, model.roles, table.degree[rows],
                 params.credentials.degree_salary_step)
    return float(salaries(*arguments).sum()), float(salaries(*arguments, stipends=False).sum())


def annual_budget(model, pay: tuple[float, float], teacher_departures: int,
                  role_changes: int = 0, recruitment: float = 0.0) -> dict:
    """Dollars for the year that ended, by line: ``pay`` (``payroll``: salaries, stipends,
    supplements, residency stipends of those who served it), one organization leader per
    school, benefits on that pay, paid collaboration and mentoring time (priced at the
    year's start), one-off training of the ``role_changes`` educators whose role changed in
    the switch that prepared this year (booked to it, like the switch), the district's share
    of credential prices, ``recruitment`` (``hiring.recruitment_cost``), and the turnover
    cost of teachers who moved or left over the summer. The lines add up to ``cost_total``."""
    table = model.state.educators
    costs = model.config.parameters.costs
    salary_cost = pay[0] + costs.principal_salary * len(model.schools)
    lines = {
        "salary_cost": salary_cost,
        "benefits_cost": costs.benefits_rate * salary_cost,
        "time_cost": float(getattr(model.school_year, "time_cost", 0.0)),
        "transition_cost": costs.transition_training_cost * role_changes,
        "credential_cost": float(table.credential_cost.sum()),
        "recruitment_cost": recruitment,
        "turnover_cost": costs.turnover_cost_per_leaver * teacher_departures,
    }
    lines["cost_total"] = sum(lines.values())
    lines["stipend_cost"] = pay[0] - pay[1]
    return lines
