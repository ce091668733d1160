"""Section 4 of the report, when the folder holds ``schools.csv`` (the subjects component,
docs/subjects.md): each school's vacancy and out-of-field shares by poverty band, as a
figure (one point per school and scenario) and a table of the most affected schools."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .style import new_figure, palette, seaborn_style
from .svg import svg_text

#: the schools.csv columns the figure reads
SCHOOL_COLUMNS = ("scenario", "school", "school_poverty", "level", "vacancy_share",
                  "out_of_field_share", "school_years")
BANDS = ("low", "mid", "high")
#: rows of the table: the most affected schools of each scenario
TABLE_ROWS = 10


def _shortage(table: pd.DataFrame) -> pd.Series:
    """Vacant or out of field, per 100 posts (out-of-field shares are of the filled posts)."""
    vacant = table["vacancy_share"].fillna(0.0)
    return 100 * (vacant + (1 - vacant) * table["out_of_field_share"].fillna(0.0))


def school_rows(table: pd.DataFrame, scenarios: list[str]) -> list[dict]:
    """The most affected schools of each scenario (by shortage), with band, level, shares."""
    table = table.assign(shortage=_shortage(table))
    rows = []
    for scenario in scenarios:
        mine = table[table["scenario"] == scenario].sort_values("shortage", ascending=False)
        for r in mine.head(TABLE_ROWS).itertuples():
            rows.append({"scenario": scenario, "school": r.school, "poverty": r.school_poverty,
                         "level": r.level, "vacancy": f"{100 * r.vacancy_share:.1f}",
                         "out_of_field": f"{100 * r.out_of_field_share:.1f}",
                         "shortage": f"{r.shortage:.1f}", "school_years": int(r.school_years)})
    return rows


def school_figure(table: pd.DataFrame | None, scenarios: list[str]) -> dict | None:
    """The figure and table (None without schools.csv or rows of these scenarios)."""
    if table is None:
        return None
    table = table[table["scenario"].isin(scenarios)]
    if table.empty:
        return None
    colors = palette(scenarios)
    with seaborn_style("paper", font_scale=1.1):
        figure = new_figure(7.0, 3.2)
        axes = figure.subplots(1, 2, squeeze=False)[0]
        for ax, (column, title) in zip(axes, (("vacancy_share", "vacant posts, per 100"),
                                              ("out_of_field_share",
                                               "out-of-field posts, per 100 filled")),
                                       strict=True):
            for offset, scenario in zip(np.linspace(-0.2, 0.2, len(scenarios)), scenarios,
                                        strict=True):
                mine = table[table["scenario"] == scenario]
                x = mine["school_poverty"].map(BANDS.index).to_numpy(dtype=float) + offset
                ax.scatter(x, 100 * mine[column], s=14 + mine["school_years"].clip(upper=60),
                           color=colors[scenario], alpha=0.7, label=scenario)
            ax.set_xticks(range(len(BANDS)), [f"{b} poverty" for b in BANDS])
            ax.set_title(title, fontsize="medium")
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="lower center", frameon=False,
                      ncol=min(len(scenarios), 4))
        figure.tight_layout(rect=(0, 0.4 / figure.get_figheight(), 1, 1))
        svg = svg_text(figure, "schools")
    return {"key": "schools", "title": "Schools by poverty: vacancies and out-of-field teaching",
            "caption": "One point per school and scenario: mean over the reported years and "
                       "replications (schools.csv); a larger point was observed more often. "
                       "Poverty bands: < 35 %, 35-74 %, >= 75 % low-income students.",
            "svg": svg, "metrics": ["school_vacancy_rate", "school_out_of_field_share"],
            "table": school_rows(table, scenarios)}
