"""docs/extending.md, part 1: a staffing model with settings of its own, in one file."""

from nextwork_sim.staffing import StaffingModel
from nextwork_sim.staffing.base import (
    SchoolDesign,
    classes_needed,
    split_by_weight,
    teacher_duty,
)
from nextwork_sim.staffing.settings import StaffingSettings, setting


class CoTaught(StaffingModel):
    """Several teachers share every classroom."""

    name = "co_taught"

    class Settings(StaffingSettings):
        co_teachers: int = setting(2, element="structure", unit="teachers", ge=2, le=3,
                                   kind="assumption",
                                   doc="teachers sharing one classroom of co_teachers classes")

    def form_communities(self, school):
        s = self.settings
        size = s.co_teachers * s.class_size
        design = SchoolDesign()
        for grade in school.grades:
            for _ in range(classes_needed(school.students_per_grade, size)):
                k = design.community("classroom", grade, size,
                                     s.collaboration_minutes_per_week, ("grade", grade))
                for _ in range(s.co_teachers):
                    design.member(design.position("teacher", k, 1.0), k, duty=teacher_duty())
        return design

    def allocate(self, members, out_split):
        out_split[:] = split_by_weight(members.duty.astype(float), members, 0.0)
