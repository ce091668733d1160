"""Role catalogue (docs/odd.md §2): each role's category, typical FTE, pay basis and what it
may lead.

Arrays store a role as its index in ``ROLE_NAMES`` and a category as its index in
``CATEGORIES``. A teacher's category is not fixed by the role: a ``teacher`` in her first two
years is a ``novice``, afterwards a ``professional`` (see :func:`teacher_category`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .domains import DOMAIN_INDEX, N_DOMAINS

CATEGORIES: tuple[str, ...] = (
    "organization_leader", "teacher_leader", "professional", "specialist", "novice",
    "resident", "paraeducator", "community_educator",
)
CATEGORY_INDEX = {name: i for i, name in enumerate(CATEGORIES)}
#: NCES counts these as teachers; workforce rates for group `all` are over them (docs/outputs.md).
TEACHER_CATEGORIES = ("teacher_leader", "professional", "specialist", "novice")
NOVICE_YEARS = 2


@dataclass(frozen=True)
class Role:
    name: str
    category: str
    fte: float
    pay: str            # teacher_schedule | paraeducator | resident | community_educator
    may_lead: str = "—"
    teaching: bool = True  # counts as a teacher (NCES definition)


ROLES: tuple[Role, ...] = (
    Role("teacher_leader", "teacher_leader", 1.0, "teacher_schedule", may_lead="team"),
    Role("teacher", "professional", 1.0, "teacher_schedule", may_lead="domain"),
    Role("special_education_specialist", "specialist", 1.0, "teacher_schedule", may_lead="domain"),
    Role("english_learner_specialist", "specialist", 1.0, "teacher_schedule", may_lead="domain"),
    Role("resident", "resident", 0.8, "resident", teaching=False),
    Role("paraeducator", "paraeducator", 1.0, "paraeducator", teaching=False),
    Role("multi_classroom_leader", "teacher_leader", 1.0, "teacher_schedule", may_lead="team"),
    Role("reach_associate", "paraeducator", 1.0, "paraeducator", teaching=False),
    Role("community_educator", "community_educator", 0.2, "community_educator", teaching=False),
)
ROLE_NAMES: tuple[str, ...] = tuple(role.name for role in ROLES)
ROLE_INDEX = {role.name: i for i, role in enumerate(ROLES)}
ROLE_CATEGORY = np.array([CATEGORY_INDEX[r.category] for r in ROLES], dtype=np.int8)
ROLE_IS_TEACHER = np.array([r.teaching for r in ROLES], dtype=bool)
LEADER_ROLES = [ROLE_INDEX["teacher_leader"], ROLE_INDEX["multi_classroom_leader"]]


class RoleCatalogue:
    """The roles of one run: the built-in ones, then any a config defines (``[[staffing.roles]]``).
    Built-in roles keep their indices, so code may name them through ``ROLE_INDEX``."""

    def __init__(self, extra: tuple = ()):
        self.roles: tuple[Role, ...] = ROLES + tuple(
            Role(r.name, r.category, r.fte, r.pay, r.may_lead, r.category in TEACHER_CATEGORIES)
            for r in extra)
        self.names = tuple(r.name for r in self.roles)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.category = np.array([CATEGORY_INDEX[r.category] for r in self.roles], dtype=np.int8)
        self.is_teacher = np.array([r.teaching for r in self.roles], dtype=bool)
        self.pay = np.array([r.pay for r in self.roles])
        self.stipend = np.array([0.0] * len(ROLES) + [r.stipend for r in extra])
        self.required = np.full((len(self.roles), N_DOMAINS), np.nan)
        for i, spec in enumerate(extra, start=len(ROLES)):
            for domain, value in spec.required_skill.items():
                self.required[i, DOMAIN_INDEX[domain]] = value


DEFAULT_CATALOGUE = RoleCatalogue()


def teacher_category(role: np.ndarray, experience: np.ndarray,
                     catalogue: RoleCatalogue = DEFAULT_CATALOGUE) -> np.ndarray:
    """Category of each educator: the role's, except teachers in their first years are novices."""
    category = catalogue.category[role].copy()
    novice = (role == ROLE_INDEX["teacher"]) & (experience <= NOVICE_YEARS)
    category[novice] = CATEGORY_INDEX["novice"]
    return category


def is_teacher_category(category: np.ndarray) -> np.ndarray:
    return np.isin(category, [CATEGORY_INDEX[c] for c in TEACHER_CATEGORIES])
