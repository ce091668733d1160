"""The school calendar as SimPy processes (docs/odd.md §3.1).

Time is counted in school days. Each school year the ``year`` process starts a ``day`` clock
and the ``unit``, ``week`` and ``term`` processes; they hand off through events: the clock
waits until the unit process has opened a unit (unit-length members joined, work allocated),
runs the days up to the next boundary (a week's, unit's or term's last day) in one call of
the day kernels, then fires that boundary's event and waits for its process to finish.
When the clock has run the last day the ``summer`` process runs.
The work done at each event lives in :mod:`nextwork_sim.school_year` (days, weeks, units) and
:mod:`nextwork_sim.summer`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import simpy


@dataclass(frozen=True)
class YearShape:
    """Where the week, unit and term boundaries fall in a year of ``days`` school days."""

    days: int
    days_per_week: int
    unit_days: int
    terms: int

    @classmethod
    def from_params(cls, calendar) -> YearShape:
        return cls(calendar.school_days, calendar.days_per_week,
                   calendar.unit_weeks * calendar.days_per_week, calendar.terms)

    @property
    def n_units(self) -> int:
        return math.ceil(self.days / self.unit_days)

    @property
    def n_weeks(self) -> int:
        return math.ceil(self.days / self.days_per_week)

    def unit_of(self, day: int) -> int:
        return day // self.unit_days

    def is_week_end(self, day: int) -> bool:
        return (day + 1) % self.days_per_week == 0 or day == self.days - 1

    def is_unit_end(self, day: int) -> bool:
        return (day + 1) % self.unit_days == 0 or day == self.days - 1

    def is_boundary(self, day: int) -> bool:
        return (self.is_week_end(day) or self.is_unit_end(day)
                or day in self.term_ends())

    def spans(self) -> list[tuple[int, int]]:
        """(first, last) school day of each run of days that ends at a boundary (a week's,
        unit's or term's last day) and has none before it: the days the clock runs in one
        call, since nothing outside the school day happens between them."""
        spans, first = [], 0
        for day in range(self.days):
            if self.is_boundary(day):
                spans.append((first, day))
                first = day + 1
        return spans

    def longest_span(self) -> int:
        """Days in the longest span: the rows of scratch a span's fluctuations need."""
        return max(last - first + 1 for first, last in self.spans())

    def unit_terms(self) -> tuple[int, ...]:
        """The term each unit starts in."""
        ends = self.term_ends()
        return tuple(sum(u * self.unit_days > end for end in ends) for u in range(self.n_units))

    def term_ends(self) -> list[int]:
        """Last school day of each term."""
        return [round(self.days * (t + 1) / self.terms) - 1 for t in range(self.terms)]


class Signal:
    """A pair of events: ``fired`` when the clock reaches a boundary, ``done`` when handled."""

    def __init__(self, env: simpy.Environment):
        self.fired = env.event()
        self.done = env.event()


class SchoolCalendar:
    """Runs ``years`` school years and summers of a model through SimPy processes.

    ``hooks`` is any object with ``start_year(year)``, ``start_unit(year, unit)``,
    ``school_days(year, first_day, n_days)``, ``end_unit(year, unit, days)``,
    ``end_week(year, week)``, ``end_term(year, term)`` and ``summer(year)``.
    """

    def __init__(self, hooks, shape: YearShape):
        self.hooks = hooks
        self.shape = shape
        self.env = simpy.Environment()
        self.log: list[tuple[float, str, int, int]] = []  # (time, event, year, index)

    def run(self, years: int, first_year: int = 0, progress=None) -> None:
        process = self.env.process(self._years(first_year, years, progress))
        self.env.run(until=process)

    # --- processes --------------------------------------------------------------------
    def _years(self, first_year: int, years: int, progress):
        for year in range(first_year, first_year + years):
            self.hooks.start_year(year)
            shape = self.shape
            units = [Signal(self.env) for _ in range(shape.n_units)]
            opened = [self.env.event() for _ in range(shape.n_units)]
            weeks = [Signal(self.env) for _ in range(shape.n_weeks)]
            terms = [Signal(self.env) for _ in range(shape.terms)]
            self.env.process(self._units(year, units, opened))
            self.env.process(self._weeks(year, weeks))
            self.env.process(self._terms(year, terms))
            yield self.env.process(self._days(year, units, opened, weeks, terms))
            yield self.env.process(self._summer(year))
            if progress is not None:
                progress(year)

    def _days(self, year, units, opened, weeks, terms):
        shape = self.shape
        term_ends = shape.term_ends()
        week = 0
        for first, day in shape.spans():
            unit = shape.unit_of(first)
            yield opened[unit]
            self.hooks.school_days(year, first, day + 1 - first)
            yield self.env.timeout(day + 1 - first)
            boundaries = []
            if shape.is_week_end(day):
                boundaries.append(weeks[week])
                week += 1
            if shape.is_unit_end(day):
                boundaries.append(units[unit])
            if day in term_ends:
                boundaries.append(terms[term_ends.index(day)])
            for signal in boundaries:  # week, then unit, then term: the order of docs/odd.md §3.1
                signal.fired.succeed(day)
                yield signal.done

    def _units(self, year, units, opened):
        shape = self.shape
        for unit, signal in enumerate(units):
            self.hooks.start_unit(year, unit)
            self.log.append((self.env.now, "unit_start", year, unit))
            opened[unit].succeed()
            last_day = yield signal.fired
            days = last_day + 1 - unit * shape.unit_days
            self.hooks.end_unit(year, unit, days)
            self.log.append((self.env.now, "unit_end", year, unit))
            signal.done.succeed()

    def _weeks(self, year, weeks):
        for week, signal in enumerate(weeks):
            yield signal.fired
            self.hooks.end_week(year, week)
            signal.done.succeed()

    def _terms(self, year, terms):
        for term, signal in enumerate(terms):
            yield signal.fired
            self.hooks.end_term(year, term)
            self.log.append((self.env.now, "term_end", year, term))
            signal.done.succeed()

    def _summer(self, year):
        self.log.append((self.env.now, "summer", year, 0))
        self.hooks.summer(year)
        yield self.env.timeout(0)
