"""Race as it is distributed (docs/odd.md §5.1): students' race goes with low income (so
schools differ in racial composition as they differ in poverty), initial standing carries the
race offsets that start gaps near NAEP's, teachers and paraeducators of color are more often
where students of color are, and no dynamic has a race term."""

import numpy as np
import pytest

from nextwork_sim.config import RACES, validate
from nextwork_sim.district import race_shares_given_low_income
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE, ENROLLED
from nextwork_sim.roles import CATEGORY_INDEX, is_teacher_category

WHITE = RACES.index("white")
DISTRICT = {"name": "race", "years": 2, "burn_in_years": 0, "district": {"preset": "district"}}


@pytest.fixture(scope="module")
def built():
    model = SchoolSystemModel(DISTRICT, seed=2)
    yield model
    model.release()


def test_the_district_keeps_its_race_mix_and_low_income_students_are_more_often_of_color(
        built):
    s = built.state.students
    enrolled = s.status == ENROLLED
    composition = built.config.district.composition
    for code, name in enumerate(RACES):
        share = np.mean(s.race[enrolled] == code)
        assert share == pytest.approx(getattr(composition.race, name), abs=0.015), name
    of_color = s.race[enrolled] != WHITE
    low = s.low_income[enrolled]
    assert of_color[low].mean() > of_color[~low].mean() + 0.15
    # Bayes' rule exactly: the two conditional mixes average back to the district's
    given_low, given_other = race_shares_given_low_income(composition)
    mix = composition.low_income * given_low + (1 - composition.low_income) * given_other
    np.testing.assert_allclose(mix, [getattr(composition.race, r) for r in RACES], atol=1e-12)


def test_schools_differ_in_racial_composition_as_they_differ_in_poverty(built):
    s = built.state.students
    enrolled = s.status == ENROLLED
    schools = len(built.schools)
    count = np.bincount(s.school[enrolled], minlength=schools)
    of_color = np.bincount(s.school[enrolled & (s.race != WHITE)], minlength=schools) / count
    poverty = np.array([school.low_income_share for school in built.schools])
    assert np.corrcoef(poverty, of_color)[0, 1] > 0.5


def test_initial_gaps_are_the_race_offsets_plus_what_low_income_gives(built):
    """Gap to White students = race_gap + low_income_gap x (the group's low-income share
    minus White students') within sampling error (SD 1 of the standing's noise)."""
    s = built.state.students
    population = built.config.parameters.population
    enrolled = s.status == ENROLLED
    z, race, low = s.standing[enrolled], s.race[enrolled], s.low_income[enrolled]
    white = race == WHITE
    others = (s.english_learner[enrolled], s.disability[enrolled], s.advanced[enrolled])
    for code, name in enumerate(RACES):
        group = race == code
        if name == "white":
            continue
        expected = (getattr(population.race_gap, name)
                    + population.low_income_gap * (low[group].mean() - low[white].mean()))
        # the other flags are drawn apart from race: their part is sampling noise too
        for flag, gap in zip(others, (population.english_learner_gap,
                                      population.disability_gap, -population.advanced_lead),
                             strict=True):
            expected += gap * (flag[group].mean() - flag[white].mean())
        error = 4 * np.sqrt(1 / group.sum() + 1 / white.sum())
        assert z[white].mean() - z[group].mean() == pytest.approx(expected, abs=error), name


def test_teachers_and_paraeducators_of_color_are_more_often_where_students_of_color_are(built):
    e, s = built.state.educators, built.state.students
    composition = built.config.district.composition
    schools = len(built.schools)
    enrolled = s.status == ENROLLED
    students_of_color = (np.bincount(s.school[enrolled & (s.race != WHITE)], minlength=schools)
                         / np.bincount(s.school[enrolled], minlength=schools))
    active = e.status == ACTIVE
    teacher = active & is_teacher_category(e.category)
    para = active & (e.category == CATEGORY_INDEX["paraeducator"])
    teachers_of_color = (np.bincount(e.school[teacher & (e.race != WHITE)], minlength=schools)
                         / np.maximum(np.bincount(e.school[teacher], minlength=schools), 1))
    assert np.corrcoef(students_of_color, teachers_of_color)[0, 1] > 0.3
    assert np.mean(e.race[teacher] != WHITE) == pytest.approx(
        1 - composition.teacher_race.white, abs=0.03)
    assert np.mean(e.race[para] != WHITE) == pytest.approx(composition.paraeducator_of_color,
                                                          abs=0.06)


def test_no_dynamic_has_a_race_term():
    """Without the race offsets of initial standing, every result but the standings'
    gaps and the growth and standing summaries is identical: race enters nothing else."""
    small = {**DISTRICT, "district": {"preset": "school"}}
    zero = {name: 0.0 for name in RACES}
    plain = SchoolSystemModel(validate(small), seed=3)
    flat = SchoolSystemModel(validate({**small, "parameters": {"population": {
        "race_gap": zero}}}), seed=3)
    try:
        plain.run(2)
        flat.run(2)
        a, b = plain.results(), flat.results()
    finally:
        plain.release()
        flat.release()
    same = ~a["metric"].isin(["achievement_gap"])
    assert (~same).any()
    np.testing.assert_array_equal(a.loc[same, "value"].to_numpy(), b.loc[same, "value"].to_numpy())
    assert not np.array_equal(a.loc[~same, "value"].to_numpy(), b.loc[~same, "value"].to_numpy())
