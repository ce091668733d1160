"""What every invariant check shares: the error, where it was broken, and whether checks are
on (imported by the checks in state.py and summer.py, re-exported by the package)."""

from __future__ import annotations

import os

ENVIRONMENT = "NEXTWORK_SIM_INVARIANTS"


class InvariantError(RuntimeError):
    """A broken invariant; ``str()`` is one line naming it, the year and the school. Built
    from its args alone (``type(error)(*error.args)``, as SimPy re-raises and pickling do)."""

    def __init__(self, message: str, invariant: str = ""):
        super().__init__(message, invariant)
        self.invariant = invariant

    def __str__(self) -> str:
        return self.args[0]


def broken(invariant: str, where: str, detail: str) -> InvariantError:
    """The error for ``invariant``, broken ``where`` (``when(...)``): ``detail`` says how."""
    return InvariantError(f"invariant {invariant} broken {where}: {detail}", invariant)


def enabled_by_default() -> bool:
    """On unless ``NEXTWORK_SIM_INVARIANTS`` is 0, off, false or no."""
    return os.environ.get(ENVIRONMENT, "1").strip().lower() not in ("0", "off", "false", "no")


def when(model, year: int | None, moment: str = "") -> str:
    """'in year 3 (...)': the reported year, or the burn-in year, and the moment."""
    if year is None:
        text = "at build"
    else:
        reported = year - model.config.burn_in_years + 1
        text = (f"in year {reported}" if reported >= 1
                else f"in burn-in year {year + 1}")
    return f"{text}{' ' + moment if moment else ''}"


def school_label(model, index) -> str:
    index = int(index)
    if 0 <= index < len(model.schools):
        return f"school {model.schools[index].name!r}"
    return f"school index {index} (the district has {len(model.schools)})"
