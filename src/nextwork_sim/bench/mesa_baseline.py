"""The same school day written the idiomatic Mesa way: Python agents with Python attributes,
``agents.do(...)`` per step, one agent at a time (issue "Performance at state scale").

Built from a model that has opened a unit (so the allocation is the same), it runs the
day's mechanisms of docs/odd.md §3.4–§3.5 per agent: communities compute demand, educators
their load share, load, chronic load, efficacy and skill growth, communities the quality of
instruction, and students their day's learning rate. Daily demand fluctuation and learning
noise are left out (set to their means) so one day can be compared with the kernels exactly.
"""

from __future__ import annotations

import math

import mesa

from ..domains import LEADERSHIP, N_DOMAINS


class CommunityAgent(mesa.Agent):
    def __init__(self, model, need_sum, coordination, personalization, reference_match):
        super().__init__(model)
        self.need_sum = list(need_sum)
        self.coordination = coordination
        self.personalization = personalization
        self.reference_match = reference_match
        self.members: list[tuple[EducatorAgent, list[float]]] = []
        self.demand = [0.0] * N_DOMAINS
        self.quality = [0.0] * N_DOMAINS

    def compute_demand(self):
        p = self.model.p
        for d in range(N_DOMAINS):
            minutes = self.need_sum[d] * p["minutes_per_need"][d]
            if d == LEADERSHIP:
                minutes += self.coordination
            self.demand[d] = minutes

    def compute_quality(self):
        self.quality = [0.0] * N_DOMAINS
        for educator, split in self.members:
            for d in range(N_DOMAINS):
                self.quality[d] += split[d] * educator.skill[d] * educator.efficacy


class EducatorAgent(mesa.Agent):
    def __init__(self, model, skill, chronic, available, feedback):
        super().__init__(model)
        self.skill = [float(x) for x in skill]
        self.chronic = float(chronic)
        self.available = float(available)
        self.feedback = float(feedback)
        self.memberships: list[tuple[CommunityAgent, list[float]]] = []
        self.load = 0.0
        self.efficacy = 1.0

    def work(self):
        p = self.model.p
        share = [0.0] * N_DOMAINS
        for community, split in self.memberships:
            for d in range(N_DOMAINS):
                share[d] += split[d] * community.demand[d] / self.available
        total, carried = 0.0, 0
        for d in range(N_DOMAINS):
            if share[d] > 0:
                carried += 1
                total += share[d] * p["difficulty"][d] / (p["skill_floor"] + self.skill[d])
        self.load = total + p["switch_cost"] * max(carried - 1, 0)
        self.chronic += p["chronic_weight"] * (self.load - self.chronic)
        self.efficacy = 1.0 / (1.0 + math.exp(p["efficacy_slope"]
                                              * (self.load - p["efficacy_threshold"])))
        rate = p["practice_rate"] * self.efficacy * (1.0 + p["feedback_boost"] * self.feedback)
        for d in range(N_DOMAINS):
            self.skill[d] = min(max(self.skill[d] + rate * share[d] * (1 - self.skill[d]), 0), 1)


class StudentAgent(mesa.Agent):
    def __init__(self, model, community, need):
        super().__init__(model)
        self.community = community
        self.need = [float(x) for x in need]
        self.rate_sum = 0.0

    def learn(self):
        p = self.model.p
        reference = self.community.reference_match
        weight = sum(self.need)
        match = (sum(n * q for n, q in zip(self.need, self.community.quality, strict=True))
                 / weight if weight > 0 else reference)
        self.rate_sum += (1.0 + p["quality_effect"] * (match - reference)
                          + p["personalization_effect"] * self.community.personalization)


class PerAgentDay(mesa.Model):
    """One district's school day as per-agent Python (built from a SchoolSystemModel whose
    unit is open). ``step()`` is one day."""

    def __init__(self, source, max_students: int | None = None):
        super().__init__()
        hooks, state = source.school_year, source.state
        params = source.config.parameters
        self.p = {
            "minutes_per_need": list(hooks.minutes_per_need), "difficulty": list(hooks.difficulty),
            "skill_floor": params.load.skill_floor, "switch_cost": params.load.switch_cost,
            "chronic_weight": hooks.chronic_weight, "efficacy_slope": params.load.efficacy_slope,
            "efficacy_threshold": params.load.efficacy_threshold,
            "practice_rate": params.skill.practice_rate,
            "feedback_boost": params.skill.feedback_boost,
            "quality_effect": params.learning.quality_effect,
            "personalization_effect": params.learning.personalization_effect,
        }
        self.communities = [CommunityAgent(self, hooks.need_sum[k], hooks.coordination[k],
                                           hooks.personalization[k],
                                           float(hooks.reference_match[k]))
                            for k in range(state.communities.n)]
        educators = state.educators
        self.educator_of: dict[int, EducatorAgent] = {}
        for i in hooks.active_rows.tolist():
            self.educator_of[i] = EducatorAgent(self, educators.skill[i],
                                                educators.chronic_load[i], hooks.available[i],
                                                educators.feedback[i])
        for m in range(state.memberships.n):
            i = hooks.unit_mem_educator[m]
            if i < 0:
                continue
            split = [float(x) for x in hooks.split[m]]
            community = self.communities[hooks.mem_community[m]]
            community.members.append((self.educator_of[i], split))
            self.educator_of[i].memberships.append((community, split))
        students = state.students
        self.student_rows = [j for j in range(students.n) if students.community[j] >= 0]
        if max_students is not None:
            self.student_rows = self.student_rows[:max_students]
        self.student_of = {j: StudentAgent(self, self.communities[students.community[j]],
                                           students.need[j]) for j in self.student_rows}

    def step(self):
        self.agents_by_type[CommunityAgent].do("compute_demand")
        self.agents_by_type[EducatorAgent].do("work")
        self.agents_by_type[CommunityAgent].do("compute_quality")
        self.agents_by_type[StudentAgent].do("learn")

    def release(self):
        self.remove_all_agents()
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)
