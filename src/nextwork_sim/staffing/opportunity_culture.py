"""Opportunity Culture (docs/odd.md §6): a multi-classroom leader over 3-4 classrooms.

Each grade's classrooms (``classes_needed``, as traditional staffing) are grouped into as few
pods of at most ``pod_classrooms`` as possible, as even as possible (ceil, never round: a
leader never leads more classrooms than the design allows; 10 classrooms in pods of at most 4
are pods of 4, 3 and 3), each with its share of the grade's students. A pod is one learning
community led by a multi-classroom leader, who holds one classroom's position and plans,
co-teaches and coaches: she carries ``leader_share`` of content, pedagogy and assessment work
and all coordination, and coaches the pod's teachers (mentoring minutes). Reach extension:
one more teaching position per pod is converted into paraeducator time (reach associates)
that pays the leader's supplement (``costs.leader_supplement_share``), so the design stays
close to budget-neutral. That conversion is the design's, declared in
``converted_teacher_posts``: every other teacher post of the class-size rule is staffed.
"""

from __future__ import annotations

import numpy as np

from ..domains import (
    ASSESSMENT,
    CONTENT,
    INDIVIDUALIZED,
    LEADERSHIP,
    N_DOMAINS,
    PEDAGOGY,
    SOCIAL_EMOTIONAL,
)
from ..roles import CATEGORY_INDEX
from .base import (
    DUTY_INPUTS,
    School,
    SchoolDesign,
    StaffingModel,
    classes_needed,
    even_groups,
    proportional_split,
    split_by_weight,
)
from .settings import StaffingSettings, setting


class OpportunityCulture(StaffingModel):
    name = "opportunity_culture"
    declared_conversions = ("reach extension: one teaching post per pod of two or more "
                            "classrooms becomes reach_associate_fte_per_pod FTE of reach "
                            "associates (paraeducators)")

    class Settings(StaffingSettings):
        pod_classrooms: int = setting(
            4, element="structure", unit="classrooms", ge=2, le=6, kind="sourced",
            source="Public Impact, Opportunity Culture models (3-4 classrooms per "
                   "multi-classroom leader)",
            doc="classrooms led by one multi-classroom leader")
        leader_share: float = setting(
            0.35, element="structure", unit="share of domain demand", ge=0, le=1,
            kind="assumption", doc="part of content, pedagogy and assessment work (planning, "
                                   "data) a multi-classroom leader carries for the pod")
        reach_associate_fte_per_pod: float = setting(
            1.6, element="structure", unit="FTE", ge=0, le=4, kind="assumption",
            doc="paraeducator time funded by converting one teaching position per pod "
                "(~ (teacher pay - supplement) / paraeducator pay = (69,600 - 0.2 x "
                "75,000) / 34,230 = 1.6)")
        reach_associate_individualized_share: float = setting(
            0.2, element="structure", unit="share of domain demand per FTE", ge=0, le=1,
            kind="assumption", doc="part of its pod's individualized_support demand a "
                                   "full-time reach associate carries (Opportunity Culture)")
        reach_associate_social_emotional_share: float = setting(
            0.15, element="structure", unit="share of domain demand per FTE", ge=0, le=1,
            kind="assumption", doc="part of its pod's social_emotional demand a full-time "
                                   "reach associate carries")

    def pods(self, school: School) -> list[int]:
        """Classrooms of each pod of a grade."""
        s = self.settings
        return even_groups(classes_needed(school.students_per_grade, s.class_size),
                           s.pod_classrooms)

    def converted_teacher_posts(self, school: School) -> float:
        # a pod of one classroom is its leader's: nothing to convert
        return float(len(school.grades) * sum(size >= 2 for size in self.pods(school)))

    def form_communities(self, school: School) -> SchoolDesign:
        s = self.settings
        design = SchoolDesign()
        served: list[int] = []
        sizes = self.pods(school)
        rosters = proportional_split(school.students_per_grade, sizes)
        leader_duty = np.zeros(N_DOMAINS, dtype=np.float32)
        leader_duty[LEADERSHIP] = 1.0
        teacher_duty = np.ones(N_DOMAINS, dtype=np.float32)
        teacher_duty[LEADERSHIP] = 0.0
        for grade in school.grades:
            for size, roster in zip(sizes, rosters, strict=True):
                k = design.community("team", grade, roster,
                                     s.collaboration_minutes_per_week,
                                     ("pod", len(design.communities)))
                served.append(k)
                share = {CONTENT: s.leader_share, PEDAGOGY: s.leader_share,
                         ASSESSMENT: s.leader_share}
                leader = design.position("multi_classroom_leader", k, 1.0)
                design.member(leader, k, duty=leader_duty, fixed=share)
                # the leader holds one classroom's position; reach extension converts another
                for _ in range(max(size - 2, 0)):
                    design.member(design.position("teacher", k, 1.0), k, duty=teacher_duty)
                # associates are paid for by the converted post: none where nothing is converted
                remaining = s.reach_associate_fte_per_pod if size >= 2 else 0.0
                while remaining > 1e-9:
                    fte = min(1.0, remaining)
                    individualized = s.reach_associate_individualized_share * fte
                    social_emotional = s.reach_associate_social_emotional_share * fte
                    design.member(design.position("reach_associate", k, fte), k,
                                  fixed={INDIVIDUALIZED: individualized,
                                         SOCIAL_EMOTIONAL: social_emotional})
                    remaining -= fte
        self.add_support_staff(school, design, served)
        return design

    allocation_inputs = DUTY_INPUTS

    def allocate(self, members, out_split: np.ndarray) -> None:
        split_by_weight(members.duty, members, 0.0, out=out_split)

    def mentoring_minutes(self, category: np.ndarray) -> np.ndarray:
        """The leader coaches every teacher of the pod, novices and professionals alike."""
        coached = np.isin(category, [CATEGORY_INDEX["novice"], CATEGORY_INDEX["professional"]])
        return np.where(coached, self.settings.mentoring_minutes_per_week, 0.0).astype(np.float32)
