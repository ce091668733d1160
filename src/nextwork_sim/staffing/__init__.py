"""Staffing models: one class a model (docs/odd.md §6). ``REGISTRY`` maps config names to classes;
a config may also name ``module:Class`` to load a model from outside the package."""

from __future__ import annotations

import importlib

from .base import Members, School, SchoolDesign, StaffingModel
from .configured import ConfiguredModel
from .next_workforce import NextWorkforce
from .opportunity_culture import OpportunityCulture
from .settings import StaffingSettings
from .traditional import Traditional

REGISTRY: dict[str, type[StaffingModel]] = {
    Traditional.name: Traditional,
    NextWorkforce.name: NextWorkforce,
    OpportunityCulture.name: OpportunityCulture,
    ConfiguredModel.name: ConfiguredModel,
}


def staffing_class(name: str) -> type[StaffingModel]:
    """The class a config's ``staffing.model`` names (registered name or ``module:Class``)."""
    cls, problem = _load(name)
    if problem:
        raise ValueError(f"staffing.model = {name!r}: {problem}")
    return cls


def settings_class(name: str) -> type[StaffingSettings]:
    """The class that validates ``[staffing]`` of the model ``name``: the model's own
    ``Settings`` (the shared ``StaffingSettings`` for a model without settings of its own, or
    for a name that does not load, whose error the ``model`` field reports)."""
    cls, problem = _load(name)
    return StaffingSettings if problem else cls.Settings


def models_declaring(field: str) -> list[str]:
    """Registered models whose own settings have ``field`` (the shared ones aside)."""
    if field in StaffingSettings.model_fields:
        return []
    return [name for name, cls in REGISTRY.items() if field in cls.Settings.model_fields]


def staffing_class_problem(name: str) -> str | None:
    """Why ``staffing_class(name)`` would fail (one line), or None: what config checks ask."""
    return _load(name)[1]


def _load(name: str) -> tuple[type[StaffingModel] | None, str | None]:
    if name in REGISTRY:
        return REGISTRY[name], None
    module_name, _, class_name = name.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except Exception as error:  # importing runs the module's code: any error is the module's
        reason = " ".join(str(error).split())
        return None, f"cannot load it ({type(error).__name__}: {reason})"
    if not (isinstance(cls, type) and issubclass(cls, StaffingModel)):
        return None, "is not a StaffingModel subclass"
    missing = [method for method in ("form_communities", "allocate")
               if getattr(cls, method) is getattr(StaffingModel, method)]
    if missing:
        return None, f"does not implement {' and '.join(missing)}"
    if not (isinstance(cls.Settings, type) and issubclass(cls.Settings, StaffingSettings)):
        return None, ("its Settings is not a subclass of "
                      "nextwork_sim.staffing.settings.StaffingSettings")
    return cls, None


__all__ = ["REGISTRY", "staffing_class", "staffing_class_problem", "settings_class",
           "models_declaring", "StaffingModel", "StaffingSettings", "School", "SchoolDesign",
           "Members"]
