import numpy as np

from nextwork_sim.kernels import keyed_random as kr


def test_keyed_uniform_kernel_matches_reference_and_is_order_free():
    ids = np.array([5, 0, 123456789, 2**40, 7], dtype=np.int64)
    key = kr.event_key(99, "attrition", 3, 1)
    out = np.empty(ids.size)
    kr.keyed_uniform(key, ids, out)
    np.testing.assert_array_equal(out, kr.keyed_uniform_reference(key, ids))
    assert np.all((out > 0) & (out < 1))
    shuffled = kr.uniform(99, "attrition", 3, ids[::-1], 1)
    np.testing.assert_array_equal(shuffled[::-1], out)


def test_keyed_streams_differ_by_key_and_look_uniform():
    ids = np.arange(200_000)
    a = kr.uniform(1, "attrition", 0, ids)
    b = kr.uniform(1, "attrition", 1, ids)
    c = kr.uniform(2, "attrition", 0, ids)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01 and abs(np.corrcoef(a, c)[0, 1]) < 0.01
    counts = np.histogram(a, bins=20, range=(0, 1))[0]
    expected = ids.size / 20
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 43.8  # 99.9th percentile of chi-square with 19 degrees of freedom
    z = kr.normal(1, "learning", 0, ids)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01


def test_sub_keys_formed_in_a_kernel_are_the_event_keys():
    prefix = kr.year_prefix(123, "demand", 4)
    for sub in (0, 1, 179, 10**6):
        assert kr.sub_key(prefix, sub) == kr.event_key(123, "demand", 4, sub)
