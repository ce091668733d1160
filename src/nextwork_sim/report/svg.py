"""Figures as inline SVG: a matplotlib ``Figure`` written to a string that can sit in an HTML
page next to others (text kept as text, no date, every id made unique to the figure, so two
figures never share a clip path or marker by accident)."""

from __future__ import annotations

import io
import itertools
import re

_COUNTER = itertools.count(1)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def svg_text(figure, prefix: str | None = None) -> str:
    """``figure`` as an ``<svg>`` element (no XML prolog), ids prefixed with ``prefix``."""
    import matplotlib  # start-up time

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "nextwork-sim"}):
        # no bbox_inches="tight": the figures are laid out already, and it draws them twice
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    prefix = prefix or f"fig{next(_COUNTER)}"
    ids = set(_ID.findall(text))
    return _REFERENCE.sub(lambda m: f"{m[1]}{prefix}-{m[2]}" if m[2] in ids else m[0], text)
