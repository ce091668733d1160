"""The PNG figures ``compare`` writes next to its results.

``comparison_figure``: the headline metrics of each scenario over the years, mean and 95 % CI
over replications. ``explain_figure``: each difference to the baseline split by channel, with
intervals over replications. Both write PNG via a temporary name (nothing half-written).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .style import new_figure, palette, save_png, seaborn_style

HEADLINE = (("attrition_rate", "teachers leaving their school"), ("mean_chronic_load",
            "chronic cognitive load"), ("mean_skill", "mean skill (0-1)"),
            ("months_of_learning", "months of learning a year"), ("achievement_gap",
            "gap, low-income students (SD)"), ("cost_per_student", "cost per student ($)"))


def comparison_figure(summary: pd.DataFrame, path: Path) -> Path:
    """Small multiples of the headline metrics (group ``all``; the gap for low-income
    students) by year, one line per scenario with its 95 % CI band."""
    from matplotlib.ticker import MaxNLocator  # start-up time

    scenarios = [s for s in summary["scenario"].unique() if " - " not in s]
    colors = palette(scenarios)
    with seaborn_style():
        figure = new_figure(13, 7)
        axes = figure.subplots(2, 3, sharex=True)
        for ax, (metric, title) in zip(axes.flat, HEADLINE, strict=True):
            group = "low_income=true" if metric == "achievement_gap" else "all"
            part = summary[(summary["metric"] == metric) & (summary["group"] == group)
                           & summary["scenario"].isin(scenarios)]
            for scenario, lines in part.groupby("scenario", sort=False):
                lines = lines.sort_values("year")
                ax.plot(lines["year"], lines["mean"], marker="o", ms=3, color=colors[scenario],
                        label=scenario)
                if lines["ci_low"].notna().any():
                    ax.fill_between(lines["year"], lines["ci_low"], lines["ci_high"], alpha=0.2,
                                    color=colors[scenario], linewidth=0)
            ax.set_title(title)
            ax.set_xlabel("year")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        handles, labels = axes.flat[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="lower center", ncol=max(len(scenarios), 1),
                      frameon=False)
        figure.tight_layout(rect=(0, 0.05, 1, 1))
        return save_png(figure, path)


def explain_figure(table: pd.DataFrame, path: Path) -> Path:
    """One panel per metric: each channel's contribution to scenario − baseline, with its
    95 % interval; the total as a black bar."""
    channels = table[table["kind"] == "channel"]
    metrics = list(channels["metric"].unique())
    if not metrics:
        raise ValueError("no channel rows to draw")
    scenarios = list(channels["scenario"].unique())
    colors = palette(scenarios)
    with seaborn_style():
        figure = new_figure(4.2 * len(metrics), 4.8)
        axes = figure.subplots(1, len(metrics), squeeze=False)
        for ax, metric in zip(axes[0], metrics, strict=True):
            part = channels[channels["metric"] == metric]
            order = list(dict.fromkeys(part["mechanism"]))
            height = 0.8 / len(scenarios)
            for s_index, scenario in enumerate(scenarios):
                rows = part[part["scenario"] == scenario].set_index("mechanism").reindex(order)
                y = [i + (s_index - (len(scenarios) - 1) / 2) * height
                     for i in range(len(order))]
                bar_colors = ["black" if m == "total" else colors[scenario] for m in order]
                error = [(rows["contribution"] - rows["ci_low"]).fillna(0).clip(lower=0),
                         (rows["ci_high"] - rows["contribution"]).fillna(0).clip(lower=0)]
                ax.barh(y, rows["contribution"], height=height, color=bar_colors, xerr=error,
                        error_kw={"elinewidth": 0.8, "capsize": 2}, label=scenario)
            ax.set_yticks(range(len(order)), order)
            ax.invert_yaxis()
            ax.axvline(0, color="grey", linewidth=0.8)
            ax.set_title(metric)
        if len(scenarios) > 1:
            axes[0][0].legend(frameon=False, fontsize="small")
        figure.suptitle("difference to the baseline, by channel (95 % interval over "
                        "replications)")
        figure.tight_layout()
        return save_png(figure, path)
