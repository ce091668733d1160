import numpy as np
import pytest

from nextwork_sim.kernels.daily_learning import (
    instruction_quality,
    instruction_quality_reference,
    unit_learning,
    unit_learning_reference,
)
from nextwork_sim.kernels.school_day import school_day, school_day_reference

from .helpers import ATOL64, RTOL32, D, world


@pytest.mark.parametrize("seed", range(6))
def test_instruction_quality_matches_reference(seed):
    w = world(seed)
    efficacy = np.random.default_rng(seed).random(w.skill.shape[0])
    out = np.full(w.need_sum.shape, 7.0)
    instruction_quality(w.split, w.mem_educator, w.mem_community, w.skill, efficacy, out)
    expected = instruction_quality_reference(w.split, w.mem_educator, w.mem_community, w.skill,
                                             efficacy, w.need_sum.shape[0])
    np.testing.assert_allclose(out, expected, **ATOL64)


def _students(seed, s=40, k=5):
    rng = np.random.default_rng(seed)
    community = rng.integers(-1, k, s).astype(np.int32)
    need = rng.gamma(1.0, 1.0, (s, D)).astype(np.float32)
    need[0] = 0.0  # a student with no need at all
    return community, need, rng.random((k, D)) * 20, rng.uniform(-1, 1, k), rng.normal(size=s)


@pytest.mark.parametrize("seed", range(6))
def test_unit_learning_matches_reference(seed):
    community, need, quality_sum, personalization, noise = _students(seed)
    args = (community, need, quality_sum, 20, personalization, noise, 0.8, 0.3, 0.05, 0.5, 5, 6)
    start = np.random.default_rng(seed).random((3, community.size))
    rate, intra, inter = start.copy()
    unit_learning(*args, rate, intra, inter)
    expected = unit_learning_reference(*args)
    for got, base, inc in zip((rate, intra, inter), start, expected, strict=True):
        np.testing.assert_allclose(got, base + inc, **ATOL64)
    skipped = community < 0
    assert np.array_equal(rate[skipped], start[0][skipped])


def test_reference_quality_gives_a_typical_year_of_learning():
    community, need, _, _, _ = _students(3)
    days = 20
    quality_sum = np.full((5, D), 0.3 * days)
    rate = np.zeros(community.size)
    intra, inter = np.zeros_like(rate), np.zeros_like(rate)
    unit_learning(community, need, quality_sum, days, np.zeros(5), np.zeros(community.size),
                  0.8, 0.3, 0.05, 0.5, 5, 6, rate, intra, inter)
    served = community >= 0
    np.testing.assert_allclose(rate[served], days, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_fused_school_day_matches_composed_references(seed):
    w = world(seed, k=4 + seed, e=6 + seed, m=10 + 2 * seed)
    k, e = w.need_sum.shape[0], w.skill.shape[0]
    # educators holding a membership are active; one more active without any, and the rest
    # departed (rows kept, never visited)
    rows = np.unique(np.concatenate([w.mem_educator[w.mem_educator >= 0], [e - 1]]))
    scalars = dict(skill_floor=0.1, switch_cost=0.03, chronic_weight=0.05, efficacy_slope=6.0,
                   efficacy_threshold=1.1, practice_rate=0.01, feedback_boost=0.5)
    quality_sum, chronic_sum = np.ones((k, D)), np.ones(e)
    expected = school_day_reference(
        w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, w.split,
        w.mem_educator, w.mem_community, w.available, w.difficulty, w.skill,
        scalars["skill_floor"], scalars["switch_cost"], w.chronic, scalars["chronic_weight"],
        scalars["efficacy_slope"], scalars["efficacy_threshold"], w.feedback,
        scalars["practice_rate"], scalars["feedback_boost"], rows, quality_sum, chronic_sum)
    skill, chronic = w.skill.copy(), w.chronic.copy()
    demand, share = np.empty((k, D)), np.full((e, D), np.nan)
    load, efficacy = np.full(e, np.nan), np.full(e, np.nan)
    quality = np.empty((k, D))
    school_day(w.need_sum, w.minutes_per_need, w.coordination, w.fluctuation, 7, w.split,
               w.mem_educator, w.mem_community, w.available, w.difficulty, skill,
               scalars["skill_floor"], scalars["switch_cost"], chronic,
               scalars["chronic_weight"], scalars["efficacy_slope"],
               scalars["efficacy_threshold"], w.feedback, scalars["practice_rate"],
               scalars["feedback_boost"], rows, demand, share, load, efficacy, quality,
               quality_sum, chronic_sum)
    for name, got in (("demand", demand), ("chronic", chronic), ("chronic_sum", chronic_sum)):
        np.testing.assert_allclose(got, expected[name], **ATOL64, err_msg=name)
    for name, got in (("share", share), ("load", load), ("efficacy", efficacy)):
        np.testing.assert_allclose(got[rows], expected[name][rows], **ATOL64, err_msg=name)
    np.testing.assert_allclose(skill, expected["skill"], **RTOL32)
    departed = np.setdiff1d(np.arange(e), rows)
    assert np.array_equal(skill[departed], w.skill[departed])
    # quality reads the updated float32 skill, so it agrees to float32 precision
    np.testing.assert_allclose(quality, expected["quality"], **RTOL32)
    np.testing.assert_allclose(quality_sum, expected["quality_sum"], **RTOL32)
