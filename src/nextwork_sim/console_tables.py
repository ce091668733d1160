"""The tables and warnings ``run`` and ``compare`` print: key metrics, adults and vacancies by
category, the transition a switch brought, and the categories whose posts stay empty."""

from __future__ import annotations

from rich.table import Table

from .outcomes import METRICS
from .roles import CATEGORIES

KEY_METRICS = ("leave_rate", "attrition_rate", "mean_chronic_load", "mean_skill",
               "satisfaction", "achievement_growth", "months_of_learning",
               "uncovered_need_share", "students_per_teacher", "adults_per_100_students",
               "cost_per_student", "unfilled_post_cost")
#: a category whose posts stay vacant more than this share in some year is named at the end
VACANCY_WARNING = 0.10
TRANSITION_METRICS = ("displaced", "displaced_left_district", "role_changes",
                      "transition_cost")


def key_metrics_table(table, names: list[str]) -> Table:
    """Mean over reported years (group all) of KEY_METRICS per scenario, with the last
    scenario's difference to the first."""
    overall = table[table["group"] == "all"].groupby(["metric", "scenario"])["value"].mean()
    caption = f"difference = {names[-1]} - {names[0]}" if len(names) > 1 else None
    view = Table(title="mean over reported years (group: all)", caption=caption)
    view.add_column("metric", no_wrap=True, min_width=max(map(len, KEY_METRICS)))
    for name in names:
        view.add_column(name, justify="right")
    if len(names) > 1:
        view.add_column("difference", justify="right")
    for metric in KEY_METRICS:
        values = [overall.get((metric, n), float("nan")) for n in names]
        digits = 0 if METRICS[metric].unit == "dollars" else 3
        cells = [f"{v:,.{digits}f}" for v in values]
        if len(names) > 1:
            cells.append(f"{values[-1] - values[0]:+,.{digits}f}")
        view.add_row(metric, *cells)
    return view


def _by_category(table, metric: str):
    """Mean over replications of ``metric`` by category, scenario and year."""
    rows = table[(table["metric"] == metric) & table["group"].str.startswith("category=")]
    means = rows.groupby(["scenario", "group", "year"])["value"].mean().reset_index()
    return means.assign(category=means["group"].str.removeprefix("category="))


def categories_table(table, names: list[str]) -> Table:
    """Adults per 100 students (FTE) and the share of posts vacant, by category: what each
    design staffs, and what its pipelines fill."""

    adults = _by_category(table, "adults_per_100_students").groupby(
        ["category", "scenario"])["value"].mean()
    vacant = _by_category(table, "vacancy_rate").groupby(["category", "scenario"])["value"].mean()
    view = _scenario_columns("by category, mean over reported years: adults per 100 students "
                             "(FTE, by the adult's category) · share of the category's posts "
                             "vacant during the year (a novice holds a professional post)",
                             "category", names)
    for category in CATEGORIES:
        cells = []
        for name in names:
            fte = adults.get((category, name), float("nan"))
            share = vacant.get((category, name))
            cells.append(f"{fte:.2f}" + ("" if share is None else f" · {share:.0%}"))
        if any(cell.split(" ")[0] not in ("nan", "0.00") or "·" in cell for cell in cells):
            view.add_row(category, *cells)
    return view


def vacancy_warnings(table, names: list[str], threshold: float = VACANCY_WARNING) -> list[str]:
    """One line per scenario and category whose posts stay vacant (no holder, or a long-term
    substitute) more than ``threshold`` in some reported year (mean over replications): the
    worst year and the mean fill rate over the years."""
    by_year = _by_category(table, "vacancy_rate")
    lines = []
    for name in names:
        for category, rows in by_year[by_year["scenario"] == name].groupby("category",
                                                                            sort=False):
            worst = rows.loc[rows["value"].idxmax()]
            if worst["value"] > threshold:
                lines.append(f"warning: {name} leaves {worst['value']:.0%} of {category} posts "
                             f"vacant during year {int(worst['year'])} (fill rate "
                             f"{1 - worst['value']:.0%}, mean over years "
                             f"{1 - rows['value'].mean():.0%})")
    return lines


def print_vacancy_warnings(console, table, names: list[str]) -> None:
    for line in vacancy_warnings(table, names):
        console.print(f"[yellow]{line}[/]", highlight=False, soft_wrap=True)


def print_tables(console, table, names: list[str]) -> None:
    console.print(key_metrics_table(table, names))
    console.print(categories_table(table, names))
    transition = transition_table(table, names)
    if transition is not None:
        console.print(transition)


def transition_table(table, names: list[str]) -> Table | None:
    """The switch of each scenario, in the year it prepared (mean over replications): who
    was displaced, who left the district, who was trained for a new role and what that cost.
    None when no scenario switched."""
    rows = table[table["metric"].isin(TRANSITION_METRICS) & (table["group"] == "all")]
    totals = rows.groupby(["scenario", "replication", "metric"])["value"].sum()
    means = totals.groupby(["scenario", "metric"]).mean()
    if not (means > 0).any():
        return None
    view = _scenario_columns("transition: the switch to each design, summed over reported "
                             "years (mean over replications)", "metric", names)
    for metric in TRANSITION_METRICS:
        view.add_row(metric, *(f"{means.get((name, metric), 0.0):,.0f}" for name in names))
    return view


def _scenario_columns(title: str, first: str, names: list[str]) -> Table:
    view = Table(title=title)
    view.add_column(first)
    for name in names:
        view.add_column(name, justify="right")
    return view
