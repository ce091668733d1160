"""Random inputs shared by the kernel tests: a small world of communities, memberships and
educators, with vacant memberships and zero needs included."""

from dataclasses import dataclass

import numpy as np

D = 8
ATOL64 = dict(rtol=0, atol=1e-12)
RTOL32 = dict(rtol=1e-6, atol=1e-7)

#: (seed, communities K, educators E, memberships M): single-community and single-educator
#: worlds included.
SHAPES = [(0, 1, 1, 1), (1, 1, 4, 3), (2, 5, 1, 4), (3, 5, 9, 14), (4, 12, 20, 40),
          (5, 3, 30, 12)]


@dataclass
class World:
    need_sum: np.ndarray
    minutes_per_need: np.ndarray
    coordination: np.ndarray
    fluctuation: np.ndarray
    split: np.ndarray
    mem_educator: np.ndarray
    mem_community: np.ndarray
    available: np.ndarray
    difficulty: np.ndarray
    skill: np.ndarray
    chronic: np.ndarray
    feedback: np.ndarray


def world(seed: int, k: int = 5, e: int = 9, m: int = 14) -> World:
    rng = np.random.default_rng(seed)
    need_sum = rng.gamma(2.0, 10.0, size=(k, D))
    need_sum[rng.random((k, D)) < 0.1] = 0.0
    mem_community = rng.integers(0, k, size=m).astype(np.int32)
    mem_educator = rng.integers(0, e, size=m).astype(np.int32)
    mem_educator[rng.random(m) < 0.15] = -1
    split = rng.random((m, D)).astype(np.float32)
    split[rng.random((m, D)) < 0.3] = 0.0
    totals = np.zeros((k, D))
    np.add.at(totals, mem_community, split)
    split = np.where(totals[mem_community] > 0, split / np.maximum(totals[mem_community], 1e-9),
                     0.0).astype(np.float32)
    return World(
        need_sum=need_sum, minutes_per_need=rng.uniform(0, 5, D),
        coordination=rng.uniform(0, 40, k), fluctuation=rng.lognormal(0, 0.1, k),
        split=split, mem_educator=mem_educator, mem_community=mem_community,
        available=rng.uniform(90, 450, e), difficulty=rng.uniform(0.3, 0.8, D),
        skill=rng.uniform(0.02, 0.98, (e, D)).astype(np.float32),
        chronic=rng.uniform(0.3, 1.5, e), feedback=rng.random(e).astype(np.float32))


def copied(value):
    """A deep copy of the arrays in ``value`` (an array, a tuple of them, or a scalar)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        parts = [copied(part) for part in value]
        return type(value)(*parts) if hasattr(value, "_fields") else tuple(parts)
    return value


def run_both(name: str, *args):
    """Runs the registered kernel ``name`` and its NumPy twin, each on its own copy of
    ``args``; returns ``(kernel_args, kernel_result), (twin_args, twin_result)``, so a test
    compares every array either wrote as well as what it returned."""
    from nextwork_sim.kernels import KERNELS

    entry = KERNELS[name]
    on_kernel, on_twin = copied(args), copied(args)
    return (on_kernel, entry.kernel(*on_kernel)), (on_twin, entry.twin(*on_twin))
