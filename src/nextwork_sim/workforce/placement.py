"""Putting a person in a position: the one place that keeps positions and people in step."""

from __future__ import annotations

from ..roles import teacher_category


def occupy(model, person: int, position: int) -> None:
    """``person`` now holds ``position`` (leaving any position they held): school, community,
    FTE, role and category follow the position."""
    # Called once per placement (thousands a summer): reads and writes single cells of the
    # raw columns, not the ``table.name`` views, which cost a slice object per access.
    state = model.state
    positions, educators = state.positions.column, state.educators.column
    holder, held = positions("holder"), educators("position")
    previous = held[person]
    if previous >= 0 and holder[previous] == person:
        holder[previous] = -1
    holder[position] = person
    held[person] = position
    educators("school")[person] = positions("school")[position]
    educators("community")[person] = positions("community")[position]
    educators("fte")[person] = positions("fte")[position]
    role = positions("role")[position : position + 1]
    educators("role")[person] = role[0]
    experience = educators("experience")[person : person + 1]
    educators("category")[person] = teacher_category(role, experience, model.roles)[0]
