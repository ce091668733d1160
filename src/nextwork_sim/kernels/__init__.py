"""Numba kernels, one mechanism a module, each with a pure-NumPy ``*_reference`` twin.

Kernels take arrays and scalars only, write into arrays they are given, and never draw
random numbers: draws come from keyed streams (keyed_random.py) computed outside them. The
model calls them through backend.py, where ``use_reference()`` swaps in the twins.
"""

from .attrition import attrition_probabilities, attrition_probabilities_reference
from .backend import reference_enabled, use_reference
from .cognitive_load import (
    chronic_and_efficacy,
    chronic_and_efficacy_reference,
    cognitive_load,
    cognitive_load_reference,
    load_share,
    load_share_reference,
)
from .daily_learning import (
    community_needs,
    community_needs_reference,
    instruction_quality_reference,
    unit_learning,
    unit_learning_reference,
)
from .satisfaction import satisfaction_update, satisfaction_update_reference
from .school_day import school_days, school_days_reference, unit_weights
from .skill_growth import (
    peer_learning,
    peer_learning_reference,
    skill_growth,
    skill_growth_reference,
)
from .task_demand import task_demand, task_demand_reference

__all__ = [
    "attrition_probabilities",
    "attrition_probabilities_reference",
    "chronic_and_efficacy",
    "chronic_and_efficacy_reference",
    "cognitive_load",
    "cognitive_load_reference",
    "community_needs",
    "community_needs_reference",
    "instruction_quality_reference",
    "load_share",
    "load_share_reference",
    "peer_learning",
    "peer_learning_reference",
    "reference_enabled",
    "satisfaction_update",
    "satisfaction_update_reference",
    "school_days",
    "school_days_reference",
    "skill_growth",
    "skill_growth_reference",
    "task_demand",
    "task_demand_reference",
    "unit_learning",
    "unit_learning_reference",
    "unit_weights",
    "use_reference",
]
