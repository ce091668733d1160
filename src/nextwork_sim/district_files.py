"""A district from CSV files instead of a preset (docs/district_files.md).

``schools.csv`` (required): one row per school, columns

| column | meaning | allowed |
|---|---|---|
| name | school name (unique) | text |
| level | school level | elementary, middle, high |
| enrollment | students | 1 to 10,000 |
| low_income | share of low-income students | 0 to 1 |
| english_learner | share of English learners (optional; default: the composition's) | 0 to 1 |
| disability | share of students with disabilities (optional; default: the composition's) | 0 to 1 |
| leader_quality | the leader's quality in SD (optional; default: drawn) | -5 to 5 |
| need_<area> | secondary posts' subject weights, for the subjects component (optional) | >= 0 |

``staff.csv`` (optional roster): one row per educator, columns ``school`` (a name in
schools.csv), ``role`` (a role of the run's catalogue) and ``experience`` (years including the
current one, 1-50) and, optionally, ``certifications`` (areas of subject_areas.AREAS
separated by ``;``, for the subjects component). Roster rows fill the school's positions of
that role in order; positions left over are drawn as usual, and roster rows with no position
left are counted and reported.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .subject_areas import CERTIFICATIONS_COLUMN, NEED_COLUMNS, NEED_PREFIX, parse_certifications

SCHOOL_COLUMNS = ("name", "level", "enrollment", "low_income")
SHARE_COLUMNS = ("low_income", "english_learner", "disability")
LEVELS = ("elementary", "middle", "high")
#: leader_quality is in SD of a standard normal (what preset schools draw): beyond 5 SD is a
#: typing error, and an infinite one would make attrition probabilities NaN.
LEADER_QUALITY_LIMIT = 5.0


class DistrictFileError(ValueError):
    """A district file is invalid; the message is one line naming file, row and column."""


def _read(path: str | Path, text_columns: tuple[str, ...]) -> pd.DataFrame:
    """The file as a table; every row must have the header's number of fields (a row with
    more would otherwise shift the columns or become the index). ``text_columns`` are read
    as text (a school named 007 stays 007)."""
    path = Path(path)
    if not path.is_file():
        raise DistrictFileError(f"{path}: no such file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise DistrictFileError(f"{path}: cannot read it ({error.strerror})") from None
    except UnicodeDecodeError:
        raise DistrictFileError(f"{path}: not a UTF-8 text file") from None
    try:
        rows = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True)
        header = next(rows, None)
        if not header or not any(h.strip() for h in header):
            raise DistrictFileError(f"{path}: empty; the first line must name the columns")
        lines = []  # the file line each data row starts on (pandas skips blank lines)
        start = rows.line_num + 1
        for row in rows:
            if row and len(row) != len(header):
                raise DistrictFileError(f"{path}: line {rows.line_num} has {len(row)} fields, "
                                        f"the header {len(header)}")
            if row:
                lines.append(start)
            start = rows.line_num + 1
    except csv.Error as error:
        raise DistrictFileError(f"{path}: not a readable CSV file (line {rows.line_num}: "
                                f"{error})") from None
    try:
        table = pd.read_csv(io.StringIO(text), skipinitialspace=True,
                            dtype=dict.fromkeys(text_columns, str))
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = " ".join(str(error).split())
        raise DistrictFileError(f"{path}: not a readable CSV file ({reason})") from None
    table.columns = [str(c).strip() for c in table.columns]
    table.index = pd.Index(lines if len(lines) == len(table) else range(2, len(table) + 2),
                           name="line")
    return table


def read_schools(path: str | Path) -> pd.DataFrame:
    """Read and check schools.csv; returns one row per school in file order."""
    table = _read(path, ("name", "level"))
    missing = [c for c in SCHOOL_COLUMNS if c not in table.columns]
    if missing:
        raise DistrictFileError(f"{path}: missing column(s) {', '.join(missing)}; required: "
                                f"{', '.join(SCHOOL_COLUMNS)}")
    if table.empty:
        raise DistrictFileError(f"{path}: no schools")
    for i, row in table.iterrows():
        where = f"{path}: line {i}"
        if pd.isna(row["name"]) or not str(row["name"]).strip():
            raise DistrictFileError(f"{where}: name is empty; every school needs a name")
        if row["level"] not in LEVELS:
            raise DistrictFileError(f"{where}: level = {row['level']!r}; allowed: "
                                    f"{', '.join(LEVELS)}")
        enrollment = pd.to_numeric(row["enrollment"], errors="coerce")
        if pd.isna(enrollment) or not 1 <= enrollment <= 10_000 or enrollment != int(enrollment):
            raise DistrictFileError(f"{where}: enrollment = {row['enrollment']!r}; allowed: "
                                    "a whole number from 1 to 10000")
        for column in SHARE_COLUMNS:
            if column not in table.columns or pd.isna(row[column]):
                if column == "low_income":
                    raise DistrictFileError(f"{where}: low_income is empty; allowed: 0 to 1")
                continue
            share = pd.to_numeric(row[column], errors="coerce")
            if pd.isna(share) or not 0 <= share <= 1:
                raise DistrictFileError(f"{where}: {column} = {row[column]!r}; allowed: 0 to 1")
        if "leader_quality" in table.columns and not pd.isna(row["leader_quality"]):
            quality = pd.to_numeric(row["leader_quality"], errors="coerce")
            if pd.isna(quality) or not -LEADER_QUALITY_LIMIT <= quality <= LEADER_QUALITY_LIMIT:
                raise DistrictFileError(f"{where}: leader_quality = {row['leader_quality']!r}; "
                                        f"allowed: -{LEADER_QUALITY_LIMIT:g} to "
                                        f"{LEADER_QUALITY_LIMIT:g} SD, or empty")
    _check_subject_needs(path, table)
    duplicated = table["name"][table["name"].duplicated()].tolist()
    if duplicated:
        raise DistrictFileError(f"{path}: school names must be unique ({duplicated[0]!r} "
                                "appears twice)")
    return table


def _check_subject_needs(path, table: pd.DataFrame) -> None:
    """need_<area> columns: known secondary areas, each value empty or a number >= 0, and a
    row that gives any gives one above zero (docs/subjects.md)."""
    needs = [c for c in table.columns if c.startswith(NEED_PREFIX)]
    for column in needs:
        if column not in NEED_COLUMNS:
            raise DistrictFileError(f"{path}: column {column!r} is not a subject need; "
                                    f"allowed: {', '.join(NEED_COLUMNS)}")
    for i, row in table.iterrows():
        given = []
        for column in needs:
            if pd.isna(row[column]):
                continue
            weight = pd.to_numeric(row[column], errors="coerce")
            if pd.isna(weight) or not 0 <= weight < float("inf"):
                raise DistrictFileError(f"{path}: line {i}: {column} = {row[column]!r}; "
                                        "allowed: a number >= 0, or empty")
            given.append(weight)
        if given and max(given) <= 0:
            raise DistrictFileError(f"{path}: line {i}: every need_ column is 0; give at "
                                    "least one subject a weight above 0, or leave them empty")


def read_staff(path: str | Path, school_names: set[str], role_names: set[str]) -> pd.DataFrame:
    """Read and check the optional staff roster."""
    table = _read(path, ("school", "role", CERTIFICATIONS_COLUMN))
    missing = [c for c in ("school", "role", "experience") if c not in table.columns]
    if missing:
        raise DistrictFileError(f"{path}: missing column(s) {', '.join(missing)}; required: "
                                "school, role, experience")
    for i, row in table.iterrows():
        where = f"{path}: line {i}"
        if row["school"] not in school_names:
            raise DistrictFileError(f"{where}: school = {row['school']!r} is not in the "
                                    "schools file")
        if row["role"] not in role_names:
            raise DistrictFileError(f"{where}: role = {row['role']!r}; allowed: "
                                    f"{', '.join(sorted(role_names))}")
        experience = pd.to_numeric(row["experience"], errors="coerce")
        if pd.isna(experience) or not 1 <= experience <= 50:
            raise DistrictFileError(f"{where}: experience = {row['experience']!r}; allowed: "
                                    "1 to 50 years")
        if CERTIFICATIONS_COLUMN in table.columns and not pd.isna(row[CERTIFICATIONS_COLUMN]):
            try:
                parse_certifications(row[CERTIFICATIONS_COLUMN])
            except ValueError as error:
                raise DistrictFileError(f"{where}: {CERTIFICATIONS_COLUMN}: {error}") from None
    return table
