"""Opportunity Culture (MODEL.md §6): a multi-classroom leader over 3-4 classrooms.

Each grade's classrooms are grouped into pods of ``pod_classrooms``. A pod is one learning
community led by a multi-classroom leader, who holds one classroom's position and plans,
co-teaches and coaches: she carries ``leader_share`` of content, pedagogy and assessment work
and all coordination, and coaches the pod's teachers (mentoring minutes). Reach extension:
one more teaching position per pod is converted into paraeducator time (reach associates)
that pays the leader's supplement (``costs.leader_supplement_share``), so the design stays
close to budget-neutral.
"""

from __future__ import annotations

import math

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
from .base import DUTY_INPUTS, School, SchoolDesign, StaffingModel, split_by_weight


class OpportunityCulture(StaffingModel):
    name = "opportunity_culture"

    def form_communities(self, school: School) -> SchoolDesign:
        s = self.settings
        design = SchoolDesign()
        served: list[int] = []
        classrooms = max(1, math.ceil(school.students_per_grade / s.class_size - 1e-9))
        pods = max(1, round(classrooms / s.pod_classrooms))
        sizes = [len(part) for part in np.array_split(np.arange(classrooms), pods)]
        leader_duty = np.zeros(N_DOMAINS, dtype=np.float32)
        leader_duty[LEADERSHIP] = 1.0
        teacher_duty = np.ones(N_DOMAINS, dtype=np.float32)
        teacher_duty[LEADERSHIP] = 0.0
        for grade in school.grades:
            for size in sizes:
                k = design.community("team", grade, size * s.class_size,
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
                remaining = s.reach_associate_fte_per_pod
                while remaining > 1e-9:
                    fte = min(1.0, remaining)
                    design.member(design.position("reach_associate", k, fte), k,
                                  fixed={INDIVIDUALIZED: 0.2 * fte, SOCIAL_EMOTIONAL: 0.15 * fte})
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
