"""What each teaching post requires (docs/subjects.md): the area of every position (the
specialists' own, the generalist one at elementary schools, a secondary school's subjects by
``apportion`` over its posts in position order), the areas each accepts, and the status a
post is held in during a year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...config import LEVELS
from ...district_files import read_schools
from ...roles import CATEGORY_INDEX
from ...subject_areas import AREA_INDEX, NEED_COLUMNS, SECONDARY_AREAS
from .certifications import bits

#: a teaching post's status during a year (the ``post_status`` column)
NO_POST, IN_FIELD, TEAM_COVERED, OUT_OF_FIELD, SUBSTITUTE = -1, 0, 1, 2, 3
#: the areas a secondary lead post accepts: its holder teaches its own subject
SECONDARY_MASK = int(sum(1 << AREA_INDEX[a] for a in SECONDARY_AREAS))


def apportion(weights: np.ndarray, count: int) -> np.ndarray:
    """A sequence of ``count`` indices into ``weights`` whose every prefix is as close to
    proportional as whole posts allow: post i goes to the index furthest below its quota
    w·(i+1) (the first on ties). A school's i-th secondary post teaches ``out[i]``, so posts
    added later do not change the subjects of those before."""
    share = np.asarray(weights, dtype=np.float64) / np.sum(weights)
    given = np.zeros(share.size)
    out = np.empty(count, dtype=np.int64)
    for i in range(count):
        pick = int(np.argmax(share * (i + 1) - given))
        out[i] = pick
        given[pick] += 1
    return out


class PostRequirements:
    """The areas a run's positions require and accept, each computed once per position
    list and kept while it only grows."""

    def __init__(self, secondary_mix: tuple[float, ...]):
        #: the secondary subject weights of a school whose schools file gives none
        self.secondary_mix = secondary_mix
        self._sequences: dict[tuple, np.ndarray] = {}
        self._school_mix: list[tuple] | None = None
        self._areas: tuple | None = None
        self._masks: tuple | None = None

    def _mixes(self, model) -> list[tuple]:
        """Each school's secondary subject weights: its need_<area> columns where the
        schools file gives any, else ``secondary_mix``."""
        if self._school_mix is None:
            mixes = [self.secondary_mix] * len(model.schools)
            path = model.config.district.schools_csv
            if path is not None:
                table = read_schools(path)
                needs = [c for c in NEED_COLUMNS if c in table.columns]
                for index, (_, row) in enumerate(table.iterrows()):
                    given = row[needs].apply(pd.to_numeric, errors="coerce")
                    if needs and given.notna().any():
                        mixes[index] = tuple(float(row[c]) if c in needs and pd.notna(row[c])
                                             else 0.0 for c in NEED_COLUMNS)
            self._school_mix = mixes
        return self._school_mix

    def _sequence(self, mix: tuple, count: int) -> np.ndarray:
        have = self._sequences.get(mix)
        if have is None or have.size < count:
            have = apportion(np.array(mix), max(count, 2 * (0 if have is None else have.size)))
            self._sequences[mix] = have
        return have[:count]

    def post_areas(self, model) -> np.ndarray:
        """The area every position requires (int8, -1: not a teaching post): specialists
        their own, elementary teaching posts the generalist area, a secondary school's
        teaching posts its subjects in position order (``apportion``)."""
        positions, roles = model.state.positions, model.roles
        # a position's school and role never change once made, and positions are only
        # appended: the areas of the positions there are stay as they were computed
        cached = self._areas
        if cached is not None and cached[0] is positions and cached[1].size == positions.n:
            return cached[1]
        role = positions.role
        area = np.full(positions.n, -1, dtype=np.int8)
        teaching = roles.is_teacher[role]
        special = role == roles.index["special_education_specialist"]
        learner = role == roles.index["english_learner_specialist"]
        area[teaching & special] = AREA_INDEX["special_education"]
        area[teaching & learner] = AREA_INDEX["english_learner"]
        general = teaching & ~special & ~learner
        level = np.array([LEVELS.index(s.level) for s in model.schools], dtype=np.int64)
        elementary = general & (level[positions.school] == LEVELS.index("elementary"))
        area[elementary] = AREA_INDEX["elementary"]
        secondary = np.flatnonzero(general & ~elementary)
        if secondary.size:
            school = positions.school[secondary]
            order = np.argsort(school, kind="stable")
            sorted_school = school[order]
            first = np.searchsorted(sorted_school, sorted_school, side="left")
            rank = np.empty(secondary.size, dtype=np.int64)
            rank[order] = np.arange(secondary.size) - first
            mixes = self._mixes(model)
            for s in np.unique(school).tolist():
                mine = school == s
                sequence = self._sequence(mixes[s], int(rank[mine].max()) + 1)
                area[secondary[mine]] = sequence[rank[mine]] + AREA_INDEX[SECONDARY_AREAS[0]]
        self._areas = (positions, area)
        return area

    def post_masks(self, model) -> np.ndarray:
        """The areas each position accepts, as a bit mask (int64, 0: not a teaching post):
        its own area's bit; a secondary school's lead post (teacher-leader category) any
        secondary area, for its holder teaches its own subject."""
        positions = model.state.positions
        cached = self._masks
        if cached is not None and cached[0] is positions and cached[1].size == positions.n:
            return cached[1]
        area = self.post_areas(model).astype(np.int64)
        mask = bits(area).astype(np.int64)
        lead = model.roles.category[positions.role] == CATEGORY_INDEX["teacher_leader"]
        secondary = np.isin(area, [AREA_INDEX[a] for a in SECONDARY_AREAS])
        mask[lead & secondary] = SECONDARY_MASK
        self._masks = (positions, mask)
        return mask
