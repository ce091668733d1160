"""The summer's invariants: educators and students conserved (see the package docstring)."""

from __future__ import annotations

import numpy as np

from ..population import ACTIVE, ENROLLED, GRADUATED, LEFT, LEFT_DISTRICT, MOVED, RETIRED
from .core import broken, school_label, when
from .state import check_record, check_state, held_posts

# --- the summer -----------------------------------------------------------------------------

class SummerWatch:
    """Made at the start of a summer (``run_summer``): snapshots who is active and enrolled,
    then checks the educators after hiring, the year's record and the students after
    promotion against the flows the summer's steps report."""

    def __init__(self, model, year: int):
        self.model, self.year = model, year
        check_state(model, year, "at the end of the school year")
        state = model.state
        e, s = state.educators, state.students
        self.educator_status = e.status.copy()
        self.active_before = int(np.sum(self.educator_status == ACTIVE))
        self.substitutes = np.flatnonzero((self.educator_status == ACTIVE) & e.substitute)
        self.held_posts = held_posts(model)
        self.student_status = s.status.copy()
        enrolled = np.flatnonzero(self.student_status == ENROLLED)
        grade = s.grade[enrolled]
        levels = [school.level for school in model.schools]
        # the top grade of a level whose next level the district lacks leaves it
        top = np.array([{"elementary": 5, "middle": 8}.get(level, -1) for level in levels])
        if "middle" in levels:
            top[[i for i, level in enumerate(levels) if level == "elementary"]] = -1
        if "high" in levels:
            top[[i for i, level in enumerate(levels) if level == "middle"]] = -1
        self.graduates = int(np.sum(grade == 12))
        self.leaving = int(np.sum(grade == top[s.school[enrolled]]))
        self.entering = sum(school.students_per_grade for school in model.schools
                            if school.level == "elementary")
        self.enrolled_before = enrolled.size

    def educators(self, *, outcome, movers, transfers, displaced, role_changes: int,
                  advanced, promoted_out, grown, residents_left, placed: int,
                  hired) -> None:
        """``educators_conserved`` after the summer's hiring: ``outcome`` of attrition,
        ``movers`` (its within-district movers) and ``transfers`` (those and the displaced,
        ``placed`` of whom found a post), ``advanced``, ``promoted_out``, ``grown``,
        ``residents_left`` and ``hired`` as the steps returned them."""
        model, e = self.model, self.model.state.educators
        where = when(model, self.year, "over the summer")
        name = "educators_conserved"
        new_substitutes = int(np.sum(e.substitute[hired]))
        incoming = {"hires": hired.size - new_substitutes,
                    "substitutes hired": new_substitutes}
        out_left = {"substitutes released": self.substitutes.size,
                    "leavers": int(np.sum(outcome == LEFT))}
        out_retired = {"retirees": int(np.sum(outcome == RETIRED))}
        out_moved = {"movers out": int(np.sum(outcome == MOVED)) - movers.size,
                     "left the classroom for promotion": promoted_out.size,
                     "residents with no post": residents_left.size,
                     "movers and displaced who found no post": transfers.size - placed}
        outgoing = {**out_left, **out_retired, **out_moved}
        after = int(np.sum(e.status == ACTIVE))
        expected = self.active_before + sum(incoming.values()) - sum(outgoing.values())
        if expected != after:
            flows = " ".join([f"+ {k} {v}" for k, v in incoming.items()]
                             + [f"- {k} {v}" for k, v in outgoing.items()])
            raise broken(name, where, f"{self.active_before} active before {flows} = "
                         f"{expected}, but {after} are active after")
        n = self.educator_status.size
        before, now = self.educator_status, e.status[:n]
        returned = np.flatnonzero((before != ACTIVE) & (now != before))
        if returned.size:
            raise broken(name, where, f"educator row {returned[0]} changed status from "
                         f"{before[returned[0]]} to {now[returned[0]]} after leaving")
        if e.n - n != hired.size or np.any(e.status[n:] != ACTIVE):
            raise broken(name, where, f"{e.n - n} new educator rows, "
                         f"{hired.size} hired")
        was_active = before == ACTIVE
        for status, flows in ((LEFT, out_left), (RETIRED, out_retired), (MOVED, out_moved)):
            changed = int(np.sum(was_active & (now == status)))
            if changed != sum(flows.values()):
                named = " + ".join(f"{k} {v}" for k, v in flows.items())
                raise broken(name, where, f"{changed} educators went from active to "
                             f"status {status}, but the flows count {named}")
        internal = {"within-district moves": movers[e.status[movers] == ACTIVE],
                    "displacements": displaced, "advancement": advanced,
                    "grow-your-own moves": grown}
        for flow, rows in internal.items():
            rows = np.asarray(rows, dtype=np.int64)
            outside = rows[(rows >= n) | ~was_active[np.minimum(rows, n - 1)]] if n else rows
            if outside.size:
                raise broken(name, where, f"{flow}: educator row {outside[0]} was not "
                             "active at the start of the summer")
        staying = np.concatenate([movers[e.status[movers] == ACTIVE], advanced, grown])
        gone = staying[e.status[staying] != ACTIVE]
        if gone.size:
            raise broken(name, where, f"educator row {gone[0]} moved inside the "
                         "district but is not active after the summer")
        if not set(displaced.tolist()) <= set(transfers.tolist()):
            raise broken(name, where, "displaced educators missing from the summer's "
                         "within-district movers")
        if role_changes < 0:
            raise broken(name, where, f"role changes {role_changes} < 0")

    def record(self, rows: list) -> None:
        """The year's record (``check_record``), every post held or counted vacant."""
        check_record(self.model, self.year, rows, self.held_posts)

    def students(self) -> None:
        """``students_conserved`` after promotion and enrolment, then the whole state."""
        model, s = self.model, self.model.state.students
        where = when(model, self.year, "over the summer")
        name = "students_conserved"
        n = self.student_status.size
        before, now = self.student_status, s.status[:n]
        was = before == ENROLLED
        flows = {"graduates": (int(np.sum(was & (now == GRADUATED))), self.graduates),
                 "leavers at a level the district lacks":
                     (int(np.sum(was & (now == LEFT_DISTRICT))), self.leaving),
                 "entering": (s.n - n, self.entering)}
        for flow, (counted, expected) in flows.items():
            if counted != expected:
                raise broken(name, where, f"{counted} {flow}, {expected} expected")
        after = int(np.sum(s.status == ENROLLED))
        expected = self.enrolled_before - self.graduates - self.leaving + self.entering
        if after != expected:
            raise broken(name, where, f"{self.enrolled_before} enrolled - graduates "
                         f"{self.graduates} - leavers {self.leaving} + entering "
                         f"{self.entering} = {expected}, but {after} are enrolled")
        changed = np.flatnonzero((before != ENROLLED) & (now != before))
        if changed.size:
            raise broken(name, where, f"student row {changed[0]} changed status from "
                         f"{before[changed[0]]} to {now[changed[0]]} after leaving")
        enrolled = np.flatnonzero(s.status == ENROLLED)
        school = s.school[enrolled]
        lowest = np.array([min(x.grades) for x in model.schools])
        highest = np.array([max(x.grades) for x in model.schools])
        valid = (school >= 0) & (school < len(model.schools))
        safe = np.where(valid, school, 0)
        grade = s.grade[enrolled]
        wrong = ~valid | (grade < lowest[safe]) | (grade > highest[safe])
        if wrong.any():
            row = enrolled[wrong][0]
            raise broken(name, where, f"student row {row} in grade {s.grade[row]} is "
                         f"enrolled at {school_label(model, s.school[row])}, which teaches "
                         "other grades")
        check_state(model, self.year, "after the summer")
