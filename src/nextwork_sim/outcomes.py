"""The outputs contract (docs/outputs.md): metric definitions in one table, computed from arrays.

A year's record is a list of ``(metric, group, value)``; the runner adds scenario, point,
replication and year. ``docs/outputs.md`` is generated from ``METRICS`` (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kernels.grouped import sum_by


@dataclass(frozen=True)
class Metric:
    unit: str
    doc: str
    population: str  # who is counted for group `all`


TEACHERS = "teachers (teacher_leader, professional, specialist, novice); other staff by category="
STUDENTS = "enrolled students"
#: the groups of the flows for teachers, besides `all`
EQUITY_GROUPS = ("for teachers also by experience=, school_poverty=, race=, "
                 "of_color=true|false and pathway= (denominator: that group's teachers at "
                 "the start of the summer)")

METRICS: dict[str, Metric] = {
    "stay_rate": Metric("share", "still in the same school after the summer / educators at the "
                        "start of the year; " + EQUITY_GROUPS, TEACHERS),
    "move_rate": Metric("share", "moved to another school over the summer: within the district "
                        "(placed in a vacancy before hiring) or out of it; " + EQUITY_GROUPS,
                        TEACHERS),
    "leave_rate": Metric("share", "left the profession over the summer (includes retirement); "
                         + EQUITY_GROUPS, TEACHERS),
    "retire_rate": Metric("share", "the part of leave_rate that is retirement; " + EQUITY_GROUPS,
                          TEACHERS),
    "cohort_cumulative_leave": Metric("share of an entry cohort", "first-year teachers of an "
                                      "entry cohort (hired from outside, or paraeducators "
                                      "and residents who took a teaching post) who have "
                                      "left teaching (left or retired; moves to another "
                                      "district do not count) N years after entry "
                                      "(years_since_entry=N; also crossed with race=, "
                                      "of_color= and pathway=, e.g. "
                                      "years_since_entry=2,of_color=true)", TEACHERS),
    "cohort_cumulative_exit": Metric("share of an entry cohort", "as cohort_cumulative_leave, "
                                     "but counting everyone no longer teaching in the "
                                     "district: left, retired or moved out of it (a move "
                                     "within the district is not an exit)", TEACHERS),
    "attrition_rate": Metric("share", "move_rate + leave_rate; " + EQUITY_GROUPS, TEACHERS),
    "vacancy_rate": Metric("share of positions", "positions unfilled during the year: no "
                           "holder, or a long-term substitute (who "
                           "covers teaching posts only); by category= of the post's role for "
                           "every category with posts; group all: teaching posts", TEACHERS),
    "headcount": Metric("persons", "educators in post at the start of the year", TEACHERS),
    "teacher_share": Metric("share", "teachers in each experience band (experience=1-3, 4-9, "
                            "10-19, 20+ years, counting the year just taught) among teachers in "
                            "post at the end of the year, before the summer's departures",
                            TEACHERS),
    "fte": Metric("FTE", "full-time equivalents in post at the start of the year", TEACHERS),
    "positions": Metric("positions", "filled + vacant positions during the year (also by "
                        "category= of the post's role)", TEACHERS),
    "hires": Metric("persons", "hired over the summer", TEACHERS),
    "advanced": Metric("persons", "teachers who moved into a vacant lead role of their school "
                       "over the summer (advancement from within), also by race= and by "
                       "pay= (their new pay below or at/above the market teacher salary)",
                       TEACHERS),
    "advanced_rate": Metric("share", "teachers at the start of the summer who moved into a "
                            "vacant lead role of their school over it; also by race=, "
                            "of_color=true|false and pathway=", TEACHERS),
    "para_to_teacher": Metric("persons", "grow-your-own moves over the summer: residents into "
                              "teaching, paraeducators into a residency or teaching, at their "
                              "own school", "all educators"),
    "ladder_steps": Metric("persons", "steps up the grow-your-own ladder over the summer, by "
                           "step=community_to_para, para_to_resident, para_to_teacher, "
                           "resident_to_teacher (each costs the district: recruitment_cost)",
                           "all educators"),
    "residents_finished": Metric("persons", "residents who finished their residency "
                                 "(parameters.careers.residency_years) over the summer, by "
                                 "destination=own_school|other_school (a teaching post of "
                                 "the district) or left_district (no post open)",
                                 "residents"),
    "left_classroom_for_promotion": Metric("persons", "teachers who left the classroom for a "
                                           "coach or administrator post (seat-time rules)",
                                           TEACHERS),
    "displaced": Metric("persons", "educators left without a position when their school "
                        "switched staffing model over the summer before this year (they look "
                        "for a post at another school of the district)", "all educators"),
    "role_changes": Metric("persons", "educators a switch before this year kept in their "
                           "school in another role (promoted to lead, or a new role of the "
                           "design): each is trained once (transition_cost)", "all educators"),
    "displaced_left_district": Metric("persons", "displaced educators who found no post of "
                                      "their category at another school and left the "
                                      "district (they count as movers out in cohort metrics)",
                                      "all educators"),
    "mean_skill": Metric("0-1", "FTE-weighted mean skill over domains and educators at the end "
                         "of the year", TEACHERS),
    "mean_chronic_load": Metric("capacity units", "mean over educators of the year-mean "
                                "chronic load", TEACHERS),
    "overloaded_share": Metric("share", "educators whose year-mean chronic load exceeds 1",
                               TEACHERS),
    "satisfaction": Metric("0-1", "mean satisfaction at the end of the year", TEACHERS),
    "educators_of_color_share": Metric("share", "teachers who are not white (also by "
                                       "category= and pathway= over all educators)", TEACHERS),
    "achievement_growth": Metric("SD per year", "mean absolute gain g(grade) x r over the year; "
                                 "by teacher_experience=N (students of a self-contained "
                                 "classroom whose teacher is in her N-th year) grade-adjusted: "
                                 "g x (r - 1) + the mean g of all students", STUDENTS),
    "months_of_learning": Metric("months", "mean of 9 x r (a typical year = 9 months)",
                                 STUDENTS),
    "achievement_gap": Metric("SD", "mean standing z of the other students minus the group's "
                              "(positive = group behind), at the end of the year", STUDENTS),
    "uncovered_need_share": Metric("share", "students with a needed domain (need >= 1) that "
                                   "nobody meeting its threshold carried in some unit", STUDENTS),
    "intrapersonal_growth": Metric("index per year", "mean gain of the intrapersonal index",
                                   STUDENTS),
    "interpersonal_growth": Metric("index per year", "mean gain of the interpersonal index",
                                   STUDENTS),
    "representation_gap": Metric("share", "students_of_color_share minus the teachers' "
                                 "educators_of_color_share", TEACHERS),
    "students_of_color_share": Metric("share", "students who are not white", STUDENTS),
    "enrollment": Metric("persons", "students enrolled during the year", STUDENTS),
    "cost_total": Metric("dollars", "salary_cost + benefits_cost + time_cost + "
                         "transition_cost + credential_cost + recruitment_cost + "
                         "turnover_cost", "district"),
    "salary_cost": Metric("dollars", "pay of everyone who served the year (salaries, "
                          "stipends, supplements, residency stipends) and organization leaders",
                          "district"),
    "stipend_cost": Metric("dollars", "the part of salary_cost that is role stipends, leader "
                           "supplements and specialist premiums", "district"),
    "benefits_cost": Metric("dollars", "employer benefits: benefits_rate x salary_cost",
                            "district"),
    "time_cost": Metric("dollars", "paid extra time: collaboration beyond the planning "
                        "allowance and mentoring (mentor and mentee), at "
                        "extra_time_hourly_rate, in schools whose design has time_funded = "
                        "paid", "district"),
    "transition_cost": Metric("dollars", "one-off training of the educators placed in another "
                              "role when their school switched staffing design this summer "
                              "(transition_training_cost each)", "district"),
    "credential_cost": Metric("dollars", "the district's share of credential prices",
                              "district"),
    "recruitment_cost": Metric("dollars", "recruitment cost of the summer's hires by pathway",
                               "district"),
    "credentials_held": Metric("credentials", "mean micro-credentials held at the end of the "
                               "year (also by category=, pathway=, race=)", TEACHERS),
    "degree_share": Metric("share", "teachers holding a master's or its micro-credential "
                           "equivalent", TEACHERS),
    "cost_per_student": Metric("dollars", "cost_total / enrollment", "district"),
    "turnover_cost": Metric("dollars", "turnover cost per teacher who moved or left", "district"),
    "learning_channel": Metric("per student, units of r x g (part=norm, match, reference, "
                               "personalization) or mean log (part=log_skill, "
                               "log_allocation, log_efficacy)",
                               "the sums compare --explain splits achievement growth with "
                               "(nextwork_sim/channels.py)", STUDENTS),
    "attrition_channel": Metric("share (part=share, implied_*) or log-odds", "teachers at risk "
                                "by experience band: band shares and each channel's mean term "
                                "in the move and leave equations (channels.py)", TEACHERS),
}


# Equal service and every post counted (issue 17, items 3 and 4)
METRICS.update({
    "students_per_teacher": Metric("students per FTE", "enrolled students / teacher FTE in "
                                   "post during the year (teacher-leaders, professionals, "
                                   "novices, specialists; not residents, paraeducators, "
                                   "community educators or long-term substitutes)", STUDENTS),
    "adults_per_100_students": Metric("FTE per 100 students", "FTE of the educators in post "
                                      "during the year (times the part of the year served), "
                                      "per 100 enrolled students, by category= (long-term "
                                      "substitutes aside)", "all educators"),
    "vacant_posts": Metric("positions", "positions vacant during the year, as vacancy_rate "
                           "counts them; by category= of the post's "
                           "role; group all: teaching posts", TEACHERS),
    "unfilled_post_cost": Metric("dollars", "shadow line, not in cost_total: what the posts "
                                 "nobody held during the year would have cost at their role's "
                                 "first-year pay (also by category=); substitute-held posts are "
                                 "paid, in salary_cost", "district"),
})


#: metrics of components named in configs (components.register_component), apart from the
#: built-in ones so docs/outputs.md and the invariants' lists describe the model itself
COMPONENT_METRICS: dict[str, Metric] = {}


def metric_definition(name: str) -> Metric | None:
    """The metric of that name, built-in or a registered component's (None if neither)."""
    return METRICS.get(name) or COMPONENT_METRICS.get(name)


class YearRecord:
    """Rows of one year: ``add(metric, group, value)`` and group-wise helpers."""

    def __init__(self):
        self.rows: list[tuple[str, str, float]] = []
        # group sizes by codes array: several metrics of a summer share one set of groups
        self._sizes: dict[int, tuple[np.ndarray, int, np.ndarray]] = {}

    def add(self, metric: str, group: str, value: float) -> None:
        if metric not in METRICS and metric not in COMPONENT_METRICS:
            raise KeyError(f"metric {metric!r} is not in outcomes.METRICS nor a registered "
                           "component's")
        self.rows.append((metric, group, float(value)))

    def group_sizes(self, codes: np.ndarray, n_labels: int) -> np.ndarray:
        """``np.bincount(codes, minlength=n_labels)``, counted once per codes array."""
        cached = self._sizes.get(id(codes))
        if cached is None or cached[0] is not codes or cached[1] != n_labels:
            cached = (codes, n_labels, np.bincount(codes, minlength=n_labels))
            self._sizes[id(codes)] = cached  # keeps codes alive, so its id stays its own
        return cached[2]

    def mean_by(self, metric: str, values: np.ndarray, groups: dict[str, tuple],
                weights: np.ndarray | None = None, include_all: bool = True) -> None:
        """Add the (weighted) mean of ``values`` for `all` and for each ``field=label`` group;
        ``groups`` maps a field to (codes per row, labels)."""
        if weights is None:
            # weights of one need not be made: x * 1.0 is x and sums of ones are exact
            # counts, so every number is bit for bit the weighted form's
            values = np.asarray(values, dtype=np.float64)[None, :]
            self.means_by((metric,), values, groups, include_all)
            return
        if include_all and weights.sum() > 0:
            self.add(metric, "all", np.average(values, weights=weights))
        for field, (codes, labels) in groups.items():
            total = np.bincount(codes, weights=weights * values, minlength=len(labels))
            count = np.bincount(codes, weights=weights, minlength=len(labels))
            self._add_group_means(metric, field, labels, total, count)

    def means_by(self, metrics: tuple[str, ...], values: np.ndarray,
                 groups: dict[str, tuple], include_all: bool = True) -> None:
        """``mean_by(metric, values[i], groups)`` for each ``metrics[i]`` in turn (unweighted):
        the same rows, but one pass over the rows per group field for all the metrics
        (``values`` is float64 [metrics, rows])."""
        n = values.shape[1]
        by_row = values.T
        totals = {field: sums_by_code(codes, by_row, len(labels))
                  for field, (codes, labels) in groups.items()}
        for i, metric in enumerate(metrics):
            if include_all and n > 0:
                self.add(metric, "all", values[i].sum() / np.float64(n))
            for field, (codes, labels) in groups.items():
                count = self.group_sizes(codes, len(labels)).astype(np.float64)
                self._add_group_means(metric, field, labels, totals[field][i], count)

    def _add_group_means(self, metric: str, field: str, labels, total: np.ndarray,
                         count: np.ndarray) -> None:
        for code, label in enumerate(labels):
            if count[code] > 0:
                self.add(metric, f"{field}={label}", total[code] / count[code])

    def count_by(self, metric: str, mask: np.ndarray, groups: dict[str, tuple],
                 weights: np.ndarray | None = None) -> None:
        """Add sums (persons or FTE) for `all` and per group."""
        weights = np.ones(mask.shape[0]) if weights is None else weights
        self.add(metric, "all", float(weights[mask].sum()))
        for field, (codes, labels) in groups.items():
            total = np.bincount(codes[mask], weights=weights[mask], minlength=len(labels))
            for code, label in enumerate(labels):
                self.add(metric, f"{field}={label}", total[code])

    def gaps(self, standing: np.ndarray, groups: dict[str, tuple]) -> None:
        """achievement_gap of each group: mean z of everyone else minus the group's mean z."""
        total, count = standing.sum(), standing.shape[0]
        for field, (codes, labels) in groups.items():
            sums = np.bincount(codes, weights=standing, minlength=len(labels))
            counts = self.group_sizes(codes, len(labels))
            for code, label in enumerate(labels):
                if 0 < counts[code] < count:
                    rest = (total - sums[code]) / (count - counts[code])
                    gap = rest - sums[code] / counts[code]
                    self.add("achievement_gap", f"{field}={label}", gap)


def sums_by_code(codes: np.ndarray, by_row: np.ndarray, n_labels: int) -> np.ndarray:
    """out[v, k] = Σ by_row[r, v] over the rows r with codes[r] = k, for every column of
    ``by_row`` (float64 [rows, values], C or Fortran order) at once
    (``kernels.grouped.sum_by``: one pass over the rows, adding in row order as
    ``np.bincount`` does). Codes at or past ``n_labels`` widen ``out``."""

    if codes.size and codes.min() < 0:
        raise ValueError("sums_by_code: codes must be non-negative")
    size = max(n_labels, int(codes.max()) + 1) if codes.size else n_labels
    return sum_by(codes, by_row, size).T


BOOL_LABELS = ("false", "true")
