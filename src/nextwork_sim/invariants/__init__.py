"""Invariants checked every simulated year, on by default (docs/odd.md §4.6).

A run that breaks one stops with :class:`InvariantError`: one line naming the invariant, the
year and, where it applies, the school. They hold by construction in a correct model, so a
violation is a defect (or a config whose numbers the model cannot run), never a result.

- ``positions_held_or_vacant``: every open position is vacant or held by one active educator
  whose position is it, closed positions hold nobody, every active educator holds one open
  position of her school (nobody in transit between summers); the year's ``positions`` and
  ``vacant_posts`` agree with who held what.
- ``educators_conserved``: over each summer, at district level, active before + hires +
  substitutes hired - every way out (substitutes released, leavers, retirees, movers out, left
  the classroom for promotion, within-district movers and displaced who found no post) =
  active after; the state's status changes match each named flow, and the internal flows
  (within-district moves, displacements, role changes, advancement, grow-your-own moves) only
  move people who were active and stay so.
- ``students_conserved``: enrolled before - graduates (grade 12) - leavers (the top grade of a
  level with no next-level school) + the entering kindergarten = enrolled after; every
  enrolled student in a school that teaches her grade.
- ``finite_state``: no NaN or inf in any float column of the state; ``shares_in_0_1``: skills,
  efficacy, satisfaction, feedback, FTE and fixed shares of the state, and every share metric
  of the year's record, in [0, 1]; ``finite_results``: no NaN or inf in the record;
  ``cost_lines_add_up``: the budget lines add up to ``cost_total``, none negative.

Switch them off (``SchoolSystemModel(..., invariants=False)``, ``nextwork-sim bench
--no-invariants`` or ``NEXTWORK_SIM_INVARIANTS=0``) to time the model without them; results
are the same either way.
"""

from __future__ import annotations

from .core import ENVIRONMENT, InvariantError, broken, enabled_by_default, when
from .state import (
    SHARE_METRICS,
    check_positions,
    check_record,
    check_state,
)
from .summer import SummerWatch

__all__ = ["ENVIRONMENT", "InvariantError", "SHARE_METRICS", "SummerWatch", "broken",
           "check_positions", "check_record", "check_state", "enabled_by_default", "when"]
