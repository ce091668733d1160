"""The eight domains of expertise (docs/odd.md §2). Index order is fixed: arrays use it."""

DOMAINS: tuple[str, ...] = (
    "content",
    "pedagogy",
    "assessment_data",
    "individualized_support",
    "language_support",
    "social_emotional",
    "project_facilitation",
    "team_leadership",
)
N_DOMAINS = len(DOMAINS)
DOMAIN_INDEX = {name: i for i, name in enumerate(DOMAINS)}

CONTENT, PEDAGOGY, ASSESSMENT, INDIVIDUALIZED, LANGUAGE, SOCIAL_EMOTIONAL, PROJECT, LEADERSHIP = (
    range(N_DOMAINS)
)
