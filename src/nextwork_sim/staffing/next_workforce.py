"""Next Education Workforce teams (docs/odd.md §6): a core team shares a roster.

Each grade has the teachers its class size implies (``classes_needed``, as traditional
staffing), grouped into as few teams of at most ``team_teachers`` as possible, as even as
possible (10 teachers: 4, 3 and 3); one of each team's teachers is its teacher-leader, and
the team's roster is its share of the grade's students. Residents, paraeducators and
community educators who join for one unit a term come on top. Work is split *just right*: in
proportion to FTE x skill^gamma among members whose role may take the domain and whose skill
meets its threshold; novices and residents are sheltered from the hardest domains; if nobody
qualifies, the most skilled member carries it (reported as uncovered need).
"""

from __future__ import annotations

import numpy as np

from ..domains import (
    CONTENT,
    INDIVIDUALIZED,
    LANGUAGE,
    LEADERSHIP,
    N_DOMAINS,
    PEDAGOGY,
    PROJECT,
    SOCIAL_EMOTIONAL,
)
from ..kernels import backend
from ..roles import CATEGORIES, CATEGORY_INDEX
from .base import (
    Members,
    School,
    SchoolDesign,
    StaffingModel,
    classes_needed,
    even_groups,
    most_skilled_fallback,
    proportional_split,
    split_by_weight,
    teacher_duty,
)
from .settings import JustRightSettings, setting


def _domains(*indices: int) -> np.ndarray:
    row = np.zeros(N_DOMAINS, dtype=bool)
    row[list(indices)] = True
    return row


_ALL_BUT_LEADING = ~_domains(LEADERSHIP)
#: Which domains each category may be given (sheltered roles for novices and residents).
MAY_CARRY = {
    "organization_leader": _domains(LEADERSHIP),
    "teacher_leader": np.ones(N_DOMAINS, dtype=bool),
    "professional": _ALL_BUT_LEADING,
    "specialist": _ALL_BUT_LEADING,
    "novice": _domains(CONTENT, PEDAGOGY, SOCIAL_EMOTIONAL, PROJECT),
    "resident": _domains(CONTENT, PEDAGOGY, PROJECT),
    "paraeducator": _domains(INDIVIDUALIZED, LANGUAGE, SOCIAL_EMOTIONAL),
    "community_educator": _domains(CONTENT, PROJECT),
}
SHELTERED = [CATEGORY_INDEX["novice"], CATEGORY_INDEX["resident"]]
MAY_CARRY_TABLE = np.array([MAY_CARRY[c] for c in CATEGORIES])  # assessment_data: teachers only
SHELTERED_TABLE = np.isin(np.arange(len(CATEGORIES)), SHELTERED)  # by category


class NextWorkforce(StaffingModel):
    name = "next_workforce"

    class Settings(JustRightSettings):
        team_teachers: int = setting(4, element="structure", unit="teachers", ge=2, le=6,
                                     doc="core teachers in a team (teacher-leader included)",
                                     kind="assumption")
        residents_per_team: int = setting(1, element="structure", unit="residents", ge=0, le=3,
                                          doc="paid residents a team", kind="assumption")
        resident_fte: float = setting(0.8, element="structure", unit="FTE", ge=0.1, le=1.0,
                                      doc="a resident's time", kind="assumption")
        community_educators_per_team: int = setting(
            1, element="structure", unit="persons per unit", ge=0, le=4, kind="assumption",
            doc="community educators joining a team for one unit")
        community_educator_fte: float = setting(
            0.2, element="structure", unit="FTE", ge=0.05, le=0.5, kind="assumption",
            doc="a community educator's time while a member")

    def form_communities(self, school: School) -> SchoolDesign:
        s = self.settings
        design = SchoolDesign()
        served: list[int] = []
        teams = even_groups(classes_needed(school.students_per_grade, s.class_size),
                            s.team_teachers)
        rosters = proportional_split(school.students_per_grade, teams)
        for grade in school.grades:
            for teachers, roster in zip(teams, rosters, strict=True):
                k = design.community("team", grade, roster, s.collaboration_minutes_per_week,
                                     ("team", len(design.communities)))
                served.append(k)
                design.member(design.position("teacher_leader", k, 1.0), k, duty=teacher_duty())
                for _ in range(teachers - 1):
                    design.member(design.position("teacher", k, 1.0), k, duty=teacher_duty())
                for _ in range(s.residents_per_team):
                    design.member(design.position("resident", k, s.resident_fte), k,
                                  duty=teacher_duty())
                for slot in range(s.community_educators_per_team):
                    units = self.one_unit_per_term(k + slot)
                    design.member(design.position("community_educator", k,
                                                  s.community_educator_fte),
                                  k, duty=teacher_duty(), units=units)
        self.add_support_staff(school, design, served)
        return design

    def allocate(self, members: Members, out_split: np.ndarray) -> None:
        s = self.settings
        # FTE x skill^γ where the category may carry the domain, the member has duty in it
        # (duty > 0 marks the team's own members; pull-out staff keep only their fixed
        # shares) and meets its threshold, lowered for sheltered novices and residents
        weight = backend.just_right_weight(members.category, members.duty, members.skill,
                                           members.fte, members.thresholds, MAY_CARRY_TABLE,
                                           SHELTERED_TABLE, s.sheltered_threshold_factor,
                                           s.just_right_exponent)
        weight = most_skilled_fallback(weight, members)
        out_split[:] = split_by_weight(weight, members, s.min_split_share)

    def regroups(self) -> bool:
        return bool(self.settings.regroup_each_unit)

