"""Per-group reductions over rows (sum, max, any by community), used by allocation and
hiring every unit, and a gather of rows. Numba passes replace ``np.add.at`` /
``np.maximum.at``, which are an order of magnitude slower on a million rows, and NumPy's
fancy indexing of 2-D rows, which is several times slower than a loop once the rows it reads
are scattered; the twins are those NumPy calls."""

from __future__ import annotations

import numpy as np
from numba import njit

from .backend import register


@njit(cache=True)
def group_sum(groups, values, n_groups, out):
    """out[g, d] = Σ_{rows r with groups[r] = g} values[r, d]."""
    out[:] = 0.0
    for r in range(groups.shape[0]):
        g = groups[r]
        for d in range(values.shape[1]):
            out[g, d] += values[r, d]


def group_sum_reference(groups, values, n_groups, out):
    out[:] = 0.0
    np.add.at(out, groups, values)


@njit(cache=True)
def group_max(groups, values, n_groups, fill, out):
    """out[g, d] = max over the group's rows of values[r, d] (``fill`` for an empty group)."""
    out[:] = fill
    for r in range(groups.shape[0]):
        g = groups[r]
        for d in range(values.shape[1]):
            if values[r, d] > out[g, d]:
                out[g, d] = values[r, d]


def group_max_reference(groups, values, n_groups, fill, out):
    out[:] = fill
    np.maximum.at(out, groups, values)


@njit(cache=True)
def take_rows(table, rows, out):
    """out[j] = table[rows[j]] for every j (rows of a 2-D table)."""
    for j in range(rows.shape[0]):
        r = rows[j]
        for d in range(table.shape[1]):
            out[j, d] = table[r, d]


def take_rows_reference(table, rows, out):
    out[:] = table[rows]


# the selected backend's group_sum, group_max and take_rows (backend.py)
_group_sum = register(group_sum, group_sum_reference)
_group_max = register(group_max, group_max_reference)
_take_rows = register(take_rows, take_rows_reference)


def sum_by(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Convenience: allocate and fill a group sum (float64), on the selected backend.
    ``values`` may be the transpose of a C array (Fortran order): the kernel reads it in
    place, a copy of a million-row transpose costing more than the sums."""
    out = np.empty((n_groups, values.shape[1]))
    values = np.asarray(values, dtype=np.float64)
    if not values.flags.f_contiguous:
        values = np.ascontiguousarray(values)
    _group_sum(np.ascontiguousarray(groups, dtype=np.int64), values, n_groups, out)
    return out


def max_by(groups: np.ndarray, values: np.ndarray, n_groups: int, fill: float) -> np.ndarray:
    """Convenience: allocate and fill a group maximum, on the selected backend."""
    out = np.empty((n_groups, values.shape[1]))
    _group_max(np.ascontiguousarray(groups, dtype=np.int64),
               np.ascontiguousarray(values, dtype=np.float64), n_groups, fill, out)
    return out


def rows_of(table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Convenience: ``table[rows]`` for a 2-D table, on the selected backend."""
    out = np.empty((rows.shape[0], table.shape[1]), dtype=table.dtype)
    _take_rows(table, np.ascontiguousarray(rows, dtype=np.int64), out)
    return out
