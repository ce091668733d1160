"""The fused day kernel against its twin, and the day's formulas (load, chronic load,
efficacy, skill growth) against the per-mechanism NumPy references."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextwork_sim.kernels import keyed_random as kr
from nextwork_sim.kernels.daily_learning import instruction_quality_reference
from nextwork_sim.kernels.school_day import (
    DayParameters,
    DayState,
    Unit,
    chronic_and_efficacy_reference,
    chronic_load,
    cognitive_load_reference,
    domain_load,
    efficacy_at,
    fluctuation_table,
    practice_rate_of,
    practised_skill,
    skill_growth_reference,
    switching_load,
    unit_weights,
)

from .helpers import ATOL64, RTOL32, SHAPES, D, copied, run_both, world

PARAMETERS = DayParameters.of(skill_floor=0.1, switch_cost=0.03, chronic_weight=0.05,
                              efficacy_slope=6.0, efficacy_threshold=1.1, practice_rate=0.01,
                              feedback_boost=0.5)
LEADERSHIP = 7


# --- the formulas ----------------------------------------------------------------------------


def _load_of_each(share, difficulty, skill, skill_floor=0.1, switch_cost=0.03):
    """Each educator's load from the kernel's two formulas, summed over the domains carried
    as the day kernel sums them."""
    loads = []
    for i in range(share.shape[0]):
        carried = share[i] > 0
        parts = [domain_load(share[i, d], difficulty[d], skill[i, d], skill_floor)
                 for d in np.flatnonzero(carried)]
        loads.append(sum(parts) + switching_load(int(carried.sum()), switch_cost))
    return np.array(loads)


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_cognitive_load_matches_reference(seed, k, e, m):
    w = world(seed, k, e, m)
    rng = np.random.default_rng(seed)
    share = rng.random((e, D)) * (rng.random((e, D)) < 0.7)
    share[0] = 0.0  # carries nothing: no switching cost either
    got = _load_of_each(share, w.difficulty, w.skill)
    expected = cognitive_load_reference(share, w.difficulty, w.skill, 0.1, 0.03)
    np.testing.assert_allclose(got, expected, **ATOL64)
    assert got[0] == 0.0


def test_load_falls_with_skill_and_rises_with_domains_carried():
    w = world(2)
    e = w.skill.shape[0]
    share = np.full((e, D), 0.1)
    low = _load_of_each(share, w.difficulty, w.skill)
    high = _load_of_each(share, w.difficulty, np.minimum(w.skill + 0.01, 1).astype(np.float32))
    assert np.all(high < low)
    one_domain = np.zeros((e, D))
    one_domain[:, 0] = 0.8
    split_work = np.full((e, D), 0.1)
    uniform_skill = np.full((e, D), 0.5, dtype=np.float32)
    flat = np.ones(D)
    focused = _load_of_each(one_domain, flat, uniform_skill)
    spread = _load_of_each(split_work, flat, uniform_skill)
    np.testing.assert_allclose(spread - focused, 0.03 * (D - 1), **ATOL64)


@pytest.mark.parametrize("n", [1, 50])
def test_chronic_load_and_efficacy_match_reference(n):
    rng = np.random.default_rng(n)
    load = rng.uniform(0, 3, n)
    chronic = rng.uniform(0, 2, n)
    expected_chronic, expected_efficacy = chronic_and_efficacy_reference(load, chronic, 0.05,
                                                                         6.0, 1.1)
    got_chronic = [chronic_load(c, x, 0.05) for c, x in zip(chronic, load, strict=True)]
    got_efficacy = [efficacy_at(x, 6.0, 1.1) for x in load]
    np.testing.assert_allclose(got_chronic, expected_chronic, **ATOL64)
    np.testing.assert_allclose(got_efficacy, expected_efficacy, **ATOL64)


@settings(max_examples=50, deadline=None)
@given(load=st.lists(st.floats(0, 10), min_size=1, max_size=30),
       slope=st.floats(0.1, 10), threshold=st.floats(0.5, 2))
def test_efficacy_lies_in_the_open_unit_interval_and_falls_with_load(load, slope, threshold):
    efficacy = np.array([efficacy_at(x, slope, threshold) for x in sorted(load)])
    assert np.all((efficacy > 0) & (efficacy < 1))
    assert np.all(np.diff(efficacy) <= 0)


def _grown(share, skill, efficacy, feedback, practice_rate, feedback_boost):
    """A day's growth of every educator and domain from the formulas, stored as float32 as
    the day kernel stores it."""
    grown = np.empty_like(skill)
    for i in range(skill.shape[0]):
        rate = practice_rate_of(efficacy[i], feedback[i], practice_rate, feedback_boost)
        for d in range(skill.shape[1]):
            grown[i, d] = practised_skill(np.float64(skill[i, d]), share[i, d], rate)
    return grown


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_skill_growth_matches_reference(seed, k, e, m):
    w = world(seed, k, e, m)
    rng = np.random.default_rng(seed)
    share = rng.random((e, D)) * 2
    efficacy = rng.random(e)
    expected = skill_growth_reference(share, w.skill, efficacy, w.feedback, 0.05, 0.5)
    got = _grown(share, w.skill, efficacy, w.feedback, 0.05, 0.5)
    np.testing.assert_allclose(got, expected, **RTOL32)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 10), seed=st.integers(0, 10_000), rate=st.floats(0, 2),
       boost=st.floats(0, 3))
def test_skill_growth_stays_in_range_and_never_falls(n, seed, rate, boost):
    rng = np.random.default_rng(seed)
    skill = rng.random((n, D)).astype(np.float32)
    skill[0, :2] = (0.0, 1.0)
    share = rng.random((n, D)) * 3
    efficacy, feedback = rng.random(n), rng.random(n).astype(np.float32)
    grown = _grown(share, skill, efficacy, feedback, rate, boost)
    assert np.all((grown >= 0) & (grown <= 1)) and np.all(grown >= skill)


def test_overload_slows_learning():
    w = world(4)
    e = w.skill.shape[0]
    share = np.full((e, D), 0.2)
    rested = _grown(share, w.skill, np.full(e, 0.9), w.feedback, 0.05, 0.5)
    overloaded = _grown(share, w.skill, np.full(e, 0.1), w.feedback, 0.05, 0.5)
    grew = rested > w.skill
    assert grew.any() and np.all(overloaded[grew] < rested[grew])


# --- the unit's layout -------------------------------------------------------------------------


def _active_rows(w, e):
    # educators holding a membership are active, and the last one too even without any; the
    # rest have departed (rows kept, never visited)
    return np.unique(np.concatenate([w.mem_educator[w.mem_educator >= 0], [e - 1]]))


def _unit(w, rows, **changes):
    unit = Unit(w.split, w.mem_educator, w.mem_community, w.need_sum, w.minutes_per_need,
                w.coordination, LEADERSHIP, w.available, rows)
    return unit._replace(**changes)


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_unit_weights_match_reference(seed, k, e, m):
    """The layout's weights are the unit's task demand (need x minutes, coordination on
    the leadership domain) x split / available minutes, grouped by educator."""
    w = world(seed, k, e, m)
    rows = np.random.default_rng(seed).permutation(_active_rows(w, e))
    (_, got), (_, expected) = run_both("unit_weights", _unit(w, rows))
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(got[2], expected[2])
    assert got[1].shape == ((w.mem_educator >= 0).sum(), D)


def test_coordination_lands_on_the_leadership_domain_only():
    w = world(1)
    rows = _active_rows(w, w.skill.shape[0])
    without = unit_weights(_unit(w, rows, coordination=np.zeros_like(w.coordination)))[1]
    with_ = unit_weights(_unit(w, rows))[1]
    extra = with_ - without
    assert np.all(extra[:, LEADERSHIP] >= 0) and extra[:, LEADERSHIP].sum() > 0
    assert np.all(np.delete(extra, LEADERSHIP, axis=1) == 0)


def test_more_students_more_demand():
    w = world(1)
    rows = _active_rows(w, w.skill.shape[0])
    low = unit_weights(_unit(w, rows))[1]
    high = unit_weights(_unit(w, rows, need_sum=w.need_sum * 1.2))[1]
    assert np.all(high >= low) and high.sum() > low.sum()


# --- the day kernel ----------------------------------------------------------------------------


def _run_both(w, rows, days, fluctuation_sd=0.2, community_open=None):
    """The day kernel and its twin on the same days; returns the state each left."""
    k, e = w.need_sum.shape[0], w.skill.shape[0]
    if community_open is None:
        community_open = np.arange(k) % 4 != 3  # a closed community draws no fluctuation
    unit = _unit(w, rows)
    state = DayState(w.skill, w.chronic, w.feedback, np.full((e, D), np.nan),
                     np.full(e, np.nan), np.full(e, np.nan), np.ones((e, D)), np.ones(e))
    before = copied(state)
    (on_kernel, _), (on_twin, _) = run_both(
        "school_days", kr.year_prefix(5, "demand", 0), 0, days, community_open,
        np.append(fluctuation_table(fluctuation_sd), 1.0), unit, unit_weights(unit),
        w.difficulty, PARAMETERS, state, np.empty((k, days), np.uint16), np.empty((3, D)))
    for name, value in before._asdict().items():  # the caller's arrays: copied, not written
        np.testing.assert_array_equal(getattr(state, name), value)
    return on_kernel[9]._asdict(), on_twin[9]._asdict()


@pytest.mark.parametrize("days", [1, 5])
@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_school_days_match_the_composed_references(seed, k, e, m, days):
    w = world(seed, k, e, m)
    rows = _active_rows(w, e)
    got, expected = _run_both(w, rows, days)
    for name in ("chronic", "chronic_sum", "share", "load", "efficacy"):
        np.testing.assert_allclose(got[name], expected[name], **ATOL64, err_msg=name)
    # float32 skill: the two paths may round the last bit differently
    np.testing.assert_allclose(got["skill"], expected["skill"], **RTOL32)
    np.testing.assert_allclose(got["skill_efficacy_sum"], expected["skill_efficacy_sum"],
                               **RTOL32)
    departed = np.setdiff1d(np.arange(e), rows)  # never visited: every value as it was
    assert np.array_equal(got["skill"][departed], w.skill[departed])
    assert np.isnan(got["load"][departed]).all() and np.isnan(expected["load"][departed]).all()
    assert not np.isnan(got["load"][rows]).any()


@pytest.mark.parametrize("vacancies", [True, False])
@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_the_shares_carry_the_demand_filled_memberships_carry(seed, k, e, m, vacancies):
    """Σ_educators share·available minutes = Σ_memberships filled split x demand, per domain
    (no fluctuation); with no vacancies every split domain's demand is carried in full."""
    w = world(seed, k, e, m)
    if not vacancies:
        w.mem_educator = np.abs(w.mem_educator).astype(np.int32)
    rows = _active_rows(w, e)
    got, _ = _run_both(w, rows, 1, fluctuation_sd=0.0, community_open=np.ones(k, bool))
    demand = w.need_sum * w.minutes_per_need
    demand[:, LEADERSHIP] += w.coordination
    filled = w.mem_educator >= 0
    filled_split = np.zeros((k, D))
    np.add.at(filled_split, w.mem_community[filled], w.split[filled])
    carried_minutes = (got["share"][rows] * w.available[rows, None]).sum(axis=0)
    np.testing.assert_allclose(carried_minutes, (demand * filled_split).sum(axis=0),
                               rtol=1e-12, atol=1e-9)
    if not vacancies:
        split_sum = np.zeros((k, D))
        np.add.at(split_sum, w.mem_community, w.split)
        assert np.allclose(split_sum[split_sum > 0], 1.0, atol=1e-6)
        np.testing.assert_allclose(carried_minutes.sum(), (demand * (split_sum > 0)).sum(),
                                   rtol=1e-6)


def test_the_order_educators_are_visited_in_does_not_matter():
    """The model visits educators by primary community, not by row: educators do not
    interact within a span, so any order gives the same numbers, bit for bit."""
    w = world(2, k=12, e=30, m=60)
    rows = _active_rows(w, 30)
    in_order, _ = _run_both(w, rows, 5)
    shuffled, _ = _run_both(w, np.random.default_rng(0).permutation(rows), 5)
    for name, values in in_order.items():
        np.testing.assert_array_equal(values[rows], shuffled[name][rows], err_msg=name)


def test_summed_skill_efficacy_gives_the_summed_daily_quality():
    """Q = Σ_days q: quality from the summed skill x efficacy equals the daily qualities of
    the per-mechanism references added up (the split is fixed within the unit)."""
    w = world(4, k=12, e=20, m=40)
    rows = _active_rows(w, 20)
    got, _ = _run_both(w, rows, 1)
    quality = instruction_quality_reference(w.split, w.mem_educator, w.mem_community,
                                            got["skill_efficacy_sum"] - 1.0, np.ones(20), 12)
    daily = instruction_quality_reference(w.split, w.mem_educator, w.mem_community,
                                          got["skill"].astype(np.float64), got["efficacy"], 12)
    np.testing.assert_allclose(quality, daily, rtol=1e-12, atol=1e-12)


def test_fluctuation_is_keyed_by_community_and_day_and_centred():
    w = world(3, k=5, e=9, m=14)
    rows = _active_rows(w, 9)
    calm, _ = _run_both(w, rows, 1, fluctuation_sd=0.0)
    noisy_a, _ = _run_both(w, rows, 1, fluctuation_sd=0.3)
    noisy_b, _ = _run_both(w, rows, 1, fluctuation_sd=0.3)
    assert np.array_equal(noisy_a["load"], noisy_b["load"], equal_nan=True)
    assert not np.allclose(calm["load"][rows], noisy_a["load"][rows])


def test_the_fluctuation_table_is_a_mean_one_lognormal_and_draws_index_it_uniformly():
    table = fluctuation_table(0.3)
    assert table.size == 4096 and abs(table.mean() - 1.0) < 1e-12
    assert np.all(np.diff(table) > 0)
    logs = np.log(table)
    assert abs(logs.std() - 0.3) < 0.01  # quantiles of a normal, tails cut at ±3.5 SD
    ids = np.arange(100_000)
    draws = kr.table_draw_reference(kr.event_key(3, "demand", 0, 0), ids, table)
    shift = kr.table_shift(table.size)
    got = np.array([table[kr.table_index(kr.event_key(3, "demand", 0, 0), i, shift)]
                    for i in ids[:500]])
    np.testing.assert_array_equal(got, draws[:500])
    counts = np.bincount(np.searchsorted(table, draws), minlength=4096)
    assert abs(draws.mean() - 1.0) < 0.005 and counts.max() < 60  # about 24 a bin


def test_the_day_kernel_refuses_scratch_it_would_overrun_or_misread():
    """Numba does not check bounds: the span's scratch is checked (``check_scratch``) before
    the kernel writes a day's draw indices into it."""
    from nextwork_sim.config import validate
    from nextwork_sim.model import SchoolSystemModel

    model = SchoolSystemModel(validate({"name": "g", "burn_in_years": 0,
                                        "district": {"preset": "school"}}), seed=1)
    try:
        hooks = model.school_year
        hooks.start_year(0)
        hooks.start_unit(0, 0)
        k = hooks.fluctuation.shape[0]
        hooks.fluctuation = np.zeros((k - 1, 5), dtype=np.uint16)
        with pytest.raises(ValueError, match="too small"):
            hooks.school_days(0, 0, 2)
        hooks.fluctuation = np.ones((k, 5))
        with pytest.raises(ValueError, match="must be uint16"):
            hooks.school_days(0, 0, 2)
        hooks.fluctuation = np.zeros((k, 5), dtype=np.uint16)
        hooks.domain_work = np.zeros((2, D))
        with pytest.raises(ValueError, match="domain work"):
            hooks.school_days(0, 0, 2)
        hooks.domain_work = np.zeros((3, D))
        hooks.fluctuation = np.zeros((k, 1), dtype=np.uint16)
        skill_before = model.state.educators.skill.copy()
        hooks.school_days(0, 0, 3)  # a span longer than the scratch grows it
        assert hooks.fluctuation.shape == (k, 3)
        assert not np.array_equal(model.state.educators.skill, skill_before)
    finally:
        model.release()
