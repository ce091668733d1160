"""The protocol every staffing model implements (docs/staffing.md), and the shared building blocks.

A staffing model changes only structure: which communities exist, which positions serve them,
how each domain's work is split among members, who mentors whom and who may advance. It never
sets an outcome rate. The model asks it nothing else, so a new model is one new file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..domains import DOMAINS, INDIVIDUALIZED, LANGUAGE, N_DOMAINS, SOCIAL_EMOTIONAL
from ..kernels import backend
from ..roles import CATEGORY_INDEX, DEFAULT_CATALOGUE
from .settings import StaffingSettings

ALL_UNITS = np.iinfo(np.uint64).max
COMMUNITY_KINDS = ("classroom", "homeroom", "team")


@dataclass(frozen=True)
class School:
    """One school as staffing models see it (docs/odd.md §2)."""

    index: int
    level: str
    grades: tuple[int, ...]
    enrollment: int
    low_income_share: float
    english_learner_share: float
    disability_share: float
    name: str = ""
    leader_quality: float = 0.0  # SD units of a standard normal across schools

    @property
    def students_per_grade(self) -> int:
        # half up, not Python's round (halves to even): 2.5 and 3.5 must not round alike
        return max(1, math.floor(self.enrollment / len(self.grades) + 0.5))

    @property
    def poverty(self) -> str:
        """NCES bands: low < 35 %, mid 35-74 %, high >= 75 % low-income students."""
        if self.low_income_share < 0.35:
            return "low"
        return "high" if self.low_income_share >= 0.75 else "mid"


def _read_only(values: np.ndarray) -> np.ndarray:
    values.flags.writeable = False
    return values


_NOTHING_FIXED = _read_only(np.full(N_DOMAINS, -1.0, dtype=np.float32))
_NO_DUTY = _read_only(np.zeros(N_DOMAINS, dtype=np.float32))


def classes_needed(students: int, class_size: int) -> int:
    """Classes of at most ``class_size`` that serve ``students``: the class-size rule every
    design's teacher FTE follows (docs/staffing.md). Always ceil, never ``round`` (Python's
    round takes halves to even); the 1e-9 guard keeps an exact multiple from rounding up on
    floating-point noise."""
    return max(1, math.ceil(students / class_size - 1e-9))


def class_size_teachers(school: School, class_size: int) -> int:
    """Classroom teacher FTE the class-size rule gives a school: one teacher per class of
    each grade, the traditional staffing every design is held to."""
    return classes_needed(school.students_per_grade, class_size) * len(school.grades)


def even_groups(count: int, largest: int) -> list[int]:
    """``count`` split into as few groups of at most ``largest`` as possible, as even as
    possible, largest first: 10 teachers in teams of at most 4 are teams of 4, 3 and 3."""
    groups = max(1, -(-count // largest))
    base, extra = divmod(count, groups)
    return [base + 1] * extra + [base] * (groups - extra)


def proportional_split(total: int, weights) -> list[int]:
    """``total`` split in proportion to ``weights`` in whole numbers that sum to ``total``
    (largest remainders first, ties to the earlier group): each community's roster is its
    share of the students by its teachers."""
    weights = np.asarray(weights, dtype=np.float64)
    exact = total * weights / weights.sum()
    counts = np.floor(exact + 1e-9).astype(np.int64)
    short = total - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts.tolist()


@dataclass
class SchoolDesign:
    """Communities, positions and memberships of one school, with school-local indices."""

    communities: list[dict] = field(default_factory=list)
    positions: list[dict] = field(default_factory=list)
    memberships: list[dict] = field(default_factory=list)
    #: positions ``add_support_staff`` added (caseload-based, the same under every design)
    support_positions: set[int] = field(default_factory=set)

    def community(self, kind: str, grade: int, capacity: int, collaboration: float,
                  peer_group: tuple, grade_high: int | None = None) -> int:
        """A community serving ``grade`` (to ``grade_high`` for a multi-age band)."""
        self.communities.append(dict(kind=COMMUNITY_KINDS.index(kind), grade=grade,
                                     grade_high=grade if grade_high is None else grade_high,
                                     capacity=capacity, collaboration=collaboration,
                                     peer_group=peer_group))
        return len(self.communities) - 1

    def position(self, role: str, community: int, fte: float) -> int:
        self.positions.append(dict(role=role, community=community, fte=fte))
        return len(self.positions) - 1

    def member(self, position: int, community: int, duty: np.ndarray | None = None,
               fixed: dict[int, float] | None = None, units: int = ALL_UNITS) -> None:
        # most members share the read-only "nothing fixed" and "no duty" rows: a state holds
        # ~300,000 memberships, and a fresh pair of arrays each was a fifth of its build
        fixed_row = _NOTHING_FIXED
        if fixed:
            fixed_row = _NOTHING_FIXED.copy()
            for domain, share in fixed.items():
                fixed_row[domain] = share
        duty_row = _NO_DUTY if duty is None else np.asarray(duty)
        self.memberships.append(dict(position=position, community=community, duty=duty_row,
                                     fixed=fixed_row, units=np.uint64(units)))

    def count(self, role: str) -> int:
        return sum(p["role"] == role for p in self.positions)


@dataclass
class Members:
    """What ``allocate`` sees: one row per membership active this unit (arrays over M)."""

    community: np.ndarray    # int32
    active: np.ndarray       # bool: filled and serving in this unit
    duty: np.ndarray         # float32 [M, D]
    fixed: np.ndarray        # float32 [M, D], -1 = not fixed
    fte: np.ndarray          # float32
    skill: np.ndarray        # float32 [M, D], skill of the holder
    category: np.ndarray     # int8, category of the holder
    role: np.ndarray         # int8, role of the position (index into the run's catalogue)
    n_communities: int
    thresholds: np.ndarray   # float64 [D]


#: What a split by duty alone reads (``split_by_weight(members.duty, members, 0.0)``).
DUTY_INPUTS = ("community", "active", "duty", "fixed")


def teacher_duty() -> np.ndarray:
    """A classroom teacher's duty: every domain, equally weighted."""
    return np.ones(N_DOMAINS, dtype=np.float32)


class StaffingModel:
    """Base class: subclasses set ``name`` and implement ``form_communities`` and ``allocate``.
    A model with settings of its own declares them as ``Settings``, a subclass of
    ``StaffingSettings`` whose fields are tagged with their design element (``setting``);
    ``[staffing]`` naming the model is validated by it and is ``self.settings``."""

    name = "base"
    Settings: type[StaffingSettings] = StaffingSettings
    roles = DEFAULT_CATALOGUE  # the run's catalogue (set by the model when it has custom roles)
    #: Posts the design staffs below the class-size rule on purpose, in words (docs and
    #: reports); empty for a design that staffs the rule exactly.
    declared_conversions = ""

    def __init__(self, settings: StaffingSettings, unit_terms: tuple[int, ...]):
        """``unit_terms[u]`` is the term unit ``u`` starts in."""
        self.settings = settings
        self.unit_terms = tuple(unit_terms)
        self.n_units = len(self.unit_terms)

    def one_unit_per_term(self, phase: int) -> int:
        """Bit mask of units for a member who serves one unit a term (the phase-th, cycling)."""
        mask = 0
        for term in sorted(set(self.unit_terms)):
            units = [u for u, t in enumerate(self.unit_terms) if t == term]
            mask |= 1 << units[phase % len(units)]
        return mask

    # --- structure --------------------------------------------------------------------
    def form_communities(self, school: School) -> SchoolDesign:
        raise NotImplementedError

    # --- equal service ----------------------------------------------------------------
    def converted_teacher_posts(self, school: School) -> float:
        """Classroom teacher FTE the design converts on purpose (into other staff) below
        ``class_size_teachers``; negative when it staffs above it. A design gives equal
        service unless it declares a conversion here (tests/test_equal_service.py)."""
        return 0.0

    def classroom_teacher_fte(self, design: SchoolDesign) -> float:
        """Teacher FTE of a design's communities: positions in a teacher category
        (teacher-leaders, professionals, specialists), the caseload-based support staff aside."""
        return float(sum(p["fte"] for i, p in enumerate(design.positions)
                         if i not in design.support_positions
                         and self.roles.is_teacher[self.roles.index[p["role"]]]))

    # --- the day's work ---------------------------------------------------------------
    #: The ``Members`` fields ``allocate`` reads. A unit whose fields equal the last unit's
    #: reuses its split (allocation is due only when its inputs change); a model whose
    #: split follows skill must keep "skill" here. The default, every field, is always safe.
    allocation_inputs: tuple[str, ...] = ("community", "active", "duty", "fixed", "fte",
                                          "skill", "category", "role", "thresholds")

    def allocate(self, members: Members, out_split: np.ndarray) -> None:
        """Fill ``out_split[M, D]`` so each covered domain's splits sum to 1 per community."""
        raise NotImplementedError

    def regroups(self) -> bool:
        """Whether communities regroup students by need each unit (team models)."""
        return False

    # --- people -----------------------------------------------------------------------
    def mentoring_minutes(self, category: np.ndarray) -> np.ndarray:
        """Weekly minutes of induction mentoring each educator receives: under every design,
        ``mentoring_minutes_per_week`` for novices (teachers in their first two years) and
        residents; a design may mentor more people (docs/odd.md §3.6)."""
        mentored = np.isin(category, [CATEGORY_INDEX["novice"], CATEGORY_INDEX["resident"]])
        return np.where(mentored, self.settings.mentoring_minutes_per_week,
                        0.0).astype(np.float32)

    # --- shared pieces ----------------------------------------------------------------
    def add_support_staff(self, school: School, design: SchoolDesign,
                          communities: list[int]) -> None:
        """Pull-out specialists (caseload-based) and paraeducators, shared over communities:
        the same under every design. Paraeducators follow the class-size rule's teachers, not
        the design's teaching posts, so a design that converts posts (reach extension) keeps
        the school's ordinary paraeducators and adds its own staff on top."""
        s = self.settings
        n_teachers = class_size_teachers(school, s.class_size)
        pullout = s.pullout_share
        groups = (
            ("special_education_specialist",
             school.enrollment * school.disability_share / s.disability_caseload,
             {INDIVIDUALIZED: pullout}),
            ("english_learner_specialist",
             school.enrollment * school.english_learner_share / s.english_learner_caseload,
             {LANGUAGE: pullout}),
            ("paraeducator", s.paraeducators_per_teacher * n_teachers,
             {INDIVIDUALIZED: s.paraeducator_individualized_share,
              SOCIAL_EMOTIONAL: s.paraeducator_social_emotional_share}),
        )
        for role, wanted, fixed in groups:
            count = max(1, math.ceil(wanted - 1e-9)) if wanted > 0 and communities else 0
            if count == 0:  # no caseload (no students with disabilities, say): no post
                continue
            if count <= len(communities):  # each serves a run of communities
                parts = np.array_split(np.array(communities), count)
            else:  # more people than communities: each serves one, spread evenly so the
                # communities with one more are spaced through the grades, not the first ones
                parts = [np.array([communities[i * len(communities) // count]])
                         for i in range(count)]
            for part in parts:
                position = design.position(role, int(part[0]), 1.0)
                design.support_positions.add(position)
                for community in part:
                    design.member(position, int(community), fixed=fixed)


def split_by_weight(weight: np.ndarray, members: Members, min_share: float,
                    out: np.ndarray | None = None) -> np.ndarray:
    """Splits of every community's domains: fixed shares first, the rest in proportion to
    ``weight`` among active members; shares below ``min_share`` x the member's FTE are dropped
    and renormalised (a part-time member's natural share is small, not negligible). Written
    into ``out`` when given (float32 or float64), else into a new float64 array. The kernel
    is ``kernels.allocation.split_by_weight``."""

    if out is None:
        out = np.empty(weight.shape)
    backend.split_by_weight(np.ascontiguousarray(weight),
                            np.ascontiguousarray(members.community, dtype=np.int32),
                            np.ascontiguousarray(members.active, dtype=np.bool_),
                            np.ascontiguousarray(members.fixed),
                            np.ascontiguousarray(members.fte), members.n_communities,
                            float(min_share), out)
    return out


def most_skilled_fallback(weight: np.ndarray, members: Members) -> np.ndarray:
    """Where no active member has weight for a domain, the most skilled active member (fixed
    pull-out shares aside) carries it: docs/odd.md §3.3, reported as uncovered need.
    Members with a fixed share of a domain, and inactive ones, get weight 0 for it. The
    kernel is ``kernels.allocation.most_skilled_fallback``."""

    return backend.most_skilled_fallback(weight, members.community, members.active,
                                         members.fixed, members.skill, members.n_communities)


__all__ = ["School", "SchoolDesign", "Members", "StaffingModel", "split_by_weight",
           "most_skilled_fallback", "teacher_duty", "DUTY_INPUTS", "DOMAINS", "ALL_UNITS",
           "classes_needed", "class_size_teachers", "even_groups", "proportional_split"]
