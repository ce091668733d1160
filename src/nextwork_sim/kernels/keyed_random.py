"""Keyed random streams (docs/odd.md §4.2): a draw is a pure function of (key, event, person id).

A counter-based generator: the uniform a person gets for an event is a SplitMix64 hash of the
run key, the mechanism, the year, a sub-event counter and the person's stable id. Two scenarios
that differ in headcount therefore give the same draw to the same person for the same event
(common random numbers), and the order in which people are visited never matters.
"""

from __future__ import annotations

from enum import IntEnum, unique
from types import SimpleNamespace

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0 ** -53

#: mechanism ids: fixed forever, a new mechanism takes a new number.
STREAMS = {
    "build_student": 1, "build_educator": 2, "attrition": 3, "hiring": 4, "demand": 5,
    "learning": 6, "roster": 7, "credential": 8, "advancement": 9, "enrollment": 10,
    "adoption": 11,
}


class Sub(int):
    """A named sub-event of one mechanism's stream: the number its draws pass as ``sub``
    (fixed forever: another number gives other draws), drawn as uniforms or as normals (a
    normal takes the uniform sub-events 2·sub and 2·sub + 1), over ``count`` numbers
    ``first + stride·i`` (one per domain, per term, ...; :meth:`nth`)."""

    def __new__(cls, first: int, *, normal: bool = False, count: int = 1, stride: int = 1):
        sub = super().__new__(cls, first)
        sub.normal, sub.count, sub.stride = normal, count, stride
        return sub

    def nth(self, i: int) -> int:
        """The sub number of the ``i``-th of this sub-event's draws."""
        if not 0 <= i < self.count:
            raise IndexError(f"sub-event {int(self)}: draw {i} of {self.count}")
        return int(self) + self.stride * i

    def uniform_subs(self) -> set[int]:
        """Every uniform sub-event number this sub-event's draws use."""
        subs = {self.nth(i) for i in range(self.count)}
        return {2 * s + half for s in subs for half in (0, 1)} if self.normal else subs


#: per mechanism, its named sub-events (tests/test_streams.py: no two of a mechanism share a
#: uniform sub-event, and no call site passes a bare number)
SUBSTREAMS: dict[str, dict[str, Sub]] = {}


def _substreams(mechanism: str, **subs: Sub) -> SimpleNamespace:
    SUBSTREAMS[mechanism] = subs
    return SimpleNamespace(**subs)


_DOMAINS = 8  # domains.N_DOMAINS (tests/test_streams.py checks), one draw each
_TERMS = 4  # CalendarParams.terms at most
_DAYS = 220  # CalendarParams.school_days at most

BUILD_STUDENT = _substreams(
    "build_student", low_income=Sub(0), english_learner=Sub(1), disability=Sub(2),
    advanced=Sub(3), race=Sub(4), need_spread=Sub(10, normal=True, count=_DOMAINS),
    standing=Sub(30, normal=True))
BUILD_EDUCATOR = _substreams(
    "build_educator", experience=Sub(0), experience_within_band=Sub(1), race=Sub(2),
    degree=Sub(3), study=Sub(4), study_terms=Sub(5), pathway=Sub(6), race_of_color=Sub(7),
    skill_spread=Sub(10, normal=True, count=_DOMAINS))
ATTRITION = _substreams("attrition", outcome=Sub(0), retirement=Sub(1),
                        stay_in_district=Sub(2))
HIRING = _substreams(
    "hiring", substitute_of_color=Sub(2), race_of_color=Sub(3), mover_order=Sub(99),
    vacancy_order=Sub(500), candidate_tie_break=Sub(600), candidate_experienced=Sub(1000),
    candidate_experience=Sub(1001), candidate_of_color=Sub(1003),
    candidate_skill=Sub(2000, normal=True, count=_DOMAINS))
#: the day kernel forms day d's key itself (``sub_key(year_prefix, d)``)
DEMAND = _substreams("demand", day=Sub(0, count=_DAYS))
LEARNING = _substreams("learning", noise=Sub(0, normal=True))
ROSTER = _substreams("roster", order=Sub(0))
CREDENTIAL = _substreams("credential", enroll=Sub(0, count=_TERMS, stride=10),
                         finish=Sub(1, count=_TERMS, stride=10))
ADVANCEMENT = _substreams("advancement", out_of_classroom=Sub(7), community_step=Sub(8),
                          para_step=Sub(9))
ADOPTION = _substreams("adoption", school=Sub(0))


@unique
class SpawnKey(IntEnum):
    """Keys of the NumPy ``SeedSequence`` families drawn outside the keyed streams (fixed
    forever, like the stream ids)."""

    PRESET_SCHOOLS = 11  # a preset's schools: low-income share and leader quality
    CSV_LEADER_QUALITY = 12  # leader quality of CSV schools without a leader_quality column
    PARAMETER_UNCERTAINTY = 7_919  # --parameter-uncertainty draws (experiments/uncertainty.py)


def _mix_reference(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


_MASK = (1 << 64) - 1


def _mix_int(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def event_key(run_key: int, stream: str, year: int, sub: int = 0) -> np.uint64:
    """The key of one event: (run, mechanism, year, sub-event) hashed to one 64-bit word."""
    z = int(year_prefix(run_key, stream, year))
    return np.uint64(_mix_int((z + 0x9E3779B97F4A7C15 + (sub * 0x9E3779B97F4A7C15)) & _MASK))


def year_prefix(run_key: int, stream: str, year: int) -> np.uint64:
    """The (run, mechanism, year) part of :func:`event_key`; :func:`sub_key` finishes it, so
    a kernel can form the keys of many sub-events (days, units) itself."""
    z = int(run_key) & _MASK
    for part in (STREAMS[stream], year + 1_000):
        z = _mix_int((z + 0x9E3779B97F4A7C15 + (part * 0x9E3779B97F4A7C15)) & _MASK)
    return np.uint64(z)


def keyed_uniform_reference(key: np.uint64, ids: np.ndarray) -> np.ndarray:
    """Uniform in (0, 1) per id: (mix(key ^ mix(id·golden + golden)) >> 11 + 0.5) / 2^53."""
    with np.errstate(over="ignore"):
        ids = np.asarray(ids, dtype=np.int64).astype(np.uint64)
        z = _mix_reference(np.uint64(key) ^ _mix_reference(ids * GOLDEN + GOLDEN))
    return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT


@njit(cache=True)
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def keyed_uniform(key, ids, out):
    """Numba twin of :func:`keyed_uniform_reference`, written into ``out``."""
    golden = np.uint64(0x9E3779B97F4A7C15)
    for j in range(ids.shape[0]):
        z = _mix(key ^ _mix(np.uint64(ids[j]) * golden + golden))
        out[j] = (np.float64(z >> np.uint64(11)) + 0.5) * (2.0 ** -53)


@njit(cache=True, inline="always")
def sub_key(prefix, sub):
    """``event_key`` of sub-event ``sub`` from its :func:`year_prefix` (Numba)."""
    golden = np.uint64(0x9E3779B97F4A7C15)
    return _mix(prefix + golden + np.uint64(sub) * golden)


@njit(cache=True, inline="always")
def normal_of(key_a, key_b, person_id):
    """One keyed standard normal: what :func:`normal` gives ``person_id`` for the sub-events
    whose keys are ``key_a`` and ``key_b``. Kernels call it to draw inside their loops."""
    golden = np.uint64(0x9E3779B97F4A7C15)
    z = _mix(np.uint64(person_id) * golden + golden)
    u1 = (np.float64(_mix(key_a ^ z) >> np.uint64(11)) + 0.5) * (2.0 ** -53)
    u2 = (np.float64(_mix(key_b ^ z) >> np.uint64(11)) + 0.5) * (2.0 ** -53)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True)
def keyed_normal(key_a, key_b, ids, mask, out):
    """Numba twin of :func:`normal` (keys of sub-events 2·sub and 2·sub + 1), written only
    where ``mask`` is set (other entries are left as they are)."""
    for j in range(ids.shape[0]):
        if mask[j]:
            out[j] = normal_of(key_a, key_b, ids[j])


@njit(cache=True, inline="always")
def table_index(key, person_id, shift):
    """One keyed draw from a distribution given by equiprobable quantiles, as the index of
    its entry: floor(u·2^(64 − shift)) for the uniform u that :func:`uniform` gives
    ``person_id`` under ``key``, so ``table[table_index(...)]`` is the draw from a table of
    2^(64 − shift) quantiles. One hash and one lookup: for a stream drawn for every community
    every day, where Box-Muller would cost more than the day's work."""
    golden = np.uint64(0x9E3779B97F4A7C15)
    z = _mix(key ^ _mix(np.uint64(person_id) * golden + golden))
    return z >> shift


@njit(cache=True)
def table_shift(size):
    """The ``shift`` of :func:`table_index` for a table of ``size`` (a power of two) entries."""
    bits = 0
    while (1 << bits) < size:
        bits += 1
    return np.uint64(64 - bits)


def table_draw_reference(key: np.uint64, ids: np.ndarray, table: np.ndarray) -> np.ndarray:
    """NumPy twin of ``table[table_index(key, id, shift)]`` over an array of ids."""
    u = keyed_uniform_reference(key, ids)
    return table[np.floor(u * table.shape[0]).astype(np.int64)]


def normal_quantiles(size: int = 4096) -> np.ndarray:
    """Standard normal quantiles at the midpoints of ``size`` (a power of two) equiprobable
    bins: a table for :func:`table_index`."""
    from scipy.special import ndtri  # start-up time

    if size < 2 or size & (size - 1):
        raise ValueError(f"a draw table needs a power-of-two length, not {size}")
    return ndtri((np.arange(size) + 0.5) / size)


def normal_keys(run_key: int, stream: str, year: int, sub: int = 0) -> tuple:
    """The two event keys :func:`normal` uses for sub-event ``sub``."""
    return (event_key(run_key, stream, year, 2 * sub),
            event_key(run_key, stream, year, 2 * sub + 1))


def normal_reference(keys: tuple, ids: np.ndarray) -> np.ndarray:
    """NumPy twin of :func:`normal_of` over an array of ids."""
    u1 = keyed_uniform_reference(keys[0], ids)
    u2 = keyed_uniform_reference(keys[1], ids)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def normal_where(run_key: int, stream: str, year: int, ids: np.ndarray, mask: np.ndarray,
                 sub: int = 0) -> np.ndarray:
    """Like :func:`normal`, computed only where ``mask`` (zeros elsewhere)."""
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    out = np.zeros(ids.shape[0])
    keyed_normal(*normal_keys(run_key, stream, year, sub), ids,
                 np.ascontiguousarray(mask, dtype=np.bool_), out)
    return out


def uniform(run_key: int, stream: str, year: int, ids: np.ndarray, sub: int = 0) -> np.ndarray:
    """Uniforms in (0, 1), one per id, for one event of one mechanism."""
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    out = np.empty(ids.shape[0], dtype=np.float64)
    if ids.shape[0]:
        keyed_uniform(event_key(run_key, stream, year, sub), ids, out)
    return out


def normal(run_key: int, stream: str, year: int, ids: np.ndarray, sub: int = 0) -> np.ndarray:
    """Standard normals, one per id (Box-Muller on two keyed uniforms)."""
    u1 = uniform(run_key, stream, year, ids, 2 * sub)
    u2 = uniform(run_key, stream, year, ids, 2 * sub + 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
