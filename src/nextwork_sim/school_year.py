"""What happens on the calendar's school-year events (docs/odd.md §3.2–§3.7): the year's
rosters, each unit's allocation, each day's kernels, each week's peer learning and satisfaction.

Everything here prepares whole arrays and calls kernels; nothing loops over people in Python.
"""

from __future__ import annotations

import numpy as np

from .channels import LearningLedger
from .config import LEVELS
from .domains import LEADERSHIP, N_DOMAINS, PROJECT, SOCIAL_EMOTIONAL
from .kernels import keyed_random as kr
from .kernels.allocation import ServingMembers, StaffingParameters, UnitStaffing
from .kernels.backend import (
    community_needs,
    peer_learning,
    satisfaction_update,
    school_days,
    unit_learning,
    unit_quality_and_factor_logs,
    unit_staffing,
    unit_weights,
)
from .kernels.daily_learning import Instruction, Learners, LearningParameters, LearningSums
from .kernels.grouped import rows_of
from .kernels.school_day import DayParameters, DayState, Unit, check_scratch, fluctuation_values
from .parameters import as_array
from .population import ACTIVE, ENROLLED
from .staffing.base import Members
from .staffing.looping import loop_pairs, looped_students, swap_adults
from .summer import run_summer
from .workforce.costs import extra_minutes, paid_time, time_cost
from .workforce.credentials import term_learning
from .workforce.mentoring import assign_mentors

#: A student "needs" a domain when their need in it is at least this (one typical unit).
NEEDED = 1.0


class SchoolYear:
    """The calendar's hooks for school days; holds the arrays the kernels reuse every day."""

    def __init__(self, model):
        self.model = model
        p = model.config.parameters
        self.minutes_per_need = as_array(p.load.minutes_per_need)
        self.difficulty = as_array(p.load.difficulty)
        self.thresholds = as_array(model.config.staffing.thresholds)
        self.chronic_weight = 1.0 / p.load.chronic_days
        self.day_parameters = DayParameters.of(
            skill_floor=p.load.skill_floor, switch_cost=p.load.switch_cost,
            chronic_weight=self.chronic_weight, efficacy_slope=p.load.efficacy_slope,
            efficacy_threshold=p.load.efficacy_threshold,
            practice_rate=p.skill.practice_rate, feedback_boost=p.skill.feedback_boost)
        self.staffing_parameters = StaffingParameters.of(
            coordination_per_member=p.load.coordination_minutes_per_member,
            students_per_adult=p.learning.personalization_students_per_adult,
            personalization_cap=p.learning.personalization_cap,
            skill_zero=p.learning.personalization_skill_zero,
            skill_full=p.learning.personalization_skill_full)
        self.learning_parameters = LearningParameters.of(
            needed=NEEDED, quality_effect=p.learning.quality_effect,
            personalization_effect=p.learning.personalization_effect,
            noise_sd=p.learning.daily_noise_sd, intra_domain=SOCIAL_EMOTIONAL,
            inter_domain=PROJECT)
        self.fluctuation_values = fluctuation_values(p.load.demand_fluctuation_sd)
        self.learning_ledger = LearningLedger()

    # --- year ---------------------------------------------------------------------------
    def start_year(self, year: int) -> None:
        model, state = self.model, self.model.state
        assign_rosters(model, year)
        students, educators = state.students, state.educators
        k_count = state.communities.n
        enrolled = np.flatnonzero((students.status == ENROLLED) & (students.community >= 0))
        learning = model.config.parameters.learning
        growth_by_grade = np.asarray(learning.growth_by_grade, dtype=np.float64)
        self.need_sum, self.n_students, need_weight, norm_weight, no_need = community_needs(
            enrolled, students.community, students.need, students.grade, growth_by_grade,
            k_count)
        self.enrolled = enrolled
        self.reference_match = community_reference_match(model)
        unmatched = enrolled[no_need]
        # students with no need learn at their level's reference match
        unmatched_match = float((growth_by_grade[students.grade[unmatched]]
                                 * self.reference_match[students.community[unmatched]]).sum())
        self.learning_ledger.start_year(need_weight, norm_weight, unmatched_match,
                                        enrolled.size, self.reference_match,
                                        model.config.parameters.learning.norm_days)
        for column in ("rate_sum", "intra_sum", "inter_sum"):
            getattr(students, column)[:] = 0.0
        students.uncovered[:] = False
        educators.chronic_sum[:] = 0.0
        model.days_this_year = 0
        self.day_prefix = kr.year_prefix(model.run_key, "demand", year)

        e_count = educators.n
        self.mem_educator = state.positions.holder[state.memberships.position].astype(np.int32)
        self.mem_community = state.memberships.community.astype(np.int32)
        active = educators.status == ACTIVE
        self.active_rows = np.flatnonzero(active).astype(np.int64)
        self.available = np.where(active, educators.fte * model.config.parameters.load
                                  .minutes_per_day, 1.0).astype(np.float64)
        primary = educators.community
        collaboration = np.where(active & (primary >= 0),
                                 state.communities.collaboration[primary], 0.0)
        full = model.config.parameters.skill.feedback_full_minutes
        educators.feedback[:] = np.minimum(collaboration / full, 1.0)
        self.collaboration = collaboration.astype(np.float32)
        self.peer_group = np.where(active & (primary >= 0),
                                   state.communities.peer_group[primary], -1).astype(np.int32)
        self.n_peer_groups = int(state.communities.peer_group.max(initial=-1)) + 1
        self.mentor, self.mentor_minutes = assign_mentors(model)
        self.available, self.time_cost = priced_time(model, active, self.available,
                                                     collaboration, self.mentor,
                                                     self.mentor_minutes)
        self.community_ids = np.arange(k_count, dtype=np.int64)
        self.community_open = state.communities.open.copy()
        self.share = np.zeros((e_count, N_DOMAINS))
        self.skill_efficacy_sum = np.zeros((e_count, N_DOMAINS))
        self.fluctuation = np.zeros((k_count, model.shape.longest_span()), dtype=np.uint16)
        self.domain_work = np.zeros((3, N_DOMAINS))
        self.allocations: dict = {}  # per staffing model: its last inputs and split
        self.layout = None
        self.coordination = np.zeros(k_count)
        self.personalization = np.zeros(k_count)
        self.covered = np.zeros((k_count, N_DOMAINS), dtype=bool)
        self.unit_staffing = UnitStaffing(self.coordination, self.personalization, self.covered)
        regroups = np.array([m.regroups() for m in model.staffing_models])
        self.community_regroups = regroups[model.school_model[state.communities.school]]
        self.year_quality = np.zeros((k_count, N_DOMAINS))
        self.year_personalization = np.zeros(k_count)
        self.year_covered = np.ones((k_count, N_DOMAINS), dtype=bool)
        self.year_days = 0

    # --- unit ---------------------------------------------------------------------------
    def unit_members(self, unit: int) -> Members:
        """What allocation sees at the start of ``unit``: every membership, active when
        filled and serving in that unit, with its holder's FTE, skill and category."""
        state = self.model.state
        members, educators = state.memberships, state.educators
        filled = self.mem_educator >= 0
        serving = (members.units >> np.uint64(unit)) & np.uint64(1) == 1
        holder = np.maximum(self.mem_educator, 0)
        return Members(
            community=self.mem_community, active=filled & serving,
            duty=members.duty, fixed=members.fixed, fte=educators.fte[holder],
            skill=rows_of(educators.skill, holder), category=educators.category[holder],
            role=state.positions.role[members.position],
            n_communities=state.communities.n, thresholds=self.thresholds)

    def start_unit(self, year: int, unit: int) -> None:
        model, state = self.model, self.model.state
        educators = state.educators
        view = self.unit_members(unit)
        split = allocate(model, view, self.allocations)
        unit_mem_educator = np.where(view.active, self.mem_educator, -1).astype(np.int32)
        # the unit's layout follows from the split and who serves (the rest is fixed for the
        # year), so a unit that changes neither keeps it
        same = (self.layout is not None and np.array_equal(split, self.split)
                and np.array_equal(unit_mem_educator, self.unit_mem_educator))
        self.split, self.unit_mem_educator = split, unit_mem_educator
        # the view holds each member's FTE and skill already, in membership order
        members = ServingMembers(self.split, self.unit_mem_educator, self.mem_community,
                                 view.fte, view.skill)
        unit_staffing(members, educators.n, self.need_sum, self.n_students,
                      self.minutes_per_need, self.thresholds, self.staffing_parameters,
                      self.unit_staffing)
        regrouping_effect = model.config.parameters.learning.regrouping_effect
        self.personalization += regrouping_effect * self.community_regroups
        self.year_covered &= self.covered
        self.unit = Unit(self.split, self.unit_mem_educator, self.mem_community,
                         self.need_sum, self.minutes_per_need, self.coordination, LEADERSHIP,
                         self.available, self.active_rows)
        if not same:
            self.layout = unit_weights(self.unit)
        self.skill_efficacy_sum[:] = 0.0
        self.quality_sum = np.zeros((state.communities.n, N_DOMAINS))

    def school_days(self, year: int, first_day: int, n_days: int) -> None:
        """Days ``first_day`` to ``first_day + n_days - 1`` of the year, none of them after a
        week's, unit's or term's end but the last."""
        model = self.model
        educators = model.state.educators
        if n_days > self.fluctuation.shape[1]:  # longer than the calendar's spans (tests)
            self.fluctuation = np.zeros((self.fluctuation.shape[0], n_days), dtype=np.uint16)
        check_scratch(self.community_open.shape[0], n_days, self.fluctuation_values,
                      self.fluctuation, self.domain_work)
        state = DayState(educators.skill, educators.chronic_load, educators.feedback,
                         self.share, educators.load, educators.efficacy,
                         self.skill_efficacy_sum, educators.chronic_sum)
        school_days(self.day_prefix, first_day, n_days, self.community_open,
                    self.fluctuation_values, self.unit, self.layout, self.difficulty,
                    self.day_parameters, state, self.fluctuation, self.domain_work)
        model.days_this_year += n_days

    def end_unit(self, year: int, unit: int, days: int) -> None:
        """Add the unit's quality, personalization and coverage to the year's; at the year's
        last unit apply the year's learning (rows not enrolled have community -1 and are
        skipped)."""
        model = self.model
        students = model.state.students
        educators = model.state.educators
        factor_logs = unit_quality_and_factor_logs(
            self.split, self.unit_mem_educator, self.mem_community, self.skill_efficacy_sum,
            educators.fte, educators.skill, self.learning_ledger.need_weight, days,
            self.quality_sum)
        self.learning_ledger.add_unit(days, self.quality_sum, self.personalization,
                                      factor_logs)
        self.year_quality += self.quality_sum
        self.year_personalization += days * self.personalization
        self.year_days += days
        if unit < model.shape.n_units - 1:
            return
        # A student's community and needs are fixed within the year and learning is linear
        # in the daily rate, so the year's units are applied at once (docs/odd.md §3.5).
        unit_learning(Learners(students.community, students.need, students.person_id),
                      kr.normal_keys(model.run_key, "learning", year, kr.LEARNING.noise),
                      Instruction(self.year_quality, self.year_personalization,
                                  self.year_covered, self.reference_match),
                      self.year_days, self.learning_parameters,
                      LearningSums(students.rate_sum, students.intra_sum, students.inter_sum,
                                   students.uncovered))

    # --- week and term ------------------------------------------------------------------
    def end_week(self, year: int, week: int) -> None:
        model = self.model
        educators = model.state.educators
        p = model.config.parameters
        peer_learning(educators.skill, self.peer_group, self.n_peer_groups, self.collaboration,
                      p.skill.peer_learning_rate, self.mentor, self.mentor_minutes)
        mood = p.satisfaction
        satisfaction_update(educators.satisfaction, educators.chronic_load, educators.feedback,
                            mood.baseline, mood.load_weight, mood.collaboration_weight,
                            mood.adjustment_weeks)

    def end_term(self, year: int, term: int) -> None:
        """Term end: credential progress, completions and new enrolments."""

        term_learning(self.model, year, term)

    def summer(self, year: int) -> None:
        run_summer(self.model, year)


def community_reference_match(model) -> np.ndarray:
    """m_ref of each community (float64[K]): the reference match of its school's level."""
    by_level = model.config.parameters.learning.reference_match
    level_value = np.array([getattr(by_level, level) for level in LEVELS], dtype=np.float64)
    school_value = level_value[[LEVELS.index(school.level) for school in model.schools]]
    return school_value[model.state.communities.school]


def allocate(model, view: Members, previous: dict) -> np.ndarray:
    """The unit's split (float32, members x domains): each staffing model allocates the
    memberships of its schools; members not serving this unit carry nothing. A model whose
    ``allocation_inputs`` equal those of its last allocation in ``previous`` (this year's)
    keeps that split: allocation is due only when what it reads has changed."""
    state = model.state
    split = np.zeros((view.community.size, N_DOMAINS), dtype=np.float32)
    if len(model.staffing_models) == 1:
        groups = [(0, slice(None))]
    else:
        mem_model = model.school_model[state.communities.school[view.community]]
        groups = [(index, np.flatnonzero(mem_model == index))
                  for index in range(len(model.staffing_models))]
    for index, rows in groups:
        staffing = model.staffing_models[index]
        subset = Members(
            community=view.community[rows], active=view.active[rows], duty=view.duty[rows],
            fixed=view.fixed[rows], fte=view.fte[rows], skill=view.skill[rows],
            category=view.category[rows], role=view.role[rows],
            n_communities=view.n_communities,
            thresholds=as_array(staffing.settings.thresholds))
        if subset.community.size == 0:
            continue
        inputs = {name: getattr(subset, name) for name in staffing.allocation_inputs}
        last = previous.get(index)
        if last is not None and all(np.array_equal(value, last[0][name])
                                    for name, value in inputs.items()):
            split[rows] = last[1]
            continue
        part = np.zeros((subset.community.size, N_DOMAINS), dtype=np.float32)
        staffing.allocate(subset, part)
        split[rows] = part
        previous[index] = ({name: np.copy(value) for name, value in inputs.items()}, part)
    split[~view.active] = 0.0
    return split


def assign_rosters(model, year: int) -> None:
    """Spread each school's students of a grade evenly, in a keyed random order, over the
    communities serving that grade at that school. With looping, students whose adults move
    up with them stay together (and gain a year of continuity)."""
    students = model.state.students
    looped_rows = np.empty(0, dtype=np.int64)
    looping = np.array([m.settings.looping for m in model.staffing_models])
    if looping.any() and year > 0:
        pair = loop_pairs(model, looping[model.school_model])
        looped_rows, looped_to = looped_students(model, pair)
        swap_adults(model, pair)
    kept_continuity = students.continuity[looped_rows] + 1
    students.continuity[:] = 0
    students.community[:] = -1
    rows = np.flatnonzero(students.status == ENROLLED)
    rows = rows[~np.isin(rows, looped_rows)]
    _spread_evenly(model, year, rows)
    if looped_rows.size:
        students.community[looped_rows] = looped_to
        students.continuity[looped_rows] = kept_continuity


def _spread_evenly(model, year: int, rows: np.ndarray) -> None:
    students, communities = model.state.students, model.state.communities
    grades = 13
    community_code = communities.school.astype(np.int64) * grades + communities.grade
    community_code = np.where(communities.open, community_code, -1)
    order = np.argsort(community_code, kind="stable")
    order = order[community_code[order] >= 0]
    codes, first, count = np.unique(community_code[order], return_index=True,
                                    return_counts=True)
    # a multi-age community is found through the lowest grade of its band
    band_low = np.full((len(model.schools), grades), -1, dtype=np.int64)
    open_k = np.flatnonzero(communities.open)
    span = (communities.grade_high[open_k] - communities.grade[open_k] + 1).astype(np.int64)
    school_rep = np.repeat(communities.school[open_k], span)
    low_rep = np.repeat(communities.grade[open_k].astype(np.int64), span)
    offset = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    band_low[school_rep, low_rep + offset] = low_rep
    low = band_low[students.school[rows], students.grade[rows]]
    student_code = students.school[rows].astype(np.int64) * grades + low
    slot = np.searchsorted(codes, student_code)
    slot = np.minimum(slot, len(codes) - 1)
    served = codes[slot] == student_code
    rows, student_code, slot = rows[served], student_code[served], slot[served]
    u = kr.uniform(model.run_key, "roster", year, students.person_id[rows], kr.ROSTER.order)
    by_group = roster_order(u, student_code)
    sorted_code = student_code[by_group]
    start = np.searchsorted(sorted_code, sorted_code, side="left")
    rank = np.arange(len(by_group)) - start
    chosen_slot = slot[by_group]
    seat = roster_seats(communities.roster_size[order], first, count)
    students.community[rows[by_group]] = order[seat(chosen_slot, rank)]


def roster_seats(roster: np.ndarray, first: np.ndarray, count: np.ndarray):
    """``seat(group, rank)``: the community (index into the group-sorted communities) of the
    student of ``rank`` in ``group``, each community taking students in proportion to its
    roster (a team of four teachers more than a team of three). Seats are dealt in rounds by
    (k + 1/2) / roster, Sainte-Laguë style; with equal rosters that is plain round robin, so
    designs of equal communities keep their exact assignment."""
    roster = np.maximum(roster.astype(np.int64), 1)
    group_of = np.repeat(np.arange(first.size), count)
    unequal = np.flatnonzero(roster != roster[first][group_of])
    if unequal.size == 0:
        return lambda group, rank: first[group] + rank % count[group]
    place = np.repeat(np.arange(roster.size), roster)
    k = np.arange(place.size) - np.repeat(np.cumsum(roster) - roster, roster)
    dealt = place[np.lexsort((place, (2 * k + 1) / roster[place], group_of[place]))]
    seats = np.bincount(group_of, weights=roster, minlength=first.size).astype(np.int64)
    seat_first = np.cumsum(seats) - seats
    return lambda group, rank: dealt[seat_first[group] + rank % seats[group]]


def roster_order(u: np.ndarray, group: np.ndarray) -> np.ndarray:
    """``np.lexsort((u, group))`` for uniforms ``u`` in (0, 1) and non-negative group codes,
    as two stable sorts: the same order, several times as fast. Positive doubles order as
    their bit patterns do, and NumPy sorts 16-bit keys by radix, so the keys are given in
    those forms where they fit."""
    by_u = np.argsort(u.view(np.int64), kind="stable")
    group_key = group[by_u]
    if group_key.size and group_key.max() <= np.iinfo(np.int16).max:
        group_key = group_key.astype(np.int16)
    return by_u[np.argsort(group_key, kind="stable")]


#: Extra time never takes more than this share of an educator's day (a design asking more
#: is far outside what the load model describes; the floor keeps load finite).
LEAST_DAY_SHARE = 0.1


def priced_time(model, active: np.ndarray, available: np.ndarray, collaboration: np.ndarray,
                mentor: np.ndarray, mentor_minutes: np.ndarray) -> tuple[np.ndarray, float]:
    """The day's available minutes once the design's time beyond the planning allowance is
    taken from them (``time_funded = within_day``), and the year's dollars for that time where
    the design pays for it instead."""

    extra = np.where(active, extra_minutes(model, collaboration, mentor, mentor_minutes), 0.0)
    paid = paid_time(model)
    taken = np.where(paid, 0.0, extra) / model.shape.days_per_week
    available = np.maximum(available - taken, LEAST_DAY_SHARE * available)
    dollars = time_cost(model, extra, paid, np.flatnonzero(active & paid)) if paid.any() else 0.0
    return available, dollars
