"""Mechanisms as components: the summer is an ordered list of them (docs/extending.md).

A component is one mechanism (or one record of the year) with everything it needs in one
class:

- ``educator_columns`` / ``student_columns``: state columns it adds to the people tables,
  ``{name: (dtype, trailing shape, fill)}`` as in :mod:`nextwork_sim.population`;
- ``Parameters``: its settings, a subclass of :class:`MechanismSettings` (units, ranges and
  sources as for every parameter), read from the config's ``[mechanisms.NAME]`` table;
- ``stream``: the name of its keyed random stream (:meth:`Component.uniform`,
  :meth:`Component.normal`): draws that no other mechanism shares, so adding a component
  changes no other draw of a run;
- ``metrics``: the metrics its step records (:class:`nextwork_sim.outcomes.Metric`);
- ``step(context)``: what it does each summer, reading and writing the
  :class:`SummerContext`.

The built-in summer (:data:`nextwork_sim.summer.SUMMER`) is such a list. A component named in
a config (``[mechanisms.NAME] component = "module:Class"``) runs right after the built-in
step its class names in ``after``. Registering it (done when the config is validated) makes
its metrics known to the year's record and its stream to the keyed draws; its columns join
the tables of the models that run it. A column, metric or stream name that is a built-in one
is refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
from typing import Any, ClassVar

import numpy as np
from pydantic import field_validator

from .kernels import keyed_random
from .outcomes import COMPONENT_METRICS, METRICS, Metric, YearRecord
from .parameters import Frozen

Column = tuple[type, tuple[int, ...], Any]

#: the built-in summer's steps in order (``summer.SUMMER``; a test checks they agree): a
#: plug-in's ``after`` names one of them
BUILT_IN_STEPS = ("students", "payroll", "workforce", "attrition", "transition", "switch",
                  "advancement", "transfers", "cohorts", "hiring", "educators_checked",
                  "budget", "close_year", "experience", "promotion")


def _no_rows() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclasses.dataclass
class SummerContext:
    """What one summer's components hand each other, made afresh for every summer (and by
    ``SchoolSystemModel.load_state`` for the summer it replays), so nothing of a summer is
    left on the model for the next one to read.

    Each field is written by one built-in step (named after it) and read by later ones; a
    plug-in component may read any of them and keep its own results in ``extra``."""

    model: Any = None
    year: int = 0
    record: YearRecord = dataclasses.field(default_factory=YearRecord)
    #: invariant checks of the summer (``invariants.SummerWatch``), None when off
    watch: Any = None
    enrollment: int = 0  #: students: enrolled students with a community
    students_of_color: float = np.nan  #: students
    served: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: payroll: paid rows
    before: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: payroll: post holders
    pay: Any = None  #: payroll: the year's pay of ``served``
    rows: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: attrition: at risk
    outcome: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: attrition
    movers: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: attrition
    attrition_terms: tuple = ()  #: attrition: (terms, p_move, p_leave)
    #: within-district movers, attrition's and then those a switch displaced
    transfers: np.ndarray = dataclasses.field(default_factory=_no_rows)
    displaced: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: switch
    role_changes: int = 0  #: switch
    transition: dict = dataclasses.field(default_factory=dict)  #: transition
    advanced: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: advancement
    promoted_out: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: advancement
    grown: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: advancement
    #: advancement: residents who served their years, found no post and left the district
    residents_left: np.ndarray = dataclasses.field(default_factory=_no_rows)
    ladder_cost: float = 0.0  #: advancement: the grow-your-own steps' cost (recruitment)
    placed: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: transfers
    hired: np.ndarray = dataclasses.field(default_factory=_no_rows)  #: hiring
    budget: dict = dataclasses.field(default_factory=dict)  #: budget
    #: plug-in components' results, by component name
    extra: dict = dataclasses.field(default_factory=dict)


class MechanismSettings(Frozen):
    """A plug-in component's ``[mechanisms.NAME]`` table: ``component`` names its class;
    a component's own ``Parameters`` subclass this and add its fields (with ``param``)."""

    component: str

    @field_validator("component")
    @classmethod
    def _component_loads(cls, value: str) -> str:
        problem = component_class_problem(value)
        if problem:
            raise ValueError(f"component {value!r} {problem}")
        return value


class Component:
    """One mechanism of the summer: its columns, parameters, stream, step and metrics."""

    #: the component's name: where it runs (``after``), whose results ``context.extra`` holds
    name: ClassVar[str] = ""
    #: a plug-in runs right after the built-in step of this name (one of BUILT_IN_STEPS);
    #: by default after the budget, before the year's record closes
    after: ClassVar[str] = "budget"
    educator_columns: ClassVar[dict[str, Column]] = {}
    student_columns: ClassVar[dict[str, Column]] = {}
    metrics: ClassVar[dict[str, Metric]] = {}
    #: the name of its keyed random stream (None: it draws nothing)
    stream: ClassVar[str | None] = None
    Parameters: ClassVar[type[MechanismSettings]] = MechanismSettings

    def __init__(self, parameters: MechanismSettings | None = None):
        self.parameters = parameters

    def step(self, context: SummerContext) -> None:
        raise NotImplementedError(f"{type(self).__name__}.step")

    # Hooks outside the summer's order (docs/extending.md): the built-in components leave
    # them as they are, so a run without plug-ins is what it was.
    def start(self, model) -> None:
        """Called once when the model is built, after the initial workforce is placed and
        before the first school day: a component sets its columns for year 0 here."""

    def hiring_terms(self, model, year: int, pool, vacant: np.ndarray):
        """A say in hiring from the pipelines: None, or (per vacancy float64 [V, T], per
        candidate of ``pool`` float64 [C, T]); each vacancy's match score of a candidate
        gains Σ_t vacancy[v, t]·candidate[c, t] (``vacant`` in the order they are filled)."""
        return None

    def placement_fit(self, model, person: int, posts: np.ndarray):
        """A say in where the district places someone it employs: None, or for each of
        ``posts`` (the open posts the person may take, in the order they would be taken)
        whether the person suits it. A within-district mover takes the first post at another
        school that suits every component that answers, and leaves the district when none
        does (as when no vacancy of its category is open); an incumbent of a school that
        switches design takes the first new post that suits, else the first it may hold."""
        return None

    def hired(self, model, year: int, rows: np.ndarray, candidates: np.ndarray) -> None:
        """Told who hiring placed: the new educator ``rows`` and, for each, the index of the
        pool candidate it was (-1: a long-term substitute)."""

    @classmethod
    def results_tables(cls, results) -> dict:
        """Tables a results folder holds besides the runs, from the tidy ``results`` of all
        runs (columns scenario, replication, year, metric, group, value): ``{file name:
        DataFrame}``, each written as CSV next to summary.csv."""
        return {}

    def uniform(self, context: SummerContext, ids: np.ndarray, sub: int = 0) -> np.ndarray:
        """Uniforms in (0, 1), one per person id, from this component's stream this summer
        (``sub`` numbers the summer's separate draws)."""
        return keyed_random.uniform(context.model.run_key, self._stream(), context.year, ids,
                                    sub)

    def normal(self, context: SummerContext, ids: np.ndarray, sub: int = 0) -> np.ndarray:
        """Standard normals, one per person id, from this component's stream (uniform
        sub-events ``2·sub`` and ``2·sub + 1``)."""
        return keyed_random.normal(context.model.run_key, self._stream(), context.year, ids,
                                   sub)

    def _stream(self) -> str:
        if self.stream is None:
            raise ValueError(f"{type(self).__name__} declares no stream: set its `stream`")
        return self.stream

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


# --- registration -----------------------------------------------------------------------------

#: streams of plug-in components are numbered from their name's hash, above the built-in ones
_PLUGIN_STREAM_BASE = 1 << 20


def stream_number(name: str) -> int:
    """A plug-in stream's fixed number: from its name only, so it is the same in every
    process and whatever else is registered."""
    digest = hashlib.sha256(name.encode()).digest()
    return _PLUGIN_STREAM_BASE + int.from_bytes(digest[:6], "little")


def register_component(cls: type[Component]) -> type[Component]:
    """Adds ``cls``'s metrics and stream to the run's tables (again is a no-op); raises
    ValueError when one of its names, or of its columns, is taken by something else. Its
    columns join the tables of the models that run it (:func:`component_columns`)."""
    from .population import EducatorTable, StudentTable  # start-up time: mesa

    owner = f"component {cls.__name__}"
    if not cls.name:
        raise ValueError(f"{owner}: give it a name")
    for kind, built_in, own in (("educator column", EducatorTable.COLUMNS, cls.educator_columns),
                                ("student column", StudentTable.COLUMNS, cls.student_columns),
                                ("metric", METRICS, cls.metrics)):
        taken = sorted(set(own) & set(built_in))
        if taken:
            raise ValueError(f"{owner}: {kind} {taken[0]!r} is a built-in one")
    for name, metric in cls.metrics.items():
        if COMPONENT_METRICS.setdefault(name, metric) != metric:
            raise ValueError(f"{owner}: metric {name!r} is defined differently by another "
                             "component")
    if cls.stream is not None:
        number = keyed_random.STREAMS.setdefault(cls.stream, stream_number(cls.stream))
        if number != stream_number(cls.stream):
            raise ValueError(f"{owner}: stream {cls.stream!r} is a built-in one")
    return cls


def component_columns(components: list[Component], table: str) -> dict[str, Column]:
    """The columns ``components`` add to the ``table`` ("educators" or "students"); ValueError
    when two define one differently."""
    columns: dict[str, Column] = {}
    for component in components:
        for name, spec in getattr(component, f"{table[:-1]}_columns").items():
            if columns.setdefault(name, spec) != spec:
                raise ValueError(f"{table} column {name!r} is defined differently by two "
                                 "components")
    return columns


def component_class_problem(name: str) -> str | None:
    """Why the ``module:Class`` ``name`` is not a usable component (one line), or None; a
    usable one is registered."""
    module_name, _, class_name = name.partition(":")
    if not module_name or not class_name:
        return "is not of the form module:Class"
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except Exception as error:  # importing runs the module's code: any error is the module's
        reason = " ".join(str(error).split())
        return f"cannot be loaded ({type(error).__name__}: {reason})"
    if not (isinstance(cls, type) and issubclass(cls, Component)):
        return "is not a nextwork_sim.components.Component subclass"
    if cls.step is Component.step:
        return "does not implement step"
    if cls.after not in BUILT_IN_STEPS:
        return f"runs after {cls.after!r}, not a step of the summer ({', '.join(BUILT_IN_STEPS)})"
    if not (isinstance(cls.Parameters, type) and issubclass(cls.Parameters, MechanismSettings)):
        return "has Parameters that do not subclass nextwork_sim.components.MechanismSettings"
    try:
        register_component(cls)
    except ValueError as error:
        return f"cannot be registered ({error})"
    return None


def component_class(name: str) -> type[Component]:
    """The component class ``module:Class`` names (registered); ValueError if unusable."""
    problem = component_class_problem(name)
    if problem:
        raise ValueError(f"component {name!r} {problem}")
    module_name, _, class_name = name.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def mechanism_of_its_component(data: Any) -> Any:
    """A ``[mechanisms.NAME]`` table validated by its component's ``Parameters``; a table
    whose component does not load is validated by the base class, whose ``component``
    check names the problem."""
    if not isinstance(data, dict):
        return data
    name = data.get("component")
    cls = MechanismSettings
    if isinstance(name, str) and component_class_problem(name) is None:
        cls = component_class(name).Parameters
    return cls.model_validate(data)


def summer_components(built_in: list[Component], mechanisms: dict) -> list[Component]:
    """The run's summer: the built-in components in order, each plug-in of ``mechanisms``
    (``{name: its settings}``) right after the built-in step its class names in ``after``
    (plug-ins after the same step run in the order the config lists them)."""
    order = list(built_in)
    for settings in mechanisms.values():
        cls = component_class(settings.component)
        at = next(i for i, c in enumerate(order) if c in built_in and c.name == cls.after)
        while at + 1 < len(order) and order[at + 1] not in built_in:
            at += 1  # after the plug-ins already placed there
        order.insert(at + 1, cls(settings))
    return order


def component_tables(scenarios: list, results) -> dict:
    """The ``results_tables`` of every component the ``scenarios`` run (each class once, in
    order of first appearance); ValueError when two name the same file."""
    tables: dict = {}
    seen: list[type] = []
    for scenario in scenarios:
        for settings in scenario.mechanisms.values():
            cls = component_class(settings.component)
            if cls in seen:
                continue
            seen.append(cls)
            for name, frame in cls.results_tables(results).items():
                if name in tables:
                    raise ValueError(f"results table {name!r} is written by two components")
                tables[name] = frame
    return tables
