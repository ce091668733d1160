"""Which parameters each `compare --explain` channel rests on, and how much of a difference
rests on assumptions (issue "Fair comparisons", item 8).

``CHANNEL_PARAMETERS`` maps every channel that ``explain_channels.py`` emits to the config
fields (glob patterns over field paths) that turn the channel's input into its contribution:
the coefficient of the channel's term in the outcome's equation, and the parameters of the
mechanism the channel is named after, which compute that input from the simulated state
(for *skill*, the skill-growth and starting-skill parameters; for *pay*, the salary
schedule). Inputs carried over from earlier years (who left, who was hired) are simulated
state and are not traced further back, and the levers a design sets under ``staffing.``
(team sizes, collaboration and mentoring minutes) are what a comparison compares, not what
it rests on; the allocation rule's own constants
(``staffing.thresholds``, the just-right exponent) are included because they say how a
design behaves, not what it provides. Residual rows rest on the parameters of the equation
they are the residual of; ``chance`` (realized minus model-implied, the draws) rests on no
parameter and is left out of the share.

The kinds come from the schema (``docs_tables.field_kinds``), never from this table, so a
parameter reclassified in parameters.py relabels every channel behind it.

The share of a difference that rests on assumptions is taken over absolute contributions:
sum of |c| of the channels that rest on at least one assumption / sum of |c| of all
channels with parameters. A signed share (sum of c / total) is not bounded when channels
offset each other (the sentences already warn when a small net hides large opposite parts):
an assumption channel of +0.3 against a sourced one of -0.2 would "rest" 300 % on
assumptions. The absolute share says how much of the gross movement the model attributes to
mechanisms with an invented number in them, in [0, 1], whatever the signs.
"""

from __future__ import annotations

import fnmatch
from functools import cache

from ..docs_tables import field_kinds
from ..parameters import ASSUMPTION, KINDS

_LOAD = ("parameters.load.minutes_per_day", "parameters.load.minutes_per_need.*",
         "parameters.load.coordination_minutes_per_member", "parameters.load.difficulty.*",
         "parameters.load.skill_floor", "parameters.load.switch_cost",
         "parameters.load.demand_fluctuation_sd")
_QUALITY = ("parameters.learning.quality_effect",)
_SKILL = ("parameters.skill.*", "parameters.credentials.micro_skill_gain",
          "parameters.credentials.masters_skill_gain", "parameters.pipelines.*.skill_offset",
          "parameters.pipelines.*.content_offset", "parameters.pipelines.substitute_skill")
_SATISFACTION = ("parameters.satisfaction.*",)
_ATTRITION_DRIVERS = {
    "load": ("parameters.attrition.load_effect", *_LOAD, "parameters.load.chronic_days"),
    "satisfaction": ("parameters.attrition.satisfaction_effect", *_SATISFACTION),
    "pay": ("parameters.attrition.pay_effect", "parameters.costs.teacher_base_salary",
            "parameters.costs.salary_step", "parameters.costs.max_steps",
            "parameters.costs.teacher_leader_stipend", "parameters.costs.leader_supplement_share",
            "parameters.costs.specialist_premium", "parameters.costs.paraeducator_salary",
            "parameters.costs.market_teacher_salary"),
    "support": ("parameters.attrition.mentoring_effect",
                "parameters.attrition.mentoring_full_dose_minutes",
                "parameters.attrition.collaboration_effect"),
    "advancement": ("parameters.attrition.advancement_path_effect",),
    "leader": ("parameters.attrition.leader_quality_effect",),
    "poverty": ("parameters.attrition.poverty_move_effect",
                "parameters.attrition.poverty_leave_effect",
                "parameters.attrition.reference_poverty"),
    "entry": ("parameters.attrition.first_year_effect", "parameters.pipelines.*.early_retention"),
}
# the band intercepts of the teachers at risk (not the paraeducators' or community educators')
_INTERCEPTS = ("parameters.attrition.move_[0-9]*", "parameters.attrition.leave_[0-9]*")

#: channel -> field path patterns (see the module docstring for what belongs to a channel)
CHANNEL_PARAMETERS: dict[str, tuple[str, ...]] = {
    # achievement growth
    "load_and_efficacy": (*_QUALITY, *_LOAD, "parameters.load.efficacy_slope",
                          "parameters.load.efficacy_threshold"),
    "skill": (*_QUALITY, *_SKILL),
    "allocation_match": (*_QUALITY, "staffing.thresholds.*", "staffing.just_right_exponent",
                         "staffing.sheltered_threshold_factor", "staffing.min_split_share"),
    "adult_time": ("parameters.learning.personalization_effect",
                   "parameters.learning.personalization_skill_*",
                   "parameters.learning.regrouping_effect"),
    "continuity": ("parameters.learning.continuity_bonus",),
    "need_mix_and_other": (*_QUALITY, "parameters.learning.reference_match.*",
                           "parameters.learning.growth_by_grade"),
    # leave and attrition rates
    **_ATTRITION_DRIVERS,
    "experience_mix": (*_INTERCEPTS, "parameters.pipelines.experienced_share"),
    "heterogeneity": (*_INTERCEPTS,
                      *(p for patterns in _ATTRITION_DRIVERS.values() for p in patterns)),
    # cost per student
    "salaries": ("parameters.costs.teacher_base_salary", "parameters.costs.salary_step",
                 "parameters.costs.max_steps", "parameters.costs.paraeducator_salary",
                 "parameters.costs.resident_stipend", "parameters.costs.community_educator_salary",
                 "parameters.costs.principal_salary", "parameters.credentials.degree_salary_step"),
    "stipends": ("parameters.costs.teacher_leader_stipend",
                 "parameters.costs.leader_supplement_share", "parameters.costs.specialist_premium"),
    "credentials": ("parameters.credentials.micro_cost", "parameters.credentials.masters_cost",
                    "parameters.credentials.micro_per_masters",
                    "parameters.credentials.masters_terms", "parameters.credentials.enroll_rate",
                    "parameters.credentials.completion_rate",
                    "parameters.credentials.completion_load_effect",
                    "parameters.credentials.cost_deterrence"),
    "recruitment": ("parameters.pipelines.*.cost", "parameters.careers.community_to_para_cost"),
    "turnover": ("parameters.costs.turnover_cost_per_leaver",),
    "benefits": ("parameters.costs.benefits_rate",),
    "paid_time": ("parameters.costs.extra_time_hourly_rate",
                  "parameters.load.planning_allowance_minutes_per_week"),
    "transition": ("parameters.costs.transition_training_cost",),
    # the draws: no parameter, not in the share
    "chance": (),
}
NOT_CHANNELS = ("total",)


def path_kinds(patterns) -> dict[str, str]:
    """{field path: kind} of every field matching one of ``patterns``, kinds from the schema;
    a pattern that matches no field raises ``KeyError`` (a renamed parameter must not
    silently drop out of a channel)."""
    kinds = field_kinds()
    out = {}
    for pattern in patterns:
        matched = {p: k for p, k in kinds.items() if fnmatch.fnmatchcase(p, pattern)}
        if not matched:
            raise KeyError(f"no classified field matches {pattern!r}")
        out.update(matched)
    return out


@cache
def channel_kinds(channel: str) -> tuple[str, ...]:
    """The kinds of the parameters behind ``channel``, in KINDS order; () for chance."""
    if channel not in CHANNEL_PARAMETERS:
        raise KeyError(f"channel {channel!r} has no entry in CHANNEL_PARAMETERS")
    found = set(path_kinds(CHANNEL_PARAMETERS[channel]).values())
    return tuple(k for k in KINDS if k in found)


def rests_on_assumption(channel: str) -> bool:
    return ASSUMPTION in channel_kinds(channel)


def assumption_share(contributions: dict[str, float]) -> float:
    """Share of the absolute contributions of the channels with parameters that belongs to
    channels resting on an assumption (``total`` and ``chance`` left out); NaN when nothing
    is attributed."""
    weighted = {c: abs(v) for c, v in contributions.items()
                if c not in NOT_CHANNELS and channel_kinds(c)}
    gross = sum(weighted.values())
    if gross == 0:
        return float("nan")
    return sum(v for c, v in weighted.items() if rests_on_assumption(c)) / gross
