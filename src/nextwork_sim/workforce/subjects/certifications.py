"""Certifications as bit masks over ``subject_areas.AREAS`` (an educator's ``certifications``
column, a post's accepted areas): drawing an area from weights, the masks' tests, and the
certifications a district's staff roster gives (docs/subjects.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...district_files import read_staff
from ...subject_areas import AREA_INDEX, CERTIFICATIONS_COLUMN, parse_certifications


def draw_area(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """One area per row: ``weights`` [rows, areas] (rows of zeros give -1), ``u`` uniforms."""
    total = weights.sum(axis=1)
    cdf = np.cumsum(weights, axis=1) / np.where(total > 0, total, 1.0)[:, None]
    pick = np.minimum((u[:, None] >= cdf).sum(axis=1), weights.shape[1] - 1)
    return np.where(total > 0, pick, -1)


def bits(areas: np.ndarray) -> np.ndarray:
    """The certification bit mask of one area per row (-1: none)."""
    return np.where(areas >= 0, np.left_shift(1, np.maximum(areas, 0)), 0).astype(np.int16)


def holds(certifications: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """Whether each row's certifications include its area (an area of -1: False)."""
    return (areas >= 0) & ((certifications.astype(np.int64) >> np.maximum(areas, 0)) & 1 == 1)


def qualified(certifications: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Whether each row's certifications include one of the areas its post accepts."""
    return (certifications.astype(np.int64) & masks) != 0


def taught_area(certifications: np.ndarray, areas: np.ndarray,
                masks: np.ndarray) -> np.ndarray:
    """The area each holder teaches in its post: the post's own area when it holds it, else
    (a lead post, which accepts several) the first accepted area it holds, else the post's."""
    accepted = certifications.astype(np.int64) & masks
    lowest = np.log2(np.maximum(accepted & -accepted, 1)).astype(np.int64)
    return np.where(holds(certifications, areas) | (accepted == 0), areas, lowest)


def roster_certifications(model) -> np.ndarray:
    """Certifications per position from the staff roster's ``certifications`` column
    (0: none given); rows fill positions as ``district.roster_experience`` does."""
    positions = model.state.positions
    given = np.zeros(positions.n, dtype=np.int16)
    path = model.config.district.staff_csv
    if path is None:
        return given
    by_name = {school.name: school.index for school in model.schools}
    staff = read_staff(path, set(by_name), set(model.roles.names))
    taken = np.zeros(positions.n, dtype=bool)
    for _, row in staff.iterrows():
        free = np.flatnonzero((positions.school == by_name[row["school"]])
                              & (positions.role == model.roles.index[row["role"]])
                              & ~taken)
        if free.size == 0:
            continue
        taken[free[0]] = True
        if CERTIFICATIONS_COLUMN in staff.columns and pd.notna(row[CERTIFICATIONS_COLUMN]):
            areas = [AREA_INDEX[a] for a in parse_certifications(row[CERTIFICATIONS_COLUMN])]
            given[free[0]] = np.bitwise_or.reduce(bits(np.array(areas)), initial=0)
    return given
