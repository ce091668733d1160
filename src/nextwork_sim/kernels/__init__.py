"""Numba kernels, one mechanism a module, each with a pure-NumPy ``*_reference`` twin.

Kernels take arrays, scalars and tuples of them only, write into arrays they are given, and
never draw random numbers: draws come from keyed streams (keyed_random.py) computed outside
them. The day's formulas (load, efficacy, skill growth) are written once, in school_day.py.
Each module registers its kernels with their twins in backend.py, through which the model
calls them and where ``use_reference()`` swaps in the twins.
"""

# Every kernel module is imported here so that all kernels are registered (backend.KERNELS)
# whichever of them a caller imports first.
from . import (  # noqa: F401
    allocation,
    attrition,
    daily_learning,
    grouped,
    peer_learning,
    satisfaction,
    school_day,
)
from .backend import KERNELS, reference_enabled, use_reference

__all__ = ["KERNELS", "reference_enabled", "use_reference"]
