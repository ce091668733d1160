"""The summer (docs/odd.md §3.8–§3.13): an ordered list of components (:data:`SUMMER`),
each a step that reads and writes the summer's :class:`SummerContext`. In order: the year's
growth and workforce recorded → attrition → the switch of adopting schools → advancement →
transfers settled → hiring → budget → the year's record closes → experience + 1 → promotion
and enrollment. A config's own components (``[mechanisms.NAME]``, docs/extending.md) run
after the step they name."""

from __future__ import annotations

import numpy as np

from .adoption import switch_schools
from .components import Component, SummerContext
from .config import LEVELS
from .district import add_students
from .invariants import SummerWatch
from .population import ACTIVE, ENROLLED, GRADUATED, LEFT_DISTRICT
from .roles import is_teacher_category, teacher_category
from .summer_records import (
    record_advancement,
    record_attrition,
    record_attrition_channel,
    record_cohorts,
    record_experience_mix,
    record_hiring,
    record_posts,
    record_service,
    record_students,
    record_transition,
    record_unfilled_posts,
    record_workforce,
)
from .workforce.advancement import (
    advance_into_leads,
    ladder_cost,
    out_of_classroom,
    paraeducators_into_teaching,
)
from .workforce.attrition import settle_transfers, summer_attrition
from .workforce.costs import annual_budget, payroll
from .workforce.hiring import fill_vacancies, recruitment_cost

__all__ = ["SUMMER", "SummerContext", "run_summer", "book_transition", "promote_students"]


def run_summer(model, year: int) -> None:
    """Runs the model's summer components (``model.summer``: :data:`SUMMER` and the
    config's own) in order on a fresh context."""
    context = SummerContext(model=model, year=year,
                            watch=SummerWatch(model, year) if model.invariants else None)
    for component in model.summer:
        component.step(context)


# --- the built-in steps -------------------------------------------------------------------
# Each calls this module's names (fill_vacancies, annual_budget, ...) when it runs, so a test
# can replace one of them here.


class Students(Component):
    """Step 1: the year's growth, before anyone moves (``record_students``)."""

    name = "students"

    def step(self, context: SummerContext) -> None:
        context.enrollment, context.students_of_color = record_students(context.model,
                                                                        context.record)


class Payroll(Component):
    """Who was paid this year (substitutes included) and who held a post."""

    name = "payroll"

    def step(self, context: SummerContext) -> None:
        model = context.model
        educators = model.state.educators
        context.served = np.flatnonzero(educators.status == ACTIVE)
        context.before = context.served[~educators.substitute[context.served]]
        context.pay = payroll(model, context.served)


class Workforce(Component):
    """The year's workforce, service, posts and experience mix, before any departure."""

    name = "workforce"

    def step(self, context: SummerContext) -> None:
        model, record, before = context.model, context.record, context.before
        record_workforce(model, record, before, context.students_of_color)
        record_service(model, record, before, context.enrollment)
        record_unfilled_posts(model, record)
        record_posts(model, record)
        record_experience_mix(model, record, before)


class Attrition(Component):
    """Step 2: who stays, moves, leaves or retires (docs/odd.md §3.9)."""

    name = "attrition"

    def step(self, context: SummerContext) -> None:
        model, record = context.model, context.record
        rows, outcome, movers, terms = summer_attrition(model, context.year)
        context.rows, context.outcome, context.movers = rows, outcome, movers
        context.attrition_terms = terms
        context.transfers = movers
        record_attrition(model, record, rows, outcome)
        record_attrition_channel(model, record, rows, terms)


class Transition(Component):
    """Records the switch that prepared this year (booked by last summer's transfers)."""

    name = "transition"

    def step(self, context: SummerContext) -> None:
        context.transition = record_transition(context.model, context.record, context.year)


class Switch(Component):
    """Step 3: schools whose adoption plan starts next year switch staffing model."""

    name = "switch"

    def step(self, context: SummerContext) -> None:
        switch_schools(context.model, context.year, context)


class Advancement(Component):
    """Teachers into lead roles, out of the classroom, paraeducators into teaching."""

    name = "advancement"

    def step(self, context: SummerContext) -> None:
        model, record, year = context.model, context.record, context.year
        context.advanced = advance_into_leads(model)
        record_advancement(model, record, context.advanced, context.rows)
        context.promoted_out = out_of_classroom(model, year)
        record.add("left_classroom_for_promotion", "all", context.promoted_out.size)
        grown = paraeducators_into_teaching(model, year)
        context.grown, context.residents_left = grown.moved, grown.residents_left
        record.add("para_to_teacher", "all", context.grown.size)
        for destination, rows in (("own_school", grown.residents_home),
                                  ("other_school", grown.residents_elsewhere),
                                  ("left_district", grown.residents_left)):
            record.add("residents_finished", f"destination={destination}", rows.size)
        for step, rows in (("resident_to_teacher", np.concatenate(
                                [grown.residents_home, grown.residents_elsewhere])),
                           ("para_to_resident", grown.para_to_resident),
                           ("para_to_teacher", grown.para_to_teacher),
                           ("community_to_para", grown.community_to_para)):
            record.add("ladder_steps", f"step={step}", rows.size)
        context.ladder_cost = ladder_cost(model, grown)


class Transfers(Component):
    """Within-district movers and displaced educators placed in vacancies; the switch's
    displacements booked for next year's record."""

    name = "transfers"

    def step(self, context: SummerContext) -> None:
        context.placed = settle_transfers(context.model, context.year, context.transfers)
        book_transition(context.model, context.year, context)


class Cohorts(Component):
    """The entry cohorts' cumulative leave, once the summer's departures are known."""

    name = "cohorts"

    def step(self, context: SummerContext) -> None:
        record_cohorts(context.model, context.record, context.year)


class Hiring(Component):
    """Step 4: vacancies filled from the pipelines (docs/odd.md §3.11)."""

    name = "hiring"

    def step(self, context: SummerContext) -> None:
        context.hired = fill_vacancies(context.model, context.year)
        record_hiring(context.model, context.record, context.hired)


class EducatorsChecked(Component):
    """With invariants on: every educator's flow over the summer is accounted for."""

    name = "educators_checked"

    def step(self, context: SummerContext) -> None:
        if context.watch:
            context.watch.educators(
                outcome=context.outcome, movers=context.movers, transfers=context.transfers,
                displaced=context.displaced, role_changes=context.role_changes,
                advanced=context.advanced, promoted_out=context.promoted_out,
                grown=context.grown, residents_left=context.residents_left,
                placed=context.placed, hired=context.hired)


class Budget(Component):
    """Step 5: the year's cost lines (docs/odd.md §3.12)."""

    name = "budget"

    def step(self, context: SummerContext) -> None:
        model, record = context.model, context.record
        educators = model.state.educators
        rows, outcome = context.rows, context.outcome
        teacher = is_teacher_category(educators.category[rows])
        budget = annual_budget(model, context.pay, int(np.sum((outcome != ACTIVE) & teacher)),
                               context.transition["role_changes"],
                               recruitment_cost(model, context.hired) + context.ladder_cost)
        context.budget = budget
        for line in ("cost_total", "salary_cost", "stipend_cost", "benefits_cost", "time_cost",
                     "transition_cost", "credential_cost", "recruitment_cost", "turnover_cost"):
            record.add(line, "all", budget[line])
        educators.credential_cost[:] = 0.0
        record.add("cost_per_student", "all", budget["cost_total"] / max(context.enrollment, 1))


class CloseYear(Component):
    """Step 6: the year's record is complete and handed to the model."""

    name = "close_year"

    def step(self, context: SummerContext) -> None:
        if context.watch:
            context.watch.record(context.record.rows)
        context.model.close_year(context.year, context.record.rows)


class Experience(Component):
    """Everyone who taught this year and teaches next year, movers placed at another school
    of the district included, is a year more experienced."""

    name = "experience"

    def step(self, context: SummerContext) -> None:
        model, rows = context.model, context.rows
        educators = model.state.educators
        stayers = rows[educators.status[rows] == ACTIVE]
        educators.experience[stayers] += 1
        educators.category[stayers] = teacher_category(educators.role[stayers],
                                                       educators.experience[stayers],
                                                       model.roles)


class Promotion(Component):
    """Step 7: students promoted, graduated or leaving; a new kindergarten enrolls."""

    name = "promotion"

    def step(self, context: SummerContext) -> None:
        promote_students(context.model, context.year)
        if context.watch:
            context.watch.students()


#: the built-in summer, in order (a config's own components go after the step they name)
SUMMER: list[Component] = [Students(), Payroll(), Workforce(), Attrition(), Transition(),
                           Switch(), Advancement(), Transfers(), Cohorts(), Hiring(),
                           EducatorsChecked(), Budget(), CloseYear(), Experience(),
                           Promotion()]


def book_transition(model, year: int, context: SummerContext) -> None:
    """A switch over the summer after ``year`` prepares year ``year + 1``: its displaced
    educators (and whether they left the district once transfers settled) are booked to that
    year, so a switch in the last burn-in summer shows in reported year 1. The booking waits
    on ``model.transition_booked`` for the next summer's ``record_transition``."""
    displaced = context.displaced
    left = int(np.sum(model.state.educators.status[displaced] != ACTIVE))
    model.transition_booked[year + 1] = {"displaced": displaced.size,
                                         "displaced_left_district": left,
                                         "role_changes": context.role_changes}


def promote_students(model, year: int) -> None:
    """Step 7: every student moves up a grade; the top grade of a level moves to the next
    level's school (or leaves the district if there is none), grade 12 graduates, and each
    elementary school enrolls a new kindergarten cohort."""
    state = model.state
    s = state.students
    rows = np.flatnonzero(s.status == ENROLLED)
    s.grade[rows] += 1
    grade = s.grade[rows]
    graduating = rows[grade > 12]
    s.status[graduating] = GRADUATED
    by_level = {level: [x.index for x in model.schools if x.level == level]
                for level in ("elementary", "middle", "high")}
    school_level = np.array([LEVELS.index(x.level) for x in model.schools], dtype=np.int8)
    for level, next_level, first_grade in (("elementary", "middle", 6), ("middle", "high", 9)):
        here = school_level[s.school[rows]] == LEVELS.index(level)
        moving = rows[here & (grade == first_grade)]
        targets = by_level[next_level]
        if not targets:
            s.status[moving] = LEFT_DISTRICT
            continue
        sources = by_level[level]
        position = np.searchsorted(sources, s.school[moving])
        s.school[moving] = np.array(targets)[position * len(targets) // len(sources)]
    departed = rows[s.status[rows] != ENROLLED]
    s.community[departed] = -1
    model.remove_student_agents(departed)
    entering = [s for s in model.schools if s.level == "elementary"]
    counts = [s.students_per_grade for s in entering]
    school_of = np.repeat([s.index for s in entering], counts).astype(np.int32)
    new = add_students(state, model.config, model.run_key, model.schools, school_of,
                       np.zeros(school_of.size, dtype=np.int8), year + 1)
    model.add_student_agents(new)
