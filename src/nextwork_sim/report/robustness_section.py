"""Section 6 of the report: how far results move with the parameters, as tornado charts.

- ``sensitivity.csv`` (``nextwork-sim sweep``, Sobol or Morris): per outcome, each
  parameter's total-order index ST (Sobol; first-order S1 drawn inside it) or mu* (Morris),
  largest first, with the 95 % bootstrap interval;
- ``robustness.csv`` (one-at-a-time swings; columns in folder.py): per outcome, the outcome
  with each parameter at its low and its high value, as bars from the base value (the
  ``base`` column when present, otherwise the mean of the swings' midpoints), widest first.
"""

from __future__ import annotations

import math

import pandas as pd

from .style import new_figure, seaborn_style
from .svg import svg_text

LOW, HIGH = "#0173b2", "#de8f05"


def _label(parameter: str) -> str:
    return parameter.removeprefix("parameters.")


def _sensitivity_panel(ax, part: pd.DataFrame) -> str:
    lead = "ST" if "ST" in set(part["index"]) else "mu_star"
    wide = part[part["index"] == lead].sort_values("value")
    y = range(len(wide))
    error = [(wide["value"] - wide["ci_low"]).fillna(0).clip(lower=0),
             (wide["ci_high"] - wide["value"]).fillna(0).clip(lower=0)]
    ax.barh(y, wide["value"], color=HIGH, xerr=error, height=0.7,
            error_kw={"elinewidth": 0.8, "capsize": 2}, label=lead)
    if lead == "ST":
        first = part[part["index"] == "S1"].set_index("parameter").reindex(wide["parameter"])
        ax.barh(y, first["value"].fillna(0), color=LOW, height=0.35, label="S1")
    ax.set_yticks(list(y), [_label(p) for p in wide["parameter"]])
    ax.axvline(0, color="grey", linewidth=0.8)
    return lead


def _robustness_panel(ax, part: pd.DataFrame) -> None:
    part = part.assign(width=(part["outcome_high"] - part["outcome_low"]).abs())
    part = part.sort_values("width")
    base = (float(part["base"].iloc[0]) if "base" in part and part["base"].notna().any()
            else float(((part["outcome_low"] + part["outcome_high"]) / 2).mean()))
    y = range(len(part))
    ax.barh(y, part["outcome_low"] - base, left=base, color=LOW, height=0.7,
            label="parameter at its low value")
    ax.barh(y, part["outcome_high"] - base, left=base, color=HIGH, height=0.7, alpha=0.85,
            label="parameter at its high value")
    ax.set_yticks(list(y), [f"{_label(r.parameter)} ({r.low:g} to {r.high:g})"
                            for r in part.itertuples()])
    ax.axvline(base, color="grey", linewidth=0.8)


def _tornados(table: pd.DataFrame, keys: list[str], panel, name: str) -> str:
    outcomes = list(table.groupby(keys, sort=False).groups)
    columns = min(3, len(outcomes))
    rows = -(-len(outcomes) // columns)
    tallest = table.groupby(keys)["parameter"].nunique().max()
    with seaborn_style("paper", font_scale=1.05):
        figure = new_figure(4.6 * columns, (0.35 * tallest + 1.2) * rows + 0.4)
        axes = figure.subplots(rows, columns, squeeze=False)
        for ax, outcome in zip(axes.flat, outcomes, strict=False):
            outcome = outcome if isinstance(outcome, tuple) else (outcome,)
            mask = pd.Series(True, index=table.index)
            for key, value in zip(keys, outcome, strict=True):
                mask &= table[key] == value
            panel(ax, table[mask])
            ax.set_title(" · ".join(str(v) for v in outcome), fontsize="medium")
        for ax in axes.flat[len(outcomes):]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="lower center", ncol=max(len(labels), 1),
                      frameon=False)
        figure.tight_layout(rect=(0, 0.45 / figure.get_figheight(), 1, 1))
        return svg_text(figure, name)


def robustness_section(sensitivity: pd.DataFrame | None,
                       robustness: pd.DataFrame | None) -> dict | None:
    """Tornado figures and tables of whatever the folder holds; None when it holds neither
    (the section is left out)."""
    blocks = []
    if sensitivity is not None and not sensitivity.empty:
        keys = [k for k in ("metric", "group", "reducer") if k in sensitivity.columns]
        rows = [{"outcome": " · ".join(str(r[k]) for k in keys), "parameter": r["parameter"],
                 "index": r["index"], "value": f"{r['value']:.3f}",
                 "interval": "" if math.isnan(r["ci_low"]) else
                 f"{r['ci_low']:.3f} to {r['ci_high']:.3f}"}
                for r in sensitivity.to_dict("records")]
        blocks.append({"title": "Sensitivity indices (sweep)", "caption":
                       "Share of the outcome's variance over the sweep's ranges due to each "
                       "parameter: total-order ST, with first-order S1 inside it (Sobol), or "
                       "the mean absolute elementary effect mu* (Morris); 95 % bootstrap "
                       "intervals. Largest first.",
                       "svg": _tornados(sensitivity, keys, _sensitivity_panel, "sensitivity"),
                       "columns": ["outcome", "parameter", "index", "value", "interval"],
                       "rows": rows})
    if robustness is not None and not robustness.empty:
        rows = [{"outcome": f"{r['metric']} · {r['group']}", "parameter": r["parameter"],
                 "range": f"{r['low']:g} to {r['high']:g}",
                 "outcome_low": f"{r['outcome_low']:.4g}",
                 "outcome_high": f"{r['outcome_high']:.4g}"}
                for r in robustness.to_dict("records")]
        blocks.append({"title": "One parameter at a time", "caption":
                       "The outcome with each parameter at the low and at the high end of its "
                       "range, the others at their values; widest swing first.",
                       "svg": _tornados(robustness, ["metric", "group"], _robustness_panel,
                                        "robustness"),
                       "columns": ["outcome", "parameter", "range", "outcome_low",
                                   "outcome_high"], "rows": rows})
    if not blocks:
        return None
    metrics = set()
    for table in (sensitivity, robustness):
        if table is not None:
            metrics |= set(table["metric"])
    return {"blocks": blocks, "metrics": sorted(metrics)}
