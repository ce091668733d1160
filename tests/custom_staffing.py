"""Staffing models written outside the package, for the tests: the docs/extending.md example
(``examples/extending/co_taught.py``, on the test path) and broken variants of it."""

from co_taught import CoTaught

from nextwork_sim.staffing.settings import StaffingSettings

__all__ = ["CoTaught", "NotAModel", "Untagged", "BadSettings"]


class NotAModel:
    pass


class Untagged(CoTaught):
    """CoTaught with a setting that has no design element (decompose must refuse it when two
    scenarios set it differently)."""

    class Settings(StaffingSettings):
        co_teachers: int = 2


class BadSettings(CoTaught):
    """A model whose Settings is not a staffing settings class."""

    Settings = dict
