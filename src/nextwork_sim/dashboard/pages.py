"""The results and scenario pages: pick a results folder, scenarios, a metric and a
baseline and see the figures; edit a scenario's headline levers and download it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import solara

from ..config import ConfigError, Scenario, to_toml
from ..experiments.storage import OutputError
from . import data, figures, levers, state
from .widgets import NumberInput, ResultDownloads, Table


@solara.component
def ResultsPage():
    """Metric by year for the chosen scenarios of a results folder, with 95 % intervals,
    and the differences to a chosen baseline; with the subjects component's results, the
    shortage by subject and the schools."""
    root = state.results_root()
    folders = data.results_folders(root)
    if not folders:
        solara.Info(f"No results folders under {root}: write one with `nextwork-sim compare "
                    f"... --out {root}/NAME`, or start a run on the Run page.")
        return
    by_name = {data.relative_name(f, root): f for f in folders}
    name = state.folder.value if state.folder.value in by_name else next(iter(by_name))
    folder = by_name[name]
    try:
        summary = data.load_summary(folder)
        names = data.scenarios(folder)
        data.register_components(folder)  # the units of its components' metrics
    except (OutputError, ValueError) as error:
        solara.Error(str(error))
        return
    chosen = [n for n in state.chosen.value if n in names] or names
    against = state.against.value if state.against.value in names else names[0]
    metrics = data.metrics(summary)
    metric = state.metric.value if state.metric.value in metrics else metrics[0]
    groups = data.groups(summary, metric)
    group = state.group.value if state.group.value in groups else groups[0]

    def pick_folder(value: str) -> None:
        state.folder.set(value)
        state.chosen.set([])
        state.against.set("")

    solara.Title("nextwork-sim: results")
    with solara.Card("Results folder"):
        with solara.Columns([2, 3]):
            solara.Select("Results folder", values=list(by_name), value=name,
                          on_value=pick_folder)
            solara.SelectMultiple("Scenarios", values=chosen, all_values=names,
                                  on_value=state.chosen.set)
        with solara.Columns([2, 2, 2]):
            solara.Select("Metric", values=metrics, value=metric, on_value=state.metric.set)
            solara.Select("Group", values=groups, value=group, on_value=state.group.set)
            solara.Select("Baseline", values=names, value=against, on_value=state.against.set)
        ResultDownloads(folder)
    rows = data.levels(summary, chosen, metric, group)
    with solara.Columns([1, 1]):
        solara.FigurePlotly(figures.levels_figure(rows, chosen, metric, group),
                            dependencies=[name, tuple(chosen), metric, group])
        if [n for n in chosen if n != against]:
            try:
                diff = data.differences(folder, chosen, against, metric, group)
            except (OutputError, ValueError) as error:
                solara.Error(f"difference to {against}: {error}")
            else:
                solara.FigurePlotly(
                    figures.differences_figure(diff, chosen, against, metric, group),
                    dependencies=[name, tuple(chosen), against, metric, group])
        else:
            solara.Info(f"Choose a scenario besides {against} to see the differences.")
    ShortageBySubject(name, summary, chosen)
    Schools(name, folder, chosen)


@solara.component
def ShortageBySubject(name: str, summary, chosen: list[str]):
    """A metric reported by ``subject=`` (shortage share first) over the years, a panel per
    subject; nothing when the folder has no such metric (a run without the subjects
    component)."""
    metrics = data.subject_metrics(summary)
    if not metrics:
        return
    metric = state.subject_metric.value if state.subject_metric.value in metrics else metrics[0]
    with solara.Card("Shortage by subject", classes=["nextwork-subjects"]):
        solara.Select("Metric by subject", values=metrics, value=metric,
                      on_value=state.subject_metric.set)
        solara.FigurePlotly(
            figures.subjects_figure(data.by_subject(summary, chosen, metric), chosen, metric),
            dependencies=[name, tuple(chosen), metric])


def _percent(share: float) -> str:
    return "" if share != share else f"{100 * share:.1f}"  # NaN: a school never held a post


@solara.component
def Schools(name: str, folder, chosen: list[str]):
    """The folder's schools.csv: the schools by poverty band and their vacancy and
    out-of-field shares, and the most affected schools; nothing without the file."""
    try:
        schools = data.load_schools(folder)
    except (OutputError, ValueError) as error:
        solara.Error(str(error))
        return
    if schools is None:
        return
    with solara.Card("Schools", classes=["nextwork-schools"]):
        solara.FigurePlotly(figures.schools_figure(schools, chosen),
                            dependencies=[name, tuple(chosen)])
        top = data.most_affected(schools, chosen)
        solara.Markdown(f"**Most affected schools** (the {data.MOST_AFFECTED} of each "
                        "scenario with the highest out-of-field share, highest first; shares "
                        "per 100 posts, mean over the reported years and replications)")
        Table(pd.DataFrame({
            "scenario": top["scenario"], "school": top["school"],
            "poverty band": top["school_poverty"], "level": top["level"],
            "out of field, per 100 filled": top["out_of_field_share"].map(_percent),
            "vacant, per 100": top["vacancy_share"].map(_percent),
            "school-years": top["school_years"].astype(int).astype(str)}))


@dataclass(frozen=True)
class Edited:
    """The scenario being edited: the base it starts from, the ``--set`` items, and the
    validated scenario or the one-line error."""

    base_name: str
    base: Scenario
    edits: tuple[str, ...]
    name: str
    model: str
    texts: dict
    scenario: Scenario | None
    error: str | None


def being_edited() -> Edited | None:
    """The scenario of the scenario page, from this session's choices (None without
    configs to start from)."""
    bases = levers.base_configs(state.configs_dir())
    if not bases:
        return None
    default = "next_workforce" if "next_workforce" in bases else next(iter(bases))
    base_name = state.base_name.value if state.base_name.value in bases else default
    base = bases[base_name]
    name = state.scenario_name.value or f"{base.name}_edited"
    model = state.model.value or base.staffing.model
    texts = {lever.path: state.lever_values.value.get(
        lever.path, levers.shown(levers.value_at(base, lever.path)))
        for lever in levers.headline_levers()}
    edits = levers.edits_of(texts, base)
    if model != base.staffing.model:
        edits.append(f'staffing.model="{model}"')
    try:
        scenario, error = levers.edited(base, edits, name), None
    except ConfigError as problem:
        scenario, error = None, str(problem)
    return Edited(base_name, base, tuple(edits), name, model, texts, scenario, error)


@solara.component
def ScenarioPage():
    """The headline levers of a scenario, validated as a config file is, and the edited
    config to download."""
    solara.Title("nextwork-sim: scenario")
    edit = being_edited()
    if edit is None:
        solara.Info(f"No config files under {state.configs_dir()} to start from.")
        return
    bases = list(levers.base_configs(state.configs_dir()))

    def pick_base(value: str) -> None:
        state.base_name.set(value)
        state.scenario_name.set("")
        state.model.set("")
        state.lever_values.set({})

    def set_text(path: str):
        return lambda text: state.lever_values.set({**state.lever_values.value,
                                                    path: text or ""})

    with solara.Card("Scenario"):
        with solara.Columns([2, 2, 2]):
            solara.Select("Start from", values=bases, value=edit.base_name,
                          on_value=pick_base)
            solara.InputText("Scenario name", value=edit.name,
                             on_value=state.scenario_name.set, continuous_update=True)
            models = sorted(set(levers.MODELS) | {edit.base.staffing.model})
            solara.Select("Staffing model", values=models, value=edit.model,
                          on_value=state.model.set)
    with solara.Card("Headline levers"):
        with solara.ColumnsResponsive(12, medium=6, large=4):
            for lever in levers.headline_levers():
                NumberInput(lever, edit.texts[lever.path], set_text(lever.path))
    with solara.Card("Check and download"):
        if edit.error is not None:
            solara.Error(edit.error, classes=["nextwork-validation"])
        else:
            solara.Success(f"{edit.scenario.name}: valid (config hash "
                           f"{edit.scenario.hash()})", classes=["nextwork-validation"])
        changes = ", ".join(edit.edits) or "none"
        solara.Text(f"Changes from {edit.base_name}: {changes}")
        if edit.scenario is not None:
            solara.FileDownload(to_toml(edit.scenario), filename=f"{edit.scenario.name}.toml",
                                label="Download config (TOML)", mime_type="application/toml")
