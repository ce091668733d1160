"""Section 5 of the report, from ``explain.csv`` (``compare --explain``): each difference to
the baseline as a waterfall, the design elements (Shapley values) or the internal channels
stepping from no difference to the total, with each step's 95 % interval over replications;
channels are coloured by whether a parameter behind them is an assumption, and each
metric's share resting on assumptions (the ``assumption_share`` of its channel total) is
stated."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..experiments.decompose import sentences
from ..outcomes import METRICS
from .style import new_figure, seaborn_style
from .svg import svg_text

NOT_STEPS = ("total", "interaction")  # interaction is a diagnostic, not a Shapley share
COLORS = {"assumption": "#de8f05", "sourced": "#0173b2", "chance": "#949494",
          "design": "#56b4e9", "total": "#222222"}
LEGEND = {"assumption": "rests on an assumption", "sourced": "sourced or fitted only",
          "chance": "chance (the draws)", "design": "design element", "total": "total"}


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "1.0")


def step_color(row, kind: str) -> str:
    if kind == "design":
        return "design"
    if _truthy(row.get("rests_on_assumption")):
        return "assumption"
    kinds = row.get("parameter_kinds")
    return "sourced" if isinstance(kinds, str) and kinds else "chance"


def _waterfall(ax, part: pd.DataFrame, kind: str) -> set[str]:
    """Steps from 0 to the total (one bar call and one line call per panel: fast to draw)."""
    steps = part[~part["mechanism"].isin(NOT_STEPS)]
    total = part[part["mechanism"] == "total"]
    values = steps["contribution"].to_numpy(dtype=float)
    lefts = np.concatenate([[0.0], np.cumsum(values)[:-1]])
    colors = [step_color(row, kind) for row in steps.to_dict("records")]
    low = lefts + steps["ci_low"].to_numpy(dtype=float)
    high = lefts + steps["ci_high"].to_numpy(dtype=float)
    labels = list(steps["mechanism"])
    if not total.empty:
        row = total.iloc[0]
        values = np.append(values, row["contribution"])
        lefts = np.append(lefts, 0.0)
        colors.append("total")
        low, high = np.append(low, row["ci_low"]), np.append(high, row["ci_high"])
        labels.append("total")
    y = np.arange(len(labels))
    ax.barh(y, values, left=lefts, color=[COLORS[c] for c in colors], height=0.7)
    shown = ~np.isnan(low)
    ax.hlines(y[shown], low[shown], high[shown], color="#666666", linewidth=1.0)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.axvline(0, color="grey", linewidth=0.8)
    return set(colors)


def waterfall_svg(table: pd.DataFrame, scenario: str, kind: str) -> str:
    """Panels per metric of one scenario's decomposition of ``kind`` (design or channel)."""
    from matplotlib.patches import Patch  # start-up time

    part = table[(table["scenario"] == scenario) & (table["kind"] == kind)]
    metrics = list(dict.fromkeys(part["metric"]))
    columns = min(4, len(metrics))
    rows = -(-len(metrics) // columns)
    used: set[str] = set()
    with seaborn_style("paper", font_scale=1.05):
        figure = new_figure(3.9 * columns, 0.32 * part.groupby("metric").size().max() * rows
                            + 1.3 * rows + 0.4)
        axes = figure.subplots(rows, columns, squeeze=False)
        for ax, metric in zip(axes.flat, metrics, strict=False):
            used |= _waterfall(ax, part[part["metric"] == metric], kind)
            unit = METRICS[metric].unit if metric in METRICS else ""
            ax.set_title(f"{metric} ({unit})", fontsize="medium")
        for ax in axes.flat[len(metrics):]:
            ax.set_visible(False)
        order = [k for k in COLORS if k in used]
        figure.legend([Patch(color=COLORS[k]) for k in order], [LEGEND[k] for k in order],
                      loc="lower center", ncol=len(order), frameon=False)
        figure.tight_layout(rect=(0, 0.45 / figure.get_figheight(), 1, 1))
        return svg_text(figure, f"explain-{scenario}-{kind}")


def _fmt(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:+.4g}".replace("-", "−")


def explain_section(table: pd.DataFrame, baseline: str) -> dict:
    """What the template shows: per scenario and kind a waterfall and a table, the sentences
    of ``compare --explain``, and each metric's share resting on assumptions."""

    blocks = []
    for scenario in dict.fromkeys(table["scenario"]):
        for kind in ("design", "channel"):
            part = table[(table["scenario"] == scenario) & (table["kind"] == kind)]
            if part.empty:
                continue
            rows = [{"metric": r["metric"], "mechanism": r["mechanism"],
                     "contribution": _fmt(r["contribution"]),
                     "interval": f"{_fmt(r['ci_low'])} to {_fmt(r['ci_high'])}",
                     "kinds": r.get("parameter_kinds") if isinstance(
                         r.get("parameter_kinds"), str) else "",
                     "assumption": _truthy(r.get("rests_on_assumption"))}
                    for r in part.to_dict("records")]
            shares = []
            if kind == "channel" and "assumption_share" in part:
                for r in part[part["mechanism"] == "total"].to_dict("records"):
                    if not math.isnan(r["assumption_share"]):
                        shares.append({"metric": r["metric"],
                                       "share": f"{r['assumption_share']:.0%}"})
            blocks.append({"scenario": scenario, "kind": kind, "rows": rows,
                           "shares": shares, "svg": waterfall_svg(table, scenario, kind)})
    return {"blocks": blocks, "sentences": sentences(table, baseline),
            "metrics": sorted(set(table["metric"]))}
