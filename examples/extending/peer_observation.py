"""docs/extending.md, part 2: a mechanism as one component, in one file.

Peer observation of beginning teachers: during the year a share of the teachers in their
first two years is observed by an experienced colleague, and an observed teacher's pedagogy
skill closes part of its gap to full skill over the summer. The numbers are illustrative
assumptions, not estimates.
"""

import numpy as np

from nextwork_sim.components import Component, MechanismSettings
from nextwork_sim.domains import PEDAGOGY
from nextwork_sim.outcomes import Metric
from nextwork_sim.parameters import param
from nextwork_sim.roles import is_teacher_category


class PeerObservation(Component):
    name = "peer_observation"
    after = "payroll"  # before attrition, over the year's post holders (context.before)
    educator_columns = {"times_observed": (np.int16, (), 0)}
    stream = "peer_observation"
    metrics = {"observed_share": Metric("share", "teachers in their first two years who were "
                                        "observed by a colleague during the year",
                                        "teachers in their first two years")}

    class Parameters(MechanismSettings):
        share: float = param(0.5, unit="share of beginning teachers", ge=0, le=1,
                             kind="assumption", doc="beginning teachers observed in a year")
        skill_gain: float = param(0.05, unit="share of the gap to full skill", ge=0, le=0.5,
                                  kind="assumption",
                                  doc="pedagogy gap an observed teacher closes")

    def step(self, context):
        e = context.model.state.educators
        held = context.before
        beginners = held[is_teacher_category(e.category[held]) & (e.experience[held] <= 2)]
        if beginners.size == 0:
            return
        draw = self.uniform(context, e.person_id[beginners])
        observed = beginners[draw < self.parameters.share]
        skill = e.skill[observed, PEDAGOGY]
        e.skill[observed, PEDAGOGY] = skill + self.parameters.skill_gain * (1.0 - skill)
        e.times_observed[observed] += 1
        context.record.add("observed_share", "all", observed.size / beginners.size)
