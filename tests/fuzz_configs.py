"""Mutants of the shipped configs for tests/test_fuzz_configs.py.

A *base* is a shipped config resolved with every default written out (so every field of the
schema is a place to mutate), shrunk to something that runs a year in a fraction of a second:
the school preset (the CSV district keeps its five schools), one reported year, burn-in 0.
A *mutation* replaces one place (a field, a list element, a table, a district file) with a
hostile value: another type, a bound or just past it, zero, NaN, inf, a huge number, an empty
list or table, an unknown key, a duplicate, a deleted key, a missing or garbage file, or a
valid value drawn inside the field's range (so that accepted mutants are many and varied).
"""

from __future__ import annotations

import copy
import math
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st
from pydantic import BaseModel

from nextwork_sim.config import Scenario, load_config
from nextwork_sim.staffing import REGISTRY, StaffingSettings, settings_class

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
SCHOOLS_CSV = CONFIGS / "districts" / "example_schools.csv"
STAFF_CSV = CONFIGS / "districts" / "example_staff.csv"
SHIPPED = ("traditional", "next_workforce", "opportunity_culture", "phased_adoption",
           "custom_example", "csv_district")


@dataclass(frozen=True)
class FileSpec:
    """A district file a mutant names: written into the example's folder before loading
    (``text`` None: the path does not exist; ``folder``: the path is a folder)."""

    label: str
    text: bytes | None = None
    folder: bool = False

    def materialise(self, folder: Path) -> str:
        path = folder / f"{self.label}.csv"
        if self.folder:
            path.mkdir()
        elif self.text is not None:
            path.write_bytes(self.text)
        return str(path)


def _shrunk(name: str) -> dict:
    """The shipped config ``name`` with every default written out, at a size a fuzz example
    can run."""
    overrides = ["years=1", "burn_in_years=0"]
    if name != "csv_district":
        overrides.append('district.preset="school"')
    if name == "phased_adoption":
        raw = _resolved_phased()
    else:
        raw = load_config(CONFIGS / f"{name}.toml", overrides).model_dump(
            mode="json", exclude_none=True)
    if raw["district"].get("schools_csv"):
        raw["district"]["schools_csv"] = FileSpec("schools", SCHOOLS_CSV.read_bytes())
        raw["district"]["staff_csv"] = FileSpec("staff", STAFF_CSV.read_bytes())
    return raw


def _resolved_phased() -> dict:
    """phased_adoption at the school preset (one school, elementary-1): the share adopts from
    the start, the named school from year 2."""
    import tomllib

    raw = tomllib.loads((CONFIGS / "phased_adoption.toml").read_text())
    raw.update(years=1, burn_in_years=0)
    raw["district"]["preset"] = "school"
    raw["adoption"][0]["from_year"] = 1
    raw["adoption"][1]["schools"] = ["elementary-1"]
    from nextwork_sim.config import validate

    return validate(raw).model_dump(mode="json", exclude_none=True)


def _custom_fixed() -> dict:
    """The configured design with pull-out style fixed shares and whole-class allocation,
    so the ``fixed`` tables have valid values to mutate."""
    raw = _shrunk("custom_example")
    design = raw["staffing"]["design"]
    design["allocation"] = "whole_class"
    design["members"].append({"role": "special_education_specialist", "count": 1, "fte": 0.5,
                              "fixed": {"individualized_support": 0.4}})
    design["members"][2]["fixed"] = {"social_emotional": 0.3}
    return raw


def bases() -> dict[str, dict]:
    """Every shipped config (and a configured design with fixed shares), shrunk."""
    found = {name: _shrunk(name) for name in SHIPPED}
    found["custom_fixed"] = _custom_fixed()
    return found


# --- places to mutate ---------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """One place of a config: a path, what the schema expects there and its bounds."""

    path: tuple
    kind: str          # number, integer, bool, choice, text, model_name, file, list, table
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    element: Place | None = None   # lists: what an element is


def _unwrap(annotation):
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return _unwrap(rest[0]) if len(rest) == 1 else annotation
    return annotation


def _bounds(info) -> tuple:
    lo = hi = None
    for meta in info.metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    return lo, hi


def _scalar(path, annotation, lo=None, hi=None) -> Place:
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return Place(path, "choice", choices=typing.get_args(annotation))
    if annotation is bool:
        return Place(path, "bool")
    if annotation is int:
        return Place(path, "integer", lo, hi)
    if annotation is float:
        return Place(path, "number", lo, hi)
    if path[-1] == "model":
        return Place(path, "model_name")
    if path[-1] in ("schools_csv", "staff_csv"):
        return Place(path, "file")
    return Place(path, "text")


def places(model: type[BaseModel], data: dict, prefix: tuple = ()) -> list[Place]:
    """Every place of ``model``'s schema under ``data``: fields (set or not), list elements
    and the tables of domains (every domain, set or not)."""
    found = []
    for name, info in model.model_fields.items():
        path = prefix + (name,)
        annotation = _unwrap(info.annotation)
        value = data.get(name) if isinstance(data, dict) else None
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if issubclass(annotation, StaffingSettings) and isinstance(value, dict):
                # [staffing] is its model's settings: the model's own fields are places too
                annotation = settings_class(str(value.get("model", "traditional")))
            found.append(Place(path, "table"))
            found += places(annotation, value or {}, path)
        elif origin in (tuple, list):
            item = args[0]
            if isinstance(item, type) and issubclass(item, BaseModel):
                found.append(Place(path, "list"))
                for i, element in enumerate(value or []):
                    found += places(item, element, path + (i,))
            else:
                element = _scalar(path + (0,), item)
                found.append(Place(path, "list", element=element))
                for i in range(len(value or [])):
                    found.append(_scalar(path + (i,), item))
        elif origin is dict:
            key_type, value_type = args
            found.append(Place(path, "table"))
            for key in typing.get_args(key_type):
                found.append(_scalar(path + (key,), value_type, 0.0, 1.0))
        else:
            found.append(_scalar(path, annotation, *_bounds(info)))
    return found


def base_places(raw: dict) -> list[Place]:
    return places(Scenario, raw)


# --- hostile values -----------------------------------------------------------------------

NOT_NUMBERS = st.sampled_from([True, False, "1", "", "abc", [], {}, [1.0], {"x": 1}])

ODD_NUMBERS = st.sampled_from([0, 0.0, -0.0, -1, 1, -1e-300, 5e-324, math.nan, math.inf,
                               -math.inf, 1e300, -1e300, 2**62, 1e-9])


def _number(place: Place) -> st.SearchStrategy:
    """Mostly valid values (the bounds themselves most often: edges are where a model
    divides by zero), then odd numbers, values just past a bound and other types."""
    lo, hi = place.lo, place.hi
    integer = place.kind == "integer"
    step = 1 if integer else 1e-9
    bounds = [b for b in (lo, hi) if b is not None]
    past = [lo - step] if lo is not None else []
    past += [hi + step] if hi is not None else []
    low = lo if lo is not None else -10
    high = hi if hi is not None else low + 20
    if integer:
        inside = st.integers(int(math.ceil(low)), int(math.floor(high)))
    else:
        inside = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.one_of(
        st.sampled_from(bounds) if bounds else inside,
        inside,
        inside if not bounds else st.sampled_from(bounds),
        ODD_NUMBERS,
        st.sampled_from(past) if past else ODD_NUMBERS,
        NOT_NUMBERS if not integer else st.sampled_from([1.5, 2.0, True, "3", []]),
    )


FILE_TEXTS = {
    "schools": SCHOOLS_CSV.read_bytes(),
    "staff": STAFF_CSV.read_bytes(),
}
GARBAGE = [b"", b"\x00\xff\xfe garbage \x89PNG", b"name,level\n", b"\xef\xbb\xbf",
           b'name,level,enrollment,low_income\n"unterminated,elementary,1,0.5\n',
           b"a,b\n1,2,3,4,5\n", b"just one line without a newline"]
CELL_VALUES = ["", "0", "-1", "nan", "inf", "1e9", "abc", "0.0", "1", "10001", "2.5", " ",
               "elementary", "Mesquite Elementary", "teacher", "nosuch"]


@st.composite
def _csv_variant(draw, label: str) -> FileSpec:
    """The example file with cells replaced, rows duplicated, extra or missing fields."""
    lines = FILE_TEXTS[label].decode().splitlines()
    header, rows = lines[0], [line.split(",") for line in lines[1:]]
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["cell", "cell", "extra_field", "short_row", "duplicate",
                                    "drop", "column", "all_zero", "leader_quality"]))
        if not rows:
            break
        i = draw(st.integers(0, len(rows) - 1))
        if how == "cell":
            j = draw(st.integers(0, len(rows[i]) - 1))
            rows[i][j] = draw(st.sampled_from(CELL_VALUES))
        elif how == "extra_field":
            rows[i] = rows[i] + [draw(st.sampled_from(CELL_VALUES))]
        elif how == "short_row":
            rows[i] = rows[i][:-1]
        elif how == "duplicate":
            rows.append(list(rows[i]))
        elif how == "drop":
            rows.pop(i)
        elif how == "column":  # a required column renamed or dropped
            names = header.split(",")
            j = draw(st.integers(0, len(names) - 1))
            names[j] = draw(st.sampled_from(["", "bogus", names[j].upper()]))
            header = ",".join(names)
        elif how == "leader_quality" and label == "schools" and "leader_q" not in header:
            header += ",leader_quality"
            for row in rows:
                row.append(draw(st.sampled_from(["0.5", "-2", "", "5", "-5.1"] + CELL_VALUES)))
        elif how == "all_zero" and label == "schools":
            for row in rows:
                for j in range(3, len(row)):
                    row[j] = "0"
    text = "\n".join([header] + [",".join(r) for r in rows]) + "\n"
    return FileSpec(label, text.encode())


def _file(place: Place) -> st.SearchStrategy:
    label = "staff" if place.path[-1] == "staff_csv" else "schools"
    return st.one_of(
        st.just(FileSpec(label, FILE_TEXTS[label])),
        st.just(FileSpec(label)),                       # missing
        st.just(FileSpec(label, folder=True)),          # a folder
        st.sampled_from(GARBAGE).map(lambda text: FileSpec(label, text)),
        _csv_variant(label),
        _csv_variant(label),
    )


MODEL_NAMES = sorted(REGISTRY) + ["nosuch:Thing", "os:path", "tests.custom_staffing:CoTaught",
                                  "tests.custom_staffing:NotAModel", "nextwork_sim:",
                                  ":Traditional", "nextwork_sim.staffing:StaffingModel",
                                  "magic", ""]


def value_for(place: Place) -> st.SearchStrategy:
    """Hostile and valid values for one place."""
    if place.kind in ("number", "integer"):
        return _number(place)
    if place.kind == "bool":
        return st.sampled_from([True, False, 0, 1, "true", "yes", 0.0, [], "False"])
    if place.kind == "choice":
        return st.one_of(st.sampled_from(place.choices),
                         st.sampled_from(["", "nosuch", 0, True, [], place.choices[0].upper()]))
    if place.kind == "model_name":
        return st.sampled_from(MODEL_NAMES)
    if place.kind == "file":
        return _file(place)
    if place.kind == "text":
        return st.one_of(st.sampled_from(["", " ", "x" * 200, "a b", "é", "[[x]]", "0", "-"]),
                         st.text(max_size=12), st.sampled_from([0, 1.5, True, [], {}]))
    raise AssertionError(place.kind)


@dataclass(frozen=True)
class Mutation:
    """Replace (or delete, ``value`` DELETE) what is at ``path``."""

    path: tuple
    value: object

    def __repr__(self) -> str:
        return f"{'.'.join(map(str, self.path))} <- {self.value!r}"


DELETE = type("Delete", (), {"__repr__": lambda self: "<deleted>"})()
UNKNOWN_KEY = "bogus_field"


def _section(place: Place) -> tuple:
    named = [k for k in place.path if not isinstance(k, int)]
    return tuple(named[:2])


@st.composite
def mutation(draw, raw: dict, all_places: list[Place]) -> Mutation:
    # a section first (district.composition, staffing.design, parameters.load, ...), then a
    # place in it: the hundreds of mechanism parameters do not crowd out the structure
    sections = sorted({_section(p) for p in all_places})
    section = draw(st.sampled_from(sections))
    place = draw(st.sampled_from([p for p in all_places if _section(p) == section]))
    current = lookup(raw, place.path)
    structural = draw(st.integers(0, 9)) == 0
    if structural:  # delete the place, or add an unknown key to its table
        if place.kind == "table" or isinstance(current, dict):
            return draw(st.sampled_from([Mutation(place.path, DELETE),
                                         Mutation(place.path + (UNKNOWN_KEY,), 1)]))
        return Mutation(place.path, DELETE)
    if place.kind == "table":
        numbers = [p for p in all_places if p.path[:-1] == place.path
                   and p.kind in ("number", "integer") and (p.lo is not None or p.hi is not None)]
        if numbers and draw(st.booleans()):  # every number of the table at one of its bounds
            side = draw(st.sampled_from(["lo", "hi", "either"]))
            table = dict(current) if isinstance(current, dict) else {}
            for p in numbers:
                choice = side if side != "either" else draw(st.sampled_from(["lo", "hi"]))
                bound = getattr(p, choice)
                table[p.path[-1]] = bound if bound is not None else (p.lo if p.hi is None
                                                                     else p.hi)
            return Mutation(place.path, table)
        return Mutation(place.path, draw(st.sampled_from([{}, 5, "x", [], [{}]])))
    if place.kind == "list":
        items = list(current or [])
        choices = [[], "x", 5, {}]
        if items:
            choices += [items + [items[0]], items[1:], items[:1] * 2, items[::-1]]
        if place.element is not None:
            element = draw(value_for(place.element))
            choices += [[element] * max(len(items), 1), items[:-1] + [element]]
        if place.path[-1] == "roles" and items:  # the same role twice
            choices.append(items + [dict(items[0])])
        return Mutation(place.path, draw(st.sampled_from(choices)))
    return Mutation(place.path, draw(value_for(place)))


def lookup(raw, path):
    node = raw
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return None
    return node


def apply(raw: dict, mutations: list[Mutation]) -> dict:
    """A copy of ``raw`` with every mutation applied in order (one that lands under a place
    an earlier one replaced by a non-table, or deleted list, is skipped)."""
    data = copy.deepcopy(raw)
    for change in mutations:
        node = data
        for key in change.path[:-1]:
            if isinstance(node, dict) and not isinstance(key, int):
                node = node.setdefault(key, {})
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                node = node[key]
            else:
                node = None
                break
        last = change.path[-1]
        if isinstance(node, dict) and not isinstance(last, int):
            if change.value is DELETE:
                node.pop(last, None)
            else:
                node[last] = copy.deepcopy(change.value)
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            if change.value is DELETE:
                node.pop(last)
            else:
                node[last] = copy.deepcopy(change.value)
    return data


def materialise(data, folder: Path):
    """The mutant as TOML-ready data: district files written into ``folder``."""
    if isinstance(data, FileSpec):
        return data.materialise(folder)
    if isinstance(data, dict):
        return {k: materialise(v, folder) for k, v in data.items()}
    if isinstance(data, list):
        return [materialise(v, folder) for v in data]
    return data


@st.composite
def mutants(draw, all_bases: dict[str, dict], all_places: dict[str, list[Place]]):
    """(base name, mutations) with one to four mutations."""
    name = draw(st.sampled_from(sorted(all_bases)))
    raw = all_bases[name]
    count = draw(st.integers(1, 4))
    return name, [draw(mutation(raw, all_places[name])) for _ in range(count)]
