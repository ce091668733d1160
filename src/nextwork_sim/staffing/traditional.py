"""One teacher, one classroom (docs/odd.md §6): the teacher carries every domain of her class.

Elementary: self-contained classrooms of ``class_size``. Secondary: homerooms of ``class_size``
served by ``secondary_periods`` subject teachers, each teaching that many homerooms. Pull-out
specialists and paraeducators take fixed shares of the specialist domains.
"""

from __future__ import annotations

import numpy as np

from .base import (
    DUTY_INPUTS,
    Members,
    School,
    SchoolDesign,
    StaffingModel,
    classes_needed,
    split_by_weight,
    teacher_duty,
)
from .settings import StaffingSettings, setting


class Traditional(StaffingModel):
    name = "traditional"

    class Settings(StaffingSettings):
        secondary_periods: int = setting(5, element="structure", unit="sections per teacher",
                                         ge=1, le=8, kind="assumption",
                                         doc="subject teachers per secondary homeroom")

    def form_communities(self, school: School) -> SchoolDesign:
        s = self.settings
        design = SchoolDesign()
        served: list[int] = []
        per_grade = school.students_per_grade
        for grade in school.grades:
            groups = classes_needed(per_grade, s.class_size)
            if school.level == "elementary":
                for _ in range(groups):
                    k = design.community("classroom", grade, s.class_size,
                                         s.collaboration_minutes_per_week, ("grade", grade))
                    design.member(design.position("teacher", k, 1.0), k, duty=teacher_duty())
                    served.append(k)
                continue
            homerooms = [design.community("homeroom", grade, s.class_size,
                                          s.collaboration_minutes_per_week, ("grade", grade))
                         for _ in range(groups)]
            teachers = [design.position("teacher", k, 1.0) for k in homerooms]
            subjects = min(s.secondary_periods, groups)
            for h, k in enumerate(homerooms):
                for subject in range(subjects):
                    design.member(teachers[(h + subject) % groups], k, duty=teacher_duty())
            served.extend(homerooms)
        self.add_support_staff(school, design, served)
        return design

    allocation_inputs = DUTY_INPUTS

    def allocate(self, members: Members, out_split: np.ndarray) -> None:
        split_by_weight(members.duty, members, 0.0, out=out_split)
