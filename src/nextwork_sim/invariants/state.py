"""The invariants of the state and of a year's record (see the package docstring)."""

from __future__ import annotations

import math

import numpy as np

from ..population import ACTIVE
from ..roles import CATEGORIES
from .core import broken, school_label, when

#: metrics whose every value is a share (docs/outputs.md units "share", "0-1")
SHARE_METRICS = ("stay_rate", "move_rate", "leave_rate", "retire_rate", "attrition_rate",
                 "cohort_cumulative_leave", "cohort_cumulative_exit", "advanced_rate",
                 "vacancy_rate", "teacher_share", "overloaded_share",
                 "educators_of_color_share", "uncovered_need_share", "students_of_color_share",
                 "degree_share", "mean_skill", "satisfaction")
#: share-like units whose metric is not itself a share (a difference of two shares; channel
#: tables mixing shares and log-odds)
NOT_SHARES = ("representation_gap", "attrition_channel")
COST_LINES = ("salary_cost", "benefits_cost", "time_cost", "transition_cost", "credential_cost",
              "recruitment_cost", "turnover_cost")
#: state columns that are shares: (table, column)
STATE_SHARES = (("educators", "skill"), ("educators", "efficacy"),
                ("educators", "satisfaction"), ("educators", "feedback"),
                ("educators", "fte"), ("positions", "fte"), ("memberships", "fixed"))
TABLES = ("students", "educators", "positions", "communities", "memberships")


# --- the state ------------------------------------------------------------------------------

def check_state(model, year: int | None, moment: str = "") -> None:
    """Positions, finite values and shares of the whole state (at build, at the start and the
    end of each summer)."""
    check_positions(model, year, moment)
    check_finite_state(model, year, moment)
    check_state_shares(model, year, moment)


def check_positions(model, year: int | None, moment: str = "") -> None:
    """``positions_held_or_vacant`` on the state: see the module docstring."""
    state = model.state
    positions, educators = state.positions, state.educators
    name = "positions_held_or_vacant"
    holder, is_open = positions.holder, positions.open
    held = np.flatnonzero(holder >= 0)
    bad = held[~is_open[held]]
    if bad.size:
        p = bad[0]
        raise broken(name, when(model, year, moment),
                     f"closed position {p} of {school_label(model, positions.school[p])} "
                     f"is still held by educator row {holder[p]}")
    bad = held[holder[held] >= educators.n]
    if bad.size:
        p = bad[0]
        raise broken(name, when(model, year, moment),
                     f"position {p} of {school_label(model, positions.school[p])} is held "
                     f"by row {holder[p]}, past the {educators.n} educators")
    person = holder[held]
    wrong = (educators.status[person] != ACTIVE) | (educators.position[person] != held)
    if wrong.any():
        p, who = held[wrong][0], person[wrong][0]
        raise broken(name, when(model, year, moment),
                     f"position {p} of {school_label(model, positions.school[p])} is held by "
                     f"educator row {who}, whose status is {educators.status[who]} and "
                     f"position {educators.position[who]}")
    active = np.flatnonzero(educators.status == ACTIVE)
    post = educators.position[active]
    loose = (post < 0) | (post >= positions.n)
    if loose.any():
        who = active[loose][0]
        raise broken(name, when(model, year, moment),
                     f"active educator row {who} of {school_label(model, educators.school[who])}"
                     f" holds no position (position {educators.position[who]})")
    wrong = (holder[post] != active) | (positions.school[post] != educators.school[active])
    if wrong.any():
        who = active[wrong][0]
        p = educators.position[who]
        raise broken(name, when(model, year, moment),
                     f"active educator row {who} of {school_label(model, educators.school[who])}"
                     f" points to position {p} of {school_label(model, positions.school[p])},"
                     f" held by row {holder[p]}")


def _first_bad(values: np.ndarray, bad_of) -> int | None:
    """Row of the first value ``bad_of`` flags; ``None`` when there is none."""
    flagged = bad_of(values)
    if flagged.ndim > 1:
        flagged = flagged.reshape(flagged.shape[0], -1).any(axis=1)
    rows = np.flatnonzero(flagged)
    return int(rows[0]) if rows.size else None


def _rowschool_label(model, table: str, row: int) -> str:
    if table in ("students", "educators", "positions", "communities"):
        return f" of {school_label(model, getattr(model.state, table).school[row])}"
    if table == "memberships":
        community = model.state.memberships.community[row]
        if 0 <= community < model.state.communities.n:
            return f" of {school_label(model, model.state.communities.school[community])}"
    return ""


def check_finite_state(model, year: int | None, moment: str = "") -> None:
    """``finite_state``: no NaN or inf in any float column. A float64 sum of a column is
    finite when every value is (a sum that overflows is looked at value by value), so a clean
    column costs one pass and no temporary array."""
    for table_name in TABLES:
        table = getattr(model.state, table_name)
        for column, (dtype, _, _) in table.COLUMNS.items():
            if not np.issubdtype(dtype, np.floating):
                continue
            values = getattr(table, column)
            if math.isfinite(float(np.sum(values, dtype=np.float64))):
                continue
            row = _first_bad(values, lambda v: ~np.isfinite(v))
            if row is None:
                continue
            value = np.ravel(values[row])[~np.isfinite(np.ravel(values[row]))][0]
            raise broken("finite_state", when(model, year, moment),
                         f"{table_name}.{column} is {value} in row {row}"
                         f"{_rowschool_label(model, table_name, row)}")


def check_state_shares(model, year: int | None, moment: str = "") -> None:
    """``shares_in_0_1`` on the state (a membership's fixed share may be -1: none). NaN fails
    no comparison here: ``check_finite_state`` names it."""
    for table_name, column in STATE_SHARES:
        values = getattr(getattr(model.state, table_name), column)
        if values.size == 0 or (values.min() >= 0 and values.max() <= 1):
            continue

        def outside(v, column=column):
            bad = (v < 0) | (v > 1)
            return bad & (v != -1.0) if column == "fixed" else bad

        row = _first_bad(values, outside)
        if row is None:
            continue
        flat = np.ravel(values[row])
        raise broken("shares_in_0_1", when(model, year, moment),
                     f"{table_name}.{column} is {flat[outside(flat)][0]} in row {row}"
                     f"{_rowschool_label(model, table_name, row)}; allowed: 0 to 1")


# --- the year's record ----------------------------------------------------------------------

def check_record(model, year: int, rows: list, held_posts: dict | None = None) -> None:
    """The year's record: finite values, shares in [0, 1], the budget lines adding up to
    ``cost_total`` and (``held_posts``: posts held by someone not a substitute, by group, at
    the summer's start) every post held or counted vacant."""
    where = when(model, year)
    values: dict[tuple[str, str], float] = {}
    shares = set(SHARE_METRICS)
    for metric, group, value in rows:
        if not math.isfinite(value):
            raise broken("finite_results", where, f"{metric} ({group}) is {value}")
        if metric in shares and not 0.0 <= value <= 1.0:
            raise broken("shares_in_0_1", where,
                         f"{metric} ({group}) is {value!r}; allowed: 0 to 1")
        values[metric, group] = value
    if ("cost_total", "all") in values:
        lines = [values.get((line, "all"), math.nan) for line in COST_LINES]
        named = ", ".join(f"{line} {value:,.2f}" for line, value in zip(COST_LINES, lines,
                                                                          strict=True))
        negative = [line for line, value in zip(COST_LINES, lines, strict=True) if value < 0]
        total = values["cost_total", "all"]
        if negative or not math.isclose(math.fsum(lines), total, rel_tol=1e-12, abs_tol=1e-6):
            raise broken("cost_lines_add_up", where,
                         f"cost_total {total:,.2f} but the lines are {named}")
        if not 0.0 <= values.get(("stipend_cost", "all"), 0.0) <= values["salary_cost", "all"]:
            raise broken("cost_lines_add_up", where,
                         f"stipend_cost {values['stipend_cost', 'all']:,.2f} is not "
                         f"part of salary_cost {values['salary_cost', 'all']:,.2f}")
    for group, held in (held_posts or {}).items():
        posts = values.get(("positions", group), 0.0)
        vacant = values.get(("vacant_posts", group), 0.0)
        if posts - vacant != held:
            raise broken("positions_held_or_vacant", where,
                         f"{posts:g} positions ({group}), {vacant:g} counted vacant, "
                         f"but {held} held by someone not a substitute")


def held_posts(model) -> dict[str, int]:
    """Open posts held by an active educator who is not a substitute, by the ``positions``
    metric's groups (all: teaching posts; category=: the post's role's category), counted
    from the educators' side."""
    state = model.state
    educators, positions = state.educators, state.positions
    holders = np.flatnonzero((educators.status == ACTIVE) & ~educators.substitute)
    post = educators.position[holders]
    post = post[(post >= 0) & positions.open[np.maximum(post, 0)]]
    role = positions.role[post]
    counts = {"all": int(np.sum(model.roles.is_teacher[role]))}
    open_roles = positions.role[positions.open]
    by_category = np.bincount(model.roles.category[role].astype(np.int64),
                              minlength=len(CATEGORIES))
    for code in np.unique(model.roles.category[open_roles]).tolist():
        counts[f"category={CATEGORIES[code]}"] = int(by_category[code])
    return counts
