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

The package's modules: ``component`` (the ``Subjects`` class: certifications, hiring and
placement terms, each summer's post statuses), ``settings`` (its parameters), ``posts`` (the
area each post requires, ``apportion``), ``certifications`` (bit masks over the areas, the
roster's) and ``records`` (its metrics and the per-school table). Everything public is
importable from here, at the path configs name.
"""

from .certifications import (
    bits,
    draw_area,
    holds,
    qualified,
    roster_certifications,
    taught_area,
)
from .component import QUALIFIED_FIRST, Subjects
from .posts import (
    IN_FIELD,
    NO_POST,
    OUT_OF_FIELD,
    SECONDARY_MASK,
    SUBSTITUTE,
    TEAM_COVERED,
    PostRequirements,
    apportion,
)
from .records import METRICS, school_label, school_table
from .settings import (
    ENTRANT_FIELDS,
    AlternativeEntrants,
    CareerSwitcherEntrants,
    InitialOutOfField,
    ParaToTeacherEntrants,
    ResidencyEntrants,
    SecondaryMix,
    SubjectSettings,
    TraditionalEntrants,
    area_weights,
    parameters_markdown,
)

__all__ = [
    "ENTRANT_FIELDS", "IN_FIELD", "METRICS", "NO_POST", "OUT_OF_FIELD", "QUALIFIED_FIRST",
    "SECONDARY_MASK", "SUBSTITUTE", "TEAM_COVERED", "AlternativeEntrants",
    "CareerSwitcherEntrants", "InitialOutOfField", "ParaToTeacherEntrants", "PostRequirements",
    "ResidencyEntrants", "SecondaryMix", "SubjectSettings", "Subjects", "TraditionalEntrants",
    "apportion", "area_weights", "bits", "draw_area", "holds", "parameters_markdown",
    "qualified", "roster_certifications", "school_label", "school_table", "taught_area",
]
