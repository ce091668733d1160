"""`nextwork-sim report`: one self-contained HTML page from a results folder, every section
in the issue's order when the folder holds the data, the optional ones left out when it does
not, the executive summary's numbers those of summary.csv, and one-line errors (exit 2,
nothing written) for a bad folder or a missing Chromium."""

import json
import math
import re
import shutil
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nextwork_sim import api
from nextwork_sim.cli import app
from nextwork_sim.report import build_report
from nextwork_sim.report.build import CHROMIUM, CHROMIUM_ENV, SECTIONS

runner = CliRunner()
SMALL = {"years": 2, "burn_in_years": 1, "district": {"preset": "school"}}
OPTIONAL = ("explain", "robustness", "validation")


def _sensitivity_csv(path: Path) -> None:
    """Sobol indices (the sweep's own analysis) of an outcome driven mostly by the first
    parameter: y = 5 a + 0.5 b."""
    from SALib.sample import sobol as sobol_sample

    from nextwork_sim.experiments.sensitivity import analyse

    problem = {"num_vars": 2, "names": ["parameters.attrition.load_effect",
                                        "parameters.load.switch_cost"],
               "bounds": [[0.0, 1.0], [0.0, 1.0]]}
    points = sobol_sample.sample(problem, 64, calc_second_order=False, seed=1)
    outcomes = pd.DataFrame({"leave_rate|all|mean": 5 * points[:, 0] + 0.5 * points[:, 1]})
    analyse("sobol", problem, points, outcomes).to_csv(path, index=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A compare of two small scenarios (2 replications, a shared start), explained, with a
    sensitivity, a robustness, a validation and a calibration table beside it; and the
    progress ``explain`` reported."""
    root = tmp_path_factory.mktemp("report")
    out = root / "results"
    base = {"name": "traditional", **SMALL}
    more = {"name": "more_collaboration", **SMALL,
            "staffing": {"collaboration_minutes_per_week": 150}}
    comparison = api.compare([base, more], seed=5, replications=2, out=out)
    calls = []

    def progress(total=None, *_):
        calls.append(total)

    api.explain(comparison, out=out, progress=progress)
    _sensitivity_csv(out / "sensitivity.csv")
    pd.DataFrame({"metric": ["leave_rate"] * 2, "group": ["all"] * 2,
                  "parameter": ["parameters.attrition.load_effect",
                                "parameters.attrition.pay_effect"],
                  "low": [0.2, 0.1], "high": [1.6, 0.9], "base": [0.08, 0.08],
                  "outcome_low": [0.06, 0.075], "outcome_high": [0.11, 0.085]}
                 ).to_csv(out / "robustness.csv", index=False)
    pd.DataFrame({"target": ["us_leave_2012", "novice_move"], "metric": ["leave_rate"] * 2,
                  "group": ["all", "experience=1-3"], "value": [0.077, 0.13],
                  "low": [0.065, 0.11], "high": [0.09, 0.15], "seed": [5, 5],
                  "sim_mean": [0.08, 0.2], "sim_low": [0.07, 0.18], "sim_high": [0.09, 0.22],
                  "inside": [True, False]}).to_csv(out / "validation.csv", index=False)
    pd.DataFrame({"parameter": ["parameters.attrition.move_1_3"], "value": [-1.9],
                  "target": ["novice_move"]}).to_csv(out / "calibration.csv", index=False)
    return {"path": out, "explain_progress": calls}


@pytest.fixture(scope="module")
def full(folder):
    """The report of the whole folder, through the command."""
    result = runner.invoke(app, ["report", str(folder["path"])])
    assert result.exit_code == 0, result.output
    assert "report written to" in result.output
    return (folder["path"] / "report.html").read_text()


def _section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert match, f"section {name} missing"
    return match.group(1)


def test_the_report_holds_every_section_in_order(full, folder):
    found = re.findall(r'<section id="([a-z]+)">', full)
    assert found == list(SECTIONS)
    headings = re.findall(r"<h2>(\d)\. ", full)
    assert headings == [str(i) for i in range(1, 10)]
    assert not list(folder["path"].glob(".report*"))  # no temporary file left behind
    # the figures drawn: metrics by year, both waterfalls, both tornados
    assert len(re.findall(r"<svg\b", _section(full, "figures"))) >= 6
    assert len(re.findall(r"<svg\b", _section(full, "explain"))) == 2
    assert len(re.findall(r"<svg\b", _section(full, "robustness"))) == 2
    assert "1 of 2 targets" in _section(full, "validation")
    assert "parameters.attrition.move_1_3" in _section(full, "validation")
    header = _section(full, "header")
    manifest = json.loads((folder["path"] / "manifest.json").read_text())
    for name, digest in manifest["config_hashes"].items():
        assert name in header and digest in header
    assert "0.1.0" in header and "2 per scenario" in header


def test_every_metric_shown_is_in_the_glossary(full):
    glossary = _section(full, "glossary")
    listed = set(re.findall(r"<tr><td><code>([a-z_0-9]+)</code>", glossary))
    shown = set(re.findall(r"<code>([a-z_]+)</code>", _section(full, "scenarios")))
    assert shown and shown <= listed
    assert {"attrition_rate", "cost_per_student", "achievement_gap"} <= listed


def test_the_share_resting_on_assumptions_is_shown(full, folder):
    explain = pd.read_csv(folder["path"] / "explain.csv")
    totals = explain[(explain["kind"] == "channel") & (explain["mechanism"] == "total")]
    section = _section(full, "explain")
    for row in totals.itertuples():
        if not math.isnan(row.assumption_share):
            assert f"<b>{row.metric}</b> {row.assumption_share:.0%}" in section


def test_explain_reports_progress_per_run(folder):
    # one design element differs (collaboration): 2 coalitions x 2 replications
    assert folder["explain_progress"][0] == 4
    assert folder["explain_progress"][1:] == [None] * 4


def test_a_scenario_with_a_shared_start_shows_its_own_staffing(full):
    section = _section(full, "assumptions")
    row = re.search(r"<code>staffing.collaboration_minutes_per_week</code></td>(.*?)</tr>",
                    section, re.S).group(1)
    cells = re.findall(r'<td class="num( moved)?">([^<]*)</td>', row)
    assert cells[:3] == [("", "60"), (" moved", "150"), ("", "60")]  # base, variant, default
    assert "burned in under" in section


def test_the_report_is_self_contained(full):
    assert not re.search(r"<script\b", full, re.I)
    assert not re.search(r"<link\b", full, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", full, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*['\"]?\s*(https?:)?//", full, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*['\"]?(?!#)[^'\" >]", full, re.I)  # anchors only
    # the inline figures' ids are unique in the page and every reference finds its target
    ids = re.findall(r'\bid="([^"]+)"', full)
    assert len(ids) == len(set(ids))
    references = set(re.findall(r"url\(#([^)]+)\)", full)) | set(
        re.findall(r'href="#([^"]+)"', full))
    assert references and references <= set(ids)


def _expected_sentence_numbers(summary: pd.DataFrame, metric: str, group: str) -> list[str]:
    """The numbers summary.csv gives for the executive summary's sentence on ``metric``:
    the variant's mean and interval, the difference's size and interval, last year."""
    scale, digits, dollars = {"attrition_rate": (100, 1, False),
                              "months_of_learning": (1, 2, False),
                              "achievement_gap": (1, 3, False),
                              "vacancy_rate": (100, 1, False),
                              "cost_per_student": (1, 0, True),
                              "mean_chronic_load": (1, 3, False),
                              "leave_rate": (100, 1, False)}[metric]

    def text(value):
        value = round(value * scale, digits) + 0.0  # a rounded zero reads 0, not −0
        if dollars:
            return ("−" if value < 0 else "") + f"${abs(value):,.{digits}f}"
        return f"{value:,.{digits}f}".replace("-", "−")

    year = summary["year"].max()
    pick = summary[(summary["metric"] == metric) & (summary["group"] == group)
                   & (summary["year"] == year)].set_index("scenario")
    mine = pick.loc["more_collaboration"]
    diff = pick.loc["more_collaboration - traditional"]
    return [f"{text(mine['mean'])}", f"95 % CI of the mean {text(mine['ci_low'])} to "
            f"{text(mine['ci_high'])}",
            f"{text(abs(diff['mean']))} " if diff["mean"] else "the same as under traditional",
            f"95 % CI of the difference {text(diff['ci_low'])} to {text(diff['ci_high'])}"]


def test_the_executive_summary_numbers_are_those_of_summary_csv(full, folder):
    summary = pd.read_csv(folder["path"] / "summary.csv")
    items = re.findall(r'<li data-metric="([a-z_]+)" data-group="([^"]+)">(.*?)</li>',
                       _section(full, "summary"), re.S)
    assert 3 <= len(items) <= 5
    assert [m for m, _, _ in items][:2] == ["attrition_rate", "months_of_learning"]
    for metric, group, sentence in items:
        sentence = unescape(sentence)
        assert f"in year {summary['year'].max()}" in sentence
        for number in _expected_sentence_numbers(summary, metric, unescape(group)):
            assert number in sentence, (metric, number, sentence)


def test_the_report_degrades_without_optional_results(folder, tmp_path):
    bare = tmp_path / "bare"
    shutil.copytree(folder["path"], bare)
    for name in ("explain.csv", "sensitivity.csv", "robustness.csv", "validation.csv",
                 "calibration.csv", "report.html"):
        (bare / name).unlink(missing_ok=True)
    report = build_report(bare, tmp_path / "out.html")
    assert report.sections == [s for s in SECTIONS if s not in OPTIONAL]
    html = report.html.read_text()
    assert "<h2>5." not in html and "<h2>6." not in html and "<h2>8." not in html
    limitations = _section(html, "glossary")
    assert "compare --explain" in limitations and "No validation" in limitations


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """A run of one scenario, one replication, one year."""
    out = tmp_path_factory.mktemp("single") / "one"
    api.compare([{"name": "traditional", **SMALL, "burn_in_years": 0, "years": 1}],
                replications=1, out=out)
    return out


def test_a_single_replication_run_reports_without_intervals(single):
    report = build_report(single)
    html = report.html.read_text()
    assert report.sections == [s for s in SECTIONS if s not in OPTIONAL]
    assert "no interval: one replication" in _section(html, "summary")
    assert "no baseline to compare with" in _section(html, "summary")


def test_pdf_without_chromium_is_one_line_and_writes_nothing(folder, tmp_path):
    target = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(folder["path"]), "--out", str(target), "--pdf"],
                           env={CHROMIUM_ENV: str(tmp_path / "no-chromium")})
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "--pdf" in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("make", ["missing", "empty", "file", "bad_validation",
                                  "no_summary", "bad_out"])
def test_a_bad_results_folder_is_one_line_and_writes_nothing(make, folder, tmp_path):
    target = tmp_path / "results"
    args = []
    if make == "empty":
        target.mkdir()
    elif make == "file":
        target.write_text("not a folder")
    elif make in ("bad_validation", "no_summary", "bad_out"):
        shutil.copytree(folder["path"], target)
        (target / "report.html").unlink(missing_ok=True)
        if make == "bad_validation":
            pd.DataFrame({"target": ["x"], "metric": ["leave_rate"]}).to_csv(
                target / "validation.csv", index=False)
        elif make == "no_summary":
            (target / "summary.csv").unlink()
        else:
            args = ["--out", str(tmp_path / "no" / "such" / "report.html")]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = runner.invoke(app, ["report", str(target), *args])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and result.output.count("\n") == 1
    assert {"missing": "no such folder", "empty": "no manifest.json",
            "file": "is not a folder", "bad_validation": "validation.csv: missing column",
            "no_summary": "no summary.csv", "bad_out": "does not exist"}[make] in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Chromium is not installed")
def test_pdf_prints_the_page_with_chromium(single, tmp_path):
    report = build_report(single, tmp_path / "r.html", pdf=True)
    assert report.pdf == tmp_path / "r.pdf"
    assert report.pdf.read_bytes()[:5] == b"%PDF-"
    assert len(re.findall(rb"/Type\s*/Page\b", report.pdf.read_bytes())) >= 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.pdf"]


def test_sensitivity_tornado_puts_the_dominant_parameter_first(folder):
    from nextwork_sim.report.robustness_section import robustness_section

    table = pd.read_csv(folder["path"] / "sensitivity.csv")
    section = robustness_section(table, None)
    svg = section["blocks"][0]["svg"]
    # y tick labels are drawn bottom-up from the smallest index: the dominant one is last
    labels = re.findall(r"(attrition\.load_effect|load\.switch_cost)", svg)
    assert labels and labels[-1] == "attrition.load_effect"
    st = table[table["index"] == "ST"].set_index("parameter")["value"]
    assert st["parameters.attrition.load_effect"] > 5 * st["parameters.load.switch_cost"]
    assert np.isfinite(st).all()


def test_a_sweep_folder_reports_its_sensitivity(tmp_path):
    from nextwork_sim.experiments.sweep import plan_sweep, run_sweep

    from .conftest import CONFIGS

    sweep = tmp_path / "sweep.toml"
    sweep.write_text(f"""[sweep]
base = "{(CONFIGS / 'traditional.toml').as_posix()}"
overrides = ['district.preset="school"', "burn_in_years=0"]
design = "sobol"
samples = 2
years = 1
seed = 3
dummy = true
outcomes = [{{ metric = "mean_chronic_load", group = "all" }}]

[[sweep.parameters]]
field = "parameters.load.switch_cost"
low = 0.0
high = 0.08
""")
    out = tmp_path / "out"
    run_sweep(plan_sweep(sweep, out))
    report = build_report(out)
    html = report.html.read_text()
    assert report.sections == [s for s in SECTIONS if s not in ("explain", "validation")]
    assert "<h1>Parameter sweep of traditional</h1>" in html
    assert "parameters.load.switch_cost" in _section(html, "header")
    assert "load.switch_cost" in _section(html, "robustness")


def test_the_scenario_table_shows_who_leaves_and_the_gaps_by_race(full):
    """Equity rows a policy team asks for first: attrition of teachers of colour and of white
    teachers, and the Black and Hispanic students' gaps, each from its own group's rows."""
    table = _section(full, "scenarios")
    for label in ("teachers of colour leaving their school", "white teachers leaving their "
                  "school", "gap, Black students", "gap, Hispanic students"):
        assert label in table, label
