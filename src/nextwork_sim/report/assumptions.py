"""Section 7 of the report: every config field a scenario sets away from its default, and
every parameter classified ``kind="assumption"``, with its value under each scenario, its
default, unit, kind and source (the metadata of ``parameters.param``).

The configs are the resolved ones the manifest records. A scenario compared with a shared
start burns in under the baseline's staffing and switches at reported year 1 (its first
``[[adoption]]`` entry, share 1 from year 1); its own staffing is read from that entry.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from ..config import Scenario, schema_fields, staffing_defaults, validate
from ..parameters import ASSUMPTION

SKIPPED = ("name", "description")


def flatten(data: dict, prefix: str = "") -> dict[str, Any]:
    """{dotted path: value} of the leaves of a nested dict (lists are leaves)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def as_run(config: dict) -> tuple[dict, bool]:
    """The config with a shared start's switch folded back into ``staffing``, and whether
    there was one (see the module docstring)."""
    adoption = list(config.get("adoption") or [])
    if adoption and adoption[0].get("share") == 1.0 and adoption[0].get("from_year") == 1:
        return {**config, "staffing": adoption[0]["staffing"], "adoption": adoption[1:]}, True
    return config, False


def field_metadata(path: str) -> dict:
    """unit, kind and source of the schema field holding ``path`` ({} for a choice or a
    field the schema does not classify); a path inside a table (a dict field) gets the
    table's."""
    model: type[BaseModel] = Scenario
    extra: dict = {}
    for part in path.split("."):
        field = schema_fields(model).get(part) if model is not None else None
        if field is None:
            break
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        annotation = field.annotation
        model = annotation if isinstance(annotation, type) and issubclass(
            annotation, BaseModel) else None
    return extra


def _text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple | dict):
        text = json.dumps(value, separators=(", ", ": "))
        return text if len(text) <= 160 else text[:157] + "..."
    return str(value)


def assumptions_table(resolved: dict[str, dict]) -> dict:
    """``{"scenarios", "rows", "counts", "shared_start"}`` for the template. Each row:
    field path, each scenario's value (and whether it differs from the default), default,
    unit, kind, source and ``set`` (some scenario moves it from its default)."""
    default = flatten(validate({"name": "default"}).model_dump(mode="json"))
    default = {**default, **flatten({"staffing": staffing_defaults()})}
    flat, shared = {}, []
    for name, config in resolved.items():
        config, switched = as_run(config)
        if switched:
            shared.append(name)
        flat[name] = {**default, **flatten(config)}
    paths = [p for p in dict.fromkeys(p for f in flat.values() for p in f)
             if p.split(".")[0] not in SKIPPED]
    rows = []
    for path in paths:
        meta = field_metadata(path)
        base = default.get(path)
        values = [flat[name].get(path) for name in resolved]
        moved = [v != base for v in values]
        if not any(moved) and meta.get("kind") != ASSUMPTION:
            continue
        source = meta.get("source", "")
        rows.append({"path": path, "set": any(moved),
                     "values": [{"text": _text(v), "moved": m}
                                for v, m in zip(values, moved, strict=True)],
                     "default": _text(base) if path in default else "",
                     "unit": meta.get("unit", ""), "kind": meta.get("kind", "choice"),
                     "source": "the project's choice" if source == ASSUMPTION else source})
    rows.sort(key=lambda row: not row["set"])  # stable: schema order within each part
    counts = {"set": sum(row["set"] for row in rows),
              "assumptions": sum(row["kind"] == ASSUMPTION for row in rows)}
    return {"scenarios": list(resolved), "rows": rows, "counts": counts,
            "shared_start": shared}
