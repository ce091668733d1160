"""Model parameters: every default with its unit, plausible range and source, in one place.

Each field is declared with :func:`param`, which stores the unit, the source and whether the
value is our own assumption in the field's JSON-schema extras. ``docs/parameters.md`` is
generated from these classes (``nextwork-sim params``) and a test checks it is up to date.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from .domains import DOMAINS


class Frozen(BaseModel):
    """Base for every config section: immutable, unknown keys rejected, strict types (a
    boolean is not a number, a number or a string is not a boolean, a string is not a
    number, a float is not a whole number) and finite numbers only (NaN and inf rejected)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


ASSUMPTION = "assumption"
#: How a parameter's value is known: ``sourced`` (a study gives the value), ``fitted`` (set by
#: calibration against public targets, within ``search``) or ``assumption`` (the project
#: chose it; at most its direction is sourced).
KINDS = ("sourced", "fitted", "assumption")


def param(default: Any, *, unit: str, doc: str, kind: str, source: str = ASSUMPTION,
          search: tuple[float, float] | None = None,
          ge: float | None = None, le: float | None = None) -> Any:
    """A parameter field: default, unit, allowed range [ge, le], source and ``kind`` (one of
    KINDS, always given: a parameter cannot be added unclassified). A ``sourced`` or ``fitted``
    parameter names its source or calibration target; a ``fitted`` one carries the ``search``
    range calibration explores, inside [ge, le]."""
    if kind not in KINDS:
        raise ValueError(f"param kind {kind!r}: allowed {', '.join(KINDS)}")
    if (kind == "fitted") != (search is not None):
        raise ValueError("a fitted parameter needs a search range, and only a fitted one")
    if kind != ASSUMPTION and source == ASSUMPTION:
        raise ValueError(f"a {kind} parameter needs a source (the study or the target)")
    if search is not None and not ((ge is None or ge <= search[0])
                                   and search[0] < search[1]
                                   and (le is None or search[1] <= le)):
        raise ValueError(f"search range {search} must be increasing and inside [{ge}, {le}]")
    extra = {"unit": unit, "source": source, "kind": kind, "assumption": kind == ASSUMPTION}
    if search is not None:
        extra["search"] = [float(search[0]), float(search[1])]
    return Field(default, ge=ge, le=le, description=doc, json_schema_extra=extra)


def domain_table(name: str, defaults: dict[str, float], *, unit: str, doc: str, kind: str,
                 source: str = ASSUMPTION, ge: float = 0.0, le: float | None = None) -> type:
    """A frozen section with one float field per domain (docs/odd.md §2), all of one ``kind``."""
    fields = {
        domain: (float, param(defaults[domain], unit=unit, doc=f"{doc} ({domain})",
                              kind=kind, source=source, ge=ge, le=le))
        for domain in DOMAINS
    }
    return create_model(name, __base__=Frozen, **fields)


def as_array(table: BaseModel):
    return np.array([getattr(table, d) for d in DOMAINS], dtype=np.float64)


# --- calendar ----------------------------------------------------------------------------

class CalendarParams(Frozen):
    school_days: int = param(180, unit="days per year", ge=100, le=220,
                             source="NCES State Education Reforms table 5.14 (most states: 180)",
                             doc="instructional days in a school year", kind="sourced")
    days_per_week: int = param(5, unit="days", ge=4, le=6, doc="school days in a week",
                               kind="assumption")
    unit_weeks: int = param(4, unit="weeks", ge=1, le=12,
                            doc="length of an instructional unit (membership and regrouping cycle)",
                            kind="assumption")
    terms: int = param(2, unit="terms per year", ge=1, le=4, doc="terms (credential reviews)",
                       kind="assumption")


# --- cognitive load and efficacy (docs/odd.md §3.4) -------------------------------------

MinutesPerNeed = domain_table(
    "MinutesPerNeed",
    {"content": 8.0, "pedagogy": 8.0, "assessment_data": 4.0, "individualized_support": 4.0,
     "language_support": 4.0, "social_emotional": 4.0, "project_facilitation": 3.0,
     "team_leadership": 0.0},
    unit="minutes per day per unit of need", le=20.0, kind="assumption",
    doc="adult minutes a day one unit of a student's need draws; set so a traditional "
        "career teacher's load averages near capacity",
)
Difficulty = domain_table(
    "Difficulty",
    {"content": 0.5, "pedagogy": 0.5, "assessment_data": 0.55, "individualized_support": 0.65,
     "language_support": 0.6, "social_emotional": 0.55, "project_facilitation": 0.5,
     "team_leadership": 0.6},
    unit="capacity per unit share", le=3.0, kind="assumption",
    doc="intrinsic difficulty c[d] of a domain's work (Feldon 2007: load falls with expertise)",
)


class LoadParams(Frozen):
    minutes_per_day: float = param(450.0, unit="minutes per FTE day", ge=240, le=600,
                                   source="NCTQ teacher contract database (~7.5 h contract day)",
                                   doc="available minutes of a full-time educator in a school day",
                                   kind="sourced")
    minutes_per_need: MinutesPerNeed = Field(default_factory=MinutesPerNeed)
    coordination_minutes_per_member: float = param(
        10.0, unit="minutes per day", ge=0, le=60,
        doc="team_leadership demand per additional member of a community (coordination)",
        kind="assumption")
    difficulty: Difficulty = Field(default_factory=Difficulty)
    skill_floor: float = param(0.3, unit="skill", ge=0.01, le=1.0,
                               doc="epsilon in c/(epsilon+skill): a novice's load stays finite",
                               kind="assumption")
    switch_cost: float = param(0.03, unit="capacity per extra domain", ge=0, le=0.2,
                               source="Doyle 1977 (multidimensional, simultaneous classroom work); "
                                      "magnitude an assumption",
                               doc="kappa: load added per domain carried beyond the first",
                               kind="assumption")
    chronic_days: float = param(20.0, unit="school days", ge=1, le=180,
                                doc="time constant of chronic load (exponential mean)",
                                kind="assumption")
    efficacy_slope: float = param(4.0, unit="1 / capacity", ge=0.5, le=30,
                                  doc="beta_e: how sharply efficacy falls once load passes L*",
                                  kind="assumption")
    efficacy_threshold: float = param(1.1, unit="capacity", ge=0.5, le=2.0,
                                      doc="L*: load at which efficacy is one half",
                                      kind="assumption")
    demand_fluctuation_sd: float = param(
        0.10, unit="relative SD", ge=0, le=0.5,
        source="Doyle 1977 (teaching is unpredictable); magnitude an assumption",
        doc="daily multiplicative fluctuation of a community's demand", kind="assumption")
    planning_allowance_minutes_per_week: float = param(
        225.0, unit="minutes per FTE week", ge=0, le=600, kind="sourced",
        source="NCTQ Teacher Contract Database, District Trendline Nov. 2017 (124 large "
               "districts: 45 minutes of planning a day is the most common allotment at "
               "elementary and secondary level; few contracts set separate collaboration "
               "time): 45 x 5 days",
        doc="planning and collaboration time the contract day (minutes_per_day) already "
            "holds; a design's collaboration up to it replaces individual planning, beyond "
            "it is extra time (time_funded)")


# --- skill growth (docs/odd.md §3.4, weekly peer learning §3.6) --------------------------

class SkillParams(Frozen):
    practice_rate: float = param(0.003, unit="skill per unit share per day", ge=0, le=0.1,
                                 doc="eta: skill growth from carrying a domain's work "
                                     "(deliberate practice)", kind="assumption")
    feedback_boost: float = param(0.5, unit="relative", ge=0, le=3,
                                  doc="phi: extra growth with feedback available on the team",
                                  kind="assumption")
    feedback_full_minutes: float = param(
        120.0, unit="minutes per week", ge=1, le=600,
        doc="weekly collaboration at which feedback is fully available", kind="assumption")
    mentor_min_experience: int = param(
        5, unit="years", ge=3, le=20,
        doc="years of teaching a professional needs to mentor a beginner of her school where "
            "no teacher-leader does", kind="assumption")
    peer_learning_rate: float = param(
        5e-5, unit="skill per minute of collaboration per unit gap", ge=0, le=1e-3,
        source="Papay, Taylor, Tyler & Laski 2020 (pairing with a stronger colleague); "
               "magnitude an assumption",
        doc="rho: weekly growth toward the strongest colleague of the peer group",
        kind="assumption")
    novice_skill: float = param(0.30, unit="skill", ge=0, le=1,
                                doc="mean skill of a first-year teacher (all domains)",
                                kind="assumption")
    experience_skill_gain: float = param(
        0.35, unit="skill", ge=0, le=1,
        source="Kini & Podolsky 2016 (returns to experience steepest in years 1-5); "
               "magnitude an assumption",
        doc="skill a career adds at most over a novice's (initial skills)", kind="assumption")
    experience_skill_rate: float = param(0.2, unit="1 / year", ge=0.01, le=2,
                                         doc="rate at which initial skill rises with experience",
                                         kind="assumption")
    skill_sd: float = param(0.06, unit="skill", ge=0, le=0.3,
                            doc="spread of initial skill between educators and domains",
                            kind="assumption")
    # initial skill by role (workforce/hiring.py initial_skill): offsets from the
    # experience curve, or a role's own levels
    leadership_entry_gap: float = param(
        0.1, unit="skill", ge=0, le=0.5, kind="assumption",
        doc="team_leadership below the other domains on entry (every role; leads add "
            "teacher_leader_leadership_bonus)")
    teacher_leader_skill_bonus: float = param(
        0.08, unit="skill", ge=0, le=0.5, kind="assumption",
        doc="a teacher-leader's initial skill above a teacher's of the same experience "
            "(every domain)")
    teacher_leader_leadership_bonus: float = param(
        0.15, unit="skill", ge=0, le=0.5, kind="assumption",
        doc="a teacher-leader's further initial team_leadership")
    specialist_skill_bonus: float = param(
        0.15, unit="skill", ge=0, le=0.5, kind="assumption",
        doc="a specialist's initial skill in their domain above a teacher's "
            "(individualized_support, language_support)")
    resident_skill_gap: float = param(
        0.08, unit="skill", ge=0, le=0.5, kind="assumption",
        doc="a resident's initial skill below novice_skill (every domain)")
    paraeducator_novice_skill: float = param(
        0.22, unit="skill", ge=0, le=1, kind="assumption",
        doc="initial skill of a first-year paraeducator (every domain)")
    paraeducator_experience_gain: float = param(
        0.1, unit="skill", ge=0, le=1, kind="assumption",
        doc="skill a paraeducator's career adds at most to the initial skill")
    paraeducator_experience_rate: float = param(
        0.2, unit="1 / year", ge=0.01, le=2, kind="assumption",
        doc="rate at which a paraeducator's initial skill rises with experience")
    paraeducator_individualized_bonus: float = param(
        0.05, unit="skill", ge=0, le=0.5, kind="assumption",
        doc="a paraeducator's further initial individualized_support")
    community_educator_skill: float = param(
        0.2, unit="skill", ge=0, le=1, kind="assumption",
        doc="initial skill of a community educator outside content and project_facilitation")
    community_educator_content_skill: float = param(
        0.55, unit="skill", ge=0, le=1, kind="assumption",
        doc="initial content skill of a community educator (a practitioner of the field)")
    community_educator_project_skill: float = param(
        0.5, unit="skill", ge=0, le=1, kind="assumption",
        doc="initial project_facilitation skill of a community educator")
    initial_skill_min: float = param(
        0.02, unit="skill", ge=0, le=0.5, kind="assumption",
        doc="lowest initial skill of anyone entering (the spread is clipped here)")
    initial_skill_max: float = param(
        0.98, unit="skill", ge=0.5, le=1, kind="assumption",
        doc="highest initial skill of anyone entering")


# --- student learning (docs/odd.md §3.5, §3.8) -------------------------------------------

GRADE_GROWTH_SOURCE = ("Hill, Bloom, Black & Lipsey 2008, mean of reading and math annual gains; "
                       "grades 1, 4, 8, 11 are calibration targets, the rest read off the same "
                       "table (K and 12 extrapolated: assumption)")


REFERENCE_MATCH_SOURCE = ("calibrated so the growth of this school level's grades in a "
                          "traditional district at national composition, at its steady state, "
                          "lands in the Hill et al. 2008 growth_grade target bands (nextwork-sim "
                          "calibrate, docs/calibration.md)")


def _reference_match(default: float, level: str) -> Any:
    return param(default, unit="match", ge=0.1, le=1, source=REFERENCE_MATCH_SOURCE,
                 doc=f"m_ref of {level} schools: the match of a typical classroom there "
                     f"(rate 1)",
                 kind="fitted", search=(0.5, 0.9))


class ReferenceMatch(Frozen):
    """m_ref per school level (a student's is that of their school): one value cannot hold
    both the norm and a steady standing, since the steady state's elementary classrooms
    match their students' needs better than secondary ones."""

    elementary: float = _reference_match(0.764, "elementary")
    middle: float = _reference_match(0.582, "middle")
    high: float = _reference_match(0.583, "high")


#: A grade's normative growth: at least a little (the daily rate is relative to it) and at most
#: well above the largest annual gain of Hill et al. (1.5 SD in kindergarten).
GradeGrowth = Annotated[float, Field(ge=0.01, le=5.0)]


class LearningParams(Frozen):
    growth_by_grade: tuple[GradeGrowth, ...] = Field(
        (1.40, 1.33, 1.00, 0.75, 0.45, 0.42, 0.35, 0.28, 0.27, 0.22, 0.19, 0.15, 0.06),
        min_length=13, max_length=13, strict=False,  # a TOML array is a list
        description="normative annual growth g(grade) for grades K..12",
        json_schema_extra={"unit": "SD per year", "source": GRADE_GROWTH_SOURCE,
                           "kind": "sourced", "assumption": False},
    )
    quality_effect: float = param(
        0.5977, unit="relative rate per unit match", ge=0, le=5,
        source="calibrated so students of 5th-year minus 1st-year teachers gain ~0.08 SD more "
               "beyond their grade's norm "
               "(experience_return target: Rockoff 2004; Kraft & Papay 2014); "
               "nextwork-sim calibrate, docs/calibration.md",
        doc="theta_q: how the match of needs and adult quality moves the daily rate",
        kind="fitted", search=(0.2, 1.5))
    reference_match: ReferenceMatch = Field(default_factory=ReferenceMatch)
    personalization_effect: float = param(
        0.05, unit="relative rate per unit personalization", ge=0, le=1,
        doc="theta_r: effect of adult time per student above one adult per "
            "personalization_students_per_adult", kind="assumption")
    personalization_students_per_adult: float = param(
        25.0, unit="students per adult FTE", ge=1, le=60, kind="assumption",
        source="assumption: a classroom of staffing.class_size's default",
        doc="students per adult FTE at which personalization is zero: p = adult FTE x this / "
            "students - 1")
    personalization_cap: float = param(
        3.0, unit="personalization units", ge=0, le=20, kind="assumption",
        doc="highest personalization from adult time (3: four times the reference adults); "
            "the lowest is -1 (no adult)")
    personalization_skill_zero: float = param(
        0.3, unit="skill", ge=0, le=1, kind="assumption",
        source="assumption: an adult whose skill in a domain is at a first-year "
               "paraeducator's level adds no individual attention to it; checked against "
               "classroom-aide experiments (docs/calibration.md)",
        doc="skill in a domain at or below which an adult's hours there add nothing to "
            "personalization (only what adults can do personalizes learning)")
    personalization_skill_full: float = param(
        0.8, unit="skill", ge=0, le=1, kind="assumption",
        source="assumption: about the mean skill of experienced teachers in the steady "
               "workforce",
        doc="skill in a domain from which an adult's hours there count in full toward "
            "personalization; linear between personalization_skill_zero and this (a step at "
            "personalization_skill_zero when this is not above it)")
    norm_days: int = param(
        180, unit="school days", ge=100, le=220, kind="sourced",
        source="the growth_by_grade norms are annual gains of a standard school year (NCES "
               "State Education Reforms table 5.14: most states 180 days)",
        doc="school days of the year the growth norms describe: a student's annual rate r is "
            "the sum of the daily rates over the year's school days / this, so a calendar "
            "with more school_days gives more than the norm's growth")
    regrouping_effect: float = param(
        0.3, unit="personalization units", ge=0, le=2,
        doc="personalization added when a team regroups its shared roster by need each unit "
            "(students are taught in groups matched to their need)", kind="assumption")
    daily_noise_sd: float = param(
        0.5, unit="relative rate", ge=0, le=3,
        doc="SD of a student's daily rate noise (the year's sum drawn at once: SD x sqrt(days))",
        kind="assumption")
    socioemotional_rate: float = param(
        0.10, unit="SD per year", ge=0, le=1,
        doc="intra/interpersonal growth at full coverage of social_emotional / "
            "project_facilitation (scale: SD of a reference distribution)", kind="assumption")
    continuity_bonus: float = param(0.15, unit="relative per year with the same adults",
                                    ge=0, le=1, doc="extra socio-emotional growth from continuity",
                                    kind="assumption")
    continuity_max_years: int = param(3, unit="years", ge=0, le=12, kind="assumption",
                                      doc="years with the same adults beyond which continuity "
                                          "adds no more")


# --- attrition (docs/odd.md §3.9) ---------------------------------------------------------

NCES_TFS = "NCES Teacher Follow-up Survey 2012-13"
FITTED = ("intercept fitted with drivers included so the traditional model at national "
          "composition hits NCES TFS 2012-13 targets (nextwork-sim calibrate, docs/calibration.md)")


class AttritionParams(Frozen):
    move_1_3: float = param(0.0934, unit="share", ge=0, le=0.5, source=FITTED,
                            doc="base move rate, 1-3 years of experience",
                            kind="fitted", search=(0.03, 0.2))
    leave_1_3: float = param(0.0577, unit="share", ge=0, le=0.5, source=FITTED,
                             doc="base leave rate, 1-3 years", kind="fitted", search=(0.02, 0.15))
    move_4_9: float = param(0.0902, unit="share", ge=0, le=0.5, source=FITTED,
                            doc="base move rate, 4-9 years", kind="fitted", search=(0.03, 0.2))
    leave_4_9: float = param(0.0725, unit="share", ge=0, le=0.5, source=FITTED,
                             doc="base leave rate, 4-9 years", kind="fitted", search=(0.02, 0.15))
    move_10_19: float = param(0.0789, unit="share", ge=0, le=0.5, source=FITTED,
                              doc="base move rate, 10-19 years", kind="fitted", search=(0.02, 0.15))
    leave_10_19: float = param(0.0422, unit="share", ge=0, le=0.5,
                               source=FITTED, doc="base leave rate, 10-19 years",
                               kind="fitted", search=(0.02, 0.15))
    move_20_plus: float = param(0.0438, unit="share", ge=0, le=0.5,
                                source=FITTED, doc="base move rate, 20+ years",
                                kind="fitted", search=(0.01, 0.12))
    leave_20_plus: float = param(0.05, unit="share", ge=0, le=0.5,
                                 doc="base rate of leaving for reasons other than retirement, "
                                     "20+ years (about the 10-19 band's: 0.047)",
                                 kind="assumption")
    retire_20_plus: float = param(0.0848, unit="share per year", ge=0, le=0.3, source=FITTED,
                                  doc="yearly retirement hazard of educators with 20+ years: "
                                      "drawn before, and apart from, the logit, so no "
                                      "working condition shifts it (veteran leave = retirement "
                                      "+ other leaving)",
                                  kind="fitted", search=(0.03, 0.15))
    move_paraeducator: float = param(0.05, unit="share", ge=0, le=0.5,
                                     doc="base move rate of paraeducators", kind="assumption")
    leave_paraeducator: float = param(0.1459, unit="share", ge=0, le=0.5,
                                      source="fitted so simulated paraeducator leave hits "
                                             "Washington State reports (pre-2020 ~8%)",
                                      doc="base leave rate of paraeducators",
                                      kind="fitted", search=(0.04, 0.3))
    leave_community_educator: float = param(0.5, unit="share", ge=0, le=1,
                                            doc="community educators not returning next year",
                                            kind="assumption")
    load_effect: float = param(0.8, unit="log-odds per capacity unit", ge=0, le=5,
                               doc="shift of move and leave log-odds per unit of year-mean "
                                   "chronic load above capacity", kind="assumption")
    satisfaction_effect: float = param(1.0, unit="log-odds per unit", ge=0, le=5,
                                       doc="shift of move and leave log-odds per unit of "
                                           "satisfaction below its reference", kind="assumption")
    reference_load: float = param(0.8, unit="capacity", ge=0, le=2,
                                  doc="chronic load at which the base rates hold (about the "
                                      "traditional model's mean at the district preset)",
                                  kind="assumption")
    reference_satisfaction: float = param(0.72, unit="0-1", ge=0, le=1,
                                          doc="satisfaction at which the base rates hold (about "
                                              "the traditional model's mean)", kind="assumption")
    poverty_move_effect: float = param(
        1.4525, unit="log-odds per unit low-income share", ge=-5, le=5,
        source="fitted to NCES TFS 2012-13 move rates of high- vs low-poverty schools "
               "(nextwork-sim calibrate, docs/calibration.md)",
        doc="shift of move log-odds with the school's low-income share (relative to "
            "reference_poverty)", kind="fitted", search=(-1.0, 3.0))
    poverty_leave_effect: float = param(
        0.7561, unit="log-odds per unit low-income share", ge=-5, le=5,
        source="fitted to NCES TFS 2012-13 leave rates of high- vs low-poverty schools",
        doc="shift of leave log-odds with the school's low-income share",
        kind="fitted", search=(-1.0, 3.0))
    reference_poverty: float = param(0.52, unit="share", ge=0, le=1,
                                     source="NCES Digest table 204.10 (as "
                                            "district.composition.low_income)",
                                     doc="low-income share at which the base rates hold "
                                         "(national mean)", kind="sourced")
    pay_effect: float = param(
        -1.5, unit="log-odds per unit log(pay / market pay)", ge=-10, le=0,
        source="assumption; direction and order of magnitude from Hendricks 2014 and Feng & "
               "Sass 2018 (higher pay, lower attrition)",
        doc="shift of move and leave log-odds with pay relative to the market for the role",
        kind="assumption")
    leader_quality_effect: float = param(
        -0.3, unit="log-odds per SD of leader quality", ge=-3, le=0,
        source="assumption; direction from Kraft, Marinell & Yee 2016 (school leadership and "
               "teacher turnover)",
        doc="shift with the school leader's quality (schools draw it from a standard normal)",
        kind="assumption")
    mentoring_effect: float = param(
        -0.35, unit="log-odds", ge=-3, le=0,
        source="Smith & Ingersoll 2004 (SASS/TFS 1999-2001: a mentor in the beginner's field "
               "lowered the odds of leaving after the first year by about 30%, log(0.7) = "
               "-0.36); Ingersoll & Strong 2011 review",
        doc="shift for educators in their first two years with a full dose of mentoring "
            "(mentoring_full_dose_minutes); less mentoring, a proportional part",
        kind="sourced")
    mentoring_full_dose_minutes: float = param(
        60.0, unit="minutes per week", ge=10, le=300,
        doc="weekly mentoring that gives the full mentoring_effect (a dose-response linear "
            "up to it)", kind="assumption")
    collaboration_effect: float = param(
        -0.002, unit="log-odds per weekly minute above collaboration_reference_minutes",
        ge=-0.05, le=0,
        source="assumption; direction from Johnson, Kraft & Papay 2012 (collegial working "
               "conditions)",
        doc="shift with protected collaboration time", kind="assumption")
    collaboration_reference_minutes: float = param(
        60.0, unit="minutes per week", ge=0, le=600, kind="assumption",
        doc="weekly collaboration at which the base rates hold (the traditional model's "
            "staffing.collaboration_minutes_per_week)")
    advancement_path_effect: float = param(
        -0.2, unit="log-odds", ge=-3, le=0,
        source="assumption; direction from Booker & Glazerman 2009 (Missouri Career Ladder: "
               "small retention gains among teachers eligible to climb it) and Podolsky et al. "
               "2016 (LPI: career advancement in reach as a retention lever); no study gives "
               "the magnitude",
        doc="shift for teachers who meet their school's advancement rule while it has lead "
            "posts (a ladder in reach; novices and those below the rule get none)",
        kind="assumption")
    first_year_effect: float = param(
        0.3798, unit="log-odds", ge=-3, le=3,
        source="fitted to the first-year cohort's cumulative leave (nextwork-sim calibrate, "
               "docs/calibration.md)",
        doc="extra shift of move and leave in a teacher's first year",
        kind="fitted", search=(-1.5, 1.5))
    within_district_share: float = param(
        0.75, unit="share of movers", ge=0, le=1,
        source="assumption (NCES TFS: most movers stay in their district); set so a first-year "
               "cohort's cumulative leave (leavers + movers out) is near the 10% target",
        doc="movers who look for a vacancy at another school of the district first",
        kind="assumption")


# --- satisfaction (weekly) ---------------------------------------------------------------

class SatisfactionParams(Frozen):
    baseline: float = param(0.6, unit="0-1", ge=0, le=1, doc="target with load at capacity",
                            kind="assumption")
    load_weight: float = param(0.3, unit="per capacity unit", ge=0, le=2,
                               doc="target falls with chronic load above capacity",
                               kind="assumption")
    collaboration_weight: float = param(0.1, unit="at full feedback", ge=0, le=1,
                                        doc="target rises with collaboration (feedback)",
                                        kind="assumption")
    adjustment_weeks: float = param(6.0, unit="weeks", ge=1, le=52,
                                    doc="time constant of satisfaction", kind="assumption")


# --- money (docs/odd.md §3.12, §3.14) -----------------------------------------------------

class CostParams(Frozen):
    teacher_base_salary: float = param(
        56000.0, unit="dollars per year", ge=20000, le=150000,
        source="set by hand (not by calibrate) so the mean over the initial experience mix "
               "is near the NCES/NEA 2022-23 mean teacher salary ($69,600; the teacher_salary "
               "row of the targets, an initial condition)",
        doc="salary of a first-year teacher", kind="sourced")
    salary_step: float = param(1100.0, unit="dollars per year of experience", ge=0, le=5000,
                               doc="annual step (seat-time schedule), up to max_steps",
                               kind="assumption")
    max_steps: int = param(25, unit="years", ge=0, le=40, doc="steps on the schedule",
                           kind="assumption")
    paraeducator_salary: float = param(34230.0, unit="dollars per FTE year", ge=15000, le=80000,
                                       source="US BLS OEWS 25-9042, May 2023 mean",
                                       doc="paraeducator pay", kind="sourced")
    resident_stipend: float = param(30000.0, unit="dollars per year", ge=0, le=80000,
                                    source="assumption (paid residencies pay $20-40k)",
                                    doc="paid teacher resident stipend", kind="assumption")
    community_educator_salary: float = param(35000.0, unit="dollars per FTE year", ge=0,
                                             le=100000, doc="community educator pay per FTE",
                                             kind="assumption")
    market_teacher_salary: float = param(
        69600.0, unit="dollars per year", ge=20000, le=200000,
        source="NCES/NEA 2022-23 mean public school teacher salary",
        doc="market pay of a teacher (attrition's pay driver)", kind="sourced")
    principal_salary: float = param(110000.0, unit="dollars per year", ge=50000, le=250000,
                                    source="NCES NTPS 2020-21 principals (~$100-115k)",
                                    doc="organization leader pay", kind="sourced")
    teacher_leader_stipend: float = param(6000.0, unit="dollars per year", ge=0, le=50000,
                                          doc="stipend of a team's teacher-leader",
                                          kind="assumption")
    leader_supplement_share: float = param(
        0.20, unit="share of the leader's schedule pay", ge=0, le=0.5,
        source="Public Impact, Opportunity Culture reports (multi-classroom leader "
               "supplements average ~20%, up to 50%)",
        doc="extra pay of a multi-classroom leader (Opportunity Culture)", kind="sourced")
    specialist_premium: float = param(2000.0, unit="dollars per year", ge=0, le=20000,
                                      doc="extra pay of specialists", kind="assumption")
    turnover_cost_per_leaver: float = param(
        18000.0, unit="dollars per leaver or mover", ge=0, le=50000,
        source="Learning Policy Institute turnover cost calculator (Carver-Thomas & "
               "Darling-Hammond 2017, inflated): $11,860-$24,930",
        doc="cost to the district of replacing one teacher", kind="sourced")
    benefits_rate: float = param(
        0.44, unit="share of salaries", ge=0, le=1, kind="sourced",
        source="BLS Employer Costs for Employee Compensation, table 3 (state and local "
               "government; primary, secondary and special education school teachers): per "
               "hour worked, wages $54.46 and benefits $29.30, of which paid leave $3.60; an "
               "annual salary already pays for leave, so the other benefits on wages + "
               "leave: 25.70 / 58.06 = 0.443",
        doc="employer benefits (insurance, retirement, legally required, supplemental) per "
            "dollar of salary_cost")
    extra_time_hourly_rate: float = param(
        48.6, unit="dollars per hour", ge=0, le=200, kind="sourced",
        source="NCES/NEA 2022-23 mean teacher salary $69,600 / (NCTQ Teacher Contract "
               "Database 2025: 191 contract days x 7.5 hours) = $48.6",
        doc="pay of an hour of collaboration or mentoring beyond the planning allowance when "
            "a design funds it as paid time (time_funded = paid); no benefits on it")
    transition_training_cost: float = param(
        2000.0, unit="dollars per educator", ge=0, le=20000, kind="assumption",
        doc="one-off training of each educator whose role changes when a school switches "
            "staffing design (about five training days at extra_time_hourly_rate, rounded)")


# --- population (docs/odd.md §5 initialization) ------------------------------------------

BaseNeed = domain_table(
    "BaseNeed",
    {"content": 1.0, "pedagogy": 1.0, "assessment_data": 0.6, "individualized_support": 0.3,
     "language_support": 0.1, "social_emotional": 0.8, "project_facilitation": 0.8,
     "team_leadership": 0.0},
    unit="need units", le=10.0, doc="need profile of a typical student", kind="assumption")


_NAEP = ("NAEP 2019 grade 4 mathematics and reading (The Nation's Report Card), mean of the "
         "two gaps to White students in SD of the scale, less the part the model's low-income "
         "gap gives through low_income_by_race; approximate")


class RaceGaps(Frozen):
    """Initial standing below White students', in SD, beyond what low income explains: set so
    year-1 gaps start near NAEP's. After the start no dynamic has a race term: gaps move only
    through schools, needs and staffing (docs/odd.md §5.1)."""

    asian: float = param(-0.29, unit="SD", ge=-2, le=2, source=_NAEP, kind="sourced",
                         doc="Asian students (negative: above)")
    black: float = param(0.54, unit="SD", ge=-2, le=2, source=_NAEP, kind="sourced",
                         doc="Black students")
    hispanic: float = param(0.37, unit="SD", ge=-2, le=2, source=_NAEP, kind="sourced",
                            doc="Hispanic students")
    white: float = param(0.0, unit="SD", ge=-2, le=2, kind="assumption",
                         doc="White students (the reference)")
    other: float = param(0.2, unit="SD", ge=-2, le=2, kind="assumption",
                         doc="students of two or more races, American Indian, Pacific Islander")


class PopulationParams(Frozen):
    base_need: BaseNeed = Field(default_factory=BaseNeed)
    disability_individualized_need: float = param(
        2.5, unit="need units", ge=0, le=10,
        doc="extra individualized_support need of a student with a disability", kind="assumption")
    disability_social_emotional_need: float = param(0.5, unit="need units", ge=0, le=10,
                                                    doc="extra social_emotional need (disability)",
                                                    kind="assumption")
    english_learner_language_need: float = param(2.5, unit="need units", ge=0, le=10,
                                                 doc="extra language_support need of an EL",
                                                 kind="assumption")
    advanced_content_need: float = param(0.3, unit="need units", ge=0, le=10,
                                         doc="extra content need of an advanced student",
                                         kind="assumption")
    need_sd: float = param(0.25, unit="log need", ge=0, le=1,
                           doc="between-student spread of need (lognormal)", kind="assumption")
    low_income_gap: float = param(0.6, unit="SD", ge=0, le=2,
                                  source="NAEP 2019 (income gap ~0.6-0.8 SD); approximate",
                                  doc="initial standing below the norm, low-income students",
                                  kind="sourced")
    english_learner_gap: float = param(0.8, unit="SD", ge=0, le=2,
                                       source="NAEP 2019 (EL gap ~0.8-1.0 SD); approximate",
                                       doc="initial standing below the norm, English learners",
                                       kind="sourced")
    disability_gap: float = param(1.0, unit="SD", ge=0, le=2,
                                  source="NAEP 2019 (disability gap ~1 SD); approximate",
                                  doc="initial standing below the norm, students with disabilities",
                                  kind="sourced")
    race_gap: RaceGaps = Field(default_factory=RaceGaps)
    advanced_lead: float = param(1.0, unit="SD", ge=0, le=2,
                                 doc="initial standing above the norm, advanced students",
                                 kind="assumption")
    experience_1_3: float = param(0.17, unit="share", ge=0, le=1,
                                  source="NCES NTPS 2017-18 experience distribution; approximate",
                                  doc="initial teachers with 1-3 years", kind="sourced")
    experience_4_9: float = param(0.28, unit="share", ge=0, le=1,
                                  source="NCES NTPS 2017-18; approximate",
                                  doc="initial teachers with 4-9 years", kind="sourced")
    experience_10_19: float = param(0.33, unit="share", ge=0, le=1,
                                    source="NCES NTPS 2017-18; approximate",
                                    doc="initial teachers with 10-19 years (rest: 20 to "
                                        "max_experience)",
                                    kind="sourced")
    max_experience: int = param(35, unit="years", ge=20, le=50, kind="assumption",
                                doc="most years of experience of an initial teacher "
                                    "('national' start)")
    leader_experience_min: int = param(6, unit="years", ge=1, le=40, kind="assumption",
                                       doc="fewest years of an initial teacher-leader "
                                           "('national' start; uniform up to "
                                           "leader_experience_max)")
    leader_experience_max: int = param(20, unit="years", ge=1, le=40, kind="assumption",
                                       doc="most years of an initial teacher-leader")
    paraeducator_experience_max: int = param(20, unit="years", ge=1, le=40, kind="assumption",
                                             doc="most years of an initial paraeducator "
                                                 "('national' start; uniform from 1)")
    initial_state: Literal["equilibrium", "national"] = param(
        "equilibrium", unit="choice",
        doc="how the workforce a run starts with is drawn: 'equilibrium' from the traditional "
            "district's steady state (experience by role, skill given experience, degrees, "
            "pathways; data/equilibrium.csv, regenerated by `nextwork-sim equilibrium`), "
            "'national' from the NTPS experience shares above with experience-curve skills "
            "and no degrees (the cold start the equilibrium run begins from)",
        kind="assumption")

    @model_validator(mode="after")
    def _leader_experience_range(self):
        if self.leader_experience_max < self.leader_experience_min:
            raise ValueError("leader_experience_max must be at least leader_experience_min")
        return self



# --- credentials (careers issue) -------------------------------------------------------

class CredentialParams(Frozen):
    micro_hours: float = param(30.0, unit="hours", ge=1, le=200,
                               doc="study time of one micro-credential", kind="assumption")
    micro_cost: float = param(3250.0, unit="dollars", ge=0, le=20000,
                              source="masters_cost target ($13,000) / 4 stackable credentials",
                              doc="price of one micro-credential", kind="assumption")
    micro_per_masters: int = param(4, unit="credentials", ge=1, le=12,
                                   doc="micro-credentials that stack to a master's equivalent",
                                   kind="assumption")
    micro_skill_gain: float = param(0.05, unit="skill", ge=0, le=0.3,
                                    doc="skill gained in the credential's domain",
                                    kind="assumption")
    masters_cost: float = param(13000.0, unit="dollars", ge=0, le=60000,
                                source="Arizona State University 2020 (calibration target "
                                       "masters_cost, 13,000-17,000)",
                                doc="price of a master's degree (seat-time route)", kind="sourced")
    masters_terms: int = param(4, unit="terms", ge=1, le=12,
                               doc="terms of study for a master's degree", kind="assumption")
    masters_skill_gain: float = param(0.02, unit="skill in every domain", ge=0, le=0.2,
                                      doc="skill a completed degree adds", kind="assumption")
    degree_salary_step: float = param(3000.0, unit="dollars per year", ge=0, le=20000,
                                      doc="salary lane increase for a master's (seat-time)",
                                      kind="assumption")
    enroll_rate: float = param(0.25, unit="share per term", ge=0, le=1,
                               doc="educators not enrolled who start a credential each term "
                                   "(before cost deterrence)", kind="assumption")
    completion_rate: float = param(0.8, unit="probability per term", ge=0, le=1,
                                   doc="completion of an enrolled micro-credential per term at "
                                       "load 1 or below", kind="assumption")
    completion_load_effect: float = param(1.5, unit="log-odds per capacity above 1", ge=0,
                                          le=10, doc="how chronic overload lowers completion",
                                          kind="assumption")
    cost_deterrence: float = param(2.0, unit="per unit cost / pay", ge=0, le=20,
                                   doc="enrolment falls by exp(-this x out-of-pocket cost / "
                                       "annual pay)", kind="assumption")
    working_hours_per_year: float = param(
        1400.0, unit="hours per year", ge=500, le=3000, kind="assumption",
        source="assumption near a contract year (7.5 hours x 180-191 days: 1,350-1,430)",
        doc="an educator's working hours in a year: a credential's study time deters "
            "enrolment as the share of them it takes (exp(-cost_deterrence x hours / this))")
    masters_priced_terms: int = param(
        2, unit="terms", ge=1, le=12, kind="assumption",
        doc="terms of degree tuition (masters_cost / masters_terms each) that make the price "
            "of enrolling in a degree: what deters enrolment, and what the district pays "
            "(district_pays_share) when someone enrols")


class CareerParams(Frozen):
    out_of_classroom_rate: float = param(
        0.03, unit="share per year of qualified teachers", ge=0, le=0.5,
        doc="under seat-time rules, qualified teachers (years and degree) who leave the "
            "classroom each year for a coach or administrator post", kind="assumption")
    lead_minimum_years: int = param(
        5, unit="years of experience", ge=1, le=30, kind="assumption",
        source="assumption: a lead mentors and coaches, so she is past the steep early-career "
               "part of the experience curve (Kini & Podolsky 2016: years 1-5)",
        doc="experience a teacher-leader needs, hired or promoted when a school adopts a "
            "design with leads")
    residency_years: int = param(
        1, unit="years", ge=1, le=3, kind="assumption",
        source="assumption; most teacher residencies are one school year beside a mentor "
               "teacher (National Center for Teacher Residencies)",
        doc="years a resident serves before she takes a teaching vacancy (her school's, else "
            "another school's of the district) or, with none open, leaves the district")
    community_to_para_rate: float = param(
        0.2, unit="share per year", ge=0, le=1, kind="assumption",
        doc="community educators who have served a year and take a vacant paraeducator post "
            "of their school each summer (the grow-your-own ladder's first rung)")
    community_to_para_cost: float = param(
        1500.0, unit="dollars per step", ge=0, le=20000, kind="assumption",
        doc="what the district spends on a community educator's step to paraeducator "
            "(training, clearances), in the recruitment line")
    para_to_teacher_rate: float = param(
        0.1, unit="share per year of qualified paraeducators", ge=0, le=1, kind="assumption",
        source="assumption; no national rate of paraeducators becoming teachers is "
               "published (grow-your-own programs report cohorts of a few to a few dozen a "
               "year per district)",
        doc="qualified paraeducators (a degree under seat-time rules; credentials and skill "
            "under competency) who take a vacant residency or teaching post each summer (the "
            "ladder's second rung; the rest stay paraeducators that year)")
    paraeducator_skill_margin: float = param(
        0.1, unit="skill", ge=0, le=1, kind="assumption",
        doc="competency rules: a paraeducator advances to a residency or teaching post with "
            "mean skill this much below staffing.advancement_skill (and the credentials)")


# --- recruitment pipelines (docs/odd.md §3.11) --------------------------------------------

class Pipeline(Frozen):
    supply_per_1000_students: float = param(5.0, unit="candidates per 1,000 students per year",
                                             ge=0, le=200, doc="annual candidates (can run short)",
                                            kind="assumption")
    skill_offset: float = param(0.0, unit="skill", ge=-0.3, le=0.3,
                                doc="starting skill relative to a traditionally prepared novice",
                                kind="assumption")
    content_offset: float = param(0.0, unit="skill", ge=-0.3, le=0.5,
                                  doc="extra starting skill in content (career switchers)",
                                  kind="assumption")
    of_color_share: float = param(0.2, unit="share", ge=0, le=1,
                                  doc="candidates who are people of color", kind="assumption")
    cost: float = param(0.0, unit="dollars per hire", ge=0, le=50000,
                        doc="recruitment cost to the district", kind="assumption")
    early_retention: float = param(0.0, unit="log-odds of move and leave, years 1-3", ge=-3,
                                   le=3, doc="first-years attrition shift of the pathway "
                                             "(negative = stays longer)", kind="assumption")


def _pipeline(**values) -> Field:
    return Field(default_factory=lambda: Pipeline(**values))


class PipelineParams(Frozen):
    """Annual candidate supply and profile of each pathway. Supplies, offsets and retention
    shifts are assumptions (sources name directions); vary them in sensitivity analyses."""

    traditional: Pipeline = _pipeline(supply_per_1000_students=8.0, of_color_share=0.18)
    alternative: Pipeline = _pipeline(supply_per_1000_students=3.0, skill_offset=-0.04,
                                      of_color_share=0.30, cost=1500.0, early_retention=0.3)
    residency: Pipeline = _pipeline(supply_per_1000_students=1.0, skill_offset=0.05,
                                    of_color_share=0.45, cost=3000.0, early_retention=-0.4)
    para_to_teacher: Pipeline = _pipeline(supply_per_1000_students=0.5, skill_offset=0.03,
                                          of_color_share=0.40, cost=2000.0,
                                          early_retention=-0.3)
    career_switcher: Pipeline = _pipeline(supply_per_1000_students=1.5, skill_offset=-0.05,
                                          content_offset=0.12, of_color_share=0.25,
                                          early_retention=0.2)
    community: Pipeline = _pipeline(supply_per_1000_students=12.0, of_color_share=0.45)
    pay_elasticity: float = param(
        1.0, unit="% supply per % pay", ge=0, le=3, kind="assumption",
        source="assumption; teacher supply rises with relative pay: Falch 2011 (Norway, "
               "elasticity about 1.5); US estimates are smaller and less precise",
        doc="every teaching pathway's supply times (teacher_base_salary over the shipped "
            "schedule's first-year pay) to this power")
    stipend_elasticity: float = param(
        1.0, unit="% supply per % stipend", ge=0, le=3, kind="assumption",
        doc="the residency's supply (residents and graduates) times (resident_stipend over "
            "the shipped stipend) to this power")
    applicants_per_entry_post: float = param(
        0.5, unit="candidates per open resident post", ge=0, le=5, kind="assumption",
        source="assumption; direction from the seeds' claim and NCTR reports that paid "
               "residency slots draw candidates who would not otherwise enter teaching",
        doc="extra resident candidates a summer for each resident post a design leaves open "
            "(entry roles widen who enters)")
    experienced_share: float = param(0.5, unit="share of traditional candidates", ge=0, le=1,
                                     doc="candidates who already taught elsewhere "
                                         "(experienced_min_years to experienced_max_years)",
                                     kind="assumption")
    experienced_min_years: int = param(2, unit="years", ge=1, le=40, kind="assumption",
                                       doc="fewest years of an experienced candidate (uniform "
                                           "up to experienced_max_years)")
    experienced_max_years: int = param(15, unit="years", ge=1, le=40, kind="assumption",
                                       doc="most years of an experienced candidate")
    paraeducator_max_years: int = param(8, unit="years", ge=1, le=40, kind="assumption",
                                        doc="most years of a paraeducator candidate (uniform "
                                            "from 1)")
    substitute_skill: float = param(0.2, unit="skill", ge=0, le=1,
                                    doc="skill of a long-term substitute in every domain",
                                    kind="assumption")
    substitute_of_color_share: float = param(
        0.3, unit="share", ge=0, le=1, kind="assumption",
        doc="long-term substitutes who are people of color (a local mix)")
    lack_floor: float = param(
        0.05, unit="skill", ge=0, le=1, kind="assumption",
        doc="weight every domain keeps in hiring by need, added to how far a community's best "
            "member is below the domain's threshold (a domain already covered still counts)")

    @model_validator(mode="after")
    def _experience_range(self):
        if self.experienced_max_years < self.experienced_min_years:
            raise ValueError("experienced_max_years must be at least experienced_min_years")
        return self


class Parameters(Frozen):
    """All mechanism parameters. Override any of them in a config's [parameters.*] tables."""

    load: LoadParams = Field(default_factory=LoadParams)
    skill: SkillParams = Field(default_factory=SkillParams)
    learning: LearningParams = Field(default_factory=LearningParams)
    attrition: AttritionParams = Field(default_factory=AttritionParams)
    satisfaction: SatisfactionParams = Field(default_factory=SatisfactionParams)
    costs: CostParams = Field(default_factory=CostParams)
    population: PopulationParams = Field(default_factory=PopulationParams)
    pipelines: PipelineParams = Field(default_factory=PipelineParams)
    credentials: CredentialParams = Field(default_factory=CredentialParams)
    careers: CareerParams = Field(default_factory=CareerParams)
