"""The ``Subjects`` component class (docs/subjects.md): certifications drawn at the start and
for every entrant, hiring and placement terms that prefer a candidate certified in the
vacancy's area, and each summer's post statuses, an out-of-field teacher's content skill
lowered while it holds the post."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...components import Component
from ...domains import CONTENT
from ...kernels import keyed_random
from ...population import ACTIVE
from ...staffing.base import COMMUNITY_KINDS
from ...subject_areas import AREAS, SECONDARY_AREAS
from ..pipelines import KINDS, PATHWAYS
from .certifications import bits, draw_area, holds, qualified, roster_certifications, taught_area
from .posts import (
    IN_FIELD,
    NO_POST,
    OUT_OF_FIELD,
    SUBSTITUTE,
    TEAM_COVERED,
    PostRequirements,
)
from .records import METRICS, record_departures, record_hires, record_year, school_table
from .settings import ENTRANT_FIELDS, SubjectSettings, area_weights

#: what a certified candidate adds to a vacancy's match score: more than any skill score
#: can (eight domains, each lack times skill at most about 1), so a certified candidate is
#: taken whenever one is free and the skills decide among the certified
QUALIFIED_FIRST = 1e3
#: the keyed draws of the component's stream (uniform sub-events; the build uses year 0)
_CANDIDATE, _NEW_TEACHER, _BUILD = 0, 10, 20
_FIRST, _SECOND, _SECOND_AREA = 0, 1, 2  # offsets of one certification draw
_BUILD_IN_FIELD = _BUILD + 3
_ADD_ON = 30


class Subjects(Component):
    """Subjects and certification areas, hiring and placement by subject, and the metrics of
    shortages by subject and by school (docs/subjects.md)."""

    name = "subjects"
    after = "hiring"  # the summer's hires and transfers are placed: next year's posts known
    stream = "subjects"
    Parameters = SubjectSettings
    educator_columns = {
        "certifications": (np.int16, (), 0),    # bit mask over subject_areas.AREAS
        "post_area": (np.int8, (), -1),         # area of the teaching post held, -1 none
        "post_status": (np.int8, (), NO_POST),  # IN_FIELD, TEAM_COVERED, OUT_OF_FIELD, ...
        "post_school": (np.int32, (), -1),      # school of that post (a mover's changes)
        "content_withheld": (np.float32, (), 0.0),  # content skill lowered while out of field
    }
    metrics = METRICS

    @classmethod
    def results_tables(cls, results: pd.DataFrame) -> dict:
        """schools.csv: the per-school table (``school_table``)."""
        return {"schools.csv": school_table(results)}

    def __init__(self, parameters: SubjectSettings | None = None):
        super().__init__(parameters if parameters is not None else SubjectSettings(
            component="nextwork_sim.workforce.subjects:Subjects"))
        p = self.parameters
        self._entrant_mix = np.zeros((len(PATHWAYS), len(AREAS)))
        for pathway, field in ENTRANT_FIELDS.items():
            self._entrant_mix[PATHWAYS.index(pathway)] = area_weights(getattr(p, field), AREAS)
        self._out_of_field = area_weights(p.initial_out_of_field, AREAS)
        self.posts = PostRequirements(tuple(area_weights(p.secondary_mix, SECONDARY_AREAS)))
        self._candidate_certifications: np.ndarray | None = None

    # --- posts -------------------------------------------------------------------------
    def post_areas(self, model) -> np.ndarray:
        """The area every position requires (``PostRequirements.post_areas``)."""
        return self.posts.post_areas(model)

    def post_masks(self, model) -> np.ndarray:
        """The areas each position accepts (``PostRequirements.post_masks``)."""
        return self.posts.post_masks(model)

    # --- certifications ----------------------------------------------------------------
    def _uniform(self, model, year: int, ids: np.ndarray, sub: int) -> np.ndarray:
        return keyed_random.uniform(model.run_key, self.stream, year, ids, sub)

    def _certify(self, model, year: int, ids: np.ndarray, weights: np.ndarray, sub: int,
                 first: np.ndarray | None = None) -> np.ndarray:
        """A first area from each row's ``weights`` (or ``first``'s where it is not -1) and,
        for ``second_certification_share`` of them, a second from the same weights."""
        p = self.parameters
        drawn = draw_area(weights, self._uniform(model, year, ids, sub + _FIRST))
        first = drawn if first is None else np.where(first >= 0, first, drawn)
        second = draw_area(weights, self._uniform(model, year, ids, sub + _SECOND_AREA))
        has_second = self._uniform(model, year, ids, sub + _SECOND) < \
            p.second_certification_share
        return bits(first) | np.where(has_second, bits(second), 0).astype(np.int16)

    def _pathway_mix(self, pathway: np.ndarray) -> np.ndarray:
        """Entrant weights of each pathway; a pathway without a mix (community, substitutes)
        takes the para_to_teacher one (a paraeducator who became a teacher)."""
        mix = self._entrant_mix[pathway]
        empty = mix.sum(axis=1) <= 0
        mix[empty] = self._entrant_mix[PATHWAYS.index("para_to_teacher")]
        return mix

    def start(self, model) -> None:
        """The initial workforce's certifications: each teacher certified in its post's area
        but for ``initial_out_of_field`` of them (who hold another area, drawn from the
        traditional entrants' mix); a roster's certifications where it gives them. Then year
        0's statuses. Residents and paraeducators hold none: one who steps into a teaching
        post is certified for it then (``step``)."""
        e = model.state.educators
        rows = np.flatnonzero(e.status == ACTIVE)
        ids = e.person_id[rows]
        area = self.post_areas(model)[e.position[rows]].astype(np.int64)
        teaching = area >= 0
        in_field = teaching & (self._uniform(model, 0, ids, _BUILD_IN_FIELD)
                               >= self._out_of_field[np.maximum(area, 0)])
        weights = np.tile(self._entrant_mix[PATHWAYS.index("traditional")], (rows.size, 1))
        outside = np.flatnonzero(teaching & ~in_field)
        weights[outside, area[outside]] = 0.0  # out of field: hold areas other than the post's
        certified = self._certify(model, 0, ids, weights, _BUILD,
                                  first=np.where(in_field, area, -1))
        certified = np.where(teaching, certified, 0)
        roster = roster_certifications(model)[e.position[rows]]
        e.certifications[rows] = np.where(roster > 0, roster, certified).astype(np.int16)
        self._assign(model)

    def hiring_terms(self, model, year: int, pool, vacant: np.ndarray):
        """Draws this summer's teacher candidates' certifications (from their pathway's
        entrant mix) and, with ``prefer_qualified``, gives a vacancy QUALIFIED_FIRST for a
        candidate certified in an area it accepts (a lead post, which accepts several,
        QUALIFIED_FIRST shared among them)."""
        teaching_kind = pool.kind == KINDS.index("teacher")
        ids = np.arange(pool.kind.size, dtype=np.int64)
        certifications = self._certify(model, year, ids, self._entrant_mix[pool.pathway],
                                       _CANDIDATE)
        self._candidate_certifications = np.where(teaching_kind, certifications,
                                                  0).astype(np.int16)
        if not self.parameters.prefer_qualified:
            return None
        accepted = ((self.post_masks(model)[vacant][:, None] >> np.arange(len(AREAS))) & 1)
        per_vacancy = QUALIFIED_FIRST * accepted / np.maximum(accepted.sum(axis=1), 1)[:, None]
        per_candidate = ((self._candidate_certifications[:, None].astype(np.int64)
                          >> np.arange(len(AREAS))) & 1).astype(np.float64)
        return per_vacancy, per_candidate

    def placement_fit(self, model, person: int, posts: np.ndarray) -> np.ndarray | None:
        """With ``prefer_qualified``, a mover suits the vacancies of its areas: with none of
        those open it leaves the district rather than teach out of field."""
        if not self.parameters.prefer_qualified:
            return None
        masks = self.post_masks(model)[posts]
        certifications = np.full(posts.size, model.state.educators.certifications[person])
        return qualified(certifications, masks) | (masks == 0)

    def hired(self, model, year: int, rows: np.ndarray, candidates: np.ndarray) -> None:
        if self._candidate_certifications is None:
            return
        from_pool = candidates >= 0
        model.state.educators.certifications[rows[from_pool]] = \
            self._candidate_certifications[candidates[from_pool]]

    # --- the summer --------------------------------------------------------------------
    def step(self, context) -> None:
        model = context.model
        record_year(context, self.parameters.by_school)
        record_hires(context, self.posts)
        record_departures(context)
        # a paraeducator or resident who stepped into a teaching post (grow-your-own, a
        # residency's end) was prepared for it: certified in its area, and perhaps a second
        # from its pathway's mix
        e = model.state.educators
        area = self.post_areas(model)
        rows = np.flatnonzero((e.status == ACTIVE) & (e.position >= 0) & ~e.substitute)
        uncertified = rows[(area[e.position[rows]] >= 0) & (e.certifications[rows] == 0)]
        e.certifications[uncertified] = self._certify(
            model, context.year, e.person_id[uncertified],
            self._pathway_mix(e.pathway[uncertified].astype(np.int64)), _NEW_TEACHER,
            first=area[e.position[uncertified]].astype(np.int64))
        self._add_on_certification(context, area)
        self._assign(model, area)
        self._candidate_certifications = None

    def _add_on_certification(self, context, area: np.ndarray) -> None:
        """A share of last year's out-of-field teachers who hold a post of the same area
        again earn its certification."""
        rate = self.parameters.add_on_certification_rate
        if rate <= 0:
            return
        e = context.model.state.educators
        rows = np.flatnonzero((e.status == ACTIVE) & (e.position >= 0)
                              & np.isin(e.post_status, (OUT_OF_FIELD, TEAM_COVERED)))
        same = area[e.position[rows]] == e.post_area[rows]
        rows = rows[same]
        earned = rows[self._uniform(context.model, context.year, e.person_id[rows],
                                    _ADD_ON) < rate]
        e.certifications[earned] |= bits(e.post_area[earned].astype(np.int64))

    def _assign(self, model, area: np.ndarray | None = None) -> None:
        """Next year's post areas and statuses of every active educator; out-of-field
        teachers' content skill lowered (what was withheld before given back first)."""
        e = model.state.educators
        state = model.state
        area = self.post_areas(model) if area is None else area
        withheld = np.flatnonzero(e.content_withheld != 0)
        e.skill[withheld, CONTENT] = np.minimum(e.skill[withheld, CONTENT]
                                                + e.content_withheld[withheld], 1.0)
        e.content_withheld[withheld] = 0.0
        rows = np.flatnonzero((e.status == ACTIVE) & (e.position >= 0))
        mask = self.post_masks(model)[e.position[rows]]
        post_area = taught_area(e.certifications[rows], area[e.position[rows]].astype(np.int64),
                                mask)
        status = np.where(qualified(e.certifications[rows], mask), IN_FIELD, OUT_OF_FIELD)
        status = np.where(e.substitute[rows], SUBSTITUTE, status)
        status = np.where(post_area < 0, NO_POST, status)
        if self.parameters.team_coverage:
            community = state.positions.community[e.position[rows]]
            teacher = (post_area >= 0) & ~e.substitute[rows]
            team_areas = np.zeros(state.communities.n, dtype=np.int64)
            np.bitwise_or.at(team_areas, community[teacher],
                             e.certifications[rows[teacher]].astype(np.int64))
            team = state.communities.kind[community] == COMMUNITY_KINDS.index("team")
            covered = (status == OUT_OF_FIELD) & team & holds(team_areas[community], post_area)
            status = np.where(covered, TEAM_COVERED, status)
        e.post_area[np.flatnonzero(e.status == ACTIVE)] = -1
        e.post_area[rows] = post_area
        e.post_status[rows] = status
        e.post_school[rows] = e.school[rows]
        factor = self.parameters.out_of_field_content_factor
        if factor < 1.0:
            lowered = rows[(status == OUT_OF_FIELD) | (status == TEAM_COVERED)]
            content = e.skill[lowered, CONTENT]
            kept = (content * np.float32(factor)).astype(np.float32)
            e.content_withheld[lowered] = content - kept
            e.skill[lowered, CONTENT] = kept
