"""Parameter uncertainty: each replication draws the *assumption* parameters (those without
a direct source, docs/parameters.md) uniformly within ±``band`` of their default, clipped to
the documented range, so intervals carry both noise and what we do not know. Sourced and
fitted parameters keep their values. Draws are keyed by (seed, replication)."""

from __future__ import annotations

import numpy as np

from ..config import Scenario, apply_overrides, validate
from ..docs_tables import _leaves, _range  # noqa: F401  (shared schema walk)

BAND = 0.2


def uncertain_fields(scenario: Scenario) -> list[tuple[str, float, float, float]]:
    """(field path, default, low, high) of every float assumption under ``parameters.``."""
    out = []
    for path, field in _leaves(type(scenario), ""):
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if not path.startswith("parameters.") or not extra.get("assumption"):
            continue
        if field.annotation is not float:
            continue
        value = _get(scenario, path)
        lo = hi = None
        for meta in field.metadata:
            lo = getattr(meta, "ge", lo)
            hi = getattr(meta, "le", hi)
        low, high = sorted((value * (1 - BAND), value * (1 + BAND)))
        low = max(low, lo) if lo is not None else low
        high = min(high, hi) if hi is not None else high
        if high > low:
            out.append((path, value, low, high))
    return out


def _get(scenario: Scenario, path: str) -> float:
    node = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return float(node)


def scenario_for_replication(scenario: Scenario, seed: int, replication: int) -> Scenario:
    fields = uncertain_fields(scenario)
    sequence = np.random.SeedSequence([int(seed), int(replication), 7_919])
    draws = np.random.default_rng(sequence).random(len(fields))
    overrides = [f"{path}={float(low + u * (high - low))!r}"
                 for (path, _, low, high), u in zip(fields, draws, strict=True)]
    data = apply_overrides(scenario.model_dump(mode="json", exclude_none=True), overrides)
    return validate(data, f"{scenario.name} (parameter uncertainty)")
