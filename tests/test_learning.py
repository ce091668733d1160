"""Students: learning responds to the mechanisms the model claims, and the norm is stable."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextwork_sim import run
from nextwork_sim.config import load_config, validate
from nextwork_sim.district import expected_offset, race_gaps
from nextwork_sim.kernels.daily_learning import (
    Instruction,
    Learners,
    LearningParameters,
    LearningSums,
    unit_learning,
)
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.roles import ROLE_INDEX

from .conftest import CONFIGS


def _small(**extra):
    return validate({"name": "s", "years": 1, "burn_in_years": 0,
                     "district": {"preset": "school"}, **extra})


def test_a_student_whose_needed_domain_nobody_carries_grows_less():
    need = np.array([[1, 1, 0.6, 3.0, 0.1, 0.8, 0.8, 0]], dtype=np.float32)
    days = 20
    covered = np.full((1, 8), 0.55 * days)
    uncovered = covered.copy()
    uncovered[0, 3] = 0.0  # individualized_support: nobody carries it
    parameters = LearningParameters.of(needed=1.0, quality_effect=0.4,
                                       personalization_effect=0.05, noise_sd=0.0,
                                       intra_domain=5, inter_domain=6)
    rates = []
    for quality in (covered, uncovered):
        sums = LearningSums(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1, dtype=bool))
        unit_learning(Learners(np.zeros(1, np.int32), need, np.zeros(1, np.int64)),
                      (np.uint64(1), np.uint64(2)),
                      Instruction(quality, np.zeros(1), np.ones((1, 8), dtype=bool),
                                  np.array([0.55])),
                      days, parameters, sums)
        rates.append(sums.rate_sum[0])
    assert rates[1] < rates[0]


def _growth_after(delta: float) -> float:
    model = SchoolSystemModel(_small(), seed=4)
    try:
        skill = model.state.educators.skill
        skill[:] = np.minimum(skill + delta, 1.0)
        table = model.run(1)
    finally:
        model.release()
    return table.query("metric == 'achievement_growth' and group == 'all'")["value"].iloc[0]


@settings(max_examples=4, deadline=None)
@given(delta=st.floats(0.03, 0.25))
def test_raising_every_educators_skill_raises_growth(delta):
    assert _growth_after(delta) > _growth_after(0.0)


def test_a_shorter_calendar_teaches_less():
    def months(days):
        table = run(_small(calendar={"school_days": days}), seed=2)
        return table.query("metric == 'months_of_learning' and group == 'all'")["value"].iloc[0]

    assert months(150) < months(180) - 1.0


def test_promotion_keeps_each_students_history():
    model = SchoolSystemModel(_small(years=2), seed=6)
    try:
        s = model.state.students
        model.run(1)
        rows = np.flatnonzero(s.status == 0)[:200]
        ids, grades = s.person_id[rows].copy(), s.grade[rows].copy()
        standing = s.standing[rows].copy()
        model.run(2)
        assert np.array_equal(s.person_id[rows], ids)
        still = s.status[rows] == 0
        assert np.all(s.grade[rows][still] == grades[still] + 1)
        norm = np.asarray(model.config.parameters.learning.growth_by_grade)[grades[still]]
        expected = standing[still] + norm * (s.rate_sum[rows][still] / 180.0 - 1.0)
        np.testing.assert_allclose(s.standing[rows][still], expected, atol=1e-12)
    finally:
        model.release()


def test_the_national_norm_does_not_drift_under_typical_staffing():
    scenario = load_config(CONFIGS / "traditional.toml", ["years=10", "burn_in_years=0"])
    model = SchoolSystemModel(scenario, seed=1)
    try:
        s = model.state.students
        enrolled = s.status == 0
        start = s.standing[enrolled].mean()
        # the start a district of this sample's composition should have: the group offsets
        # of its students, centred at the national composition (a sample more low-income
        # than the nation starts below 0), plus the mean of the students' normal draws
        population = scenario.parameters.population
        offsets = (-population.low_income_gap * s.low_income[enrolled]
                   - population.english_learner_gap * s.english_learner[enrolled]
                   - population.disability_gap * s.disability[enrolled]
                   + population.advanced_lead * s.advanced[enrolled]
                   - race_gaps(population)[s.race[enrolled]])
        implied = offsets.mean() + expected_offset(scenario)
        model.run()
        end = s.standing[s.status == 0].mean()
    finally:
        model.release()
    assert abs(start - implied) < 4 / np.sqrt(enrolled.sum())
    assert abs(end - start) < 0.1, f"mean standing drifted by {end - start:.3f} in 10 years"
    assert abs(end) < 0.1, f"mean standing drifted to {end:.3f} in 10 years"


def test_each_school_level_learns_against_its_own_reference_match():
    """Raising the middle schools' m_ref by Δ lowers each middle-school student's rate by
    θ_q·Δ and no one else's: growth changes by −θ_q·Δ·g(grade) in grades 6-8 only (same
    seed, same draws). Fails if the kernel reads one level's value for all, or maps a
    community to another level."""
    def growth(middle):
        scenario = load_config(CONFIGS / "traditional.toml", [
            "years=1", "burn_in_years=0",
            f"parameters.learning.reference_match.middle={middle}"])
        table = run(scenario, seed=6)
        rows = table.query("metric == 'achievement_growth' and group.str.startswith('grade=')")
        return scenario.parameters.learning, rows.set_index("group")["value"]

    learning, base = growth(0.70)
    _, raised = growth(0.75)
    norm = np.asarray(learning.growth_by_grade)
    for grade in range(13):
        expected = -learning.quality_effect * 0.05 * norm[grade] if 6 <= grade <= 8 else 0.0
        change = raised[f"grade={grade}"] - base[f"grade={grade}"]
        assert abs(change - expected) < 1e-9, (grade, change, expected)



def _personalization_from_paraeducators(per_teacher: float, para_skill: float | None = None,
                                        **learning) -> float:
    """The year's personalization channel (per student) of a one-school traditional district
    with ``per_teacher`` paraeducators, every paraeducator's skill set to ``para_skill`` (in
    every domain) when given; ``learning`` overrides parameters.learning."""
    scenario = _small(staffing={"paraeducators_per_teacher": per_teacher},
                      parameters={"learning": learning})
    model = SchoolSystemModel(scenario, seed=3)
    try:
        if para_skill is not None:
            educators = model.state.educators
            paraeducators = educators.column("role") == ROLE_INDEX["paraeducator"]
            educators.column("skill")[paraeducators] = para_skill
        table = model.run(1)
    finally:
        model.release()
    rows = table.query("metric == 'learning_channel' and group == 'part=personalization'")
    return float(rows["value"].iloc[0])


@pytest.mark.parametrize(("para_skill", "low", "high"), [
    (0.2, 0.0, 0.1),   # at a first-year paraeducator's skill: next to nothing
    (0.55, 0.35, 0.65),  # halfway between s₀ = 0.3 and s₁ = 0.8: about half
    (0.9, 0.9, 1.1),   # an experienced teacher's skill: every hour
])
def test_paraeducators_personalize_by_their_skill_not_their_headcount(para_skill, low, high):
    """One paraeducator per classroom against none, as a share of what the same paraeducators
    add counted by headcount (every hour counts: s₀ = s₁ = 0): adult hours personalize by the
    adult's skill in the domain (skill grows a little over the year, so the shares are
    ranges around 0, 1/2 and 1)."""
    headcount = {"personalization_skill_zero": 0.0, "personalization_skill_full": 0.0}
    by_headcount = (_personalization_from_paraeducators(1.0, para_skill, **headcount)
                    - _personalization_from_paraeducators(0.0, **headcount))
    by_skill = (_personalization_from_paraeducators(1.0, para_skill)
                - _personalization_from_paraeducators(0.0))
    assert by_headcount > 0.5
    assert low * by_headcount <= by_skill <= high * by_headcount
