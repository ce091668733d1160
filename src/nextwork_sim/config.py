"""Scenario configs: TOML files validated with pydantic v2, overrides, and one-line errors.

A scenario is a district (a preset scale, docs/odd.md §5.1) plus a staffing model, a calendar and
mechanism parameters (see parameters.py for every default with its unit and source).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    SerializeAsAny,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import to_jsonable_python

from .calibration.parameter_file import read_parameters
from .components import (
    MechanismSettings,
    component_class,
    component_class_problem,
    mechanism_of_its_component,
)
from .config_files import ConfigError, file_hash, read_toml
from .district_files import read_schools, read_staff
from .domains import DOMAINS
from .parameters import CalendarParams, Frozen, Parameters, param
from .roles import ROLE_NAMES
from .staffing import REGISTRY, models_declaring, settings_class
from .staffing.settings import RoleSpec, StaffingSettings

RACES: tuple[str, ...] = ("asian", "black", "hispanic", "white", "other")
_LOW_INCOME_ANCHOR = ("assumption; ratios anchored to NCES (Condition of Education, "
                      "'Characteristics of Children's Families' and 'Concentration of Public "
                      "School Students Eligible for Free or Reduced-Price Lunch': Black and "
                      "Hispanic students are about twice as likely as White and Asian students "
                      "to be from low-income families, and four to five times as likely to "
                      "attend a high-poverty school)")
LEVELS: tuple[str, ...] = ("elementary", "middle", "high")
LEVEL_GRADES = {"elementary": (0, 5), "middle": (6, 8), "high": (9, 12)}

#: Schools of each level and enrollment per school. Enrollments are chosen so every grade
#: cohort has the same size across levels (promotion neither swells nor empties a level):
#: district ~12,500 students in 20 schools, state 1.1 M students in 2,000 schools.
PRESETS: dict[str, dict[str, tuple[int, int]]] = {
    "school": {"elementary": (1, 480), "middle": (0, 0), "high": (0, 0)},
    "district": {"elementary": (12, 480), "middle": (4, 720), "high": (4, 960)},
    "state": {"elementary": (1200, 423), "middle": (400, 635), "high": (400, 846)},
}


class RaceShares(Frozen):
    asian: float = param(0.055, unit="share", ge=0, le=1, source="NCES Digest 2021 fall enrollment",
                         doc="Asian students", kind="sourced")
    black: float = param(0.15, unit="share", ge=0, le=1, source="NCES Digest 2021 fall enrollment",
                         doc="Black students", kind="sourced")
    hispanic: float = param(0.28, unit="share", ge=0, le=1,
                            source="NCES Digest 2021 fall enrollment", doc="Hispanic students",
                            kind="sourced")
    white: float = param(0.45, unit="share", ge=0, le=1, source="NCES Digest 2021 fall enrollment",
                         doc="White students", kind="sourced")
    other: float = param(0.065, unit="share", ge=0, le=1,
                         source="NCES Digest 2021 fall enrollment",
                         doc="students of two or more races, American Indian, Pacific Islander",
                         kind="sourced")

    @model_validator(mode="after")
    def _sum_to_one(self):
        total = sum(getattr(self, r) for r in RACES)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"race shares must sum to 1 (they sum to {total:.4f})")
        return self


class TeacherRaceShares(RaceShares):
    asian: float = param(0.02, unit="share", ge=0, le=1, source="NCES NTPS 2020-21",
                         doc="Asian teachers", kind="sourced")
    black: float = param(0.061, unit="share", ge=0, le=1, source="NCES NTPS 2020-21",
                         doc="Black teachers", kind="sourced")
    hispanic: float = param(0.094, unit="share", ge=0, le=1, source="NCES NTPS 2020-21",
                            doc="Hispanic teachers", kind="sourced")
    white: float = param(0.80, unit="share", ge=0, le=1, source="NCES NTPS 2020-21",
                         doc="White teachers", kind="sourced")
    other: float = param(0.025, unit="share", ge=0, le=1, source="NCES NTPS 2020-21",
                         doc="teachers of other or several races", kind="sourced")


class LowIncomeByRace(Frozen):
    """How likely a student of each group is to be from a low-income family, relative to one
    another: rescaled so the district's mix gives its low-income share (``Composition.
    low_income``). With each school's low-income share, this makes schools differ in racial
    composition as they differ in poverty."""

    asian: float = param(0.35, unit="share", ge=0, le=1, kind="assumption",
                         source=_LOW_INCOME_ANCHOR, doc="Asian students")
    black: float = param(0.72, unit="share", ge=0, le=1, kind="assumption",
                         source=_LOW_INCOME_ANCHOR, doc="Black students")
    hispanic: float = param(0.70, unit="share", ge=0, le=1, kind="assumption",
                            source=_LOW_INCOME_ANCHOR, doc="Hispanic students")
    white: float = param(0.33, unit="share", ge=0, le=1, kind="assumption",
                         source=_LOW_INCOME_ANCHOR, doc="White students")
    other: float = param(0.50, unit="share", ge=0, le=1, kind="assumption",
                         source=_LOW_INCOME_ANCHOR,
                         doc="students of two or more races, American Indian, Pacific Islander")


class Composition(Frozen):
    low_income: float = param(0.52, unit="share", ge=0, le=1,
                              source="NCES Digest table 204.10 (free/reduced-price lunch, ~52%)",
                              doc="students from low-income families", kind="sourced")
    low_income_spread: float = param(8.0, unit="beta concentration", ge=1, le=200,
                                     doc="how evenly low-income students spread over schools "
                                         "(lower = more segregated)", kind="assumption")
    english_learner: float = param(0.106, unit="share", ge=0, le=1,
                                   source="NCES Condition of Education 2023 (10.6%, fall 2020)",
                                   doc="English learners", kind="sourced")
    disability: float = param(0.15, unit="share", ge=0, le=1,
                              source="NCES Condition of Education 2024 (IDEA, 15%)",
                              doc="students with disabilities", kind="sourced")
    advanced: float = param(0.067, unit="share", ge=0, le=1,
                            source="NCES CRDC 2015-16 gifted and talented (~6.7%)",
                            doc="students in gifted/advanced programs", kind="sourced")
    race: RaceShares = Field(default_factory=RaceShares)
    low_income_by_race: LowIncomeByRace = Field(default_factory=LowIncomeByRace)
    teacher_race: TeacherRaceShares = Field(default_factory=TeacherRaceShares)
    teacher_of_color_slope: float = param(
        0.5, unit="share of teachers per share of students", ge=0, le=1, kind="assumption",
        source="assumption; direction from NCES NTPS 2017-18 (teachers of color work mostly "
               "in schools where most students are of color)",
        doc="initial teachers: a school's share of teachers of color is the district's plus "
            "this times its students-of-color share above the district's")
    paraeducator_of_color: float = param(
        0.35, unit="share", ge=0, le=1, kind="assumption",
        source="assumption; approximate, from BLS Current Population Survey annual averages "
               "for teaching assistants (a larger share Hispanic and Black than teachers')",
        doc="initial paraeducators of color (their race among people of color by the "
            "teachers' mix)")


class District(Frozen):
    preset: Literal["school", "district", "state"] = Field(
        "district", description="scale: school (1 school), district (20 schools, ~12,000 "
        "students), state (~2,000 schools, ~1.1 M students)")
    enrollment_scale: float = param(1.0, unit="factor", ge=0.01, le=10,
                                    doc="multiplies every school's enrollment", kind="assumption")
    composition: Composition = Field(default_factory=Composition)
    schools_csv: str | None = Field(None, description="schools from a CSV file instead of the "
                                    "preset (docs/district_files.md); a relative path is "
                                    "taken from the config file's folder")
    staff_csv: str | None = Field(None, description="optional staff roster CSV")

    @field_validator("schools_csv")
    @classmethod
    def _schools_file_is_valid(cls, value: str | None) -> str | None:
        if value is not None:
            read_schools(value)
        return value

    @model_validator(mode="after")
    def _roster_has_schools(self):
        if self.staff_csv is not None and self.schools_csv is None:
            raise ValueError("staff_csv needs schools_csv")
        return self


def _staffing_of_its_model(data: Any) -> Any:
    """``[staffing]`` validated by the class of the model it names (``settings_class``): the
    model's own fields are allowed, another model's are refused. A table whose model does
    not load is validated by the shared class, whose ``model`` check names the problem."""
    if not isinstance(data, dict):
        return data
    name = data.get("model", StaffingSettings.model_fields["model"].default)
    cls = settings_class(name) if isinstance(name, str) else StaffingSettings
    return cls.model_validate(data)


#: ``[staffing]``: validated by the named model's ``Settings``, written out with its fields.
StaffingTable = Annotated[StaffingSettings, BeforeValidator(_staffing_of_its_model),
                          SerializeAsAny()]
#: ``[mechanisms.NAME]``: validated by its component's ``Parameters``, written out with them.
MechanismTable = Annotated[MechanismSettings, BeforeValidator(mechanism_of_its_component),
                           SerializeAsAny()]
#: The shared staffing settings (older name).
Staffing = StaffingSettings


def _default_staffing() -> StaffingSettings:
    return _staffing_of_its_model({})


class Adoption(Frozen):
    """Some schools run another staffing model, from the start or from a given year."""

    staffing: StaffingTable = Field(..., description="the staffing model these schools adopt")
    share: float | None = param(None, unit="share of schools", ge=0, le=1,
                                doc="adopting share of the eligible schools (chosen by a keyed "
                                    "draw); give share or schools", kind="assumption")
    schools: list[str] | None = Field(None, description="names of the adopting schools "
                                      "(preset schools are named like elementary-1)")
    levels: list[Literal["elementary", "middle", "high"]] = Field(
        ["elementary", "middle", "high"], description="levels eligible for a share")
    from_year: int = param(1, unit="reported year", ge=1, le=50,
                           doc="first reported year under the new model (1 = from the start; "
                               "the burn-in runs under the base model)", kind="assumption")

    @model_validator(mode="after")
    def _share_or_schools(self):
        if (self.share is None) == (self.schools is None):
            raise ValueError("give exactly one of share or schools")
        return self


def school_names(district: District) -> list[str]:
    """Names of the district's schools: the CSV's, or level-N for a preset (N counts all
    schools from 1, elementary first)."""
    if district.schools_csv is not None:
        return [str(n) for n in read_schools(district.schools_csv)["name"]]
    names = []
    for level in LEVELS:
        for _ in range(PRESETS[district.preset][level][0]):
            names.append(f"{level}-{len(names) + 1}")
    return names


class ParametersFrom(Frozen):
    """The parameter file a config named (``parameters_from``), as recorded after loading:
    its values are already merged into ``parameters``."""

    path: str = Field(..., description="the file as the config named it")
    sha256: str = Field(..., pattern=r"^[0-9a-f]{16}$", description="hash of its bytes")


class Scenario(Frozen):
    name: str = Field(..., pattern=r"^[A-Za-z0-9_.-]+$", min_length=1, max_length=64,
                      description="scenario label used in results")
    description: str = Field("", description="free text")
    years: int = param(5, unit="years", ge=1, le=50, doc="reported years", kind="assumption")
    burn_in_years: int = param(2, unit="years", ge=0, le=10,
                               doc="unreported years that bring the workforce to steady state",
                               kind="assumption")
    district: District = Field(default_factory=District)
    staffing: StaffingTable = Field(default_factory=_default_staffing,
                                    description="the staffing model and its settings")
    calendar: CalendarParams = Field(default_factory=CalendarParams)
    parameters: Parameters = Field(default_factory=Parameters)
    parameters_from: ParametersFrom | None = Field(
        None, description="a parameter file (docs/calibration.md §3) whose [parameters] sit "
                          "between the defaults and this config's own tables")
    adoption: tuple[Adoption, ...] = Field((), description="mixed or phased adoption: schools "
                                           "that run another staffing model (docs/staffing.md)",
                                           strict=False)
    mechanisms: dict[str, MechanismTable] = Field(
        {}, description="the config's own summer components, by name: each table's "
                        "`component` names its class (module:Class) and the rest are its "
                        "parameters (docs/extending.md)")

    @field_validator("mechanisms")
    @classmethod
    def _mechanism_names(cls, value: dict) -> dict:
        for name in value:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
                raise ValueError(f"{name!r} is not a mechanism name (letters, digits and _, "
                                 "starting with a letter)")
        return value

    @model_validator(mode="after")
    def _adopting_schools_exist(self):
        names = school_names(self.district)
        for i, entry in enumerate(self.adoption):
            for name in entry.schools or []:
                if name not in names:
                    raise ValueError(f"adoption.{i}.schools: {name!r} is not a school of the "
                                     f"district (names: {', '.join(names[:4])}, ...)")
        return self

    @model_validator(mode="after")
    def _roles_agree(self):
        """A role several staffing tables define is defined the same way in each: a run has
        one catalogue of roles."""
        seen: dict[str, tuple[str, RoleSpec]] = {}
        tables = [("staffing", self.staffing)] + [
            (f"adoption.{i}.staffing", entry.staffing) for i, entry in enumerate(self.adoption)]
        for where, staffing in tables:
            for role in staffing.roles:
                first = seen.setdefault(role.name, (where, role))
                if first[1] != role:
                    raise ValueError(f"{where}.roles: {role.name!r} is defined differently in "
                                     f"{first[0]}.roles; a role has one definition per run")
        return self

    @model_validator(mode="after")
    def _staff_roster_is_valid(self):
        """The staff roster names schools of the district and roles of the run."""
        if self.district.staff_csv is None:
            return self
        roles = set(ROLE_NAMES) | {r.name for r in self.staffing.roles} | {
            r.name for entry in self.adoption for r in entry.staffing.roles}
        try:
            read_staff(self.district.staff_csv, set(school_names(self.district)), roles)
        except ValueError as error:
            raise ValueError(f"district.staff_csv: {error}") from None
        return self

    def hash(self) -> str:
        """A stable hash of the resolved config (recorded in manifests)."""
        data = self.model_dump(mode="json")
        if not data["mechanisms"]:  # configs without components keep the hashes they had
            del data["mechanisms"]
        text = json.dumps(data, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- loading ---------------------------------------------------------------------------

def _format_error(source: str, error: ValidationError, raw: dict) -> str:
    # one line whatever a check's message holds (a CSV parser's, an import error's)
    return " ".join(_error_text(source, error, raw).split("\n"))


def _error_text(source: str, error: ValidationError, raw: dict) -> str:
    first = error.errors()[0]
    path = ".".join(str(p) for p in first["loc"]) or "(top level)"
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        return f"{source}: " + _unknown_field(first["loc"], raw)
    value = first.get("input")
    # in TOML words: a section is a table, a tuple an array
    msg = re.sub(r"a valid dictionary or instance of \w+", "a table",
                 msg.removeprefix("Value error, ").replace("a valid tuple", "a list"))
    if not first["loc"]:  # a check across sections: its message names the fields
        return f"{source}: {msg}"
    if isinstance(value, dict) or (isinstance(value, str) and value and msg.startswith(value)):
        # a whole table failed a cross-field check, or a file check names the file: say where
        return f"{source}: {path}: {msg}"
    allowed = _allowed(first["loc"], raw)
    owner = _own_setting_of(first["loc"], raw)
    notes = ([f"allowed: {allowed}"] if allowed else []) + (
        [f"a setting of the {owner} model"] if owner else [])
    text = f"{source}: {path} = {value!r}: {msg}"
    return text + (f" ({'; '.join(notes)})" if notes else "")


def _unknown_field(loc, raw) -> str:
    """A key no field of its table has: in ``[staffing]``, the model whose settings hold it
    (if another model's) and what the named model allows."""
    path = ".".join(str(p) for p in loc)
    parent = _lookup_model(loc[:-1], raw)
    allowed = ", ".join(parent.model_fields) if parent is not None else ""
    if parent is None or not issubclass(parent, StaffingSettings):
        return f"unknown field {path!r}; allowed here: {allowed}"
    model = _value_at(raw, loc[:-1]).get("model", StaffingSettings.model_fields["model"].default)
    owners = models_declaring(str(loc[-1]))
    if owners:
        return (f"{path!r} is a setting of {' and '.join(owners)}, not of {model!r}; "
                f"allowed for {model!r}: {allowed}")
    return f"unknown field {path!r} for staffing model {model!r}; allowed here: {allowed}"


def _own_setting_of(loc, raw) -> str | None:
    """The model whose own settings hold the field at ``loc`` (None for any other field)."""
    parent = _lookup_model(loc[:-1], raw) if loc else None
    if (parent is None or not issubclass(parent, StaffingSettings)
            or str(loc[-1]) in StaffingSettings.model_fields):
        return None
    return _value_at(raw, loc[:-1]).get("model")


def _value_at(raw, loc):
    """What ``raw`` holds at ``loc`` ({} where it holds nothing)."""
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return {}
    return node


def _lookup_model(loc, raw=None):
    """The section class at ``loc`` (list indices and optional tables stepped through); a
    ``[staffing]`` table is its model's settings class (read from ``raw``)."""
    model: Any = Scenario
    for i, part in enumerate(loc):
        if isinstance(part, int) and typing.get_origin(model) in (list, tuple):
            model = _section_class(typing.get_args(model)[0])
            continue
        if isinstance(part, str) and typing.get_origin(model) is dict:  # [mechanisms.NAME]
            model = typing.get_args(typing.get_args(model)[1])[0]
            name = _value_at(raw, loc[:i + 1]).get("component") if raw is not None else None
            if isinstance(name, str) and component_class_problem(name) is None:
                model = component_class(name).Parameters
            continue
        if not (isinstance(model, type) and issubclass(model, Frozen)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = _section_class(field.annotation)
        if model is StaffingSettings:
            name = _value_at(raw, loc[:i + 1]).get("model") if raw is not None else None
            model = settings_class(name) if isinstance(name, str) else StaffingSettings
    return model if isinstance(model, type) and issubclass(model, Frozen) else None


def _section_class(annotation):
    """``X`` of ``X | None``; any other annotation as it is."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _allowed(loc, raw=None) -> str:
    field, metadata = _field_at(loc, raw)
    if field is None:
        return ""
    lo = hi = None
    for meta in metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    unit = (field.json_schema_extra or {}).get("unit", "") if isinstance(
        field.json_schema_extra, dict) else ""
    if lo is not None or hi is not None:
        low = "-inf" if lo is None else lo
        high = "inf" if hi is None else hi
        return f"{low} to {high} {unit}".strip()
    return ""


def _field_at(loc, raw=None):
    """The field at ``loc`` and the constraints of the value there: the field's own, or its
    elements' for an element of a list or a table of domains."""
    element = bool(loc) and (isinstance(loc[-1], int) or loc[-1] in DOMAINS)
    field_loc = loc[:-1] if element else loc
    parent = _lookup_model(field_loc[:-1], raw)
    if parent is None or not field_loc:
        return None, []
    field = parent.model_fields.get(str(field_loc[-1]))
    if field is None:
        return None, []
    if not element:
        return field, field.metadata
    args = typing.get_args(field.annotation)
    if not args:
        return field, []
    inner = args[1] if typing.get_origin(field.annotation) is dict else args[0]
    return field, [m for extra in typing.get_args(inner)[1:]
                   for m in getattr(extra, "metadata", [extra])]


def without_settings_left_behind(staffing: dict, previous: dict) -> dict:
    """A ``[staffing]`` dict edited from ``previous`` (both plain data) without the settings
    of ``previous``'s model that the model ``staffing`` now names does not have, where they
    still hold ``previous``'s values: switching the model of a written-out table leaves the
    old model's settings behind; one set since is kept (and refused if the new model has no
    such field)."""
    if staffing.get("model") == previous.get("model"):
        return staffing
    name = staffing.get("model")
    now = settings_class(name).model_fields if isinstance(name, str) else {}
    return {key: value for key, value in staffing.items()
            if key in now or key in StaffingSettings.model_fields
            or previous.get(key, _MISSING) != value}


_MISSING = object()


def staffing_defaults() -> dict:
    """``{field: default}`` as plain data of the shared staffing settings and of every
    registered model's own (what a table of another model holds for a field it lacks)."""
    return {name: to_jsonable_python(field.get_default(call_default_factory=True))
            for name, field in schema_fields(StaffingSettings).items()}


def schema_fields(section: type) -> dict:
    """``{name: FieldInfo}`` a dotted path may name under ``section`` (a config class): its
    fields, and under ``[staffing]`` every registered model's own settings too (the first
    model declaring a field gives its range and unit). For tools that walk config paths
    (sweeps, dashboard levers, reports, docs) without a config at hand."""
    if not (isinstance(section, type) and issubclass(section, StaffingSettings)):
        return dict(section.model_fields)
    fields = dict(section.model_fields)
    for cls in REGISTRY.values():
        for name, field in cls.Settings.model_fields.items():
            fields.setdefault(name, field)
    return fields


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse ``FIELD.PATH=VALUE``; VALUE is read as a TOML value, else taken as a string."""
    if "=" not in text:
        raise ConfigError(f"--set {text!r}: expected FIELD.PATH=VALUE")
    path, value_text = text.split("=", 1)
    keys = [k.strip() for k in path.strip().split(".")]
    if not all(keys):
        raise ConfigError(f"--set {text!r}: empty field name in {path!r}")
    try:
        value = tomllib.loads(f"v = {value_text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = value_text.strip()
    return keys, value


def apply_overrides(raw: dict, overrides: list[str]) -> dict:
    data = json.loads(json.dumps(raw))  # deep copy of plain data
    for text in overrides:
        keys, value = parse_override(text)
        node = data
        for key in keys[:-1]:
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                raise ConfigError(f"--set {text!r}: {key!r} is a value, not a table")
            node = child
        node[keys[-1]] = value
    return data


def merge_parameter_file(raw: dict, folder: Path, source: str = "config") -> dict:
    """Resolve a ``parameters_from = "file.toml"`` (relative to ``folder``): the file's
    ``[parameters]`` go under the config's own tables (and its ``--set`` overrides, already
    applied to them), and the field becomes the file's path and hash."""
    named = raw.get("parameters_from")
    if not isinstance(named, str):
        return raw
    path = Path(named) if Path(named).is_absolute() else folder / named
    own = raw.get("parameters", {})
    if not isinstance(own, dict):
        return raw  # validation names the bad table
    merged = dict(raw)
    try:
        merged["parameters"] = _deep_merge(read_parameters(path), own)
    except ConfigError as error:
        raise ConfigError(f"{source}: {error}") from None
    merged["parameters_from"] = {"path": named, "sha256": file_hash(path)}
    return merged


def _deep_merge(under: dict, over: dict) -> dict:
    out = dict(under)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def validate(raw: dict, source: str = "config") -> Scenario:
    raw = merge_parameter_file(raw, Path.cwd(), source) if isinstance(raw, dict) else raw
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_format_error(source, error, raw)) from None


def load_config(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Read and validate a scenario TOML file, applying ``--set`` style overrides."""
    path = Path(path)
    raw = read_toml(path, "config file")
    if overrides:
        raw = apply_overrides(raw, overrides)
    _paths_from_config_folder(raw, path.parent)
    raw = merge_parameter_file(raw, path.parent, str(path))
    source = str(path) + (" (with --set)" if overrides else "")
    return validate(raw, source)


def _paths_from_config_folder(raw: dict, folder: Path) -> None:
    """District files named relative to the config file are found from its folder."""
    district = raw.get("district")
    if not isinstance(district, dict):
        return
    for key in ("schools_csv", "staff_csv"):
        value = district.get(key)
        if isinstance(value, str) and not Path(value).is_absolute():
            candidate = folder / value
            if candidate.exists():
                district[key] = os.path.relpath(candidate)


def resolve(config: Scenario | dict | str | Path) -> Scenario:
    if isinstance(config, Scenario):
        return config
    if isinstance(config, dict):
        return validate(config)
    return load_config(config)


def to_toml(scenario: Scenario) -> str:
    import tomli_w  # start-up time

    return tomli_w.dumps(scenario.model_dump(mode="json", exclude_none=True))


__all__ = ["Scenario", "ConfigError", "load_config", "resolve", "validate", "to_toml",
           "DOMAINS", "RACES", "LEVELS", "PRESETS"]
