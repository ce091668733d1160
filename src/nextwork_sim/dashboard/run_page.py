"""The run page: the edited scenario against a baseline, in the background (a Solara task,
i.e. a thread, that calls ``api.compare``), with a progress bar, a cancel button and a cap on
its size (background.py); the finished run's headline numbers, figure and downloads."""

from __future__ import annotations

from pathlib import Path

import solara
import solara.lab

from ..config import ConfigError
from . import background, data, figures, levers, state
from .pages import being_edited
from .widgets import ResultDownloads, Table

progress_text = solara.reactive("")


@solara.lab.task(prefer_threaded=True)
def run_task(request: background.RunRequest, out: Path):
    """Run the comparison in this task's thread; returns what the page shows after it."""

    def progress(done: int, total: int) -> None:
        run_task.progress = 100.0 * done / total if total else 0.0
        progress_text.set(f"{done} of {total} simulated years")

    try:
        background.run_comparison(request, out, progress,
                                  cancelled=lambda: not run_task.is_current())
    except background.RunCancelled:
        return None
    relative = data.relative_name(out, state.results_root())
    state.folder.set(relative)  # the results page opens on this run
    state.chosen.set([])
    state.against.set("")
    result = {"folder": str(out), "relative": relative, "baseline": request.baseline.name,
              "scenario": request.scenario.name}
    state.last_run.set(result)
    return result


def cap_text() -> str:
    return (f"Capped: the {' or '.join(background.ALLOWED_PRESETS)} preset, at most "
            f"{background.MAX_REPLICATIONS} replications and {background.MAX_YEARS} years, "
            f"and {background.MAX_SCHOOL_YEARS:,} simulated school-years in all (burn-in "
            "included). Larger runs: nextwork-sim compare.")


@solara.component
def RunPage():
    """Run the edited scenario against a baseline on a preset district."""
    solara.Title("nextwork-sim: run")
    edit = being_edited()
    if edit is None:
        solara.Info(f"No config files under {state.configs_dir()} to start from.")
        return
    bases = levers.base_configs(state.configs_dir())
    baseline_name = (state.run_baseline.value if state.run_baseline.value in bases
                     else next(iter(bases)))
    with solara.Card("A small comparison"):
        if edit.scenario is None:
            solara.Error(f"Fix the scenario first (Scenario page): {edit.error}")
            return
        solara.Text(f"Scenario: {edit.scenario.name} (edited from {edit.base_name}; "
                    f"changes: {', '.join(edit.edits) or 'none'})")
        with solara.Columns([2, 2, 1]):
            solara.Select("Baseline", values=list(bases), value=baseline_name,
                          on_value=state.run_baseline.set)
            solara.Select("District", values=list(background.ALLOWED_PRESETS),
                          value=state.run_preset.value, on_value=state.run_preset.set)
            solara.Select("Workers", values=list(range(1, background.MAX_WORKERS + 1)),
                          value=state.run_workers.value, on_value=state.run_workers.set)
        solara.SliderInt("Reported years", value=state.run_years, min=1,
                         max=background.MAX_YEARS)
        solara.SliderInt("Replications", value=state.run_replications, min=1,
                         max=background.MAX_REPLICATIONS)
        request = background.RunRequest(edit.scenario, bases[baseline_name],
                                        state.run_preset.value, state.run_years.value,
                                        state.run_replications.value,
                                        workers=state.run_workers.value)
        try:
            background.check_request(request)
            problem = None
        except ConfigError as error:
            problem = str(error)
        solara.Text(f"{background.school_years(request):,} simulated school-years. "
                    + cap_text())
        if problem is not None:
            solara.Error(problem)

        def start() -> None:
            progress_text.set("starting")
            run_task(request, background.output_folder(state.results_root(), request))

        with solara.Row():
            solara.Button("Run", on_click=start, color="primary",
                          disabled=problem is not None or run_task.pending)
            solara.Button("Cancel", on_click=run_task.cancel, disabled=not run_task.pending)
        if run_task.pending:
            solara.ProgressLinear(run_task.progress or True)
            solara.Text(f"Running: {progress_text.value}")
    RunOutcome()


@solara.component
def RunOutcome():
    """What the last run came to: cancelled, failed, or its results."""
    if run_task.cancelled:
        solara.Warning("Cancelled: nothing was written.")
    elif run_task.error:
        solara.Error(f"The run failed: {run_task.exception}")
    result = state.last_run.value
    if result is None or run_task.pending:
        return
    folder = Path(result["folder"])
    if not (folder / "summary.csv").is_file():
        return
    with solara.Card(f"Finished: {result['relative']}"):
        solara.Success(f"Finished: {result['scenario']} against {result['baseline']}, "
                       f"written to {folder}", classes=["nextwork-run-finished"])
        Table(data.headline(folder, result["baseline"]))
        names = [result["baseline"], result["scenario"]]
        rows = data.levels(data.load_summary(folder), names, "attrition_rate", "all")
        solara.FigurePlotly(figures.levels_figure(rows, names, "attrition_rate", "all"),
                            dependencies=[str(folder)])
        ResultDownloads(folder)
