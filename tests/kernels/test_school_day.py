import numpy as np
import pytest

from nextwork_sim.kernels import keyed_random as kr
from nextwork_sim.kernels.daily_learning import instruction_quality_reference
from nextwork_sim.kernels.school_day import school_days, school_days_reference, unit_weights
from nextwork_sim.kernels.task_demand import fluctuation_table

from .helpers import ATOL64, RTOL32, SHAPES, D, world

SCALARS = dict(skill_floor=0.1, switch_cost=0.03, chronic_weight=0.05, efficacy_slope=6.0,
               efficacy_threshold=1.1, practice_rate=0.01, feedback_boost=0.5)
LEADERSHIP = 7


def _keys(days, seed=5):
    return np.array([kr.event_key(seed, "demand", 0, day) for day in range(days)],
                    dtype=np.uint64)


def _run_both(w, rows, days, fluctuation_sd=0.2):
    k, e = w.need_sum.shape[0], w.skill.shape[0]
    s = SCALARS
    table = fluctuation_table(fluctuation_sd)
    community_open = np.arange(k) % 4 != 3  # a closed community draws no fluctuation
    params = (w.difficulty, w.skill, s["skill_floor"], s["switch_cost"], w.chronic,
              s["chronic_weight"], s["efficacy_slope"], s["efficacy_threshold"], w.feedback,
              s["practice_rate"], s["feedback_boost"])
    se_sum, chronic_sum = np.ones((e, D)), np.ones(e)
    # the reference gets each day's event key, the kernel forms them from the year's prefix
    expected = school_days_reference(
        _keys(days), community_open, table, w.need_sum, w.minutes_per_need,
        w.coordination, LEADERSHIP, w.split, w.mem_educator, w.mem_community, w.available,
        *params, rows, se_sum, chronic_sum)
    layout = unit_weights(w.split, w.mem_educator, w.mem_community, w.need_sum,
                          w.minutes_per_need, w.coordination, LEADERSHIP, w.available, rows)
    got = dict(skill=w.skill.copy(), chronic=w.chronic.copy(), share=np.full((e, D), np.nan),
               load=np.full(e, np.nan), efficacy=np.full(e, np.nan),
               skill_efficacy_sum=se_sum.copy(), chronic_sum=chronic_sum.copy())
    school_days(kr.year_prefix(5, "demand", 0), 0, days, community_open,
                np.append(table, 1.0), rows, *layout,
                w.difficulty, got["skill"], s["skill_floor"], s["switch_cost"], got["chronic"],
                s["chronic_weight"], s["efficacy_slope"], s["efficacy_threshold"], w.feedback,
                s["practice_rate"], s["feedback_boost"], np.empty((k, days), np.uint16),
                np.empty((3, D)), got["share"], got["load"], got["efficacy"],
                got["skill_efficacy_sum"], got["chronic_sum"])
    return got, expected


def _active_rows(w, e):
    # educators holding a membership are active, and the last one too even without any; the
    # rest have departed (rows kept, never visited)
    return np.unique(np.concatenate([w.mem_educator[w.mem_educator >= 0], [e - 1]]))


@pytest.mark.parametrize("days", [1, 5])
@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_school_days_match_the_composed_references(seed, k, e, m, days):
    w = world(seed, k, e, m)
    rows = _active_rows(w, e)
    skill_before, chronic_before = w.skill.copy(), w.chronic.copy()
    got, expected = _run_both(w, rows, days)
    assert np.array_equal(w.skill, skill_before) and np.array_equal(w.chronic, chronic_before)
    for name in ("chronic", "chronic_sum"):
        np.testing.assert_allclose(got[name], expected[name], **ATOL64, err_msg=name)
    for name in ("share", "load", "efficacy"):
        np.testing.assert_allclose(got[name][rows], expected[name][rows], **ATOL64,
                                   err_msg=name)
    # float32 skill: the two paths may round the last bit differently
    np.testing.assert_allclose(got["skill"], expected["skill"], **RTOL32)
    np.testing.assert_allclose(got["skill_efficacy_sum"], expected["skill_efficacy_sum"],
                               **RTOL32)
    departed = np.setdiff1d(np.arange(e), rows)
    assert np.array_equal(got["skill"][departed], w.skill[departed])


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
    """Numba does not check bounds: the backend checks the span's scratch before the kernel
    writes a day's draw indices into it."""
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
