"""The headline levers the dashboard edits: which config field each is, its range and unit
(read from the pydantic field, so an input is bounded exactly as the config file is), and
the edited scenario, validated by the same models as a file (``config.validate``).

An edit is a ``--set`` item (``"staffing.class_size=22"``), read as a TOML value like the
command's flag, so the dashboard, ``nextwork-sim --set`` and a config file accept and refuse
the same values with the same one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import (
    ConfigError,
    Scenario,
    apply_overrides,
    load_config,
    schema_fields,
    to_toml,
    validate,
    without_settings_left_behind,
)
from ..parameters import Frozen

PIPELINES = ("traditional", "alternative", "residency", "para_to_teacher", "career_switcher",
             "community")
#: Staffing models a lever edit can switch between (``configured`` needs a design table,
#: written in a file, not a lever).
MODELS = ("traditional", "next_workforce", "opportunity_culture")


@dataclass(frozen=True)
class Lever:
    """One editable config field: dotted ``path``, label, range, unit and whether whole."""

    path: str
    label: str
    low: float | None
    high: float | None
    unit: str
    integer: bool

    @property
    def step(self) -> float:
        if self.integer:
            return 1
        span = (self.high or 1) - (self.low or 0)
        return 0.01 if span <= 1 else 1

    @property
    def hint(self) -> str:
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        return f"{low} to {high} {self.unit}".strip()


def field_of(path: str):
    """The pydantic field a dotted config path names (``parameters.costs.resident_stipend``)."""
    model: Any = Scenario
    field = None
    for part in path.split("."):
        if not (isinstance(model, type) and issubclass(model, Frozen)):
            raise KeyError(path)
        field = schema_fields(model).get(part)
        if field is None:
            raise KeyError(path)
        model = field.annotation
    return field


def lever(path: str, label: str) -> Lever:
    """A Lever whose range, unit and type come from the config field at ``path``."""
    field = field_of(path)
    low = high = None
    for meta in field.metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return Lever(path, label, low, high, extra.get("unit", ""), field.annotation is int)


def headline_levers() -> list[Lever]:
    """Team size, class size, collaboration and mentoring time, leader pay, residency
    stipend and supply, and the supply of every recruitment pipeline."""
    levers = [
        lever("staffing.team_teachers", "Team size (core teachers, next_workforce)"),
        lever("staffing.class_size", "Class size"),
        lever("staffing.collaboration_minutes_per_week", "Collaboration time"),
        lever("staffing.mentoring_minutes_per_week", "Mentoring time"),
        lever("parameters.costs.leader_supplement_share",
              "Leader supplement (opportunity_culture)"),
        lever("parameters.costs.teacher_leader_stipend", "Teacher-leader stipend"),
        lever("staffing.residents_per_team", "Residents per team"),
        lever("parameters.costs.resident_stipend", "Residency stipend"),
    ]
    levers += [lever(f"parameters.pipelines.{name}.supply_per_1000_students",
                     f"Supply: {name.replace('_', ' ')} pipeline") for name in PIPELINES]
    return levers


def value_at(scenario: Scenario, path: str) -> Any:
    """The value a scenario holds at a dotted path."""
    value: Any = scenario
    for part in path.split("."):
        if not hasattr(value, part):  # a setting of another staffing model: its default
            return field_of(path).get_default(call_default_factory=True)
        value = getattr(value, part)
    return value


def shown(value: Any) -> str:
    """How a value is written into an input (and read back by ``--set``)."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def edits_of(values: dict[str, str], base: Scenario) -> list[str]:
    """``--set`` items for the inputs that differ from ``base`` (blank inputs keep the
    base's value). Text is quoted as a TOML string unless it reads as a number, so a
    typed word reaches pydantic as the word it is."""
    items = []
    for path, text in values.items():
        text = text.strip()
        if not text or text == shown(value_at(base, path)):
            continue
        try:
            float(text)
            literal = text
        except ValueError:
            literal = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        items.append(f"{path}={literal}")
    return items


def edited(base: Scenario, edits: list[str], name: str | None = None) -> Scenario:
    """``base`` with the edits applied (and renamed), validated as a config file is; a bad
    value raises ConfigError with the file's one-line message."""
    raw = base.model_dump(mode="json", exclude_none=True)
    if name is not None and name.strip():
        edits = [*edits, f'name="{name.strip()}"']
    data = apply_overrides(raw, edits)
    data["staffing"] = without_settings_left_behind(data["staffing"], raw["staffing"])
    return validate(data, "dashboard")


def base_configs(folder: str | Path) -> dict[str, Scenario]:
    """The config files of a folder that load, as scenarios by file stem (read again only
    when a file changes)."""
    folder = Path(folder)
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    return dict(_loaded(tuple((str(p), p.stat().st_mtime_ns) for p in paths)))


@lru_cache(maxsize=8)
def _loaded(files: tuple[tuple[str, int], ...]) -> tuple[tuple[str, Scenario], ...]:
    found = []
    for path, _ in files:
        try:
            found.append((Path(path).stem, load_config(path)))
        except ConfigError:
            continue
    return tuple(found)


__all__ = ["Lever", "headline_levers", "edited", "edits_of", "to_toml", "base_configs",
           "value_at", "shown", "MODELS"]
