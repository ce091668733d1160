"""SchoolSystemModel: assembles district → schools → learning communities → people from a
scenario and a seed, and runs them through the calendar. Assembly only: every mechanism lives
in kernels/, school_year.py, summer.py and workforce/."""

from __future__ import annotations

import inspect
import itertools

import mesa
import numpy as np
import pandas as pd

from .adoption import (
    build_staffing_models,
    design_columns,
    design_signature,
    model_index_in_year,
    school_plan,
    switch_schools,
)
from .calendar import SchoolCalendar, YearShape
from .components import component_columns, summer_components
from .config import ConfigError, Scenario, resolve
from .district import add_students, build_schools, initial_roster
from .invariants import check_state, enabled_by_default
from .population import ACTIVE, Educator, State, Student
from .registration import create_agents, gc_paused, old_objects_frozen, remove_agents
from .roles import ROLE_INDEX, RoleCatalogue
from .saved_state import read_state, write_state
from .school_year import SchoolYear
from .summer import SUMMER, SummerContext, book_transition
from .workforce.attrition import settle_transfers
from .workforce.hiring import fill_vacancies

_MESA_TAKES_RNG = "rng" in inspect.signature(mesa.Model.__init__).parameters


def run_key(seed: int, replication: int = 0) -> int:
    """The 64-bit key of one replication: SeedSequence(seed).spawn(...)[replication]."""
    child = np.random.SeedSequence(int(seed)).spawn(replication + 1)[replication]
    return int(child.generate_state(1, dtype=np.uint64)[0])


class SchoolSystemModel(mesa.Model):
    """One district under one staffing model; ``run(years)`` returns the tidy yearly table."""

    def __init__(self, scenario: Scenario | dict | str, seed: int = 0, replication: int = 0,
                 invariants: bool | None = None):
        scenario = resolve(scenario)
        if _MESA_TAKES_RNG:
            super().__init__(rng=int(seed))
        else:  # pragma: no cover - Mesa versions without rng=
            super().__init__(seed=int(seed))
        self.config = scenario
        self.seed = int(seed)
        self.replication = int(replication)
        # checked every year unless switched off (invariants.py); results do not depend on it
        self.invariants = enabled_by_default() if invariants is None else bool(invariants)
        self.run_key = run_key(seed, replication)
        self.shape = YearShape.from_params(scenario.calendar)
        self.schools = build_schools(scenario, self.run_key)
        settings, self.school_plan = school_plan(scenario, self.schools, self.run_key,
                                                 scenario.burn_in_years)
        self.roles = RoleCatalogue(tuple(r for entry in settings for r in entry.roles))
        self.staffing_models = build_staffing_models(settings, self.shape.unit_terms(),
                                                     self.roles)
        self.staffing = self.staffing_models[0]
        self.school_model = model_index_in_year(self.school_plan, 0)
        self.displaced = 0
        # A summer's switch, by the year it prepared (summer.book_transition), until that
        # year's summer records it: the one thing a summer leaves for the next. Not saved
        # with a state: load_state books the last summer's switches afresh.
        self.transition_booked: dict[int, dict] = {}
        self.design_signatures: dict[int, str] = {}
        self._peer_groups: dict[tuple, int] = {}
        self.summer = summer_components(SUMMER, self.config.mechanisms)
        self.state = State(students=sum(s.enrollment for s in self.schools) * 2,
                           student_columns=component_columns(self.summer, "students"),
                           educator_columns=component_columns(self.summer, "educators"))
        self._student_agents: dict[int, Student] = {}
        self._educator_agents: dict[int, Educator] = {}
        self.days_this_year = 0
        self.year = 0
        self._records: list[tuple[int, list]] = []
        with gc_paused():
            self._build()
        if self.invariants:
            check_state(self, None)
        self.school_year = SchoolYear(self)
        self.calendar = SchoolCalendar(self.school_year, self.shape)

    # --- assembly -----------------------------------------------------------------------
    def _build(self) -> None:
        school_of, grades = initial_roster(self.schools)
        rows = add_students(self.state, self.config, self.run_key, self.schools, school_of,
                            grades, 0)
        self.add_student_agents(rows)
        for school in self.schools:
            staffing = self.staffing_models[self.school_model[school.index]]
            self.add_design(school, staffing.form_communities(school))
        fill_vacancies(self, 0, initial=True)
        for component in self.summer:
            component.start(self)

    def add_design(self, school, design, columns=None) -> np.ndarray:
        """Append a school's communities, positions and memberships; returns the positions.
        ``columns`` is ``adoption.design_columns(design)`` when the caller has it already."""

        cols = design_columns(design) if columns is None else columns
        self.design_signatures[school.index] = design_signature(design, cols)
        state = self.state
        c, positions, members = state.communities, state.positions, state.memberships
        k = c.add(len(cols.kind))
        k0 = int(k[0]) if k.size else c.n
        c.school[k] = school.index
        c.grade[k], c.grade_high[k], c.kind[k] = cols.grade, cols.grade_high, cols.kind
        c.roster_size[k], c.collaboration[k] = cols.capacity, cols.collaboration
        # peer groups are numbered in order of first appearance over the whole build
        groups = self._peer_groups
        c.peer_group[k] = [groups.setdefault((school.index, *key), len(groups))
                           for key in cols.peer_group]
        p = positions.add(len(cols.role))
        p0 = int(p[0]) if p.size else positions.n
        positions.school[p] = school.index
        positions.role[p] = [self.roles.index[role] for role in cols.role]
        positions.fte[p], positions.community[p] = cols.fte, k0 + cols.position_community
        m = members.add(len(cols.units))
        members.position[m] = p0 + cols.member_position
        members.community[m] = k0 + cols.member_community
        members.duty[m], members.fixed[m] = cols.duty, cols.fixed
        members.units[m] = cols.units
        return p

    # Agents are made and dropped in batches (registration.create_agents): the same agents,
    # unique_ids and Mesa registries as one ``Student(self, row)`` per row, at a tenth the cost.
    def add_student_agents(self, rows: np.ndarray) -> None:
        rows = rows.tolist()
        self._student_agents.update(zip(rows, create_agents(self, Student, rows), strict=True))

    def add_educator_agents(self, rows: np.ndarray) -> None:
        rows = rows.tolist()
        self._educator_agents.update(zip(rows, create_agents(self, Educator, rows), strict=True))

    def remove_student_agents(self, rows: np.ndarray) -> None:
        remove_agents(self, _popped(self._student_agents, rows))

    def remove_educator_agents(self, rows: np.ndarray) -> None:
        remove_agents(self, _popped(self._educator_agents, rows))

    def _remove_every_agent(self) -> None:
        """Deregister all agents: ours in bulk, then anything else through Mesa."""
        remove_agents(self, list(self._student_agents.values()))
        remove_agents(self, list(self._educator_agents.values()))
        self._student_agents.clear()
        self._educator_agents.clear()
        self.remove_all_agents()

    def year_share_served(self, rows: np.ndarray) -> np.ndarray:
        """Part of the year each educator served: unit-length members serve their units only."""
        state = self.state
        n_units = self.shape.n_units
        position = state.educators.position[rows]
        mask = np.zeros(state.positions.n, dtype=np.uint64)
        np.bitwise_or.at(mask, state.memberships.position, state.memberships.units)
        units = mask[position] & np.uint64((1 << n_units) - 1)
        bits = np.unpackbits(np.ascontiguousarray(units).view(np.uint8)).reshape(-1, 64)
        served = bits.sum(axis=1, dtype=np.int64) / n_units  # units each member serves
        is_unit = state.educators.role[rows] == ROLE_INDEX["community_educator"]
        return np.where(is_unit, served, 1.0)

    # --- saved states -------------------------------------------------------------------
    TABLES = ("students", "educators", "positions", "communities", "memberships")

    def save_state(self, path) -> None:
        """Write the whole state (every table, the year and the per-school bookkeeping) to an
        ``.npz`` file via a temporary name, with a schema version and a checksum
        (saved_state.py), so a run can start from it (``--from-state``)."""

        arrays = {f"{name}.{column}": getattr(self.state, name).column(column)[
            : getattr(self.state, name).n] for name in self.TABLES
            for column in getattr(self.state, name).COLUMNS}
        meta = {"year": self.year, "seed": self.seed, "replication": self.replication,
                "district": self.config.district.model_dump(mode="json"),
                "burn_in_years": self.config.burn_in_years,
                "staffing": self.config.staffing.model_dump(mode="json"),
                "school_model": self.school_model.tolist(),
                "design_signatures": {str(k): v for k, v in self.design_signatures.items()},
                "peer_groups": [[list(k), v] for k, v in self._peer_groups.items()],
                "next_student_id": self.state.next_student_id,
                "next_educator_id": self.state.next_educator_id, "displaced": self.displaced}
        write_state(path, arrays, meta)

    def load_state(self, path) -> None:
        """Replace this model's state by a saved one (same district, seed and replication);
        schools whose staffing differs from the saved one switch now, as in a summer."""

        saved, meta = read_state(path, {name: getattr(self.state, name).COLUMNS
                                        for name in self.TABLES})
        problems = [name for name, mine, theirs in (
            ("seed", self.seed, meta["seed"]),
            ("replication", self.replication, meta["replication"]),
            ("district", self.config.district.model_dump(mode="json"), meta["district"]),
            ("burn_in_years", self.config.burn_in_years, meta["burn_in_years"]),
            ("base staffing", self.config.staffing.model_dump(mode="json"),
             meta["staffing"]))
            if mine != theirs]
        if problems:
            raise ConfigError(f"{path}: saved state does not match this run "
                              f"({', '.join(problems)} differ)")
        self._remove_every_agent()
        for name in self.TABLES:
            table = getattr(self.state, name)
            columns = {c: saved[f"{name}.{c}"] for c in table.COLUMNS}
            # the components' columns too (the table's own COLUMNS hold them, its class's not)
            extra = {c: spec for c, spec in table.COLUMNS.items()
                     if c not in type(table).COLUMNS}
            fresh = type(table)(max(2 * len(next(iter(columns.values()))), 64), extra)
            rows = fresh.add(len(next(iter(columns.values()))))
            for column, values in columns.items():
                fresh.column(column)[rows] = values
            setattr(self.state, name, fresh)
        self.state.next_student_id = meta["next_student_id"]
        self.state.next_educator_id = meta["next_educator_id"]
        self.year = meta["year"]
        self.displaced = meta["displaced"]
        self.design_signatures = {int(k): v for k, v in meta["design_signatures"].items()}
        self._peer_groups = {tuple(k): v for k, v in meta["peer_groups"]}
        if any(meta["school_model"]):
            raise ConfigError(f"{path}: saved while some schools ran an adopted model; save "
                              "burn-in states of a single staffing model")
        self.school_model = np.zeros(len(self.schools), dtype=np.int64)
        self.add_student_agents(np.flatnonzero(self.state.students.status == 0))
        self.add_educator_agents(np.flatnonzero(self.state.educators.status == ACTIVE))
        if self.year > 0:  # the last summer's switches, for this run's adoption plan

            context = SummerContext()
            switch_schools(self, self.year - 1, context)
            settle_transfers(self, self.year - 1, context.transfers)
            book_transition(self, self.year - 1, context)
            fill_vacancies(self, self.year - 1)
        if self.invariants:
            check_state(self, self.year - 1, "after loading the saved state")

    # --- running ------------------------------------------------------------------------
    def close_year(self, year: int, rows: list) -> None:
        """Called by the summer when the year's record is complete (docs/odd.md §3.13)."""
        reported = year - self.config.burn_in_years + 1
        if reported >= 1:
            self._records.append((reported, rows))
        self.year = year + 1

    def run(self, years: int | None = None, progress=None) -> pd.DataFrame:
        """Burn in, then run ``years`` reported years (default: the scenario's)."""
        years = self.config.years if years is None else int(years)
        total = self.config.burn_in_years + years
        with old_objects_frozen():
            self.calendar.run(total - self.year, first_year=self.year, progress=progress)
        return self.results()

    def results(self) -> pd.DataFrame:
        frames = [pd.DataFrame(rows, columns=["metric", "group", "value"]).assign(year=year)
                  for year, rows in self._records]
        if not frames:
            return pd.DataFrame(columns=["year", "metric", "group", "value"])
        table = pd.concat(frames, ignore_index=True)
        table["year"] = table["year"].astype("int32")
        return table[["year", "metric", "group", "value"]]

    def release(self) -> None:
        """Drop this model from Mesa's class-level registries (Mesa 3.3 keeps every model
        alive in ``Agent._ids``), so long-lived workers do not grow."""
        self._remove_every_agent()
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)

    @property
    def active_educators(self) -> np.ndarray:
        return np.flatnonzero(self.state.educators.status == ACTIVE)


def _popped(agents: dict, rows: np.ndarray) -> list:
    """The agents of ``rows`` that ``agents`` held, removed from it (rows it lacks are skipped)."""
    return [a for a in map(agents.pop, rows.tolist(), itertools.repeat(None)) if a is not None]
