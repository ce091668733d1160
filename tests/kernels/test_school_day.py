import numpy as np
import pytest

from nextwork_sim.kernels.school_day import school_day, school_day_reference

from .helpers import ATOL64, RTOL32, SHAPES, D, world

SCALARS = dict(skill_floor=0.1, switch_cost=0.03, chronic_weight=0.05, efficacy_slope=6.0,
               efficacy_threshold=1.1, practice_rate=0.01, feedback_boost=0.5)


def _run_both(w, rows):
    k, e = w.need_sum.shape[0], w.skill.shape[0]
    s = SCALARS
    quality_sum, chronic_sum = np.ones((k, D)), np.ones(e)
    expected = school_day_reference(
        w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, w.split,
        w.mem_educator, w.mem_community, w.available, w.difficulty, w.skill, s["skill_floor"],
        s["switch_cost"], w.chronic, s["chronic_weight"], s["efficacy_slope"],
        s["efficacy_threshold"], w.feedback, s["practice_rate"], s["feedback_boost"], rows,
        quality_sum, chronic_sum)
    got = dict(skill=w.skill.copy(), chronic=w.chronic.copy(), demand=np.empty((k, D)),
               share=np.full((e, D), np.nan), load=np.full(e, np.nan),
               efficacy=np.full(e, np.nan), quality=np.empty((k, D)),
               quality_sum=quality_sum.copy(), chronic_sum=chronic_sum.copy())
    school_day(w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, w.split,
               w.mem_educator, w.mem_community, w.available, w.difficulty, got["skill"],
               s["skill_floor"], s["switch_cost"], got["chronic"], s["chronic_weight"],
               s["efficacy_slope"], s["efficacy_threshold"], w.feedback, s["practice_rate"],
               s["feedback_boost"], rows, got["demand"], got["share"], got["load"],
               got["efficacy"], got["quality"], got["quality_sum"], got["chronic_sum"])
    return got, expected


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_fused_school_day_matches_composed_references(seed, k, e, m):
    w = world(seed, k, e, m)
    # educators holding a membership are active, and the last one too even without any; the
    # rest have departed (rows kept, never visited)
    rows = np.unique(np.concatenate([w.mem_educator[w.mem_educator >= 0], [e - 1]]))
    skill_before, chronic_before = w.skill.copy(), w.chronic.copy()
    got, expected = _run_both(w, rows)
    assert np.array_equal(w.skill, skill_before) and np.array_equal(w.chronic, chronic_before)
    for name in ("demand", "chronic", "chronic_sum"):
        np.testing.assert_allclose(got[name], expected[name], **ATOL64, err_msg=name)
    for name in ("share", "load", "efficacy"):
        np.testing.assert_allclose(got[name][rows], expected[name][rows], **ATOL64,
                                   err_msg=name)
    np.testing.assert_allclose(got["skill"], expected["skill"], **RTOL32)
    departed = np.setdiff1d(np.arange(e), rows)
    assert np.array_equal(got["skill"][departed], w.skill[departed])
    # quality reads the updated float32 skill, so it agrees to float32 precision
    for name in ("quality", "quality_sum"):
        np.testing.assert_allclose(got[name], expected[name], **RTOL32, err_msg=name)


def test_a_day_with_every_educator_active_equals_the_kernels_in_sequence():
    from nextwork_sim.kernels import (
        chronic_and_efficacy,
        cognitive_load,
        instruction_quality,
        load_share,
        skill_growth,
        task_demand,
    )

    w = world(7, k=4, e=6, m=12)
    k, e = 4, 6
    got, _ = _run_both(w, np.arange(e))
    s = SCALARS
    skill, chronic = w.skill.copy(), w.chronic.copy()
    demand, share, load = np.empty((k, D)), np.empty((e, D)), np.empty(e)
    efficacy, quality = np.empty(e), np.empty((k, D))
    task_demand(w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, demand)
    load_share(w.split, w.mem_educator, w.mem_community, demand, w.available, share)
    cognitive_load(share, w.difficulty, skill, s["skill_floor"], s["switch_cost"], load)
    chronic_and_efficacy(load, chronic, s["chronic_weight"], s["efficacy_slope"],
                         s["efficacy_threshold"], efficacy)
    skill_growth(share, skill, efficacy, w.feedback, s["practice_rate"], s["feedback_boost"])
    instruction_quality(w.split, w.mem_educator, w.mem_community, skill, efficacy, quality)
    for name, value in (("demand", demand), ("share", share), ("load", load),
                        ("chronic", chronic), ("efficacy", efficacy), ("quality", quality)):
        np.testing.assert_array_equal(got[name], value, err_msg=name)
    np.testing.assert_array_equal(got["skill"], skill)
    np.testing.assert_array_equal(got["quality_sum"], 1.0 + quality)
    np.testing.assert_array_equal(got["chronic_sum"], 1.0 + chronic)
