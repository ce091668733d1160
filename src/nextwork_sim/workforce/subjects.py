"""Subjects and certification areas: shortages where they happen (docs/subjects.md).

A component (docs/extending.md), switched on by a config's ``[mechanisms.subjects]`` table
with ``component = "nextwork_sim.workforce.subjects:Subjects"``:

- every teaching post requires an area (subject_areas.AREAS): elementary teaching posts the
  generalist one, secondary posts a subject (the school's subject mix, by a fixed
  apportionment over its posts), special education and English learner specialist posts
  their own;
- every educator holds certifications (a bit mask over the areas): the initial workforce
  certified in its post's area but for the national out-of-field share, each pipeline's
  candidates drawn from its entrant mix;
- hiring prefers, for each vacancy, a candidate certified in its area (``hiring_terms``);
  otherwise the best candidate teaches out of field, or a long-term substitute covers;
- a teacher out of field has its content skill lowered by ``out_of_field_content_factor``
  for as long as it holds the post (given back when it teaches in field again); a post of a
  team whose other member is certified in its area counts as in field (team-covered);
- metrics by ``subject=`` every year, and per school.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import create_model, model_validator

from ..components import Component, MechanismSettings
from ..config import LEVELS
from ..district_files import read_schools, read_staff
from ..domains import CONTENT
from ..kernels import keyed_random
from ..outcomes import Metric
from ..parameters import ASSUMPTION, Frozen, param
from ..population import ACTIVE, LEFT, MOVED, RETIRED
from ..roles import CATEGORY_INDEX
from ..staffing.base import COMMUNITY_KINDS
from ..subject_areas import (
    AREA_INDEX,
    AREAS,
    CERTIFICATIONS_COLUMN,
    NEED_COLUMNS,
    SECONDARY_AREAS,
    parse_certifications,
)
from ..summer_records import POVERTY_BANDS, school_poverty
from .pipelines import KINDS, PATHWAYS

#: a teaching post's status during a year (the ``post_status`` column)
NO_POST, IN_FIELD, TEAM_COVERED, OUT_OF_FIELD, SUBSTITUTE = -1, 0, 1, 2, 3
#: what a certified candidate adds to a vacancy's match score: more than any skill score
#: can (eight domains, each lack times skill at most about 1), so a certified candidate is
#: taken whenever one is free and the skills decide among the certified
QUALIFIED_FIRST = 1e3
#: the keyed draws of the component's stream (uniform sub-events; the build uses year 0)
_CANDIDATE, _NEW_TEACHER, _BUILD = 0, 10, 20
_FIRST, _SECOND, _SECOND_AREA = 0, 1, 2  # offsets of one certification draw
_BUILD_IN_FIELD = _BUILD + 3
_ADD_ON = 30

SASS_2004 = ("NCES SASS 2003-04, public high-school teachers by main assignment (NCES 2008-338, "
             "table 7)")
SASS_2008 = ("NCES SASS 2007-08, public high-school teachers: share certified in their main "
             "assignment (sass0708_009_t1n)")
CTE_2008 = ("NCES CTE statistics table H113 (SASS 2007-08): 13.9 % of 1,059,500 grade 9-12 "
            "public teachers teach mainly career and technical education")
OUT_OF_FIELD_ASSUMED = ("assumption (direction: NCES 2002-603, ESL/bilingual and special "
                        "fields have the highest out-of-field rates)")
ENTRANTS_ASSUMED = ("assumption (direction: Title II issue brief 2015, ERIC ED576129: "
                    "alternative programs produce proportionately more teachers in high-need "
                    "areas)")


def _area_table(name: str, areas: tuple[str, ...], values: dict, *, unit: str, doc: str,
                le: float) -> type:
    """A frozen table with one field per area: ``values[area] = (default, source)``; a field
    whose source starts with "assumption" is an assumption, the others are sourced."""
    fields = {}
    for area in areas:
        default, source = values[area]
        kind = ASSUMPTION if source.startswith(ASSUMPTION) else "sourced"
        fields[area] = (float, param(default, unit=unit, doc=f"{doc} ({area})", kind=kind,
                                     source=source, ge=0.0, le=le))
    return create_model(name, __base__=Frozen, **fields)


SecondaryMix = _area_table(
    "SecondaryMix", SECONDARY_AREAS,
    {"english": (134.9, SASS_2004), "mathematics": (128.5, SASS_2004),
     "science": (106.1, SASS_2004), "social_studies": (111.6, SASS_2004),
     "world_languages": (52.2, SASS_2004 + ": French, German, Latin and Spanish"),
     "arts": (72.8, SASS_2004 + ": art, music, dance and theater"),
     "physical_education": (75.0, "assumption (about 7 % of high-school teachers)"),
     "career_technical": (147.3, CTE_2008)},
    unit="thousand teachers (relative weight)", le=10_000.0,
    doc="weight of the area among a secondary school's teaching posts")

InitialOutOfField = _area_table(
    "InitialOutOfField", AREAS,
    {"elementary": (0.05, "assumption"),
     "english": (0.198, SASS_2004 + ": 80.2 % certified"),
     "mathematics": (0.205, SASS_2008 + ": 79.5 % certified"),
     "science": (0.144, SASS_2008 + ": 85.6 % certified"),
     "social_studies": (0.182, SASS_2004 + ": 81.8 % certified"),
     "world_languages": (0.243, SASS_2004 + ": Spanish, 75.7 % certified"),
     "arts": (0.164, SASS_2004 + ": art, 83.6 % certified"),
     "physical_education": (0.15, "assumption"), "career_technical": (0.15, "assumption"),
     "special_education": (0.10, OUT_OF_FIELD_ASSUMED),
     "english_learner": (0.30, OUT_OF_FIELD_ASSUMED)},
    unit="share of post holders", le=1.0,
    doc="initial holders of the area's posts not certified in it")


def _entrants(name: str, weights: tuple[float, ...]) -> type:
    return _area_table(name, AREAS, {a: (w, ENTRANTS_ASSUMED) for a, w in zip(AREAS, weights,
                                                                            strict=True)},
                       unit="relative weight", le=1_000.0,
                       doc=f"{name}: weight of the area among the pathway's entrants")


#: entrant mixes in AREAS order: elementary, english, mathematics, science, social_studies,
#: world_languages, arts, physical_education, career_technical, special_education,
#: english_learner
TraditionalEntrants = _entrants("traditional_entrants",
                                (38, 8, 6, 5, 7, 2, 6, 6, 2, 10, 2))
AlternativeEntrants = _entrants("alternative_entrants",
                                (22, 8, 10, 9, 6, 3, 4, 4, 8, 18, 4))
ResidencyEntrants = _entrants("residency_entrants",
                              (30, 8, 10, 9, 5, 2, 3, 3, 2, 18, 5))
ParaToTeacherEntrants = _entrants("para_to_teacher_entrants",
                                  (45, 5, 3, 2, 4, 2, 2, 2, 0, 25, 10))
CareerSwitcherEntrants = _entrants("career_switcher_entrants",
                                   (10, 8, 15, 15, 7, 3, 4, 3, 20, 10, 3))
#: the teaching pathways whose entrants hold certifications, with their mix's field
ENTRANT_FIELDS = {"traditional": "traditional_entrants",
                  "alternative": "alternative_entrants",
                  "residency": "residency_entrants",
                  "para_to_teacher": "para_to_teacher_entrants",
                  "career_switcher": "career_switcher_entrants"}


class SubjectSettings(MechanismSettings):
    """``[mechanisms.subjects]``: the subjects component's parameters (docs/subjects.md)."""

    prefer_qualified: bool = param(True, unit="switch", kind="assumption",
                                   doc="hiring takes a candidate certified in the vacancy's "
                                       "area whenever one is free")
    out_of_field_content_factor: float = param(
        0.85, unit="factor on content skill", ge=0.0, le=1.0, kind="assumption",
        source="assumption (direction: Clotfelter, Ladd & Vigdor 2010, J. Human Resources; "
               "Goldhaber & Brewer 2000: subject certification raises secondary achievement)",
        doc="a teacher out of field teaches with this share of its content skill")
    team_coverage: bool = param(True, unit="switch", kind="assumption",
                                doc="a post of a team counts as in field when another member "
                                    "of its team is certified in its area")
    add_on_certification_rate: float = param(
        0.1, unit="share per year", ge=0.0, le=1.0, kind="assumption",
        doc="teachers out of field who earn the certification of the post they hold over a "
            "summer (and teach in field from then on)")
    second_certification_share: float = param(
        0.15, unit="share of entrants", ge=0.0, le=1.0, kind="assumption",
        doc="entrants (and initial teachers) holding a second area, drawn from the same mix")
    by_school: bool = param(True, unit="switch", kind="assumption",
                            doc="record vacancy and out-of-field shares of every school "
                                "(group school=NAME,school_poverty=BAND,level=LEVEL)")
    secondary_mix: SecondaryMix = param(SecondaryMix(), unit="table", kind="assumption",
                                        doc="subject weights of secondary teaching posts "
                                            "(schools.csv need_<area> columns override)")
    initial_out_of_field: InitialOutOfField = param(
        InitialOutOfField(), unit="table", kind="assumption",
        doc="share of the initial holders of each area's posts not certified in it")
    traditional_entrants: TraditionalEntrants = param(TraditionalEntrants(), unit="table",
                                                      kind="assumption", doc="entrant mix")
    alternative_entrants: AlternativeEntrants = param(AlternativeEntrants(), unit="table",
                                                      kind="assumption", doc="entrant mix")
    residency_entrants: ResidencyEntrants = param(ResidencyEntrants(), unit="table",
                                                  kind="assumption", doc="entrant mix")
    para_to_teacher_entrants: ParaToTeacherEntrants = param(
        ParaToTeacherEntrants(), unit="table", kind="assumption", doc="entrant mix")
    career_switcher_entrants: CareerSwitcherEntrants = param(
        CareerSwitcherEntrants(), unit="table", kind="assumption", doc="entrant mix")


    @model_validator(mode="after")
    def _mixes_weigh_something(self):
        for field in ("secondary_mix", *ENTRANT_FIELDS.values()):
            if not any(getattr(getattr(self, field), name) > 0
                       for name in type(getattr(self, field)).model_fields):
                raise ValueError(f"{field}: every weight is 0; give at least one area a "
                                 "weight above 0")
        return self


def _weights(table: Frozen, areas: tuple[str, ...]) -> np.ndarray:
    return np.array([getattr(table, area) for area in areas], dtype=np.float64)


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


#: the areas a secondary lead post accepts: its holder teaches its own subject
SECONDARY_MASK = int(sum(1 << AREA_INDEX[a] for a in SECONDARY_AREAS))


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
    metrics = {
        "subject_positions": Metric(
            "positions", "teaching posts during the year by subject= (the post's area)",
            "teaching posts"),
        "subject_vacancy_rate": Metric(
            "share of positions", "teaching posts held by a long-term substitute during the "
            "year, by subject= and school_poverty=", "teaching posts"),
        "out_of_field_share": Metric(
            "share of filled posts", "filled teaching posts whose holder is not certified in "
            "the post's area and no member of its team is, by subject= and school_poverty=",
            "teaching posts held by a teacher"),
        "team_covered_share": Metric(
            "share of filled posts", "filled teaching posts held out of field but covered by "
            "a certified member of the same team (they count as in field)",
            "teaching posts held by a teacher"),
        "shortage_share": Metric(
            "share of positions", "teaching posts vacant (substitute) or held out of field "
            "during the year, by subject= and school_poverty=", "teaching posts"),
        "subject_hires": Metric(
            "persons", "teachers hired from the pipelines over the summer, by subject= of the "
            "post they fill", "teachers hired"),
        "hired_in_field_share": Metric(
            "share", "hires certified in the area of the post they fill, by subject=",
            "teachers hired"),
        "subject_leave_rate": Metric(
            "share", "teachers who left the profession (or retired) over the summer, by "
            "subject= of the post held during the year", "teachers in a teaching post"),
        "subject_move_rate": Metric(
            "share", "teachers who moved school (within the district or out of it) over the "
            "summer, by subject= of the post held during the year",
            "teachers in a teaching post"),
        "school_vacancy_rate": Metric(
            "share of positions", "a school's teaching posts held by a long-term substitute "
            "during the year (group school=NAME,school_poverty=BAND,level=LEVEL)",
            "teaching posts of the school"),
        "school_out_of_field_share": Metric(
            "share of filled posts", "a school's filled teaching posts held out of field "
            "during the year (group school=NAME,school_poverty=BAND,level=LEVEL)",
            "teaching posts of the school held by a teacher"),
    }

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
            self._entrant_mix[PATHWAYS.index(pathway)] = _weights(getattr(p, field), AREAS)
        self._out_of_field = _weights(p.initial_out_of_field, AREAS)
        self._sequences: dict[tuple, np.ndarray] = {}
        self._school_mix: list[tuple] | None = None
        self._candidate_certifications: np.ndarray | None = None
        self._areas: tuple | None = None
        self._masks: tuple | None = None

    # --- posts -------------------------------------------------------------------------
    def _mixes(self, model) -> list[tuple]:
        """Each school's secondary subject weights: its need_<area> columns where the
        schools file gives any, else ``secondary_mix``."""
        if self._school_mix is None:
            default = tuple(_weights(self.parameters.secondary_mix, SECONDARY_AREAS))
            mixes = [default] * len(model.schools)
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
        mask = np.where(area >= 0, np.left_shift(1, np.maximum(area, 0)), 0).astype(np.int64)
        lead = model.roles.category[positions.role] == CATEGORY_INDEX["teacher_leader"]
        secondary = np.isin(area, [AREA_INDEX[a] for a in SECONDARY_AREAS])
        mask[lead & secondary] = SECONDARY_MASK
        self._masks = (positions, mask)
        return mask

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

    def _roster(self, model) -> np.ndarray:
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
        roster = self._roster(model)[e.position[rows]]
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
        self._record_year(context)
        self._record_hires(context)
        self._record_departures(context)
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

    # --- records -----------------------------------------------------------------------
    def _record_year(self, context) -> None:
        """The year's teaching posts, from the people who served them (statuses set last
        summer, or at the start)."""
        model, record = context.model, context.record
        e = model.state.educators
        rows = context.served[e.post_area[context.served] >= 0]
        if rows.size == 0:
            return
        area = e.post_area[rows].astype(np.int64)
        status = e.post_status[rows]
        school = e.post_school[rows].astype(np.int64)
        poverty = school_poverty(model)[school]
        vacant = status == SUBSTITUTE
        out = status == OUT_OF_FIELD
        groups = {"subject": (area, AREAS), "school_poverty": (poverty, POVERTY_BANDS)}
        record.count_by("subject_positions", np.ones(rows.size, dtype=bool),
                        {"subject": (area, AREAS)})
        record.mean_by("subject_vacancy_rate", vacant.astype(np.float64), groups)
        record.mean_by("shortage_share", (vacant | out).astype(np.float64), groups)
        filled = ~vacant
        if filled.any():
            kept = {k: (codes[filled], labels) for k, (codes, labels) in groups.items()}
            record.mean_by("out_of_field_share", out[filled].astype(np.float64), kept)
            record.mean_by("team_covered_share",
                           (status[filled] == TEAM_COVERED).astype(np.float64),
                           {"subject": kept["subject"]})
        if self.parameters.by_school:
            n_schools = len(model.schools)
            posts = np.bincount(school, minlength=n_schools)
            held = np.bincount(school[filled], minlength=n_schools)
            empty = np.bincount(school[vacant], minlength=n_schools)
            outside = np.bincount(school[out], minlength=n_schools)
            for s in np.flatnonzero(posts).tolist():
                label = school_label(model.schools[s])
                record.add("school_vacancy_rate", label, empty[s] / posts[s])
                if held[s]:
                    record.add("school_out_of_field_share", label, outside[s] / held[s])

    def _record_hires(self, context) -> None:
        model, record = context.model, context.record
        e = model.state.educators
        hired = context.hired[~e.substitute[context.hired]]
        hired = hired[self.post_masks(model)[e.position[hired]] != 0]
        mask = self.post_masks(model)[e.position[hired]]
        area = taught_area(e.certifications[hired],
                           self.post_areas(model)[e.position[hired]].astype(np.int64), mask)
        record.count_by("subject_hires", np.ones(hired.size, dtype=bool),
                        {"subject": (area, AREAS)})
        if hired.size:
            record.mean_by("hired_in_field_share",
                           qualified(e.certifications[hired], mask).astype(np.float64),
                           {"subject": (area, AREAS)})

    def _record_departures(self, context) -> None:
        model, record = context.model, context.record
        e = model.state.educators
        rows, outcome = context.rows, context.outcome
        teaching = np.isin(e.post_status[rows], (IN_FIELD, TEAM_COVERED, OUT_OF_FIELD))
        rows, outcome = rows[teaching], outcome[teaching]
        if rows.size == 0:
            return
        groups = {"subject": (e.post_area[rows].astype(np.int64), AREAS)}
        record.mean_by("subject_leave_rate",
                       np.isin(outcome, (LEFT, RETIRED)).astype(np.float64), groups)
        record.mean_by("subject_move_rate", (outcome == MOVED).astype(np.float64), groups)


def school_label(school) -> str:
    """A school's group: its name (commas and equals signs, which separate groups, made
    spaces), poverty band and level."""
    name = str(school.name).replace(",", " ").replace("=", " ")
    return f"school={name},school_poverty={school.poverty},level={school.level}"


def school_table(results: pd.DataFrame) -> pd.DataFrame:
    """The tidy per-school table of a run's results (``model.results()`` or
    ``load_results``): one row per scenario and school with its poverty band, level, mean
    vacancy share and out-of-field share over the reported years and replications, and
    ``school_years``, the years times replications observed. A school whose poverty band
    differs between replications (preset schools draw their low-income share per run) has
    one row per band."""
    rows = results[results["metric"].isin(("school_vacancy_rate", "school_out_of_field_share"))]
    if rows.empty:
        return pd.DataFrame(columns=["scenario", "school", "school_poverty", "level",
                                     "vacancy_share", "out_of_field_share", "school_years"])
    parts = rows["group"].str.extract(
        r"^school=(?P<school>.*),school_poverty=(?P<school_poverty>[^,]*),level=(?P<level>.*)$")
    table = pd.concat([rows.reset_index(drop=True), parts.reset_index(drop=True)], axis=1)
    if "scenario" not in table.columns:
        table["scenario"] = ""
    keys = ["scenario", "school", "school_poverty", "level"]
    wide = table.pivot_table(index=keys, columns="metric", values="value", aggfunc="mean")
    counts = table[table["metric"] == "school_vacancy_rate"].groupby(keys)["value"].size()
    out = pd.DataFrame({
        "vacancy_share": wide.get("school_vacancy_rate"),
        "out_of_field_share": wide.get("school_out_of_field_share"),
        "school_years": counts}).reset_index()
    return out.sort_values(["scenario", "vacancy_share"], ascending=[True, False],
                           ignore_index=True)


def parameters_markdown() -> str:
    """The ``[mechanisms.subjects]`` parameters as a Markdown table (docs/subjects.md holds
    it; tests/test_subjects.py checks it is current)."""
    lines = ["| parameter | default | unit | range | kind | source | meaning |",
             "|---|---|---|---|---|---|---|"]

    def rows(model: type, prefix: str):
        for name, field in model.model_fields.items():
            if name == "component":
                continue
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, Frozen):
                yield from rows(annotation, f"{prefix}{name}.")
                continue
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            bounds = {k: getattr(m, k) for m in field.metadata for k in ("ge", "le")
                      if getattr(m, k, None) is not None}
            span = f"{bounds['ge']:g} – {bounds['le']:g}" if len(bounds) == 2 else ""
            default = field.default
            shown = str(default).lower() if isinstance(default, bool) else f"{default:g}"
            yield (f"| `{prefix}{name}` | {shown} | {extra.get('unit', '')} | {span} | "
                   f"{extra.get('kind', '')} | {extra.get('source', '')} | "
                   f"{field.description or ''} |")

    lines.extend(rows(SubjectSettings, ""))
    return "\n".join(lines) + "\n"
