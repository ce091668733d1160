"""The docs/staffing.md example: a staffing model written outside the package."""

from nextwork_sim.staffing import StaffingModel
from nextwork_sim.staffing.base import (
    SchoolDesign,
    classes_needed,
    split_by_weight,
    teacher_duty,
)


class CoTaught(StaffingModel):
    """Two teachers share every classroom."""

    name = "co_taught"

    def form_communities(self, school):
        s = self.settings
        design = SchoolDesign()
        for grade in school.grades:
            for _ in range(classes_needed(school.students_per_grade, 2 * s.class_size)):
                k = design.community("classroom", grade, 2 * s.class_size,
                                     s.collaboration_minutes_per_week, ("grade", grade))
                for _ in range(2):
                    design.member(design.position("teacher", k, 1.0), k, duty=teacher_duty())
        return design

    def allocate(self, members, out_split):
        out_split[:] = split_by_weight(members.duty.astype(float), members, 0.0)


class NotAModel:
    pass
