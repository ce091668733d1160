"""Which twin the model calls: the Numba kernels (default) or their NumPy references.

Every kernel module registers each of its kernels with its twin (:func:`register`), and the
model calls the registered pair by the kernel's name: ``backend.school_days(...)``, or
``from .kernels.backend import school_days``. There are no per-kernel wrappers, because a
kernel and its twin keep one convention:

**A twin is a drop-in for its kernel**: the same arguments, the same arrays written, the
same value returned. State the model keeps (skill, chronic load, satisfaction, running
sums) is updated in place, and a result the caller holds across calls is written into an
array it passes (``out``, ``out_*``), so the day and unit loops allocate nothing; a result
whose size only the call knows (a unit's layout, a fresh weight table) is returned.

``with use_reference():`` runs the whole model in this process on the references instead,
so the optimised path can be checked end to end against plain NumPy
(tests/test_reference_path.py). The environment variable ``NEXTWORK_KERNELS=reference``,
read at import, does the same for a whole command, worker processes included. The keyed
random streams are inputs, not mechanisms, and stay on Numba in both paths.

This module imports no kernel module (they import it), so any of them can use the registry.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager

BACKENDS = ("numba", "reference")
_backend = os.environ.get("NEXTWORK_KERNELS", "numba")
if _backend not in BACKENDS:
    raise ValueError(f"NEXTWORK_KERNELS={_backend!r}: expected one of {BACKENDS}")


def reference_enabled() -> bool:
    """True while the model runs on the NumPy references."""
    return _backend == "reference"


@contextmanager
def use_reference(enabled: bool = True):
    """Inside the block, run on the NumPy references (``enabled``) or on Numba (not)."""
    global _backend
    previous = _backend
    _backend = "reference" if enabled else "numba"
    try:
        yield
    finally:
        _backend = previous


class Kernel:
    """A Numba kernel and its NumPy twin; calling it runs the selected one."""

    def __init__(self, kernel: Callable, twin: Callable):
        self.kernel, self.twin = kernel, twin
        self.name = kernel.__name__
        self.__doc__ = kernel.__doc__

    def __call__(self, *args):
        if _backend == "reference":
            return self.twin(*args)
        return self.kernel(*args)

    def __repr__(self) -> str:
        return f"Kernel({self.name})"


#: every registered kernel by name
KERNELS: dict[str, Kernel] = {}


def register(kernel: Callable, twin: Callable) -> Kernel:
    """Registers ``kernel`` (a Numba function) with its NumPy ``twin``; returns the pair."""
    entry = Kernel(kernel, twin)
    if entry.name in KERNELS:
        raise ValueError(f"kernel {entry.name!r} is registered twice")
    KERNELS[entry.name] = entry
    return entry


def __getattr__(name: str) -> Kernel:
    """``backend.NAME``: the registered kernel of that name (the package's ``__init__``
    imports every kernel module, so all are registered by then)."""
    try:
        return KERNELS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
