"""The subjects component's parameters (``[mechanisms.subjects]``, docs/subjects.md): the
per-area tables with their sources, the pathways' entrant mixes, ``SubjectSettings``, and the
Markdown table docs/subjects.md shows of them."""

from __future__ import annotations

import numpy as np
from pydantic import create_model, model_validator

from ...components import MechanismSettings
from ...parameters import ASSUMPTION, Frozen, param
from ...subject_areas import AREAS, SECONDARY_AREAS

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


def area_weights(table: Frozen, areas: tuple[str, ...]) -> np.ndarray:
    """A table's values for ``areas``, in that order."""
    return np.array([getattr(table, area) for area in areas], dtype=np.float64)


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
