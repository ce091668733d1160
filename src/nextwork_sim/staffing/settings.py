"""Staffing settings (``[staffing]``): the ones every design shares, and the building blocks a
staffing model's own ``Settings`` class is made of (docs/staffing.md).

``StaffingSettings`` holds what every design uses: the model's name, the class-size rule,
the caseload-based support staff (``StaffingModel.add_support_staff``), collaboration and
mentoring time and how it is funded, the domain thresholds, the advancement rule, the
credential route, the roles a config adds and looping. A model with settings of its own
declares ``Settings``, a subclass of ``StaffingSettings`` with its fields; ``[staffing]`` is
validated by the class of the model it names (``staffing.settings_class``), so a field of
another model is refused, not silently ignored. The table stays flat in a config file: the
model's own fields sit next to the shared ones.

Every field is tagged with the design element it belongs to (``setting(element=...)``, one of
``ELEMENTS``): ``compare --explain`` splits a difference into these elements
(experiments/decompose.py) and refuses a field that differs and has no element.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticUndefined

from ..domains import DOMAINS
from ..parameters import ASSUMPTION, Frozen, domain_table, param
from ..roles import CATEGORIES, ROLE_NAMES

#: Design elements a staffing setting belongs to, in the order ``compare --explain`` lists
#: them: the team *structure* (model, roles, team sizes, allocation rule), *collaboration*
#: time, *mentoring*, *time funding*, *regrouping and looping*, the *credential* route and the
#: *advancement* rule (the *pay* element is the cost parameters, not a staffing setting).
ELEMENTS: tuple[str, ...] = ("structure", "collaboration", "mentoring", "time_funding",
                             "regrouping_and_looping", "credentials", "advancement")


#: The staffing models a ``model`` name is checked against: the registry and the function
#: saying why a ``module:Class`` cannot be used (None if it can). ``nextwork_sim.staffing``
#: installs both (``install_model_lookup``) once the model classes exist; they are defined
#: on top of this module, so it cannot import them.
_MODEL_LOOKUP: dict[str, Any] = {"registry": {}, "problem": None}


def install_model_lookup(registry: Mapping[str, type],
                         problem: Callable[[str], str | None]) -> None:
    """Check ``model`` names against ``registry`` and, for ``module:Class``, ``problem``."""
    _MODEL_LOOKUP.update(registry=registry, problem=problem)


def setting(default: Any = PydanticUndefined, *, element: str, doc: str,
            unit: str | None = None, kind: str | None = None, source: str = ASSUMPTION,
            ge: float | None = None, le: float | None = None, **options: Any) -> Any:
    """A staffing field tagged with its design ``element``: a number (``unit`` and ``kind``
    given, as ``parameters.param``) or a choice, switch or table (no unit). ``options`` go
    to ``pydantic.Field`` (``default_factory``, ``strict``, ``pattern``)."""
    if element not in ELEMENTS:
        raise ValueError(f"setting element {element!r}: allowed {', '.join(ELEMENTS)}")
    if unit is None:
        return Field(default, description=doc, json_schema_extra={"element": element},
                     **options)
    field = param(default, unit=unit, doc=doc, kind=kind, source=source, ge=ge, le=le)
    field.json_schema_extra["element"] = element
    return field


def element_of(field) -> str | None:
    """The design element a field is tagged with (None: untagged)."""
    extra = field.json_schema_extra
    return extra.get("element") if isinstance(extra, dict) else None


DomainThresholds = domain_table(
    "DomainThresholds",
    {"content": 0.35, "pedagogy": 0.35, "assessment_data": 0.40, "individualized_support": 0.45,
     "language_support": 0.45, "social_emotional": 0.35, "project_facilitation": 0.35,
     "team_leadership": 0.50},
    unit="skill", le=1.0, kind="assumption",
    doc="skill an educator needs to be given a domain under just-right allocation",
)

DomainName = Literal[DOMAINS]  # type: ignore[valid-type]
CategoryName = Literal[CATEGORIES]  # type: ignore[valid-type]


class RoleSpec(Frozen):
    """A role a config defines (docs/odd.md §2): added to the built-in catalogue of roles.py."""

    name: str = Field(..., pattern=r"^[a-z][a-z0-9_]*$", description="role name")
    category: CategoryName = Field(..., description="role category (docs/odd.md §2)")
    fte: float = param(1.0, unit="FTE", ge=0.05, le=1.0, doc="typical time of the role",
                       kind="assumption")
    pay: Literal["teacher_schedule", "paraeducator", "resident", "community_educator"] = Field(
        "teacher_schedule", description="pay basis (see parameters.costs)")
    stipend: float = param(0.0, unit="dollars per year", ge=0, le=100000,
                           doc="extra pay on top of the pay basis", kind="assumption")
    required_skill: dict[DomainName, float] = Field(
        default_factory=dict, description="skill (0-1) needed per domain to be given it under "
        "just-right allocation; unspecified domains use staffing.thresholds")
    may_lead: Literal["school", "team", "domain", "—"] = Field("—", description="what it leads")

    @field_validator("required_skill")
    @classmethod
    def _skills_in_range(cls, value: dict) -> dict:
        for domain, skill in value.items():
            if not 0.0 <= skill <= 1.0:
                raise ValueError(f"required_skill.{domain} = {skill}: allowed 0 to 1 skill")
        return value


class StaffingSettings(Frozen):
    """``[staffing]``: the staffing model and the settings every design shares. A model's own
    settings are fields of its ``Settings`` subclass (listed per model in docs/staffing.md)."""

    model: str = setting("traditional", element="structure", doc="registered name "
                         "(traditional, next_workforce, opportunity_culture, configured) or "
                         "'module:Class' of a StaffingModel outside the package")
    class_size: int = setting(25, element="structure", unit="students", ge=5, le=60,
                              source="NCES NTPS 2017-18 (elementary self-contained ~21-25)",
                              doc="students per classroom or homeroom", kind="sourced")
    disability_caseload: float = setting(
        15.0, element="structure", unit="students per specialist", ge=1, le=100,
        doc="students with disabilities per special-ed specialist", kind="assumption")
    english_learner_caseload: float = setting(
        45.0, element="structure", unit="students per specialist", ge=1, le=300,
        doc="English learners per EL specialist", kind="assumption")
    paraeducators_per_teacher: float = setting(
        0.4, element="structure", unit="ratio", ge=0, le=2,
        source="US BLS (~1.39 M assistants / 3.5 M teachers)",
        doc="paraeducator positions per teacher position", kind="sourced")
    pullout_share: float = setting(
        0.5, element="structure", unit="share of domain demand", ge=0, le=1,
        doc="part of a classroom's specialist-domain demand a pull-out specialist carries",
        kind="assumption")
    paraeducator_individualized_share: float = setting(
        0.25, element="structure", unit="share of domain demand", ge=0, le=1, kind="assumption",
        doc="part of each served community's individualized_support demand a support "
            "paraeducator carries")
    paraeducator_social_emotional_share: float = setting(
        0.15, element="structure", unit="share of domain demand", ge=0, le=1, kind="assumption",
        doc="part of each served community's social_emotional demand a support paraeducator "
            "carries")
    collaboration_minutes_per_week: float = setting(
        60.0, element="collaboration", unit="minutes per week", ge=0, le=600,
        doc="protected collaboration time", kind="assumption")
    mentoring_minutes_per_week: float = setting(
        30.0, element="mentoring", unit="minutes per week", ge=0, le=300,
        doc="induction mentoring of each novice (first two years) and resident, by the "
            "community's teacher-leader or else an experienced teacher of the school; about 80% "
            "of first-year teachers have an assigned mentor (NCES BTLS 2007-08, Gray & Taie "
            "2015); how long they meet is not measured nationally, so the default, half an "
            "hour a week, is an assumption",
        kind="assumption")
    time_funded: Literal["within_day", "paid"] = setting(
        "within_day", element="time_funding", doc="how collaboration beyond the planning "
        "allowance and mentoring are funded: within_day (they come out of the educators' "
        "minutes for the day's work) or paid (extra paid time, time_cost)")
    thresholds: DomainThresholds = setting(element="structure", default_factory=DomainThresholds,
                                           doc="skill each domain needs (allocation match, "
                                               "just-right allocation, advancement)")
    advancement: Literal["seat_time", "competency"] = setting(
        "seat_time", element="advancement", doc="how a vacant lead role is filled from within: "
        "seat_time (years of experience) or competency (skill, any years)")
    credentials: Literal["micro", "degree"] = setting(
        "degree", element="credentials", doc="professional learning route: stackable "
        "micro-credentials by domain (competency) or a master's degree (seat time)")
    district_pays_share: float = setting(0.0, element="credentials", unit="share of the price",
                                         ge=0, le=1, kind="assumption",
                                         doc="part of credential prices the district pays")
    advancement_credentials: int = setting(
        2, element="advancement", unit="credentials", ge=0, le=12, kind="assumption",
        doc="competency: micro-credentials needed to advance")
    advancement_years: int = setting(7, element="advancement", unit="years", ge=1, le=30,
                                     doc="seat_time: experience needed to advance",
                                     kind="assumption")
    advancement_skill: float = setting(
        0.6, element="advancement", unit="skill", ge=0, le=1, kind="assumption",
        doc="competency: mean skill needed to advance (and team_leadership at its threshold)")
    roles: tuple[RoleSpec, ...] = setting((), element="structure", strict=False,
                                          doc="roles this config adds to the built-in "
                                              "catalogue")
    looping: bool = setting(False, element="regrouping_and_looping",
                            doc="a team keeps its students the next year")

    @field_validator("model")
    @classmethod
    def _model_name(cls, value: str) -> str:
        registry, staffing_class_problem = _MODEL_LOOKUP["registry"], _MODEL_LOOKUP["problem"]
        if value in registry:
            return value
        if not (":" in value and all(value.split(":", 1))):
            raise ValueError(f"unknown staffing model {value!r}; allowed: "
                             f"{', '.join(sorted(registry))} or 'module:Class'")
        # imported now: a model that cannot run is rejected by `check`, not by `run`
        problem = staffing_class_problem(value)
        if problem:
            raise ValueError(f"{problem}; allowed: {', '.join(sorted(registry))} or "
                             "'module:Class' naming an importable StaffingModel subclass")
        return value

    @model_validator(mode="after")
    def _roles_are_new_and_unique(self):
        names = [r.name for r in self.roles]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"roles: {twice[0]!r} is defined twice; role names must be unique")
        clash = sorted(set(names) & set(ROLE_NAMES))
        if clash:
            raise ValueError(f"roles {clash} are built in; give your role another name")
        return self


class JustRightSettings(StaffingSettings):
    """Settings of the team designs that split work *just right* (by FTE x skill^gamma among
    members meeting each domain's threshold) and regroup students by need."""

    just_right_exponent: float = setting(1.5, element="structure", unit="power", ge=0, le=10,
                                         doc="gamma: split proportional to FTE x skill^gamma",
                                         kind="assumption")
    sheltered_threshold_factor: float = setting(
        0.75, element="structure", unit="factor", ge=0, le=1, kind="assumption",
        doc="novices and residents take a domain at this fraction of its threshold "
            "(sheltered, just-right roles)")
    min_split_share: float = setting(0.05, element="structure", unit="share", ge=0, le=0.5,
                                     doc="splits below this x the member's FTE are dropped "
                                         "and the rest renormalised", kind="assumption")
    regroup_each_unit: bool = setting(True, element="regrouping_and_looping",
                                      doc="teams regroup students by need each unit")


__all__ = ["ELEMENTS", "StaffingSettings", "JustRightSettings", "RoleSpec", "DomainThresholds",
           "setting", "element_of"]
