"""State as a struct of arrays, and Mesa agents that are views into it (docs/odd.md §2).

People are rows; a row is never deleted or reused. A person who leaves is marked (status) and
their Mesa agent removed, so cohort metrics can still read the row. Each table grows by
doubling; ``table.column`` returns the live view of the first ``table.n`` rows.
"""

from __future__ import annotations

import mesa
import numpy as np

from .domains import N_DOMAINS
from .roles import ROLE_NAMES

# Student status
ENROLLED, GRADUATED, LEFT_DISTRICT = 0, 1, 2
# Educator status
ACTIVE, LEFT, MOVED, RETIRED = 0, 1, 2, 3
STUDENT_STATUS = ("enrolled", "graduated", "left_district")
EDUCATOR_STATUS = ("active", "left", "moved", "retired")


class ArrayTable:
    """Columns of equal length with spare capacity; ``add(count)`` appends rows."""

    COLUMNS: dict[str, tuple[type, tuple[int, ...], float]] = {}

    def __init__(self, capacity: int = 64, extra_columns: dict | None = None):
        if extra_columns:  # a component's columns: this table's, not every table's
            self.COLUMNS = {**type(self).COLUMNS, **extra_columns}
        capacity = max(int(capacity), 1)
        self.n = 0
        self._data = {name: np.full((capacity, *tail), fill, dtype=dtype)
                      for name, (dtype, tail, fill) in self.COLUMNS.items()}

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return data[name][: self.n]
        raise AttributeError(name)

    @property
    def capacity(self) -> int:
        return next(iter(self._data.values())).shape[0]

    def add(self, count: int) -> np.ndarray:
        """Append ``count`` rows (filled with defaults) and return their row indices."""
        start = self.n
        if start + count > self.capacity:
            new_capacity = max(2 * self.capacity, start + count)
            for name, old in self._data.items():
                dtype, tail, fill = self.COLUMNS[name]
                grown = np.full((new_capacity, *tail), fill, dtype=dtype)
                grown[:start] = old[:start]
                self._data[name] = grown
        self.n = start + count
        return np.arange(start, self.n)

    def column(self, name: str) -> np.ndarray:
        return self._data[name]


class StudentTable(ArrayTable):
    COLUMNS = {
        "person_id": (np.int64, (), -1),
        "status": (np.int8, (), ENROLLED),
        "grade": (np.int8, (), 0),
        "school": (np.int32, (), -1),
        "community": (np.int32, (), -1),
        "need": (np.float32, (N_DOMAINS,), 0.0),
        "low_income": (np.bool_, (), False),
        "english_learner": (np.bool_, (), False),
        "disability": (np.bool_, (), False),
        "advanced": (np.bool_, (), False),
        "race": (np.int8, (), 0),
        "standing": (np.float64, (), 0.0),        # z: SD units relative to the grade norm
        "intrapersonal": (np.float64, (), 0.0),
        "interpersonal": (np.float64, (), 0.0),
        "continuity": (np.int16, (), 0),          # years in a row with the same community
        "rate_sum": (np.float64, (), 0.0),        # sum of daily relative rates this year
        "intra_sum": (np.float64, (), 0.0),       # summed social-emotional quality this year
        "inter_sum": (np.float64, (), 0.0),       # summed project-facilitation quality
        "uncovered": (np.bool_, (), False),       # a needed domain carried by nobody qualified
        "entry_year": (np.int16, (), 0),
    }


class EducatorTable(ArrayTable):
    COLUMNS = {
        "person_id": (np.int64, (), -1),
        "status": (np.int8, (), ACTIVE),
        "role": (np.int8, (), 0),
        "category": (np.int8, (), 0),
        "fte": (np.float32, (), 1.0),
        "skill": (np.float32, (N_DOMAINS,), 0.0),
        "experience": (np.int16, (), 1),          # years including the current one
        "pathway": (np.int8, (), 0),
        "race": (np.int8, (), 0),
        "school": (np.int32, (), -1),
        "position": (np.int32, (), -1),
        "community": (np.int32, (), -1),          # primary community
        "load": (np.float64, (), 0.0),            # today's cognitive load (capacity units)
        "chronic_load": (np.float64, (), 0.8),
        "efficacy": (np.float64, (), 1.0),
        "satisfaction": (np.float32, (), 0.6),
        "chronic_sum": (np.float64, (), 0.0),     # sum of daily chronic load this year
        "feedback": (np.float32, (), 0.0),        # 0-1: feedback available on the team
        "mentor": (np.int32, (), -1),             # row of the mentor, -1 none
        "entry_year": (np.int16, (), 0),          # year first hired as an educator (cohorts)
        "exit_year": (np.int16, (), -1),          # summer (internal year) they left, -1 active
        "novice_entry": (np.bool_, (), False),    # entered the district as a first-year teacher
        "substitute": (np.bool_, (), False),      # long-term substitute covering a vacancy
        "credentials": (np.int16, (), 0),         # completed micro-credentials
        "studying": (np.int8, (), -1),            # domain of the credential in progress, -1 none
        "study_terms": (np.int16, (), 0),         # terms of a degree completed so far
        "degree": (np.bool_, (), False),          # holds a master's (or equivalent)
        "credential_cost": (np.float64, (), 0.0),  # district's credential spending this year
    }


class PositionTable(ArrayTable):
    COLUMNS = {
        "school": (np.int32, (), -1),
        "role": (np.int8, (), 0),
        "fte": (np.float32, (), 1.0),
        "community": (np.int32, (), -1),
        "holder": (np.int32, (), -1),             # educator row, -1 vacant
        "open": (np.bool_, (), True),             # False once a school's design replaced it
    }


class CommunityTable(ArrayTable):
    COLUMNS = {
        "school": (np.int32, (), -1),
        "grade": (np.int8, (), -1),               # lowest grade served
        "grade_high": (np.int8, (), -1),          # highest grade served (multi-age bands)
        "kind": (np.int8, (), 0),
        "roster_size": (np.int32, (), 25),
        "collaboration": (np.float32, (), 60.0),  # minutes per week
        "peer_group": (np.int32, (), -1),
        "open": (np.bool_, (), True),             # False once a school's design replaced it
    }


class MembershipTable(ArrayTable):
    """Who serves which community: a position's share of a community's work, per domain."""

    COLUMNS = {
        "position": (np.int32, (), -1),
        "community": (np.int32, (), -1),
        "duty": (np.float32, (N_DOMAINS,), 0.0),   # relative weight (fixed designs)
        "fixed": (np.float32, (N_DOMAINS,), -1.0),  # fixed share of the domain, -1 = none
        "units": (np.uint64, (), np.iinfo(np.uint64).max),  # bit u set: member in unit u
    }


class State:
    """All arrays of one run."""

    def __init__(self, students: int = 64, educators: int = 64,
                 student_columns: dict | None = None, educator_columns: dict | None = None):
        self.students = StudentTable(students, student_columns)
        self.educators = EducatorTable(educators, educator_columns)
        self.positions = PositionTable(educators)
        self.communities = CommunityTable(64)
        self.memberships = MembershipTable(educators)
        # Students and educators number in separate spaces: how many educators a design
        # hires must not change which ids (hence which keyed draws) the next students get.
        self.next_student_id = 0
        self.next_educator_id = 0

    def new_student_ids(self, count: int) -> np.ndarray:
        ids = np.arange(self.next_student_id, self.next_student_id + count, dtype=np.int64)
        self.next_student_id += count
        return ids

    def new_educator_ids(self, count: int) -> np.ndarray:
        ids = np.arange(self.next_educator_id, self.next_educator_id + count, dtype=np.int64)
        self.next_educator_id += count
        return ids


def _view(table: str, column: str, doc: str) -> property:
    def get(self):
        return getattr(self.model.state, table).column(column)[self.idx]

    def set(self, value):
        getattr(self.model.state, table).column(column)[self.idx] = value

    return property(get, set, doc=doc)


class Student(mesa.Agent):
    """A student; every attribute reads and writes row ``idx`` of ``model.state.students``."""

    def __init__(self, model: mesa.Model, idx: int):
        super().__init__(model)
        self.idx = int(idx)

    person_id = _view("students", "person_id", "stable id, never reused")
    grade = _view("students", "grade", "0 = kindergarten")
    school = _view("students", "school", "school index")
    community = _view("students", "community", "learning community index")
    need = _view("students", "need", "need profile per domain (row view)")
    low_income = _view("students", "low_income", "flag")
    english_learner = _view("students", "english_learner", "flag")
    disability = _view("students", "disability", "flag")
    advanced = _view("students", "advanced", "flag")
    race = _view("students", "race", "index into config.RACES")
    standing = _view("students", "standing", "z: achievement relative to the grade norm (SD)")
    intrapersonal = _view("students", "intrapersonal", "index")
    interpersonal = _view("students", "interpersonal", "index")


class Educator(mesa.Agent):
    """An educator; every attribute reads and writes row ``idx`` of ``model.state.educators``."""

    def __init__(self, model: mesa.Model, idx: int):
        super().__init__(model)
        self.idx = int(idx)

    person_id = _view("educators", "person_id", "stable id, never reused")
    role = _view("educators", "role", "index into roles.ROLE_NAMES")
    category = _view("educators", "category", "index into roles.CATEGORIES")
    fte = _view("educators", "fte", "full-time equivalent")
    skill = _view("educators", "skill", "skill per domain, 0-1 (row view)")
    experience = _view("educators", "experience", "years including the current one")
    school = _view("educators", "school", "school index")
    community = _view("educators", "community", "primary community")
    load = _view("educators", "load", "today's cognitive load")
    chronic_load = _view("educators", "chronic_load", "exponential mean of daily load")
    efficacy = _view("educators", "efficacy", "0-1")
    satisfaction = _view("educators", "satisfaction", "0-1")

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]
