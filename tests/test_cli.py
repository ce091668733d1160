"""The command line end to end: runs, refusals and errors (exit 2, one line, nothing written)."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from nextwork_sim import load_results
from nextwork_sim.cli import app

from .conftest import CONFIGS

runner = CliRunner()
SMALL = ["--set", 'district.preset="school"', "--set", "burn_in_years=0", "--quiet"]


def test_run_writes_a_results_folder(tmp_path):
    out = tmp_path / "trad"
    result = runner.invoke(app, ["run", str(CONFIGS / "traditional.toml"), "--years", "2",
                                 "--seed", "7", "--out", str(out), *SMALL])
    assert result.exit_code == 0, result.output
    assert "leave_rate" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["schema_version"] == 1
    assert manifest["seed"] == 7 and manifest["scenarios"] == ["traditional"]
    assert manifest["resolved_config"]["traditional"]["district"]["preset"] == "school"
    assert (out / "config" / "traditional.toml").exists()
    table = load_results(out)
    assert set(table["year"]) == {1, 2}
    summary = pd.read_csv(out / "summary.csv")
    assert {"mean", "ci_low", "ci_high", "p2_5", "p97_5"} <= set(summary.columns)
    assert not list(tmp_path.glob(".*tmp*"))


def test_same_seed_gives_identical_parquet_bytes(tmp_path):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = runner.invoke(app, ["run", str(CONFIGS / "traditional.toml"), "--years", "1",
                                     "--seed", "3", "--out", str(out), *SMALL])
        assert result.exit_code == 0, result.output
        outs.append(sorted((out / "runs").glob("*.parquet")))
    assert [p.name for p in outs[0]] == [p.name for p in outs[1]]
    for first, second in zip(*outs, strict=True):
        assert first.read_bytes() == second.read_bytes()


def test_non_empty_out_is_refused_without_overwrite(tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    args = ["run", str(CONFIGS / "traditional.toml"), "--years", "1", "--out", str(out), *SMALL]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--overwrite" in result.output
    assert (out / "keep.txt").read_text() == "mine"
    result = runner.invoke(app, [*args, "--overwrite"])
    assert result.exit_code == 0, result.output
    assert not (out / "keep.txt").exists()
    assert (out / "manifest.json").exists()


@pytest.mark.parametrize("override, fragment", [
    ("staffing.class_size=500", "staffing.class_size = 500"),
    ("staffing.nope=1", "unknown field 'staffing.nope'"),
    ("staffing.class_size", "expected FIELD.PATH=VALUE"),
])
def test_bad_override_exits_2_with_one_line_and_writes_nothing(tmp_path, override, fragment):
    out = tmp_path / "never"
    result = runner.invoke(app, ["run", str(CONFIGS / "traditional.toml"), "--out", str(out),
                                 "--set", override])
    assert result.exit_code == 2
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_check_prints_resolved_config():
    result = runner.invoke(app, ["check", str(CONFIGS / "next_workforce.toml"),
                                 "--set", "staffing.team_teachers=5"])
    assert result.exit_code == 0, result.output
    assert "team_teachers = 5" in result.output
    assert "[parameters.load]" in result.output


def test_console_script_bad_config_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nyears = 0\n')
    done = subprocess.run([sys.executable, "-m", "nextwork_sim.cli", "check", str(bad)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "years = 0" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_compare_runs_both_models_with_a_difference_column(tmp_path):
    out = tmp_path / "cmp"
    result = runner.invoke(app, ["compare", str(CONFIGS / "traditional.toml"),
                                 str(CONFIGS / "next_workforce.toml"), "--years", "1",
                                 "--out", str(out), *SMALL])
    assert result.exit_code == 0, result.output
    assert "difference" in result.output and "next_workforce" in result.output
    table = load_results(out)
    assert set(table["scenario"]) == {"traditional", "next_workforce"}
    summary = pd.read_csv(out / "summary.csv")
    assert "next_workforce - traditional" in set(summary["scenario"])


def test_compare_with_itself_gives_zero_differences_and_baseline_flag(tmp_path):
    import shutil

    twin = tmp_path / "twin.toml"
    shutil.copy(CONFIGS / "traditional.toml", twin)
    text = twin.read_text().replace('name = "traditional"', 'name = "twin"')
    twin.write_text(text)
    out = tmp_path / "self"
    result = runner.invoke(app, ["compare", str(CONFIGS / "traditional.toml"), str(twin),
                                 "--years", "1", "--replications", "2", "--out", str(out),
                                 "--baseline", "twin", *SMALL])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "summary.csv")
    diff = summary[summary["scenario"] == "traditional - twin"]
    assert len(diff) > 50
    assert (diff["mean"].abs() < 1e-12).all()
    bad = runner.invoke(app, ["compare", str(CONFIGS / "traditional.toml"), str(twin),
                              "--baseline", "nope", "--out", str(tmp_path / "x"), *SMALL])
    assert bad.exit_code == 2 and "--baseline 'nope'" in bad.output


def test_compare_explain_writes_the_table_sentences_and_figures(tmp_path):
    out = tmp_path / "why"
    result = runner.invoke(app, ["compare", str(CONFIGS / "traditional.toml"),
                                 str(CONFIGS / "next_workforce.toml"), "--years", "1",
                                 "--replications", "2", "--explain", "--out", str(out), *SMALL])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "explain.csv")
    assert {"design", "channel"} == set(table["kind"])
    channels = table[table["kind"] == "channel"]
    assert {"achievement_growth", "leave_rate", "cost_per_student"} <= set(channels["metric"])
    words = " ".join(result.output.split())  # the console wraps long sentences
    assert "by channel" in words and "by design element" in words
    for figure in ("comparison.png", "explain.png"):
        assert (out / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
