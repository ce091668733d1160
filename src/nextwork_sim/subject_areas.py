"""Subjects and certification areas (docs/subjects.md): the names, in the fixed order arrays
and bit masks use. Kept apart from the subjects component (workforce/subjects/) so the
district files can check subject columns without importing the model."""

from __future__ import annotations

#: certification areas, in bit order: an educator's certifications are a bit mask over these
AREAS: tuple[str, ...] = (
    "elementary",          # generalist: elementary teaching posts
    "english",             # secondary English language arts
    "mathematics",
    "science",
    "social_studies",
    "world_languages",
    "arts",                # art, music, dance and theater
    "physical_education",  # physical and health education
    "career_technical",    # career and technical education
    "special_education",   # special education specialist posts
    "english_learner",     # English learner (ESL, bilingual) specialist posts
)
AREA_INDEX = {name: i for i, name in enumerate(AREAS)}
#: the areas of secondary (middle and high school) teaching posts
SECONDARY_AREAS: tuple[str, ...] = AREAS[1:9]
#: schools.csv: optional columns need_<area>, the relative weight of each secondary area
NEED_PREFIX = "need_"
NEED_COLUMNS: tuple[str, ...] = tuple(NEED_PREFIX + area for area in SECONDARY_AREAS)
#: staff.csv: optional column, areas separated by CERTIFICATION_SEPARATOR
CERTIFICATIONS_COLUMN = "certifications"
CERTIFICATION_SEPARATOR = ";"


def parse_certifications(text: str) -> list[str]:
    """The areas a staff.csv ``certifications`` cell names (empty: none); ValueError naming
    the first area that is not one of AREAS."""
    names = [part.strip() for part in str(text).split(CERTIFICATION_SEPARATOR)]
    names = [name for name in names if name]
    for name in names:
        if name not in AREA_INDEX:
            raise ValueError(f"{name!r} is not a certification area; allowed: "
                             f"{', '.join(AREAS)} (several separated by "
                             f"'{CERTIFICATION_SEPARATOR}')")
    return names
