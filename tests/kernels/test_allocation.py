"""Allocation kernels against their NumPy twins."""

import numpy as np
import pytest

from nextwork_sim.kernels.allocation import (
    ServingMembers,
    StaffingParameters,
    UnitStaffing,
    split_by_weight,
    split_by_weight_reference,
    unit_staffing,
    unit_staffing_reference,
)

from .helpers import ATOL64, SHAPES, D, run_both, world

# hours count in full from skill 0.5 (the tests' adults), not at all up to 0.2
PARAMETERS = StaffingParameters.of(coordination_per_member=15.0, students_per_adult=25.0,
                                   personalization_cap=3.0, skill_zero=0.2, skill_full=0.5)


def _filled(k, value=9.0):
    """An output tuple of stale values, which the kernel must overwrite."""
    return UnitStaffing(np.full(k, value), np.full(k, value), np.ones((k, D), dtype=bool))


def _one_adult(students, parameters=PARAMETERS):
    """One full-time adult carrying every domain of one community of ``students``."""
    members = ServingMembers(np.ones((1, D), np.float32), np.zeros(1, np.int32),
                             np.zeros(1, np.int32), np.ones(1, np.float32),
                             np.full((1, D), 0.5, np.float32))
    return (members, 1, np.ones((1, D)), np.array([students]), np.ones(D), np.full(D, 0.4),
            parameters)


@pytest.mark.parametrize("min_share", [0.0, 0.15])
@pytest.mark.parametrize(("seed", "k", "m"), [(0, 1, 1), (1, 3, 12), (2, 12, 80), (3, 5, 40)])
def test_split_by_weight_matches_reference(seed, k, m, min_share):
    rng = np.random.default_rng(seed)
    community = rng.integers(0, k, m).astype(np.int32)
    active = rng.random(m) < 0.85
    weight = rng.random((m, 8)) * (rng.random((m, 8)) < 0.7)
    # pull-out and para shares, some communities asking for more than the whole domain
    fixed = np.where(rng.random((m, 8)) < 0.2, rng.uniform(0.1, 0.9, (m, 8)), -1.0)
    fixed = fixed.astype(np.float32)
    fte = rng.choice([0.2, 0.5, 1.0], m).astype(np.float32)
    out = np.full((m, 8), 9.0)
    split_by_weight(weight, community, active, fixed, fte, k, min_share, out)
    expected = np.full((m, 8), 9.0)
    split_by_weight_reference(weight, community, active, fixed, fte, k, min_share, expected)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-15)
    totals = np.zeros((k, 8))
    np.add.at(totals, community, out)
    # every domain anyone active can take is split whole
    assert np.all((np.abs(totals - 1) < 1e-9) | (totals == 0))


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_unit_staffing_matches_reference(seed, k, e, m):
    w = world(seed, k, e, m)
    rng = np.random.default_rng(seed)
    fte = rng.choice([0.2, 0.5, 1.0], e).astype(np.float32)
    thresholds = rng.uniform(0.2, 0.6, D)
    n_students = rng.integers(0, 30, k)
    holder = np.maximum(w.mem_educator, 0)  # each membership's holder's FTE and skill
    members = ServingMembers(w.split, w.mem_educator, w.mem_community, fte[holder],
                             w.skill[holder])
    (kernel_args, kernel_result), (twin_args, twin_result) = run_both(
        "unit_staffing", members, e, w.need_sum, n_students, w.minutes_per_need, thresholds,
        PARAMETERS, _filled(k))
    got, expected = kernel_args[-1], twin_args[-1]
    assert kernel_result is None and twin_result is None  # both write ``out`` only
    np.testing.assert_allclose(got.coordination, expected.coordination, **ATOL64)
    np.testing.assert_allclose(got.personalization, expected.personalization, rtol=1e-12,
                               atol=1e-12)
    np.testing.assert_array_equal(got.covered, expected.covered)
    assert np.all((got.personalization >= -1) & (got.personalization <= 3))


def test_a_community_with_one_full_time_adult_per_25_students_has_personalization_zero():
    out = _filled(1)
    out.covered[:] = False
    unit_staffing(*_one_adult(25), out)
    assert out.personalization[0] == 0.0 and out.coordination[0] == 0.0 and out.covered.all()


@pytest.mark.parametrize(("seed", "k", "m"), [(0, 1, 1), (1, 3, 12), (2, 12, 80), (3, 5, 40)])
def test_most_skilled_fallback_matches_reference(seed, k, m):
    from nextwork_sim.kernels.allocation import (
        most_skilled_fallback,
        most_skilled_fallback_reference,
    )

    rng = np.random.default_rng(seed)
    community = rng.integers(0, k, m).astype(np.int64)
    active = rng.random(m) < 0.85
    weight = rng.random((m, 8)) * (rng.random((m, 8)) < 0.4)  # many domains nobody weighs
    fixed = np.where(rng.random((m, 8)) < 0.2, 0.5, -1.0).astype(np.float32)
    skill = rng.choice([0.2, 0.5, 0.8], (m, 8)).astype(np.float32)  # ties for the most skilled
    out = most_skilled_fallback(weight, community, active, fixed, skill, k)
    expected = most_skilled_fallback_reference(weight, community, active, fixed, skill, k)
    assert out.dtype == expected.dtype == np.float64
    np.testing.assert_array_equal(out, expected)
    # a float32 weight (just-right's) gives the same table
    as_float32 = weight.astype(np.float32)
    np.testing.assert_array_equal(
        most_skilled_fallback(as_float32, community, active, fixed, skill, k),
        most_skilled_fallback_reference(as_float32, community, active, fixed, skill, k))
    candidate = active[:, None] & (fixed < 0)
    assert np.all(out[~candidate] == 0)
    assert np.all(out[candidate & (weight > 0)] == weight[candidate & (weight > 0)])


@pytest.mark.parametrize(("seed", "m"), [(0, 1), (1, 30), (2, 200)])
def test_just_right_weight_matches_reference(seed, m):
    from nextwork_sim.kernels.allocation import just_right_weight, just_right_weight_reference
    from nextwork_sim.staffing.next_workforce import MAY_CARRY_TABLE, SHELTERED_TABLE

    rng = np.random.default_rng(seed)
    category = rng.integers(0, MAY_CARRY_TABLE.shape[0], m)
    duty = (rng.random((m, D)) < 0.7).astype(np.float32)
    skill = rng.random((m, D)).astype(np.float32)
    fte = rng.choice([0.2, 0.5, 1.0], m).astype(np.float32)
    thresholds = rng.uniform(0.2, 0.6, D)
    args = (category, duty, skill, fte, thresholds, MAY_CARRY_TABLE, SHELTERED_TABLE, 0.6, 1.5)
    out = just_right_weight(*args)
    expected = just_right_weight_reference(*args)
    assert out.dtype == expected.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=0)
    # the power is taken in float32 (as skill is) whatever type the exponent comes in
    np.testing.assert_array_equal(out, just_right_weight(*args[:-1], np.float32(1.5)))
    # a member weighs a domain only where the category may carry it and it has duty there
    assert np.all(out[~MAY_CARRY_TABLE[category] | (duty <= 0)] == 0)


@pytest.mark.parametrize(("students_per_adult", "cap", "students", "expected"), [
    (25.0, 3.0, 25, 0.0), (20.0, 3.0, 25, -0.2), (25.0, 3.0, 5, 3.0), (25.0, 1.5, 5, 1.5),
    (10.0, 3.0, 5, 1.0),
])
def test_personalization_follows_the_reference_ratio_and_cap(students_per_adult, cap,
                                                             students, expected):
    """One full-time adult: p = students_per_adult / students - 1, at most the cap; the
    kernel and its twin read both from their arguments (no 25 or 3 of their own)."""
    parameters = StaffingParameters.of(coordination_per_member=15.0,
                                       students_per_adult=students_per_adult,
                                       personalization_cap=cap, skill_zero=0.2,
                                       skill_full=0.5)
    for staffing in (unit_staffing, unit_staffing_reference):
        out = _filled(1)
        staffing(*_one_adult(students, parameters), out)
        assert out.personalization[0] == pytest.approx(expected, abs=1e-12), staffing


@pytest.mark.parametrize("staffing", [unit_staffing, unit_staffing_reference])
def test_coordination_is_the_parameters_minutes_per_member_beyond_the_first(staffing):
    """Three serving members of community 0 (and a vacant membership, not counted) and one
    of community 1: c·2 and c·0 minutes, with c read from the parameters."""
    members = ServingMembers(np.full((5, D), 0.25, np.float32),
                             np.array([0, 1, 2, -1, 3], np.int32),
                             np.array([0, 0, 0, 0, 1], np.int32), np.ones(5, np.float32),
                             np.full((5, D), 0.5, np.float32))
    parameters = StaffingParameters.of(coordination_per_member=12, students_per_adult=25,
                                       personalization_cap=3, skill_zero=0.2, skill_full=0.5)
    assert all(type(value) is float for value in parameters)
    out = _filled(2)
    staffing(members, 4, np.ones((2, D)), np.array([25, 25]), np.ones(D), np.full(D, 0.4),
             parameters, out)
    np.testing.assert_array_equal(out.coordination, [24.0, 0.0])


@pytest.mark.parametrize("staffing", [unit_staffing, unit_staffing_reference])
@pytest.mark.parametrize(("helper_skill", "added"), [
    (0.1, 0.0), (0.2, 0.0), (0.35, 0.5), (0.5, 1.0), (0.9, 1.0)])
def test_an_adult_personalizes_by_what_they_can_do_in_the_domain(staffing, helper_skill,
                                                                 added):
    """A second full-time adult beside a skilled teacher of 25 students (one adult per 25 is
    p = 0) adds nothing at skill s₀ = 0.2 or below, half of themselves halfway to s₁ = 0.5,
    all of themselves from s₁: adult hours count by what the adult can do, not headcount."""
    members = ServingMembers(np.full((2, D), 0.5, np.float32), np.array([0, 1], np.int32),
                             np.zeros(2, np.int32), np.ones(2, np.float32),
                             np.array([[0.9] * D, [helper_skill] * D], np.float32))
    out = _filled(1)
    staffing(members, 2, np.ones((1, D)), np.array([25]), np.ones(D), np.full(D, 0.4),
             PARAMETERS, out)
    assert out.personalization[0] == pytest.approx(added, abs=1e-6)


@pytest.mark.parametrize("staffing", [unit_staffing, unit_staffing_reference])
def test_personalization_counts_each_domain_by_the_skill_in_it(staffing):
    """One adult carrying two domains of equal work, skilled (0.9) in one and not (0.1) in
    the other: half their time personalizes (p = 0.5 x 25/25 - 1); the step form (s₁ <= s₀)
    counts every hour above s₀."""
    split = np.zeros((1, D), np.float32)
    split[0, :2] = 1.0
    skill = np.full((1, D), 0.1, np.float32)
    skill[0, 0] = 0.9
    members = ServingMembers(split, np.zeros(1, np.int32), np.zeros(1, np.int32),
                             np.ones(1, np.float32), skill)
    for parameters, expected in ((PARAMETERS, -0.5),
                                 (PARAMETERS._replace(skill_zero=0.05, skill_full=0.05), 0.0)):
        out = _filled(1)
        staffing(members, 1, np.ones((1, D)), np.array([25]), np.ones(D), np.full(D, 0.4),
                 parameters, out)
        assert out.personalization[0] == pytest.approx(expected, abs=1e-6)
