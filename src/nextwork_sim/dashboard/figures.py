"""Plotly figures of the dashboard: a metric by year, one line per scenario with its 95 %
interval as a band, and the same for the differences to a baseline (with a zero line)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..outcomes import METRICS

#: seaborn's "deep" palette, so the dashboard's colours match the report's figures.
PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3",
           "#8C8C8C", "#CCB974", "#64B5CD")


#: pixels: two figures side by side in a 1280-pixel window (the widget does not follow its
#: container's width)
FIGURE_WIDTH = 600


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def metric_title(metric: str, group: str) -> str:
    """``attrition_rate (share), group all``: what the y axis measures."""
    unit = METRICS[metric].unit if metric in METRICS else ""
    return f"{metric} ({unit}), {group}" if unit else f"{metric}, {group}"


def _bands(figure: go.Figure, rows: pd.DataFrame, order: list[str]) -> None:
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
                name=f"{name} 95% CI"))
        figure.add_trace(go.Scatter(
            x=part["year"], y=part["mean"], mode="lines+markers", name=name,
            legendgroup=name, line={"color": colour, "width": 2},
            customdata=part[["ci_low", "ci_high"]].to_numpy(),
            hovertemplate=(f"{name}<br>year %{{x}}: %{{y:.4g}}"
                           "<br>95% CI %{customdata[0]:.4g} to %{customdata[1]:.4g}"
                           "<extra></extra>")))


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
