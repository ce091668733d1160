"""Exact Shapley values: every coalition of a few players and each player's average marginal
contribution over them. Shared by decompose.py (design elements) and explain_channels.py
(a mechanism's inputs), below both."""

from __future__ import annotations

import itertools
import math


def coalitions(elements: list[str]) -> list[tuple[str, ...]]:
    return [tuple(c) for r in range(len(elements) + 1)
            for c in itertools.combinations(elements, r)]


def shapley(values: dict[tuple[str, ...], float], elements: list[str]) -> dict[str, float]:
    """Exact Shapley values from the value of every coalition."""
    n = len(elements)
    out = {}
    for element in elements:
        others = [e for e in elements if e != element]
        total = 0.0
        for r in range(n):
            weight = math.factorial(r) * math.factorial(n - r - 1) / math.factorial(n)
            for subset in itertools.combinations(others, r):
                with_it = tuple(e for e in elements if e in subset or e == element)
                without = tuple(e for e in elements if e in subset)
                total += weight * (values[with_it] - values[without])
        out[element] = total
    return out
