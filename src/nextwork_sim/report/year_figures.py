"""Section 4 of the report: metrics by year, one line per scenario with its 95 % interval of
the mean as a band, in small multiples. A panel is drawn only when summary.csv holds its
metric and group, a figure only when it has a panel."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..subject_areas import AREAS
from .style import new_figure, palette, seaborn_style
from .svg import svg_text


@dataclass(frozen=True)
class Series:
    metric: str
    group: str = "all"
    label: str = ""       # added to the scenario's name in the legend
    dashed: bool = False


@dataclass(frozen=True)
class Panel:
    title: str
    series: tuple[Series, ...]
    scale: float = 1.0
    fill: bool = False    # draw 1 - value (a vacancy rate as a fill rate)


@dataclass(frozen=True)
class YearFigure:
    key: str
    title: str
    caption: str
    panels: tuple[Panel, ...] = field(default_factory=tuple)


def _one(metric: str, group: str, title: str, scale: float = 1.0) -> Panel:
    return Panel(title, (Series(metric, group),), scale)


STUDENT_GROUPS = (("all", "all students"), ("low_income=true", "low-income"),
                  ("english_learner=true", "English learners"),
                  ("disability=true", "students with disabilities"))
GAP_GROUPS = (("low_income=true", "low-income"), ("english_learner=true", "English learners"),
              ("disability=true", "with disabilities"), ("race=black", "Black students"),
              ("race=hispanic", "Hispanic students"))

FIGURES = (
    YearFigure("attrition", "Teachers leaving their school",
               "Per 100 teachers: who moved to another school or left (attrition), who left "
               "the profession (leave, retirement included) and who moved.",
               (_one("attrition_rate", "all", "moved or left (attrition)", 100),
                _one("leave_rate", "all", "left the profession", 100),
                _one("move_rate", "all", "moved school", 100))),
    YearFigure("fill", "Posts filled, by category",
               "Share of each category's posts held during the year by someone other than a "
               "long-term substitute (100 − vacancy rate), per 100 posts."),
    YearFigure("shortage", "Shortage by subject",
               "Per 100 teaching posts of each certification area: vacant (a long-term "
               "substitute) or held by a teacher not certified in it (the subjects component, "
               "docs/subjects.md; a team-covered post counts as in field)."),
    YearFigure("load", "Cognitive load",
               "Mean chronic cognitive load (1 = an educator's capacity) and the share of "
               "educators above it.",
               (_one("mean_chronic_load", "all", "chronic load (capacity units)"),
                _one("overloaded_share", "all", "overloaded, per 100 educators", 100))),
    YearFigure("skill", "Skill",
               "FTE-weighted mean skill over domains (0-1), all teachers and those in their "
               "first three years.",
               (_one("mean_skill", "all", "mean skill, all teachers"),
                _one("mean_skill", "experience=1-3", "mean skill, years 1-3"))),
    YearFigure("growth", "Achievement growth by student group",
               "Mean gain over the year in standard deviations (top) and in months of learning "
               "(bottom; a typical year is 9 months).",
               tuple(_one("achievement_growth", g, f"growth (SD), {label}")
                     for g, label in STUDENT_GROUPS)
               + tuple(_one("months_of_learning", g, f"months, {label}")
                       for g, label in STUDENT_GROUPS)),
    YearFigure("gaps", "Achievement gaps over time",
               "Mean standing of the other students minus the group's, in SD, at the end of "
               "the year (positive: the group is behind).",
               tuple(_one("achievement_gap", g, f"gap, {label}") for g, label in GAP_GROUPS)),
    YearFigure("diversity", "Educators and students of colour",
               "Per 100: teachers of colour (solid) against students of colour (dashed), and "
               "the difference (students minus teachers, in percentage points).",
               (Panel("teachers vs students of colour",
                      (Series("educators_of_color_share", "all", "teachers"),
                       Series("students_of_color_share", "all", "students", dashed=True)), 100),
                _one("representation_gap", "all", "representation gap (points)", 100))),
    YearFigure("cost", "Cost per student",
               "Full cost per enrolled student in dollars (the one-off transition included).",
               (_one("cost_per_student", "all", "cost per student ($)"),)),
)


def fill_panels(summary: pd.DataFrame) -> tuple[Panel, ...]:
    """One fill-rate panel per category with posts in the results."""
    groups = summary.loc[(summary["metric"] == "vacancy_rate")
                         & summary["group"].str.startswith("category="), "group"].unique()
    return tuple(Panel(f"{g.removeprefix('category=').replace('_', ' ')} posts filled",
                       (Series("vacancy_rate", g),), 100, fill=True) for g in sorted(groups))


def shortage_panels(summary: pd.DataFrame) -> tuple[Panel, ...]:
    """One panel per certification area with a shortage_share in the results (the subjects
    component), in the order of subject_areas.AREAS."""
    groups = set(summary.loc[summary["metric"] == "shortage_share", "group"])
    return tuple(Panel(f"{area.replace('_', ' ')} posts short",
                       (Series("shortage_share", f"subject={area}"),), 100)
                 for area in AREAS if f"subject={area}" in groups)


def _lines(summary: pd.DataFrame, series: Series, scenario: str) -> pd.DataFrame:
    part = summary[(summary["scenario"] == scenario) & (summary["metric"] == series.metric)
                   & (summary["group"] == series.group)]
    return part.sort_values("year")


def _has_data(summary: pd.DataFrame, panel: Panel, scenarios: list[str]) -> bool:
    return any(not _lines(summary, s, name).empty for s in panel.series for name in scenarios)


def draw(summary: pd.DataFrame, spec: YearFigure, scenarios: list[str],
         panels: tuple[Panel, ...]) -> str:
    """The figure ``spec`` with ``panels`` (those with data), as inline SVG."""
    from matplotlib.ticker import MaxNLocator  # start-up time

    colors = palette(scenarios)
    columns = min(4, len(panels))
    rows = -(-len(panels) // columns)
    with seaborn_style("paper", font_scale=1.1):
        figure = new_figure(3.4 * columns, 2.7 * rows + 0.5)
        axes = figure.subplots(rows, columns, squeeze=False, sharex=True)
        for ax, panel in zip(axes.flat, panels, strict=False):
            for series in panel.series:
                for scenario in scenarios:
                    lines = _lines(summary, series, scenario)
                    if lines.empty:
                        continue
                    mean, low, high = (lines[c] * panel.scale for c in
                                       ("mean", "ci_low", "ci_high"))
                    if panel.fill:
                        mean, low, high = panel.scale - mean, panel.scale - high, panel.scale - low
                    ax.plot(lines["year"], mean, marker="o", ms=3, color=colors[scenario],
                            linestyle="--" if series.dashed else "-")
                    if low.notna().any():
                        ax.fill_between(lines["year"], low, high, alpha=0.2, linewidth=0,
                                        color=colors[scenario])
            ax.set_title(panel.title, fontsize="medium")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for ax in axes.flat[len(panels):]:
            ax.set_visible(False)
        for ax in axes[-1]:
            ax.set_xlabel("year")
        figure.legend(*_legend(panels, scenarios, colors), loc="lower center", frameon=False,
                      ncol=min(len(scenarios) + 2, 5))
        figure.tight_layout(rect=(0, 0.4 / figure.get_figheight(), 1, 1))
        return svg_text(figure, f"year-{spec.key}")


def _legend(panels: tuple[Panel, ...], scenarios: list[str], colors: dict) -> tuple:
    """One entry per scenario (its colour), then one per line style when a panel mixes
    series (e.g. teachers solid, students dashed)."""
    from matplotlib.lines import Line2D  # start-up time

    handles = [Line2D([], [], color=colors[name], marker="o", ms=3) for name in scenarios]
    labels = list(scenarios)
    for series in dict.fromkeys(s for p in panels if len(p.series) > 1 for s in p.series):
        handles.append(Line2D([], [], color="#555555", linestyle="--" if series.dashed else "-"))
        labels.append(series.label)
    return handles, labels


def year_figures(summary: pd.DataFrame, scenarios: list[str]) -> list[dict]:
    """Every figure of FIGURES the results hold: ``{"key", "title", "caption", "svg",
    "metrics"}``."""
    out = []
    for spec in FIGURES:
        made = {"fill": fill_panels, "shortage": shortage_panels}.get(spec.key)
        panels = made(summary) if made else spec.panels
        panels = tuple(p for p in panels if _has_data(summary, p, scenarios))
        if not panels:
            continue
        metrics = sorted({s.metric for p in panels for s in p.series})
        out.append({"key": spec.key, "title": spec.title, "caption": spec.caption,
                    "svg": draw(summary, spec, scenarios, panels), "metrics": metrics})
    return out
