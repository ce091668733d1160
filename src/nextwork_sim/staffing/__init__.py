"""Staffing models: one class a model (docs/odd.md §6). ``REGISTRY`` maps config names to classes;
a config may also name ``module:Class`` to load a model from outside the package."""

from __future__ import annotations

import importlib

from .base import Members, School, SchoolDesign, StaffingModel
from .configured import ConfiguredModel
from .next_workforce import NextWorkforce
from .opportunity_culture import OpportunityCulture
from .traditional import Traditional

REGISTRY: dict[str, type[StaffingModel]] = {
    Traditional.name: Traditional,
    NextWorkforce.name: NextWorkforce,
    OpportunityCulture.name: OpportunityCulture,
    ConfiguredModel.name: ConfiguredModel,
}


def staffing_class(name: str) -> type[StaffingModel]:
    """The class a config's ``staffing.model`` names (registered name or ``module:Class``)."""
    if name in REGISTRY:
        return REGISTRY[name]
    module_name, _, class_name = name.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"staffing.model = {name!r}: cannot load it ({error})") from None
    if not (isinstance(cls, type) and issubclass(cls, StaffingModel)):
        raise ValueError(f"staffing.model = {name!r} is not a StaffingModel subclass")
    return cls


__all__ = ["REGISTRY", "staffing_class", "StaffingModel", "School", "SchoolDesign", "Members"]
