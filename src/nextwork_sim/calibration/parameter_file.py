"""Parameter files: what ``nextwork-sim calibrate`` writes, what a config's
``parameters_from`` reads, and what ``nextwork-sim set-defaults`` copies into parameters.py.

A parameter file is TOML with a ``[fit]`` table (how the values were found: config and targets
with their hashes, loss, trials, preset, replications, years, seed) and a ``[parameters]``
table shaped like a config's (docs/calibration.md §3).
"""

from __future__ import annotations

import datetime
import inspect
import os
import re
from pathlib import Path

from ..config_files import ConfigError, read_toml
from ..parameters import Parameters
from ..version import __version__


def nested(values: dict[str, float]) -> dict:
    """``{"attrition.move_1_3": 0.1}`` → ``{"attrition": {"move_1_3": 0.1}}``."""
    tree: dict = {}
    for path, value in sorted(values.items()):
        node = tree
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = round(float(value), 4)
    return tree


def flat(tree: dict, prefix: str = "") -> dict[str, object]:
    """The inverse of ``nested``."""
    out: dict[str, object] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def write_parameter_file(path: str | Path, values: dict[str, float], fit: dict) -> Path:
    """Write values (rounded to 4 decimals) and the fit's record, via a temporary name."""
    import tomli_w  # start-up time

    path = Path(path)
    record = {**fit, "package_version": __version__,
              "written": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
    text = ("# Written by nextwork-sim calibrate. Use it with parameters_from = \"<this file>\" "
            "in a config,\n# or copy it into the shipped defaults with nextwork-sim "
            "set-defaults (docs/calibration.md).\n"
            + tomli_w.dumps({"fit": record, "parameters": nested(values)}))
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)
    return path


def read_parameters(path: str | Path) -> dict:
    """The ``[parameters]`` table of a parameter file (a config's ``parameters_from``)."""
    path = Path(path)
    data = read_toml(path, "file", prefix="parameters_from: ")
    table = data.get("parameters")
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"parameters_from: {path}: needs a [parameters] table (as written by "
                          f"nextwork-sim calibrate)")
    return table


def set_defaults(path: str | Path, source: Path | None = None) -> list[tuple[str, str, str]]:
    """Write the values of a parameter file into parameters.py as the shipped defaults.

    Each value replaces the first number after ``param(`` (or the field's helper call) on the
    field's line inside its section's class. Returns (path, old, new) for every change; a
    field that cannot be found is an error and nothing is written."""
    source = Path(source or inspect.getfile(Parameters))  # parameters.py
    text = source.read_text()
    values = flat(read_parameters(path))
    changes = []
    for dotted, value in values.items():
        owner, leaf = _owner_class(Parameters, dotted)
        text, old = _replace_default(text, owner.__name__, leaf, float(value), dotted)
        changes.append((dotted, old, repr(round(float(value), 4))))
    tmp = source.with_name(f".{source.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, source)
    return changes


def _owner_class(root, dotted: str):
    model = root
    *parents, leaf = dotted.split(".")
    for key in parents:
        field = model.model_fields.get(key)
        if field is None:
            raise ConfigError(f"set-defaults: parameters.{dotted}: no such section {key!r}")
        model = field.annotation
    if leaf not in model.model_fields:
        raise ConfigError(f"set-defaults: parameters.{dotted}: no such parameter")
    return model, leaf


def _replace_default(text: str, class_name: str, leaf: str, value: float,
                     dotted: str) -> tuple[str, str]:
    start = re.search(rf"^class {class_name}\(", text, re.M)
    if start is None:
        raise ConfigError(f"set-defaults: parameters.{dotted}: class {class_name} not found")
    end = re.search(r"^class ", text[start.end():], re.M)
    stop = start.end() + (end.start() if end else len(text) - start.end())
    body = text[start.end():stop]
    field = re.search(rf"^    {leaf}: [^=]+= \w+\(\s*(-?[0-9][0-9_.eE+-]*)", body, re.M)
    if field is None:
        raise ConfigError(f"set-defaults: parameters.{dotted}: its default is not a number "
                          f"literal in {class_name}")
    at = start.end() + field.start(1)
    new = repr(round(value, 4))
    return text[:at] + new + text[start.end() + field.end(1):], field.group(1)
