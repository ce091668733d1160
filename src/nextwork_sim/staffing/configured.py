"""A staffing model written in a config, without Python (``staffing.model = "configured"``).

``[staffing.design]`` names the members of every community (roles, counts, FTE, one-unit
spans, the domains they may carry, fixed shares), how many grades share a community
(multi-age bands), the roster size and the allocation rule; ``[[staffing.roles]]`` may add
roles with their category, pay and required skill. config.py rejects impossible designs (no
lead for a rule that needs one, FTE over 1, fixed shares over a whole domain).

Equal service: each band has ceil(students / ``students_per_community``) communities, and
unless ``teacher_posts = "as_designed"``, full-time ``teacher`` posts are added (one per
community in turn) where the members' teacher FTE falls short of the class-size rule
(``classes_needed`` per grade, as traditional staffing). ``as_designed`` keeps the members as
written and declares the shortfall as converted posts.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from ..domains import ASSESSMENT, CONTENT, DOMAIN_INDEX, DOMAINS, LEADERSHIP, N_DOMAINS, PEDAGOGY
from ..parameters import Frozen, param
from ..roles import CATEGORY_INDEX, ROLES
from .base import (
    ALL_UNITS,
    DUTY_INPUTS,
    Members,
    School,
    SchoolDesign,
    StaffingModel,
    classes_needed,
    most_skilled_fallback,
    proportional_split,
    split_by_weight,
    teacher_duty,
)
from .settings import DomainName, JustRightSettings, setting

_LEAD = CATEGORY_INDEX["teacher_leader"]
_SHELTERED = [CATEGORY_INDEX["novice"], CATEGORY_INDEX["resident"]]


class MemberSpec(Frozen):
    """Positions of one role in every community of a configured design."""

    role: str = Field(..., description="a built-in role or one of [[staffing.roles]]")
    count: int = param(1, unit="positions", ge=1, le=10, doc="positions per community",
                       kind="assumption")
    fte: float | None = Field(None, ge=0.05, le=1.0, description="FTE of each position "
                              "(default: the role's)",
                              json_schema_extra={"unit": "FTE", "kind": "assumption"})
    span: Literal["year", "unit"] = Field("year", description="member all year, or for one "
                                          "unit a term")
    domains: list[DomainName] | None = Field(None, description="domains the member may be "
                                             "given (default: all)")
    fixed: dict[DomainName, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict, description="fixed share of a domain per position (pull-out "
        "style), 0-1")


class DesignSpec(Frozen):
    """A staffing model written in a config (``staffing.model = "configured"``)."""

    grade_band: int = param(1, unit="grades", ge=1, le=4,
                            doc="consecutive grades sharing one community (multi-age if > 1)",
                            kind="assumption")
    students_per_community: int = param(100, unit="students", ge=10, le=400,
                                        doc="largest roster of a community (communities "
                                            "per band = ceil(students / this))",
                                        kind="assumption")
    allocation: Literal["whole_class", "just_right", "leader_coached"] = Field(
        "just_right", description="whole_class: members share each domain by duty; "
        "just_right: by FTE x skill^gamma among those meeting the threshold; leader_coached: "
        "the lead carries leader_share of content, pedagogy and assessment, the rest share "
        "equally")
    leader_share: float = param(0.35, unit="share", ge=0, le=1,
                                doc="leader_coached: the lead's share of planning domains",
                                kind="assumption")
    members: list[MemberSpec] = Field(..., min_length=1, description="who serves a community")
    mentoring: bool = Field(True, description="the lead mentors novices and residents")
    specialists: bool = Field(True, description="add pull-out specialists and paraeducators "
                              "by caseload, as the shipped models do")
    teacher_posts: Literal["class_size", "as_designed"] = Field(
        "class_size", description="class_size: teacher posts are added where the members fall "
        "short of the class-size rule (equal service); as_designed: the members as written, "
        "the shortfall declared as converted posts")


class ConfiguredModel(StaffingModel):
    name = "configured"

    class Settings(JustRightSettings):
        design: DesignSpec | None = setting(None, element="structure",
                                            doc="the design of a configured model")

        @model_validator(mode="after")
        def _design_is_possible(self):
            if self.design is None:
                raise ValueError("staffing.model = 'configured' needs a [staffing.design] "
                                 "table")
            builtin = {role.name: role.category for role in ROLES}
            categories = {**builtin, **{r.name: r.category for r in self.roles}}
            for member in self.design.members:
                if member.role not in categories:
                    raise ValueError(f"design member role {member.role!r} is not defined; "
                                     f"allowed: {', '.join(sorted(categories))}")
            member_categories = [categories[m.role] for m in self.design.members]
            if self.design.allocation in ("just_right", "leader_coached") and (
                    "teacher_leader" not in member_categories):
                raise ValueError(f"design allocation {self.design.allocation!r} needs a lead: "
                                 "add a member whose role has category 'teacher_leader'")
            if not any(c in ("teacher_leader", "professional", "novice", "specialist")
                       for c in member_categories):
                raise ValueError("design has no teacher: add a member with a teaching role")
            for domain in DOMAINS:
                total = sum(m.fixed.get(domain, 0.0) * m.count for m in self.design.members)
                if total > 1.0 + 1e-9:
                    raise ValueError(f"design fixed shares of {domain} sum to {total:.2f} per "
                                     "community; they must not exceed 1")
            return self

    @property
    def spec(self):
        return self.settings.design

    @property
    def declared_conversions(self) -> str:
        if self.spec.teacher_posts == "as_designed":
            return "teacher_posts = as_designed: the members' teacher FTE, whatever the class size"
        return ""

    def _teacher_fte_per_community(self) -> float:
        roles = self.roles
        return sum(m.count * (m.fte or roles.roles[roles.index[m.role]].fte)
                   for m in self.spec.members if roles.is_teacher[roles.index[m.role]])

    def _bands(self, school: School) -> list[tuple[list[int], int, int, float]]:
        """Each band: its grades, its communities, the teacher posts added to meet the
        class-size rule, and the teacher FTE it stays short of it (declared)."""
        s, spec = self.settings, self.spec
        per_community = self._teacher_fte_per_community()
        grades = list(school.grades)
        bands = []
        for start in range(0, len(grades), spec.grade_band):
            band = grades[start:start + spec.grade_band]
            students = school.students_per_grade * len(band)
            # ceil: students_per_community is the largest roster, as team_teachers is the
            # largest team
            communities = classes_needed(students, spec.students_per_community)
            short = (classes_needed(school.students_per_grade, s.class_size) * len(band)
                     - communities * per_community)
            added = 0
            if spec.teacher_posts == "class_size":
                added = max(0, math.ceil(short - 1e-9))
            bands.append((band, communities, added, short - added))
        return bands

    def converted_teacher_posts(self, school: School) -> float:
        return float(sum(short for *_, short in self._bands(school)))

    def form_communities(self, school: School) -> SchoolDesign:
        s, spec = self.settings, self.spec
        design = SchoolDesign()
        served: list[int] = []
        per_community = self._teacher_fte_per_community()
        for band, communities, added, _ in self._bands(school):
            extra = [added // communities + (i < added % communities) for i in range(communities)]
            rosters = proportional_split(school.students_per_grade * len(band),
                                         [per_community + n for n in extra])
            for roster, n_added in zip(rosters, extra, strict=True):
                k = design.community("team", band[0], roster,
                                     s.collaboration_minutes_per_week,
                                     ("team", len(design.communities)), grade_high=band[-1])
                served.append(k)
                for member in spec.members:
                    self._add_member(design, k, member)
                for _ in range(n_added):
                    design.member(design.position("teacher", k, 1.0), k, duty=teacher_duty())
        if spec.specialists:
            self.add_support_staff(school, design, served)
        return design

    def _add_member(self, design: SchoolDesign, k: int, member) -> None:
        role = self.roles.roles[self.roles.index[member.role]]
        duty = np.ones(N_DOMAINS, dtype=np.float32)
        if member.domains is not None:
            duty[:] = 0.0
            duty[[DOMAIN_INDEX[d] for d in member.domains]] = 1.0
        fixed = {DOMAIN_INDEX[d]: share for d, share in member.fixed.items()}
        for slot in range(member.count):
            units = ALL_UNITS if member.span == "year" else self.one_unit_per_term(k + slot)
            position = design.position(member.role, k, member.fte or role.fte)
            design.member(position, k, duty=duty, fixed=fixed, units=units)

    @property
    def allocation_inputs(self) -> tuple[str, ...]:
        if self.spec.allocation == "whole_class":
            return DUTY_INPUTS
        return StaffingModel.allocation_inputs

    def allocate(self, members: Members, out_split: np.ndarray) -> None:
        rule = self.spec.allocation
        if rule == "whole_class":
            split_by_weight(members.duty, members, 0.0, out=out_split)
        elif rule == "just_right":
            out_split[:] = self._just_right(members)
        else:
            out_split[:] = self._leader_coached(members)

    def _just_right(self, members: Members) -> np.ndarray:
        s = self.settings
        required = self.roles.required[members.role]
        thresholds = np.where(np.isnan(required), members.thresholds[None, :], required)
        sheltered = np.isin(members.category, _SHELTERED)
        thresholds = thresholds * np.where(sheltered, s.sheltered_threshold_factor, 1.0)[:, None]
        leading = np.zeros_like(members.duty, dtype=bool)
        leading[:, LEADERSHIP] = members.category != _LEAD
        may = (members.duty > 0) & ~leading & (members.skill >= thresholds)
        weight = np.where(may, members.fte[:, None] * members.skill ** s.just_right_exponent, 0.0)
        weight = most_skilled_fallback(weight, members)
        return split_by_weight(weight, members, s.min_split_share)

    def _leader_coached(self, members: Members) -> np.ndarray:
        lead = members.category == _LEAD
        fixed = members.fixed.copy()
        for domain in (CONTENT, PEDAGOGY, ASSESSMENT):
            fixed[lead, domain] = self.spec.leader_share
        duty = members.duty.astype(np.float64)
        duty[~lead, LEADERSHIP] = 0.0
        coached = dataclasses.replace(members, fixed=fixed)
        return split_by_weight(duty, coached, 0.0)

    def regroups(self) -> bool:
        return bool(self.settings.regroup_each_unit) and self.spec.allocation != "whole_class"

    def mentoring_minutes(self, category: np.ndarray) -> np.ndarray:
        if not self.spec.mentoring:
            return super().mentoring_minutes(category)
        mentored = np.isin(category, _SHELTERED)
        return np.where(mentored, self.settings.mentoring_minutes_per_week, 0.0).astype(np.float32)
