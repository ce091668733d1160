"""Reports and figures of a results folder: what people would rather look at than read.

``build_report(results_dir, out=None, pdf=False)`` writes one self-contained HTML page (and,
with ``pdf``, a PDF printed by headless Chromium): ``nextwork-sim report``. The PNG figures
``compare`` writes next to its results are ``comparison_figure`` and ``explain_figure``.
Every figure is a matplotlib ``Figure`` with seaborn styling, never pyplot state.
"""

from __future__ import annotations

from .build import Report, build_report, find_chromium
from .folder import ReportError, read_folder
from .png import comparison_figure, explain_figure

__all__ = ["build_report", "Report", "ReportError", "find_chromium", "read_folder",
           "comparison_figure", "explain_figure"]
