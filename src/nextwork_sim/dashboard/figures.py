"""Plotly figures of the dashboard: a metric by year, one line per scenario with its 95 %
interval as a band, and the same for the differences to a baseline (with a zero line); with
the subjects component (docs/subjects.md), a metric by subject over the years and the
schools by poverty band."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..outcomes import metric_definition
from .data import POVERTY_BANDS

#: seaborn's "deep" palette, so the dashboard's colours match the report's figures.
PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3",
           "#8C8C8C", "#CCB974", "#64B5CD")


#: pixels: two figures side by side in a 1280-pixel window (the widget does not follow its
#: container's width)
FIGURE_WIDTH = 600


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def metric_unit(metric: str) -> str:
    """The metric's unit: built-in, or of a registered component (data.register_components
    registers those a results folder ran); empty for a metric neither knows."""
    definition = metric_definition(metric)
    return definition.unit if definition is not None else ""


def metric_title(metric: str, group: str) -> str:
    """``attrition_rate (share), group all``: what the y axis measures."""
    unit = metric_unit(metric)
    return f"{metric} ({unit}), {group}" if unit else f"{metric}, {group}"


def _bands(figure: go.Figure, rows: pd.DataFrame, order: list[str], legend: bool = True,
           **cell) -> None:
    """Each scenario's mean line with its 95 % band; ``legend``: name the lines in the
    legend (once per figure when a figure has several panels); ``cell``: the panel's
    ``row`` and ``col``."""
    for index, name in enumerate(order):
        part = rows[rows["scenario"] == name].sort_values("year")
        if part.empty:
            continue
        colour = PALETTE[index % len(PALETTE)]
        band = part.dropna(subset=["ci_low", "ci_high"])
        if not band.empty:  # one replication: no interval, no band
            figure.add_trace(go.Scatter(
                x=list(band["year"]) + list(band["year"])[::-1],
                y=list(band["ci_high"]) + list(band["ci_low"])[::-1],
                mode="lines", fill="toself", fillcolor=_rgba(colour, 0.2),
                line={"width": 0},
                hoverinfo="skip", showlegend=False, legendgroup=name,
                name=f"{name} 95% CI"), **cell)
        figure.add_trace(go.Scatter(
            x=part["year"], y=part["mean"], mode="lines+markers", name=name,
            legendgroup=name, line={"color": colour, "width": 2}, showlegend=legend,
            customdata=part[["ci_low", "ci_high"]].to_numpy(),
            hovertemplate=(f"{name}<br>year %{{x}}: %{{y:.4g}}"
                           "<br>95% CI %{customdata[0]:.4g} to %{customdata[1]:.4g}"
                           "<extra></extra>")), **cell)


def _layout(figure: go.Figure, title: str, y_title: str) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0.01}, template="plotly_white", showlegend=True,
        width=FIGURE_WIDTH, height=380, margin={"l": 60, "r": 20, "t": 50, "b": 45},
        legend={"orientation": "h", "y": -0.18},
        xaxis={"title": "reported year", "dtick": 1}, yaxis={"title": y_title})
    return figure


def levels_figure(rows: pd.DataFrame, order: list[str], metric: str,
                  group: str) -> go.Figure:
    """Mean by year of each scenario in ``order`` with its 95 % interval of the mean."""
    figure = go.Figure()
    _bands(figure, rows, order)
    return _layout(figure, f"{metric}: mean and 95% CI of the mean",
                   metric_title(metric, group))


def differences_figure(rows: pd.DataFrame, order: list[str], against: str, metric: str,
                       group: str) -> go.Figure:
    """Each scenario minus ``against`` by year, with the 95 % interval of the paired
    differences; colours follow ``order`` so a scenario keeps its colour."""
    figure = go.Figure()
    figure.add_hline(y=0, line={"color": "#444", "width": 1, "dash": "dot"})
    _bands(figure, rows, order)
    return _layout(figure, f"{metric}: difference to {against} (95% CI, paired)",
                   f"difference, {metric_title(metric, group)}")


#: panels per row of the figure by subject
SUBJECT_COLUMNS = 4
#: pixels: the wide figures of the subjects component (the card's full width)
WIDE_FIGURE_WIDTH = 1200


def subjects_figure(rows: pd.DataFrame, order: list[str], metric: str) -> go.Figure:
    """One panel per subject (``data.by_subject`` rows): each scenario of ``order`` by year
    with its 95 % interval, the same colours as the other figures; y axes shared so the
    subjects compare at a glance."""
    subjects = list(dict.fromkeys(rows["subject"]))
    columns = min(SUBJECT_COLUMNS, max(len(subjects), 1))
    panels = max(-(-len(subjects) // columns), 1)
    figure = make_subplots(rows=panels, cols=columns, shared_yaxes=True,
                           subplot_titles=subjects or None, vertical_spacing=0.5 / panels,
                           horizontal_spacing=0.03)
    for index, subject in enumerate(subjects):
        _bands(figure, rows[rows["subject"] == subject], order, legend=index == 0,
               row=index // columns + 1, col=index % columns + 1)
    figure.update_xaxes(dtick=1)
    figure.update_layout(
        title={"text": f"{metric_title(metric, 'by subject')}: mean and 95% CI of the mean",
               "x": 0.01},
        template="plotly_white", width=WIDE_FIGURE_WIDTH, height=90 + 210 * panels,
        margin={"l": 60, "r": 20, "t": 80, "b": 45}, legend={"orientation": "h", "y": -0.08})
    return figure


#: the two panels of the school figure: schools.csv column and its axis title
SCHOOL_SHARES = (("vacancy_share", "vacant posts, per 100"),
                 ("out_of_field_share", "out-of-field posts, per 100 filled"))


def _spread(count: int, width: float) -> np.ndarray:
    """Offsets of ``count`` points side by side within ``width`` (centred), so the schools
    of one band and scenario do not hide each other."""
    if count <= 1:
        return np.zeros(count)
    return np.linspace(-width / 2, width / 2, count)


def schools_figure(schools: pd.DataFrame, order: list[str]) -> go.Figure:
    """Each school of schools.csv as a point by its poverty band (x) and its vacancy share
    and out-of-field share (a panel each, per 100 posts), one colour per scenario of
    ``order`` (side by side within a band); hover names the school, its level and how many
    school-years the shares are the mean of."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=[t for _, t in SCHOOL_SHARES],
                           horizontal_spacing=0.08)
    slot = 0.6 / max(len(order), 1)  # of a band's width, per scenario
    for index, name in enumerate(order):
        mine = schools[schools["scenario"] == name].sort_values(["school_poverty", "school"])
        if mine.empty:
            continue
        colour = PALETTE[index % len(PALETTE)]
        centre = -0.3 + slot * (index + 0.5)
        x = np.empty(len(mine))
        band_index = mine["school_poverty"].map(
            {b: i for i, b in enumerate(POVERTY_BANDS)}).fillna(len(POVERTY_BANDS))
        for band, positions in mine.groupby(band_index.to_numpy()).indices.items():
            x[positions] = band + centre + _spread(len(positions), 0.8 * slot)
        hover = mine[["school", "level", "school_poverty", "school_years"]].to_numpy()
        for column, (share, title) in enumerate(SCHOOL_SHARES, start=1):
            figure.add_trace(go.Scatter(
                x=x, y=100 * mine[share], mode="markers", name=name, legendgroup=name,
                showlegend=column == 1, marker={"color": colour, "size": 8, "opacity": 0.75},
                customdata=hover,
                hovertemplate=(f"%{{customdata[0]}} (%{{customdata[1]}}), {name}"
                               f"<br>%{{customdata[2]}} poverty<br>{title}: %{{y:.1f}}"
                               "<br>school-years observed: %{customdata[3]}<extra></extra>")),
                row=1, col=column)
    figure.update_xaxes(tickvals=list(range(len(POVERTY_BANDS))),
                        ticktext=[f"{b} poverty" for b in POVERTY_BANDS],
                        range=[-0.5, len(POVERTY_BANDS) - 0.5])
    figure.update_yaxes(rangemode="tozero")
    figure.update_layout(
        title={"text": "Schools by poverty band: mean over the reported years and "
                       "replications (schools.csv)", "x": 0.01},
        template="plotly_white", width=WIDE_FIGURE_WIDTH, height=420,
        margin={"l": 60, "r": 20, "t": 80, "b": 45}, legend={"orientation": "h", "y": -0.15})
    return figure
