"""The year's records the summer writes (docs/outputs.md): each ``record_*`` adds one
family of metrics to the year's :class:`~nextwork_sim.outcomes.YearRecord`, reading the
state before (or, where its docstring says so, after) the summer's changes."""

from __future__ import annotations

import numpy as np

from .channels import record_attrition_channels
from .config import RACES
from .outcomes import BOOL_LABELS, YearRecord
from .population import ACTIVE, ENROLLED, LEFT, MOVED, RETIRED
from .roles import CATEGORIES, ROLE_INDEX, is_teacher_category
from .staffing.base import COMMUNITY_KINDS
from .workforce.attrition import EXPERIENCE_BANDS, experience_band
from .workforce.costs import salaries
from .workforce.hiring import PATHWAYS

POVERTY_BANDS = ("low", "mid", "high")


def school_poverty(model) -> np.ndarray:
    """Poverty band of each school (index into POVERTY_BANDS)."""
    return np.array([POVERTY_BANDS.index(s.poverty) for s in model.schools], dtype=np.int64)


def student_groups(model, rows: np.ndarray) -> dict[str, tuple]:
    s = model.state.students
    return {
        "grade": (s.grade[rows].astype(np.int64), tuple(str(g) for g in range(13))),
        "low_income": (s.low_income[rows].astype(np.int64), BOOL_LABELS),
        "english_learner": (s.english_learner[rows].astype(np.int64), BOOL_LABELS),
        "disability": (s.disability[rows].astype(np.int64), BOOL_LABELS),
        "advanced": (s.advanced[rows].astype(np.int64), BOOL_LABELS),
        "race": (s.race[rows].astype(np.int64), RACES),
        "school_poverty": (school_poverty(model)[s.school[rows]], POVERTY_BANDS),
    }


def record_students(model, record: YearRecord) -> tuple[int, float]:
    """Step 1: the year's growth, before anyone moves; standing z moves by g x (r - 1).
    Returns the enrollment and the share of students of color (for the representation
    gap ``record_workforce`` records)."""
    s = model.state.students
    learning = model.config.parameters.learning
    rows = np.flatnonzero((s.status == ENROLLED) & (s.community >= 0))
    if rows.size == 0:
        return 0, np.nan
    norm = np.asarray(learning.growth_by_grade)[s.grade[rows]]
    rate = s.rate_sum[rows] / learning.norm_days
    s.standing[rows] += norm * (rate - 1.0)
    continuity = 1.0 + learning.continuity_bonus * np.minimum(s.continuity[rows],
                                                                  learning.continuity_max_years)
    reference_match = model.school_year.reference_match[s.community[rows]]
    scale = learning.socioemotional_rate / learning.norm_days / reference_match * continuity
    # the five per-student metrics as rows of one array, averaged by group in one pass
    metrics = ("achievement_growth", "months_of_learning", "intrapersonal_growth",
               "interpersonal_growth", "uncovered_need_share")
    values = np.empty((len(metrics), rows.size))
    np.multiply(norm, rate, out=values[0])
    np.multiply(9.0, rate, out=values[1])
    intra = np.multiply(scale, s.intra_sum[rows], out=values[2])
    inter = np.multiply(scale, s.inter_sum[rows], out=values[3])
    values[4] = s.uncovered[rows]
    s.intrapersonal[rows] += intra
    s.interpersonal[rows] += inter
    groups = student_groups(model, rows)
    record.means_by(metrics, values, groups)
    record_teacher_experience(model, record, rows, norm * (rate - 1.0) + norm.mean())
    model.school_year.learning_ledger.record(record)
    flag_groups = {k: v for k, v in groups.items() if k != "grade"}
    record.gaps(s.standing[rows], flag_groups)
    students_of_color = float(np.mean(s.race[rows] != RACES.index("white")))
    record.add("students_of_color_share", "all", students_of_color)
    record.add("enrollment", "all", rows.size)
    return int(rows.size), students_of_color


def record_teacher_experience(model, record: YearRecord, rows: np.ndarray,
                              growth: np.ndarray) -> None:
    """achievement_growth by ``teacher_experience=N``: students of self-contained classrooms
    whose teacher is in her N-th year (docs/outputs.md). ``growth`` is grade-adjusted, g·(r − 1)
    plus the mean g of all students: like a value-added estimate, teachers of different grades
    compare on growth beyond their grade's norm, not on the grade's norm itself."""
    state = model.state
    communities, positions = state.communities, state.positions
    classroom = COMMUNITY_KINDS.index("classroom")
    teacher_of = np.full(communities.n, -1, dtype=np.int64)
    own = (positions.role == ROLE_INDEX["teacher"]) & (positions.holder >= 0) & positions.open
    own &= communities.kind[positions.community] == classroom
    teacher_of[positions.community[own]] = positions.holder[own]
    community = state.students.community[rows]
    teacher = teacher_of[community]
    served = teacher >= 0
    if not served.any():
        return
    years = np.minimum(state.educators.experience[teacher[served]], 40).astype(np.int64)
    labels = tuple(str(n) for n in range(41))
    record.mean_by("achievement_growth", growth[served], {"teacher_experience": (years, labels)},
                   include_all=False)


def educator_groups(model, rows: np.ndarray) -> dict[str, tuple]:
    e = model.state.educators
    return {
        "experience": (experience_band(e.experience[rows]).astype(np.int64), EXPERIENCE_BANDS),
        "school_poverty": (school_poverty(model)[e.school[rows]], POVERTY_BANDS),
    }


def _by_teachers_and_category(model, record, metric, rows, values, weights=None) -> None:
    e = model.state.educators
    teacher = is_teacher_category(e.category[rows])
    if teacher.any():
        record.mean_by(metric, values[teacher], educator_groups(model, rows[teacher]),
                       weights=None if weights is None else weights[teacher])
    category = {"category": (e.category[rows].astype(np.int64), CATEGORIES)}
    record.mean_by(metric, values, category, weights=weights, include_all=False)


def record_workforce(model, record: YearRecord, rows: np.ndarray,
                     students_of_color: float) -> None:
    """The year's workforce state, before the summer's departures; ``students_of_color``:
    the year's share (``record_students``), for the representation gap."""
    e = model.state.educators
    days = max(model.days_this_year, 1)
    fte = e.fte[rows].astype(np.float64)
    chronic = e.chronic_sum[rows] / days
    _by_teachers_and_category(model, record, "mean_skill", rows, e.skill[rows].mean(axis=1), fte)
    _by_teachers_and_category(model, record, "mean_chronic_load", rows, chronic)
    _by_teachers_and_category(model, record, "overloaded_share", rows, (chronic > 1.0) * 1.0)
    _by_teachers_and_category(model, record, "satisfaction", rows,
                              e.satisfaction[rows].astype(np.float64))
    teacher = is_teacher_category(e.category[rows])
    category = {"category": (e.category[rows].astype(np.int64), CATEGORIES)}
    record.count_by("headcount", teacher, {})
    record.count_by("fte", teacher, {}, weights=fte)
    for field, (codes, labels) in category.items():
        counts = np.bincount(codes, minlength=len(labels))
        ftes = np.bincount(codes, weights=fte, minlength=len(labels))
        for code, label in enumerate(labels):
            if counts[code]:
                record.add("headcount", f"{field}={label}", counts[code])
                record.add("fte", f"{field}={label}", ftes[code])
    of_color = (e.race[rows] != RACES.index("white")).astype(np.float64)
    if teacher.any():
        record.add("educators_of_color_share", "all", of_color[teacher].mean())
        record.add("representation_gap", "all",
                   students_of_color - of_color[teacher].mean())
    groups = {"category": (e.category[rows].astype(np.int64), CATEGORIES),
              "pathway": (e.pathway[rows].astype(np.int64), PATHWAYS)}
    record.mean_by("educators_of_color_share", of_color, groups, include_all=False)
    record.mean_by("credentials_held", e.credentials[rows].astype(np.float64),
                   {**groups, "race": (e.race[rows].astype(np.int64), RACES)})
    record.add("degree_share", "all", e.degree[rows][teacher].mean() if teacher.any() else 0.0)


def record_service(model, record: YearRecord, rows: np.ndarray, enrollment: int) -> None:
    """Equal service: enrolled students per teacher FTE and adults per 100 students, over the
    year's post holders ``rows`` (long-term substitutes aside: their posts count as vacant).
    An adult's FTE counts for the part of the year she served (a community educator's units)."""
    if enrollment == 0:
        return
    e = model.state.educators
    fte = e.fte[rows].astype(np.float64) * model.year_share_served(rows)
    teacher_fte = fte[is_teacher_category(e.category[rows])].sum()
    if teacher_fte > 0:
        record.add("students_per_teacher", "all", enrollment / teacher_fte)
    by_category = np.bincount(e.category[rows].astype(np.int64), weights=fte,
                              minlength=len(CATEGORIES))
    record.add("adults_per_100_students", "all", 100.0 * fte.sum() / enrollment)
    for code, label in enumerate(CATEGORIES):
        if label != "organization_leader":  # principals are a budget line, not educators
            record.add("adults_per_100_students", f"category={label}",
                       100.0 * by_category[code] / enrollment)


def _post_year_share(model, posts: np.ndarray) -> np.ndarray:
    """Part of the year each post serves: unit-length posts their units only (as
    ``model.year_share_served`` does for their holders)."""
    state = model.state
    n_units = model.shape.n_units
    mask = np.zeros(state.positions.n, dtype=np.uint64)
    np.bitwise_or.at(mask, state.memberships.position, state.memberships.units)
    units = mask[posts] & np.uint64((1 << n_units) - 1)
    bits = np.unpackbits(np.ascontiguousarray(units).view(np.uint8)).reshape(-1, 64)
    served = bits.sum(axis=1, dtype=np.int64) / n_units
    return np.where(state.positions.role[posts] == ROLE_INDEX["community_educator"], served, 1.0)


def record_unfilled_posts(model, record: YearRecord) -> None:
    """unfilled_post_cost: what the posts nobody held during the year would have cost, each
    at its role's first-year pay (the pipelines' entry step; stipends included). A shadow
    line, outside cost_total. Posts held by a long-term substitute are vacant but paid (the
    substitute's pay is in salary_cost), so they are not in it."""

    positions = model.state.positions
    empty = np.flatnonzero(positions.open & (positions.holder == -1))
    role = positions.role[empty]
    pay = salaries(role, np.ones(empty.size, dtype=np.int16), positions.fte[empty],
                   _post_year_share(model, empty), model.config.parameters.costs, model.roles)
    record.add("unfilled_post_cost", "all", float(pay.sum()))
    category = model.roles.category[positions.role].astype(np.int64)
    by_category = np.bincount(category[empty], weights=pay, minlength=len(CATEGORIES))
    for code in np.flatnonzero(np.bincount(category[positions.open],
                                           minlength=len(CATEGORIES))):
        record.add("unfilled_post_cost", f"category={CATEGORIES[code]}", by_category[code])


def record_experience_mix(model, record: YearRecord, rows: np.ndarray) -> None:
    """teacher_share by experience band: the mix a steady baseline keeps (docs/odd.md)."""
    e = model.state.educators
    teachers = rows[is_teacher_category(e.category[rows])]
    if teachers.size == 0:
        return
    counts = np.bincount(experience_band(e.experience[teachers]), minlength=len(EXPERIENCE_BANDS))
    for band, label in enumerate(EXPERIENCE_BANDS):
        record.add("teacher_share", f"experience={label}", counts[band] / teachers.size)


def record_attrition_channel(model, record: YearRecord, rows: np.ndarray,
                             attrition_terms: tuple) -> None:
    """The attrition channels of the teachers at risk (channels.py); ``attrition_terms``:
    (terms, p_move, p_leave) as ``summer_attrition`` returned them."""
    terms, p_move, p_leave = attrition_terms
    teacher = is_teacher_category(model.state.educators.category[rows])
    band = experience_band(model.state.educators.experience[rows[teacher]]).astype(np.int64)
    record_attrition_channels(record, {k: (m[teacher], v[teacher]) for k, (m, v) in terms.items()},
                              band, EXPERIENCE_BANDS, p_move[teacher], p_leave[teacher])


def equity_groups(model, rows: np.ndarray) -> dict[str, tuple]:
    """``race=``, ``of_color=true|false`` and ``pathway=`` of the educators ``rows``: the
    groups a question about who a design keeps and advances is asked by."""
    e = model.state.educators
    race = e.race[rows].astype(np.int64)
    return {"race": (race, RACES),
            "of_color": ((race != RACES.index("white")).astype(np.int64), BOOL_LABELS),
            "pathway": (e.pathway[rows].astype(np.int64), PATHWAYS)}


def record_attrition(model, record: YearRecord, rows: np.ndarray, outcome: np.ndarray) -> None:
    """The summer's flows over the educators at risk ``rows``: for teachers by experience,
    school poverty, race, of_color and pathway, for other staff by category (each group's
    denominator: its members at the start of the summer)."""
    teacher = is_teacher_category(model.state.educators.category[rows])
    equity = equity_groups(model, rows[teacher])
    for metric, values in (
        ("stay_rate", outcome == ACTIVE),
        ("move_rate", outcome == MOVED),
        ("leave_rate", (outcome == LEFT) | (outcome == RETIRED)),
        ("retire_rate", outcome == RETIRED),
        ("attrition_rate", outcome != ACTIVE),
    ):
        values = values.astype(np.float64)
        _by_teachers_and_category(model, record, metric, rows, values)
        if teacher.any():
            record.mean_by(metric, values[teacher], equity, include_all=False)


TRANSITION_METRICS = ("displaced", "displaced_left_district", "role_changes")


def record_transition(model, record: YearRecord, year: int) -> dict:
    """The switch that prepared ``year`` (``book_transition``; zeros when none did), recorded
    and returned: its role changes are this year's transition cost."""
    booked = model.transition_booked.pop(year, {})
    counts = {metric: booked.get(metric, 0) for metric in TRANSITION_METRICS}
    for metric, count in counts.items():
        record.add(metric, "all", count)
    return counts


def record_cohorts(model, record: YearRecord, year: int) -> None:
    """Each entry cohort of first-year teachers N years after entry (``years_since_entry=N``,
    and that crossed with race, of_color and pathway, e.g. ``years_since_entry=2,race=black``):
    ``cohort_cumulative_leave``, the share who have left teaching (left or retired; those who
    moved to a school outside the district are still teaching, as in the national cohort
    studies this is compared with), and ``cohort_cumulative_exit``, the share no longer
    teaching in the district (left, retired or moved out; a move within the district is not an
    exit)."""
    e = model.state.educators
    novices = np.flatnonzero(e.novice_entry)
    since = year - e.entry_year[novices].astype(np.int64) + 1
    status = e.status[novices]
    out = (e.exit_year[novices] >= 0) & (e.exit_year[novices] <= year)
    left_teaching = ((status == LEFT) | (status == RETIRED)) & out
    exited = left_teaching | ((status == MOVED) & out)
    equity = equity_groups(model, novices)
    for n in range(1, 11):
        cohort = since == n
        if not cohort.any():
            continue
        label = f"years_since_entry={n}"
        for metric, gone in (("cohort_cumulative_leave", left_teaching),
                             ("cohort_cumulative_exit", exited)):
            record.add(metric, label, gone[cohort].mean())
            for field, (codes, labels) in equity.items():
                counts = np.bincount(codes[cohort], minlength=len(labels))
                gone_counts = np.bincount(codes[cohort], weights=gone[cohort],
                                          minlength=len(labels))
                for code in np.flatnonzero(counts):
                    record.add(metric, f"{label},{field}={labels[code]}",
                               gone_counts[code] / counts[code])


def record_advancement(model, record: YearRecord, advanced: np.ndarray,
                       at_risk: np.ndarray) -> None:
    """``advanced``: how many moved into a lead role (all, by pay and race);
    ``advanced_rate``: the share of the year's teachers ``at_risk`` (those at the start of
    the summer) who did, for all and by race, of_color and pathway."""
    record.add("advanced", "all", advanced.size)
    e, costs = model.state.educators, model.config.parameters.costs
    pay = salaries(e.role[advanced], e.experience[advanced], e.fte[advanced],
                   np.ones(advanced.size), costs, model.roles)
    below = int(np.sum(pay < costs.market_teacher_salary))
    record.add("advanced", "pay=below_market", below)
    record.add("advanced", "pay=market_or_above", advanced.size - below)
    race = model.state.educators.race[advanced].astype(np.int64)
    counts = np.bincount(race, minlength=len(RACES))
    for code, label in enumerate(RACES):
        record.add("advanced", f"race={label}", counts[code])
    teachers = at_risk[is_teacher_category(model.state.educators.category[at_risk])]
    if teachers.size:
        moved_up = np.isin(teachers, advanced).astype(np.float64)
        record.mean_by("advanced_rate", moved_up, equity_groups(model, teachers))


def record_posts(model, record: YearRecord) -> None:
    """Posts and vacancies during the year that ends, before the summer frees or fills any
    (the posts a switch opened over the last summer show in the year it prepared)."""
    e, positions = model.state.educators, model.state.positions
    teacher_position = model.roles.is_teacher[positions.role] & positions.open
    vacant = (positions.holder == -1) | e.substitute[np.maximum(positions.holder, 0)]
    record.add("positions", "all", int(teacher_position.sum()))
    record.add("vacancy_rate", "all", float(vacant[teacher_position].mean())
               if teacher_position.any() else 0.0)
    record.add("vacant_posts", "all", int(vacant[teacher_position].sum()))
    # every category's posts, by the post's role (a teacher post is professional whoever
    # holds it); a substitute covers teaching posts only, so elsewhere vacant = no holder
    category = model.roles.category[positions.role].astype(np.int64)
    posts = np.bincount(category[positions.open], minlength=len(CATEGORIES))
    empty = np.bincount(category[positions.open & vacant], minlength=len(CATEGORIES))
    for code in np.flatnonzero(posts):
        label = f"category={CATEGORIES[code]}"
        record.add("positions", label, posts[code])
        record.add("vacant_posts", label, empty[code])
        record.add("vacancy_rate", label, empty[code] / posts[code])


def record_hiring(model, record: YearRecord, hired: np.ndarray) -> None:
    e = model.state.educators
    hired = hired[~e.substitute[hired]]
    teacher = is_teacher_category(e.category[hired])
    record.add("hires", "all", int(teacher.sum()))
    for label_field, codes, labels in (("category", e.category[hired], CATEGORIES),
                                       ("pathway", e.pathway[hired], PATHWAYS)):
        counts = np.bincount(codes.astype(np.int64), minlength=len(labels))
        for code, label in enumerate(labels):
            if counts[code]:
                record.add("hires", f"{label_field}={label}", counts[code])
