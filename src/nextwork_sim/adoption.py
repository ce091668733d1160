"""Mixed and phased adoption (docs/staffing.md, docs/odd.md §3.10): each school runs one
staffing model at a time.

``[staffing]`` is the base model; each ``[[adoption]]`` names schools (or a share of them) and
the year from which they run another model. A school that switches over a summer is rebuilt:
its communities and positions are closed (rows are kept, marked), the new design's are
opened, and its educators fill the new positions: open lead posts first, to the most skilled
professionals with enough experience, then every post by category, most skilled first, before
the summer's hiring fills what is left. Educators with no position left are displaced: they
join the summer's pool of within-district movers (``SummerContext.transfers``: placed at
another school with a vacancy of their category, or leaving the district with an
``exit_year``), counted on ``model.displaced``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .components import Component
from .config import validate
from .domains import N_DOMAINS
from .kernels import keyed_random as kr
from .population import LEFT
from .roles import CATEGORY_INDEX
from .staffing import staffing_class
from .workforce.placement import occupy


def school_plan(scenario, schools, run_key: int, burn_in: int) -> tuple[list, np.ndarray]:
    """Staffing settings in use and, per (internal year, school), the index of the one used.
    Returns (settings list, plan[school] as a list of (first internal year, settings index))."""
    settings = [scenario.staffing]
    plan = [[(0, 0)] for _ in schools]
    u = kr.uniform(run_key, "adoption", 0, np.arange(len(schools)), kr.ADOPTION.school)
    names = {school.name: school.index for school in schools}
    for entry in scenario.adoption:
        settings.append(entry.staffing)
        which = len(settings) - 1
        if entry.schools is not None:
            missing = [n for n in entry.schools if n not in names]
            if missing:
                raise ValueError(f"adoption.schools: {missing[0]!r} is not a school; schools "
                                 f"are named {', '.join(list(names)[:5])}, ...")
            chosen = [names[n] for n in entry.schools]
        else:
            eligible = [s.index for s in schools if s.level in entry.levels]
            order = sorted(eligible, key=lambda i: u[i])
            chosen = order[:round(entry.share * len(eligible))]
        start = burn_in + entry.from_year - 1
        for index in chosen:
            plan[index].append((start, which))
    return settings, plan


def model_index_in_year(plan: list, year: int) -> np.ndarray:
    """Index of the staffing settings each school uses in internal year ``year``."""
    out = np.zeros(len(plan), dtype=np.int64)
    for school, steps in enumerate(plan):
        for start, which in sorted(steps):
            if start <= year:
                out[school] = which
    return out


def build_staffing_models(settings: list, unit_terms, roles) -> list:
    models = []
    for entry in settings:
        model = staffing_class(entry.model)(entry, unit_terms)
        model.roles = roles
        models.append(model)
    return models


def switch_schools(model, year: int, context) -> np.ndarray:
    """Rebuild the schools whose staffing model changes before internal year ``year + 1``;
    returns their indices. Who lost a post and who changed role go into ``context`` (the
    summer's ``summer.SummerContext``)."""
    now = model_index_in_year(model.school_plan, year)
    after = model_index_in_year(model.school_plan, year + 1)
    switching = np.flatnonzero(now != after)
    for school in switching.tolist():
        _rebuild(model, school, int(after[school]), year, context)
    return switching


_LEAD, _PROFESSIONAL = CATEGORY_INDEX["teacher_leader"], CATEGORY_INDEX["professional"]

@dataclass(frozen=True)
class DesignColumns:
    """A school design as columns (school-local indices), in the order of its lists: what
    ``SchoolSystemModel.add_design`` writes into the state tables and what a signature hashes."""

    kind: np.ndarray            # communities
    grade: np.ndarray
    grade_high: np.ndarray
    capacity: np.ndarray
    collaboration: np.ndarray
    peer_group: list            # tuples, as the staffing model gave them
    role: list                  # positions: role names
    position_community: np.ndarray
    fte: np.ndarray
    member_position: np.ndarray  # memberships
    member_community: np.ndarray
    duty: np.ndarray            # float64 [M, D]: the design's values, not yet float32
    fixed: np.ndarray           # float64 [M, D]
    units: np.ndarray           # uint64


def design_columns(design) -> DesignColumns:
    """The columns of ``design`` (one pass over its lists of dicts)."""
    c, p, m = design.communities, design.positions, design.memberships

    def column(rows: list, key: str, dtype=None) -> np.ndarray:
        return np.array([row[key] for row in rows], dtype=dtype)

    def rows_of(key: str) -> np.ndarray:
        return np.array([row[key] for row in m], dtype=np.float64).reshape(len(m), N_DOMAINS)

    return DesignColumns(
        kind=column(c, "kind", np.int64), grade=column(c, "grade"),
        grade_high=column(c, "grade_high"), capacity=column(c, "capacity"),
        collaboration=column(c, "collaboration", np.float64),
        peer_group=[row["peer_group"] for row in c],
        role=[row["role"] for row in p], position_community=column(p, "community", np.int64),
        fte=column(p, "fte", np.float64),
        member_position=column(m, "position", np.int64),
        member_community=column(m, "community", np.int64),
        duty=rows_of("duty"), fixed=rows_of("fixed"), units=column(m, "units", np.uint64))


#: Signatures are ``SIGNATURE_PREFIX`` + a digest (states saved with the design's text are
#: older than the two id spaces, and ``load_state`` refuses them).
SIGNATURE_PREFIX = "blake2b:"


def design_signature(design, columns: DesignColumns | None = None) -> str:
    """A digest of a school design: equal signatures mean the same communities, positions and
    memberships (collaboration minutes aside, which a switch updates in place). Numbers are
    compared by value (float64, exact for every int and float the designs hold)."""
    cols = design_columns(design) if columns is None else columns
    digest = hashlib.blake2b(digest_size=20)
    numbers = (np.array([len(cols.kind), len(cols.role), len(cols.units)], dtype=np.float64),
               cols.kind, cols.grade, cols.grade_high, cols.capacity, cols.position_community,
               cols.fte, cols.member_position, cols.member_community, cols.duty, cols.fixed)
    for values in numbers:
        digest.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    digest.update(cols.units.tobytes())
    # role names and peer-group keys as text; every column above has a known length
    digest.update(repr((cols.role, cols.peer_group)).encode())
    return SIGNATURE_PREFIX + digest.hexdigest()


def same_design(design, columns: DesignColumns, signature: str) -> bool:
    """Whether ``design`` is the one a school's stored ``signature`` describes."""
    return design_signature(design, columns) == signature


def _rebuild(model, school_index: int, which: int, year: int, context) -> None:
    state = model.state
    new = model.staffing_models[which].settings
    design = model.staffing_models[which].form_communities(model.schools[school_index])
    columns = design_columns(design)
    if same_design(design, columns, model.design_signatures[school_index]):
        # same communities, positions and duties: only the rules change, people stay put
        model.school_model[school_index] = which
        here = (state.communities.school == school_index) & state.communities.open
        state.communities.collaboration[here] = new.collaboration_minutes_per_week
        return
    positions, communities, educators = state.positions, state.communities, state.educators
    old_positions = np.flatnonzero((positions.school == school_index) & positions.open)
    incumbents = positions.holder[old_positions]
    incumbents = incumbents[incumbents >= 0]
    positions.holder[old_positions] = -1
    educators.position[incumbents] = -1
    # a long-term substitute covered a post that is gone (only a state saved after a
    # summer's hiring still holds them: summers release substitutes before switching)
    covering = incumbents[educators.substitute[incumbents]]
    educators.status[covering], educators.exit_year[covering] = LEFT, year
    model.remove_educator_agents(covering)
    incumbents = incumbents[~educators.substitute[incumbents]]
    previous_role = educators.role[incumbents].copy()
    positions.open[old_positions] = False
    communities.open[(communities.school == school_index) & communities.open] = False
    model.school_model[school_index] = which
    school = model.schools[school_index]
    new_positions = model.add_design(school, design, columns)
    _promote_to_leads(model, new_positions, incumbents)
    unplaced = incumbents[educators.position[incumbents] < 0]
    # leaders first, then the rest; within a category, the most skilled first
    order = np.lexsort((-educators.skill[unplaced].mean(axis=1), educators.category[unplaced]))
    wanted = model.roles.category[positions.role[new_positions]]
    judges = [c for c in getattr(model, "summer", ())
              if type(c).placement_fit is not Component.placement_fit]
    for person in unplaced[order].tolist():
        free = (positions.holder[new_positions] < 0) & (
            wanted == _category_for(educators.category[person]))
        if not free.any() and educators.category[person] == _LEAD:
            # a design with fewer leads: a leader left over teaches rather than leave
            free = (positions.holder[new_positions] < 0) & (wanted == _PROFESSIONAL)
        # a post of the role they hold first: a special-education specialist stays one
        same_role = free & (positions.role[new_positions] == educators.role[person])
        choice = np.flatnonzero(same_role if same_role.any() else free)
        if choice.size and judges:
            choice = _suited_first(model, person, new_positions[choice], judges, choice)
        if choice.size:
            occupy(model, person, int(new_positions[choice[0]]))
    kept = educators.position[incumbents] >= 0
    # those placed in another role are trained for it (transition_cost)
    context.role_changes += int(np.sum(kept & (educators.role[incumbents] != previous_role)))
    displace(model, incumbents[~kept], context)


def _suited_first(model, person: int, posts: np.ndarray, judges: list,
                  choice: np.ndarray) -> np.ndarray:
    """``choice`` with the posts that suit every judging component
    (``Component.placement_fit``) first."""
    suits = np.ones(posts.size, dtype=bool)
    for judge in judges:
        fit = judge.placement_fit(model, person, posts)
        if fit is not None:
            suits &= fit
    return np.concatenate([choice[suits], choice[~suits]])


def displace(model, rows: np.ndarray, context) -> None:
    """``rows`` lost their post to a switch: they join the summer's within-district movers
    (``context.transfers``: ``settle_transfers`` places them at another school or lets them
    leave with an ``exit_year``), and are counted as displaced."""
    context.transfers = np.concatenate([context.transfers, rows]).astype(np.int64)
    context.displaced = np.concatenate([context.displaced, rows]).astype(np.int64)
    model.displaced += int(rows.size)


def _category_for(category: int) -> int:
    return _PROFESSIONAL if category == CATEGORY_INDEX["novice"] else category


def _promote_to_leads(model, new_positions: np.ndarray, incumbents: np.ndarray) -> None:
    """Open lead posts go first to the school's leaders, then to its most skilled
    professionals with ``careers.lead_minimum_years`` of experience (a design that adds
    teacher-leaders promotes from within before hiring; the experience floor is the one hiring
    applies)."""

    state = model.state
    positions, educators = state.positions, state.educators
    lead = CATEGORY_INDEX["teacher_leader"]
    open_leads = new_positions[model.roles.category[positions.role[new_positions]] == lead]
    leaders = incumbents[educators.category[incumbents] == lead]
    seasoned = incumbents[(educators.category[incumbents] == CATEGORY_INDEX["professional"])
                          & (educators.experience[incumbents]
                             >= model.config.parameters.careers.lead_minimum_years)]
    pool = [group[np.argsort(-educators.skill[group].mean(axis=1), kind="stable")]
            for group in (leaders, seasoned)]
    for target, person in zip(open_leads.tolist(), np.concatenate(pool).tolist(),
                              strict=False):
        occupy(model, person, target)


def shared_start(baseline, scenario):
    """``scenario`` started from the baseline's burned-in district (docs/odd.md §4.3): the burn-in
    runs under the baseline's staffing, then every school switches to the scenario's own
    staffing at reported year 1 (and its own adoptions, if any, follow).

    The burn-in is recomputed rather than copied; runs are pure functions of (config, seed)
    with keyed draws, so every scenario of a replication starts from the identical state.
    Mechanism parameters are the scenario's throughout (a scenario that changes parameters,
    not staffing, therefore also burns in under its own parameters)."""
    if scenario.name == baseline.name or scenario.burn_in_years == 0:
        return scenario
    switch = {"share": 1.0, "from_year": 1,
              "staffing": scenario.staffing.model_dump(mode="json", exclude_none=True)}
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["staffing"] = baseline.staffing.model_dump(mode="json", exclude_none=True)
    data["burn_in_years"] = baseline.burn_in_years
    data["adoption"] = [switch, *data.get("adoption", [])]

    return validate(data, f"{scenario.name} (shared start from {baseline.name})")
