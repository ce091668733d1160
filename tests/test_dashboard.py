"""The dashboard in process: its data readers, lever bounds and validation, the capped
background run, and its Solara pages rendered with ``solara.render`` in a fresh session
(the browser tests, tests/browser/, drive the real server)."""

import time
import tomllib
import uuid

import ipyvuetify as v
import pandas as pd
import pytest
import solara
import solara.server.kernel
import solara.server.kernel_context

# the server module patches widgets and keeps reactive values per session, as when served
import solara.server.starlette  # noqa: F401
from plotly.graph_objs import FigureWidget
from typer.testing import CliRunner

from nextwork_sim import api
from nextwork_sim.cli import app
from nextwork_sim.config import ConfigError, load_config, to_toml, validate
from nextwork_sim.dashboard import background, data, figures, levers, pages, run_page, state
from nextwork_sim.experiments.storage import OutputError
from nextwork_sim.subject_areas import AREAS

from .conftest import CONFIGS

SMALL = {"years": 2, "burn_in_years": 0, "district": {"preset": "school"}}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A results root holding one small comparison (traditional first, then teams)."""
    root = tmp_path_factory.mktemp("results")
    base = validate({**SMALL, "name": "traditional"})
    teams = validate({**SMALL, "name": "teams", "staffing": {"model": "next_workforce"}})
    api.compare([base, teams], seed=3, replications=3, out=root / "small")
    return root


#: the subjects component in a five-school CSV district (three levels, all three poverty
#: bands; the school preset has a single school, too few to rank)
SUBJECTS_CONFIG = CONFIGS / "shortages" / "csv_district.toml"


@pytest.fixture(scope="module")
def subject_results(tmp_path_factory):
    """A results root holding a comparison with the subjects component (schools.csv and
    metrics by subject=): the CSV district under traditional staffing and under teams, two
    reported years, two replications (so the means have intervals)."""
    root = tmp_path_factory.mktemp("subject_results")
    base = load_config(SUBJECTS_CONFIG)
    teams = load_config(SUBJECTS_CONFIG, ['name="csv_teams"',
                                          'staffing.model="next_workforce"'])
    api.compare([base, teams], years=2, seed=1, replications=2, out=root / "subjects")
    return root


@pytest.fixture
def session(results, monkeypatch):
    """A fresh Solara session (its own reactive values) pointed at ``results``."""
    monkeypatch.setenv(state.RESULTS_ENV, str(results))
    monkeypatch.setenv(state.CONFIGS_ENV, str(CONFIGS))
    kernel = solara.server.kernel.Kernel()
    context = solara.server.kernel_context.VirtualKernelContext(
        id=f"test-{uuid.uuid4()}", kernel=kernel, session_id="test")
    try:
        with context:
            yield context
    finally:
        with context:
            context.close()


def _trace_names(rc) -> list[list[str]]:
    """The named (legend) traces of every Plotly figure rendered, figure by figure."""
    return [[t.name for t in w.data if t.showlegend is not False]
            for w in rc.find(FigureWidget).widgets]


def _card(rc, title: str):
    """The rendered card of that title (a finder to search inside), or None."""
    cards = rc.find(v.Card)
    for index, card in enumerate(cards.widgets):
        if card.children and isinstance(card.children[0], v.CardTitle) and \
                card.children[0].children == [title]:
            return cards[index]
    return None


def _alerts(rc) -> list[str]:
    return [" ".join(map(str, w.children)) for w in rc.find(v.Alert).widgets]


# --- data ------------------------------------------------------------------------------

def test_results_folders_and_scenarios(results):
    folder = results / "small"
    assert data.results_folders(results) == [folder]
    assert data.scenarios(folder) == ["traditional", "teams"]
    assert data.baseline(folder) == "traditional"
    assert data.groups(data.load_summary(folder), "attrition_rate")[0] == "all"


def test_differences_against_another_baseline_are_computed_from_the_runs(results):
    """Against the folder's baseline the rows are summary.csv's; against the other
    scenario they are computed from the runs, and must be the same pairs with the sign
    turned (a bug in the pairing or the filter would break either)."""
    folder = results / "small"
    stored = data.differences(folder, ["traditional", "teams"], "traditional",
                              "mean_skill", "all")
    turned = data.differences(folder, ["traditional", "teams"], "teams", "mean_skill", "all")
    assert list(stored["scenario"].unique()) == ["teams"]
    assert list(turned["scenario"].unique()) == ["traditional"]
    assert len(stored) == len(turned) == SMALL["years"]
    assert (stored["mean"].abs() > 0).all()
    assert turned["mean"].to_numpy() == pytest.approx(-stored["mean"].to_numpy(), abs=1e-5)
    assert turned["ci_low"].to_numpy() == pytest.approx(-stored["ci_high"].to_numpy(),
                                                       abs=1e-5)


def test_headline_difference_is_the_paired_difference_of_the_means(results):
    folder = results / "small"
    table = data.headline(folder, "traditional").set_index("metric")
    assert list(table.index) == list(data.HEADLINE)
    difference = table["teams - traditional"]
    assert difference.to_numpy() == pytest.approx(
        (table["teams"] - table["traditional"]).to_numpy(), rel=1e-9, abs=1e-9)
    assert (table["teams - traditional: 95% CI low"] <= difference).all()


def test_results_zip_holds_the_folder(results):
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(data.results_zip(results / "small"))).namelist()
    assert "small/summary.csv" in names and "small/manifest.json" in names
    assert sum(n.startswith("small/runs/") for n in names) == 6  # 2 scenarios x 3


# --- the subjects component's results ---------------------------------------------------

def test_schools_csv_is_loaded_and_a_folder_without_one_has_none(subject_results, results,
                                                                  tmp_path):
    schools = data.load_schools(subject_results / "subjects")
    assert tuple(schools.columns) == data.SCHOOL_COLUMNS
    district = set(pd.read_csv(CONFIGS / "districts" / "subject_schools.csv")["name"])
    for name in ("csv_district_subjects", "csv_teams"):
        assert set(schools.loc[schools["scenario"] == name, "school"]) == district
    assert set(schools["school_poverty"]) == set(data.POVERTY_BANDS)
    assert data.load_schools(results / "small") is None
    (tmp_path / "schools.csv").write_text("scenario,school\nx,y\n")
    with pytest.raises(OutputError, match="missing level, out_of_field_share"):
        data.load_schools(tmp_path)


def test_most_affected_schools_are_each_scenarios_top_sorted_by_out_of_field_share():
    schools = pd.DataFrame({
        "scenario": ["a"] * 4 + ["b"] * 3,
        "school": ["w", "x", "y", "z", "w", "x", "y"],
        "school_poverty": ["low", "mid", "high", "mid", "low", "mid", "high"],
        "level": ["elementary", "middle", "high", "high", "elementary", "middle", "high"],
        "vacancy_share": [0.0, 0.5, 0.1, 0.0, 0.0, 0.0, 0.2],
        "out_of_field_share": [0.30, 0.10, 0.10, 0.05, 0.01, 0.20, 0.40],
        "school_years": [4] * 7})
    top = data.most_affected(schools, ["a", "b"], per_scenario=2)
    # a's two highest (w, then x before y on the vacancy share), b's two highest (y, x):
    # together highest first, whatever the scenario
    assert list(zip(top["scenario"], top["school"], strict=True)) == [
        ("b", "y"), ("a", "w"), ("b", "x"), ("a", "x")]
    assert list(data.most_affected(schools, ["b"], per_scenario=5)["school"]) == ["y", "x", "w"]


def test_schools_figure_has_one_named_trace_per_scenario_and_names_the_school(
        subject_results):
    folder = subject_results / "subjects"
    schools = data.load_schools(folder)
    order = data.scenarios(folder)
    figure = figures.schools_figure(schools, order)
    assert [t.name for t in figure.data if t.showlegend is not False] == order
    assert len(figure.data) == 2 * len(order)  # a vacancy and an out-of-field panel each
    for trace in figure.data:
        mine = schools[schools["scenario"] == trace.name].set_index("school")
        share = "vacancy_share" if trace.xaxis == "x" else "out_of_field_share"
        assert trace.marker.color == figures.PALETTE[order.index(trace.name)]
        for x, y, (school, level, band, _) in zip(trace.x, trace.y, trace.customdata,
                                                  strict=True):
            assert (level, band) == (mine.at[school, "level"], mine.at[school, "school_poverty"])
            assert y == pytest.approx(100 * mine.at[school, share])
            assert abs(x - data.POVERTY_BANDS.index(band)) < 0.4  # within its band
        assert "%{customdata[0]} (%{customdata[1]})" in trace.hovertemplate


def test_shortage_by_subject_has_a_panel_per_subject_with_intervals(subject_results,
                                                                    results):
    folder = subject_results / "subjects"
    summary = data.load_summary(folder)
    order = data.scenarios(folder)
    assert data.subject_metrics(summary)[:3] == ["shortage_share", "out_of_field_share",
                                                 "subject_vacancy_rate"]
    assert data.subject_metrics(data.load_summary(results / "small")) == []
    rows = data.by_subject(summary, order, "shortage_share")
    subjects = list(dict.fromkeys(rows["subject"]))
    assert subjects == [a for a in AREAS if a in set(subjects)] and len(subjects) > 3
    expected = summary[(summary["metric"] == "shortage_share")
                       & (summary["group"] == "subject=mathematics")
                       & (summary["scenario"] == order[1])].sort_values("year")
    mine = rows[(rows["subject"] == "mathematics") & (rows["scenario"] == order[1])]
    assert mine["mean"].tolist() == expected["mean"].tolist()
    figure = figures.subjects_figure(rows, order, "shortage_share")
    assert [t.name for t in figure.data if t.showlegend is not False] == order  # legend once
    lines = [t for t in figure.data if t.fill != "toself"]
    bands = [t for t in figure.data if t.fill == "toself"]
    assert len(lines) == len(bands) == len(subjects) * len(order)
    assert [a.text for a in figure.layout.annotations] == subjects  # the panels' titles


def test_metric_title_gives_the_unit_of_a_component_metric(subject_results):
    folder = subject_results / "subjects"
    assert data.register_components(folder) == ["nextwork_sim.workforce.subjects:Subjects"]
    assert figures.metric_title("out_of_field_share", "subject=mathematics") == (
        "out_of_field_share (share of filled posts), subject=mathematics")
    assert figures.metric_title("attrition_rate", "all") == "attrition_rate (share), all"
    assert figures.metric_title("no_such_metric", "all") == "no_such_metric, all"


def test_a_component_outside_the_package_is_not_imported_from_a_manifest(
        subject_results, tmp_path, monkeypatch):
    """A results folder may come from anywhere: naming a module in its manifest must not
    run that module (the shipped components it names are still registered)."""
    import json
    import sys

    (tmp_path / "planted_component.py").write_text("raise SystemExit('imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    manifest = json.loads((subject_results / "subjects" / "manifest.json").read_text())
    manifest["resolved_config"]["csv_teams"]["mechanisms"]["planted"] = {
        "component": "planted_component:Planted"}
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert data.register_components(folder) == ["nextwork_sim.workforce.subjects:Subjects"]
    assert "planted_component" not in sys.modules


# --- levers ----------------------------------------------------------------------------

def test_levers_take_their_ranges_from_the_config_fields():
    found = {lever.path: lever for lever in levers.headline_levers()}
    class_size = found["staffing.class_size"]
    assert (class_size.low, class_size.high, class_size.unit, class_size.integer) == (
        5, 60, "students", True)
    stipend = found["parameters.costs.resident_stipend"]
    assert (stipend.low, stipend.high, stipend.integer) == (0, 80000, False)
    assert "parameters.pipelines.residency.supply_per_1000_students" in found
    assert found["parameters.costs.leader_supplement_share"].high == 0.5


def test_an_edit_is_refused_with_the_config_file_message(tmp_path):
    """The dashboard and a config file refuse a value with the same words."""
    base = load_config(CONFIGS / "next_workforce.toml")
    with pytest.raises(ConfigError) as from_dashboard:
        levers.edited(base, ["staffing.class_size=70"])
    text = (CONFIGS / "next_workforce.toml").read_text().replace("class_size = 25",
                                                                  "class_size = 70")
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(ConfigError) as from_file:
        load_config(tmp_path / "bad.toml")
    message = str(from_dashboard.value)
    assert "\n" not in message and "allowed: 5 to 60 students" in message
    assert message.split(": ", 1)[1] == str(from_file.value).split(": ", 1)[1]


def test_edits_are_set_items_and_the_download_loads_back():
    base = load_config(CONFIGS / "next_workforce.toml")
    texts = {"staffing.class_size": "22", "staffing.team_teachers": "4",
             "parameters.costs.resident_stipend": " "}
    edits = levers.edits_of(texts, base)
    assert edits == ["staffing.class_size=22"]  # unchanged and blank inputs keep the base
    assert levers.edits_of({"staffing.class_size": "many"}, base) == [
        'staffing.class_size="many"']
    scenario = levers.edited(base, edits, "smaller_classes")
    assert (scenario.name, scenario.staffing.class_size) == ("smaller_classes", 22)
    again = validate(tomllib.loads(to_toml(scenario)))
    assert again.hash() == scenario.hash()


# --- background runs -------------------------------------------------------------------

def _request(**options) -> background.RunRequest:
    base = validate({**SMALL, "name": "traditional"})
    teams = validate({**SMALL, "name": "teams", "staffing": {"model": "next_workforce"}})
    return background.RunRequest(teams, base, **{"years": 1, "replications": 1, **options})


def test_the_cap_refuses_large_runs_in_one_line():
    with pytest.raises(ConfigError, match=r"^4,000 simulated school-years: the dashboard "
                                          r"runs at most 2,400"):
        background.check_request(_request(preset="district", years=10, replications=10))
    with pytest.raises(ConfigError, match="preset 'state': allowed: school, district"):
        background.check_request(_request(preset="state"))
    background.check_request(_request(preset="district", years=5, replications=5))


def test_a_run_counts_every_year_and_writes_its_folder(tmp_path):
    seen = []
    comparison = background.run_comparison(_request(years=2, replications=2),
                                           tmp_path / "out",
                                           lambda done, total: seen.append((done, total)))
    assert seen[-1] == (8, 8)  # 2 scenarios x 2 replications x 2 years, no burn-in
    assert comparison.names == ["traditional", "teams"]
    assert (tmp_path / "out" / "summary.csv").is_file()


def test_a_cancelled_run_stops_and_writes_nothing(tmp_path):
    years = []

    def progress(done, total):
        years.append(done)

    with pytest.raises(background.RunCancelled):
        background.run_comparison(_request(years=5, replications=3), tmp_path / "out",
                                  progress, cancelled=lambda: len(years) >= 3)
    assert years[-1] == 2  # stopped at the year it was asked to, of 30
    assert not (tmp_path / "out").exists()


# --- pages -----------------------------------------------------------------------------

def test_results_page_shows_the_chosen_scenarios_with_bands(session):
    box, rc = solara.render(pages.ResultsPage(), handle_error=False)
    assert [w.label for w in rc.find(v.Select).widgets] == [
        "Results folder", "Scenarios", "Metric", "Group", "Baseline"]
    assert _trace_names(rc) == [["traditional", "teams"], ["teams"]]
    band = [t for t in rc.find(FigureWidget).widgets[0].data if t.fill == "toself"]
    assert len(band) == 2  # one 95% CI band per scenario
    rc.find(v.Select, label="Scenarios").widget.v_model = ["teams"]
    assert _trace_names(rc)[0] == ["teams"]
    rc.find(v.Select, label="Baseline").widget.v_model = "teams"
    assert any("Choose a scenario besides teams" in a for a in _alerts(rc))
    rc.close()


def test_results_page_difference_follows_the_chosen_baseline(session):
    box, rc = solara.render(pages.ResultsPage(), handle_error=False)
    rc.find(v.Select, label="Baseline").widget.v_model = "teams"
    difference = rc.find(FigureWidget).widgets[1]
    assert "difference to teams" in difference.layout.title.text
    assert [t.name for t in difference.data if t.showlegend is not False] == ["traditional"]
    rc.close()


def test_results_page_shows_schools_and_subjects_only_for_a_folder_that_has_them(
        session, subject_results, monkeypatch):
    box, rc = solara.render(pages.ResultsPage(), handle_error=False)
    assert len(rc.find(FigureWidget).widgets) == 2  # no subjects component: no more
    assert _card(rc, "Results folder") is not None
    assert _card(rc, "Schools") is None and _card(rc, "Shortage by subject") is None
    rc.close()

    monkeypatch.setenv(state.RESULTS_ENV, str(subject_results))
    box, rc = solara.render(pages.ResultsPage(), handle_error=False)
    order = ["csv_district_subjects", "csv_teams"]
    assert _trace_names(rc)[2:] == [order, order]  # by subject, then the schools
    assert _card(rc, "Shortage by subject") is not None
    cells = [w.children[0] for w in _card(rc, "Schools").find(v.Html, tag="td").widgets]
    columns = 7
    assert len(cells) == 2 * 5 * columns  # the two scenarios' five schools each
    out_of_field = [float(c) for c in cells[4::columns]]
    assert out_of_field == sorted(out_of_field, reverse=True)
    rc.find(v.Select, label="Scenarios").widget.v_model = ["csv_teams"]
    assert _trace_names(rc)[2:] == [["csv_teams"], ["csv_teams"]]
    assert {w.children[0] for w in _card(rc, "Schools").find(
        v.Html, tag="td").widgets[::columns]} == {"csv_teams"}
    rc.close()


def test_scenario_page_validates_as_a_file_does(session):
    box, rc = solara.render(pages.ScenarioPage(), handle_error=False)
    field = rc.find(v.TextField, label="Class size").widget
    assert field.type == "number"
    assert field.attributes == {"min": "5", "max": "60", "step": "1"}
    assert field.v_model == "25"
    field.v_model = "70"
    assert _alerts(rc) == ["dashboard: staffing.class_size = 70: Input should be less "
                           "than or equal to 60 (allowed: 5 to 60 students)"]
    field.v_model = "22"
    assert _alerts(rc)[0].startswith("next_workforce_edited: valid (config hash ")
    edit = pages.being_edited()
    assert edit.scenario.staffing.class_size == 22
    assert edit.edits == ("staffing.class_size=22",)
    rc.close()


def _wait(condition, seconds: float = 120) -> None:
    """Wait for a background run (a bound on the wait, not a check of its speed)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the background run did not end"
        time.sleep(0.05)


def test_run_page_runs_in_the_background_and_shows_the_result(session, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv(state.RESULTS_ENV, str(tmp_path))  # runs go to <results>/dashboard
    state.run_years.set(1)
    state.run_replications.set(1)
    box, rc = solara.render(run_page.RunPage(), handle_error=False)
    rc.find(v.Btn, children=["Run"]).widget.click()
    _wait(lambda: run_page.run_task.finished)
    run_page.run_task._last_finished_event.wait()  # its last render, in the task's thread
    finished = [a for a in _alerts(rc) if a.startswith("Finished:")]
    assert finished and "next_workforce_edited against traditional" in finished[0]
    assert _trace_names(rc)[-1] == ["traditional", "next_workforce_edited"]
    folder = tmp_path / state.folder.value
    assert folder.parent == tmp_path / "dashboard" and (folder / "summary.csv").is_file()
    rc.close()


def test_run_page_cancel_stops_the_run(session, tmp_path, monkeypatch):
    monkeypatch.setenv(state.RESULTS_ENV, str(tmp_path))
    state.run_preset.set("district")
    state.run_years.set(5)
    state.run_replications.set(5)
    box, rc = solara.render(run_page.RunPage(), handle_error=False)
    rc.find(v.Btn, children=["Run"]).widget.click()
    _wait(lambda: run_page.progress_text.value.startswith(("1 of", "2 of", "3 of")))
    rc.find(v.Btn, children=["Cancel"]).widget.click()
    _wait(lambda: not run_page.run_task.pending)
    run_page.run_task._last_finished_event.wait()
    assert run_page.run_task.cancelled
    assert "Cancelled: nothing was written." in _alerts(rc)
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary folder
    rc.close()


def test_run_page_refuses_a_run_above_the_cap(session):
    state.run_preset.set("district")
    state.run_years.set(10)
    state.run_replications.set(10)
    box, rc = solara.render(run_page.RunPage(), handle_error=False)
    assert rc.find(v.Btn, children=["Run"]).widget.disabled
    assert any(a.startswith("4,800 simulated school-years") for a in _alerts(rc))
    rc.close()


def test_dashboard_command_refuses_a_missing_configs_folder(tmp_path):
    result = CliRunner().invoke(app, ["dashboard", "--configs", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "--configs" in result.output and "no such folder" in result.output


def test_dashboard_command_refuses_a_port_in_use(monkeypatch):
    import socket

    from nextwork_sim.dashboard.server import OFFLINE

    for key in OFFLINE:  # serve() sets them; put them back afterwards
        monkeypatch.setenv(key, "")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["dashboard", "--configs", str(CONFIGS),
                                          "--port", str(port)])
    assert result.exit_code == 2
    assert f"--port {port}: cannot listen there" in result.output
