"""Putting a person in a position: the one place that keeps positions and people in step."""

from __future__ import annotations

from ..roles import teacher_category


def occupy(model, person: int, position: int) -> None:
    """``person`` now holds ``position`` (leaving any position they held): school, community,
    FTE, role and category follow the position."""
    state = model.state
    positions, educators = state.positions, state.educators
    previous = educators.position[person]
    if previous >= 0 and positions.holder[previous] == person:
        positions.holder[previous] = -1
    positions.holder[position] = person
    educators.position[person] = position
    educators.school[person] = positions.school[position]
    educators.community[person] = positions.community[position]
    educators.fte[person] = positions.fte[position]
    educators.role[person] = positions.role[position]
    educators.category[person] = teacher_category(educators.role[[person]],
                                                  educators.experience[[person]],
                                                  model.roles)[0]
