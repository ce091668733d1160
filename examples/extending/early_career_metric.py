"""docs/extending.md, part 3: a metric as one file (a component that only records)."""

import numpy as np

from nextwork_sim.components import Component
from nextwork_sim.outcomes import TEACHERS, Metric
from nextwork_sim.roles import is_teacher_category
from nextwork_sim.summer_records import POVERTY_BANDS, school_poverty


class EarlyCareerShare(Component):
    name = "early_career_share"
    after = "workforce"  # the year's post holders, before the summer's departures
    metrics = {"early_career_share": Metric(
        "share", "teachers in their first three years among the year's teachers in post, "
                 "also by school_poverty=", TEACHERS)}

    def step(self, context):
        model = context.model
        e = model.state.educators
        held = context.before
        teachers = held[is_teacher_category(e.category[held])]
        if teachers.size == 0:
            return
        early = (e.experience[teachers] <= 3).astype(np.float64)
        poverty = school_poverty(model)[e.school[teachers]]
        context.record.mean_by("early_career_share", early,
                               {"school_poverty": (poverty, POVERTY_BANDS)})
