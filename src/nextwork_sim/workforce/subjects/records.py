"""The subjects component's records (docs/subjects.md): its metrics, written every year by
``subject=`` and ``school_poverty=`` and per school, and the per-school table (schools.csv)
of a run's results."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...outcomes import Metric
from ...population import LEFT, MOVED, RETIRED
from ...subject_areas import AREAS
from ...summer_records import POVERTY_BANDS, school_poverty
from .certifications import qualified, taught_area
from .posts import IN_FIELD, OUT_OF_FIELD, SUBSTITUTE, TEAM_COVERED, PostRequirements

#: the component's metrics (``Subjects.metrics``)
METRICS = {
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


def record_year(context, by_school: bool) -> None:
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
    if by_school:
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


def record_hires(context, posts: PostRequirements) -> None:
    """The summer's teacher hires by the area of the post each fills, and the share of them
    certified for it."""
    model, record = context.model, context.record
    e = model.state.educators
    hired = context.hired[~e.substitute[context.hired]]
    hired = hired[posts.post_masks(model)[e.position[hired]] != 0]
    mask = posts.post_masks(model)[e.position[hired]]
    area = taught_area(e.certifications[hired],
                       posts.post_areas(model)[e.position[hired]].astype(np.int64), mask)
    record.count_by("subject_hires", np.ones(hired.size, dtype=bool),
                    {"subject": (area, AREAS)})
    if hired.size:
        record.mean_by("hired_in_field_share",
                       qualified(e.certifications[hired], mask).astype(np.float64),
                       {"subject": (area, AREAS)})


def record_departures(context) -> None:
    """The summer's leave and move rates of the teachers by the area of the post each held
    during the year."""
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
