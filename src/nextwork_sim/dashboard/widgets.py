"""Small Solara components the pages share: a bounded number input, the download buttons of a
results folder, and a plain table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import solara

from . import data
from .levers import Lever


@solara.component
def NumberInput(lever: Lever, text: str, on_text: Callable[[str], None]):
    """A number field bounded by the config field's range (the browser's min, max and
    step); what is typed is kept as text and validated with the whole scenario, so an
    out-of-range value shows the config file's one-line message rather than being
    silently clamped."""
    attributes = {"step": str(lever.step)}
    if lever.low is not None:
        attributes["min"] = f"{lever.low:g}"
    if lever.high is not None:
        attributes["max"] = f"{lever.high:g}"
    solara.v.TextField(label=lever.label, v_model=text, on_v_model=on_text, type="number",
                       hint=f"{lever.path}: {lever.hint}", persistent_hint=True,
                       attributes=attributes, dense=True, outlined=True,
                       class_="nextwork-lever")


@solara.component
def ResultDownloads(folder: Path):
    """Download the folder as a zip, and its HTML report where this version builds one."""
    with solara.Row():
        solara.FileDownload(lambda: data.results_zip(folder), filename=f"{folder.name}.zip",
                            label="Download results (zip)", mime_type="application/zip")
        if data.report_builder() is not None:
            solara.FileDownload(lambda: data.report_html(folder),
                                filename=f"{folder.name}-report.html",
                                label="Download report (HTML)", mime_type="text/html")
        else:
            solara.Text("(the HTML report needs a newer nextwork-sim: download the results)")


@solara.component
def Table(frame: pd.DataFrame, digits: int = 4):
    """A small table (header and rows as they are, numbers to ``digits`` significant
    digits)."""

    def cell(value) -> str:
        if isinstance(value, float):
            return "" if pd.isna(value) else f"{value:.{digits}g}"
        return str(value)

    head = solara.v.Html(tag="thead", children=[solara.v.Html(tag="tr", children=[
        solara.v.Html(tag="th", children=[str(c)]) for c in frame.columns])])
    body = solara.v.Html(tag="tbody", children=[
        solara.v.Html(tag="tr", children=[solara.v.Html(tag="td", children=[cell(v)])
                                          for v in row])
        for row in frame.itertuples(index=False)])
    solara.v.SimpleTable(dense=True, children=[head, body])
