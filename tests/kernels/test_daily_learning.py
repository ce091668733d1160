import numpy as np
import pytest

from nextwork_sim.kernels import keyed_random as kr
from nextwork_sim.kernels.daily_learning import (
    Instruction,
    Learners,
    LearningParameters,
    LearningSums,
    unit_learning,
)

from .helpers import ATOL64, SHAPES, D, run_both, world

KEYS = kr.normal_keys(17, "learning", 0)


def _parameters(noise_sd=0.5, needed=1.0, intra_domain=5, inter_domain=6):
    return LearningParameters.of(needed=needed, quality_effect=0.8, personalization_effect=0.05,
                                 noise_sd=noise_sd, intra_domain=intra_domain,
                                 inter_domain=inter_domain)


def _students(seed, s=40, k=5):
    rng = np.random.default_rng(seed)
    community = rng.integers(-1, k, s).astype(np.int32)
    need = rng.gamma(1.0, 1.0, (s, D)).astype(np.float32)
    community[-1] = k - 1  # at least one student served
    if s > 2:
        need[0] = 0.0  # a student with no need at all
        need[1, :4] = 0.0
    return community, need, rng.random((k, D)) * 20, rng.uniform(-20, 20, k)


def _learners(community, need):
    return Learners(community, need, np.arange(community.size, dtype=np.int64) * 7 + 3)


def _instruction(quality_sum, personalization_days, covered=None, reference_match=None):
    if covered is None:
        covered = np.ones(quality_sum.shape, dtype=bool)
    if reference_match is None:
        reference_match = np.full(quality_sum.shape[0], 0.3)
    return Instruction(quality_sum, personalization_days, covered, reference_match)


def _sums(s):
    return LearningSums(np.zeros(s), np.zeros(s), np.zeros(s), np.zeros(s, dtype=bool))


def _learn(community, need, quality_sum, days, personalization_days, covered=None,
           reference_match=None, **parameters):
    sums = _sums(community.size)
    unit_learning(_learners(community, need), KEYS,
                  _instruction(quality_sum, personalization_days, covered, reference_match),
                  days, _parameters(**parameters), sums)
    return sums


@pytest.mark.parametrize(("seed", "s", "k"), [(0, 1, 1), (1, 40, 1), (2, 40, 5), (3, 300, 12)])
def test_unit_learning_matches_reference(seed, s, k):
    community, need, quality_sum, personalization = _students(seed, s, k)
    covered = np.random.default_rng(seed).random((k, D)) < 0.8
    # each community its own reference match (its school's level)
    reference_match = np.random.default_rng(seed + 2).uniform(0.2, 0.8, k)
    start = np.random.default_rng(seed).random((3, s))
    previous = np.random.default_rng(seed + 1).random(s) < 0.1
    (kernel_args, kernel_result), (twin_args, twin_result) = run_both(
        "unit_learning", _learners(community, need), KEYS,
        _instruction(quality_sum, personalization, covered, reference_match), 20,
        _parameters(), LearningSums(*start, previous))
    got, expected = kernel_args[-1], twin_args[-1]
    for name in ("rate_sum", "intra_sum", "inter_sum"):
        np.testing.assert_allclose(getattr(got, name), getattr(expected, name), **ATOL64,
                                   err_msg=name)
    np.testing.assert_array_equal(got.uncovered, expected.uncovered)
    assert kernel_result is None and twin_result is None  # both write ``sums`` only
    # the kernel adds to the sums and flags (a kernel overwriting them would also match a
    # twin overwriting them)
    assert np.all(got.uncovered >= previous)
    skipped = community < 0
    assert np.array_equal(got.rate_sum[skipped], start[0][skipped])
    assert np.array_equal(got.uncovered[skipped], previous[skipped])


def test_the_parameters_tuple_compiles_one_specialisation():
    """``LearningParameters.of`` makes the values floats and the domains ints whatever they
    come as, so a call with an int or float32 where a float is meant reuses the compiled kernel."""
    community, need, quality_sum, personalization = _students(4)
    as_floats = _parameters()
    loosely_typed = LearningParameters.of(needed=1, quality_effect=0.8,
                                    personalization_effect=0.05, noise_sd=np.float32(0.5),
                                    intra_domain=np.int8(5), inter_domain=6.0)
    assert loosely_typed == as_floats
    assert [type(value) for value in loosely_typed] == [float] * 4 + [int] * 2
    results, compiled = [], []
    for parameters in (as_floats, loosely_typed):
        sums = _sums(community.size)
        unit_learning(_learners(community, need), KEYS, _instruction(quality_sum, personalization),
                      20, parameters, sums)
        results.append(sums)
        compiled.append(len(unit_learning.signatures))
    assert compiled[1] == compiled[0]
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("domains", [(5, 6), (0, 3)])
def test_intra_and_inter_sums_read_the_domains_the_parameters_name(domains):
    community, need, quality_sum, personalization = _students(7)
    sums = _learn(community, need, quality_sum, 20, personalization,
                  intra_domain=domains[0], inter_domain=domains[1])
    served = community >= 0
    for column, domain in zip((sums.intra_sum, sums.inter_sum), domains, strict=True):
        np.testing.assert_array_equal(column[served], quality_sum[community[served], domain])
        assert np.all(column[~served] == 0)


def test_reference_quality_gives_exactly_the_typical_rate():
    """Each community at its own reference match (one per school level) learns at rate 1:
    a kernel reading another community's (or the first's) reference does not."""
    community, need, _, _ = _students(3)
    days, reference_match = 20, np.array([0.3, 0.5, 0.7, 0.4, 0.6])
    quality_sum = np.repeat((reference_match * days)[:, None], D, axis=1)
    rate, _, _, uncovered = _learn(community, need, quality_sum, days, np.zeros(5),
                                   reference_match=reference_match, noise_sd=0.0)
    served = community >= 0
    np.testing.assert_allclose(rate[served], days, rtol=0, atol=1e-12)
    assert np.all(rate[~served] == 0) and not uncovered.any()


def test_noise_is_keyed_by_person_and_has_the_daily_variance_summed():
    s = 20_000
    community = np.zeros(s, dtype=np.int32)
    need = np.ones((s, D), dtype=np.float32)
    quality_sum = np.full((1, D), 0.3 * 180)
    rate = _learn(community, need, quality_sum, 180, np.zeros(1), noise_sd=0.5)[0]
    again = _learn(community, need, quality_sum, 180, np.zeros(1), noise_sd=0.5)[0]
    assert np.array_equal(rate, again)
    # σ√days·ξ: the sum of 180 daily draws of sd σ (se of the sd: 0.5·√180/√(2s) ≈ 0.03)
    assert abs(rate.std() - 0.5 * np.sqrt(180)) < 0.15 and abs(rate.mean() - 180) < 0.15


def test_better_instruction_in_needed_domains_means_more_learning():
    community, need, quality_sum, personalization = _students(5)
    better = quality_sum.copy()
    better[:, 0] += 5.0
    base = _learn(community, need, quality_sum, 20, personalization)[0]
    more = _learn(community, need, better, 20, personalization)[0]
    helped = (community >= 0) & (need[:, 0] > 0)
    assert helped.any() and np.all(more[helped] > base[helped])
    assert np.array_equal(more[~helped], base[~helped])


@pytest.mark.parametrize("needed", [1.0, 2.0])
def test_a_needed_domain_not_covered_flags_the_student(needed):
    """Flagged: the students of the community where the domain went uncovered whose need in
    it reaches the parameters' ``needed`` (2.0 flags fewer of them than 1.0)."""
    community, need, quality_sum, personalization = _students(6, s=400)
    covered = np.ones((5, D), dtype=bool)
    covered[2, 3] = False
    flagged = _learn(community, need, quality_sum, 20, personalization, covered,
                     needed=needed)[3]
    expected = (community == 2) & (need[:, 3] >= needed)
    assert expected.any()
    if needed > 1.0:  # students the default would flag are not flagged
        assert ((community == 2) & (need[:, 3] >= 1.0) & ~expected).any()
    np.testing.assert_array_equal(flagged, expected)


@pytest.mark.parametrize(("seed", "k", "e", "m"), SHAPES)
def test_unit_quality_and_factor_logs_match_reference(seed, k, e, m):
    from nextwork_sim.kernels.daily_learning import (
        unit_quality_and_factor_logs,
        unit_quality_and_factor_logs_reference,
    )

    w = world(seed, k, e, m)
    rng = np.random.default_rng(seed)
    fte = rng.choice([0.0, 0.5, 1.0], e).astype(np.float32)
    skill_efficacy_sum = rng.random((e, D)) * 20 * (rng.random((e, D)) < 0.9)
    need_weight = rng.random((k, D))
    args = (w.split, w.mem_educator, w.mem_community, skill_efficacy_sum, fte, w.skill,
            need_weight, 20)
    quality = np.full((k, D), 7.0)  # stale values must be cleared
    got = unit_quality_and_factor_logs(*args, quality)
    expected_quality = np.full((k, D), 7.0)
    expected = unit_quality_and_factor_logs_reference(*args, expected_quality)
    np.testing.assert_allclose(quality, expected_quality, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_community_needs_match_reference(seed):
    from nextwork_sim.kernels.daily_learning import community_needs, community_needs_reference

    rng = np.random.default_rng(seed)
    n_rows, k = 400, 9
    community = rng.integers(0, k, n_rows).astype(np.int32)
    need = rng.random((n_rows, 8)).astype(np.float32)
    need[rng.random(n_rows) < 0.2] = 0.0  # students with no need at all
    grade = rng.integers(0, 13, n_rows).astype(np.int8)
    growth = rng.random(13) + 0.2
    rows = np.sort(rng.choice(n_rows, 300, replace=False)).astype(np.int64)
    got = community_needs(rows, community, need, grade, growth, k)
    expected = community_needs_reference(rows, community, need, grade, growth, k)
    for name, a, b in zip(("need_sum", "count", "need_weight", "norm_weight", "no_need"),
                          got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=name)
    assert got[4].sum() == (need[rows].sum(axis=1) == 0).sum() > 0
    # the shares of a student with need add up to its norm
    np.testing.assert_allclose(got[2].sum(), growth[grade[rows[~got[4]]]].sum(), rtol=1e-12)
