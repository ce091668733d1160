"""Sweeps: a killed sweep resumes with exactly the uninterrupted rows, the dummy parameter's
Sobol indices are zero, results are queryable with DuckDB, designs and bad input."""

import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from nextwork_sim import load_results
from nextwork_sim.config import ConfigError
from nextwork_sim.experiments.commands import register
from nextwork_sim.experiments.storage import OutputError
from nextwork_sim.experiments.sweep import load_sweep, plan_sweep, run_sweep

from .conftest import ROOT

TINY = ROOT / "experiments" / "tiny_sweep.toml"  # Sobol, N = 8, 3 parameters + dummy: 48 runs
RUNS = 48
SCHOOL = ['district.preset="school"', "burn_in_years=0", "years=1"]


def _sweep(out, *extra):
    return [sys.executable, "-m", "nextwork_sim.experiments.commands", "sweep", str(TINY),
            "--out", str(out), "--quiet", *extra]


def _parts(out):
    runs = out / "runs"
    return sorted(runs.glob("*.parquet")) if runs.is_dir() else []


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The tiny sweep, uninterrupted, on one worker."""
    out = tmp_path_factory.mktemp("sweep") / "whole"
    done = subprocess.run(_sweep(out), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


def _default_sigint() -> None:
    # a job started in the background by a non-interactive shell (as CI may be) ignores
    # SIGINT, and children inherit that: give the sweep Ctrl-C's usual meaning
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_and_stop(out, at_least, how, *extra):
    process = subprocess.Popen(_sweep(out, *extra), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=_default_sigint)
    deadline = time.time() + 120
    while len(_parts(out)) < at_least and time.time() < deadline and process.poll() is None:
        time.sleep(0.01)
    if how == "interrupt":
        process.send_signal(signal.SIGINT)
    else:
        os.killpg(process.pid, signal.SIGKILL)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


@pytest.mark.slow
def test_a_killed_sweep_resumes_with_exactly_the_uninterrupted_rows(whole, tmp_path):
    out = tmp_path / "killed"
    code, stderr = _start_and_stop(out, 5, "interrupt")  # Ctrl-C: a clean stop
    first = len(_parts(out))
    assert code == 130 and "--resume" in stderr, stderr
    assert 5 <= first < RUNS
    assert not json.loads((out / "manifest.json").read_text())["complete"]
    code, _ = _start_and_stop(out, first + 5, "kill", "--resume")  # SIGKILL, mid-run
    second = len(_parts(out))
    assert code == -signal.SIGKILL and first + 5 <= second < RUNS
    done = subprocess.run(_sweep(out, "--resume", "--workers", "2"), capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert f"{RUNS} runs ({RUNS - second} this time)" in done.stdout
    assert [p.name for p in _parts(out)] == [p.name for p in _parts(whole)]
    for a, b in zip(_parts(out), _parts(whole), strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    pd.testing.assert_frame_equal(load_results(out), load_results(whole), check_exact=True)
    for name in ("outcomes.csv", "sensitivity.csv", "summary.csv", "points.csv"):
        assert (out / name).read_text() == (whole / name).read_text(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and manifest["runs_done"] == RUNS
    assert not list((out / "runs").glob(".*"))  # no temporary parts left


def test_the_dummy_parameter_has_zero_sobol_indices(whole):
    table = pd.read_csv(whole / "sensitivity.csv")
    dummy = table[table["parameter"] == "dummy"]
    assert len(dummy) == 4  # S1 and ST for two outcomes
    # Under common random numbers every point shares the run keys, so two points that
    # differ only in the dummy give identical runs: each term of the S1 and ST estimators
    # is an exact 0, and so is every bootstrap resample (conf = 0). Any tolerance above
    # float round-off would hide a leak of the dummy (or of the point) into the draws.
    assert (dummy["value"].abs() < 1e-12).all()
    assert (dummy["conf"].abs() < 1e-12).all()
    assert not dummy["exceeds_dummy"].any()
    # ... while a parameter that matters stands clear of the dummy's interval at N = 8
    switch = table[(table["parameter"] == "parameters.load.switch_cost")
                   & (table["metric"] == "mean_chronic_load") & (table["index"] == "ST")]
    assert switch["ci_low"].iloc[0] > 0.5 and switch["exceeds_dummy"].iloc[0]


def test_results_are_queryable_with_duckdb(whole):
    query = (f"SELECT point, avg(value) AS leave FROM '{whole}/runs/*.parquet' "
             "WHERE metric = 'leave_rate' AND \"group\" = 'all' GROUP BY point ORDER BY point")
    rows = duckdb.sql(query).fetchall()
    assert [p for p, _ in rows] == list(range(RUNS))
    outcomes = pd.read_csv(whole / "outcomes.csv")
    assert np.allclose([v for _, v in rows], outcomes["leave_rate|all|mean"], rtol=1e-9)


def _write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(f'[sweep]\nbase = "{ROOT / "configs" / "traditional.toml"}"\n'
                    f"overrides = {json.dumps(SCHOOL)}\n{text}")
    return path


def test_grid_points_share_random_numbers(tmp_path):
    sweep = _write(tmp_path, 'design = "grid"\nreplications = 2\ndummy = false\n'
                   'outcomes = [{metric = "mean_chronic_load"}]\n'
                   '[[sweep.parameters]]\nfield = "parameters.load.switch_cost"\n'
                   "values = [0.03, 0.03, 0.1]\n")
    result = run_sweep(plan_sweep(sweep, tmp_path / "g"))
    table = load_results(tmp_path / "g")
    assert result.runs == 6 and sorted(set(table["point"])) == [0, 1, 2]
    assert not (tmp_path / "g" / "sensitivity.csv").exists()
    values = {p: part.drop(columns="point").reset_index(drop=True)
              for p, part in table.groupby("point")}
    pd.testing.assert_frame_equal(values[0], values[1])  # same values, same draws
    assert not values[0]["value"].equals(values[2]["value"])
    y = result.outcomes["mean_chronic_load|all|mean"]
    assert y[0] == y[1] < y[2]


def test_morris_design_and_bounds_from_the_schema(tmp_path):
    sweep = _write(tmp_path, 'design = "morris"\nsamples = 2\nlevels = 4\n'
                   'outcomes = [{metric = "mean_chronic_load", reducer = "last"}]\n'
                   '[[sweep.parameters]]\nfield = "parameters.load.switch_cost"\n'
                   '[[sweep.parameters]]\nfield = "staffing.class_size"\nlow = 18\n')
    spec, _ = load_sweep(sweep)
    assert (spec.parameters[0].low, spec.parameters[0].high) == (0.0, 0.2)  # ge, le
    assert (spec.parameters[1].low, spec.parameters[1].high) == (18.0, 60.0)
    result = run_sweep(plan_sweep(sweep, tmp_path / "m"))
    assert result.runs == 2 * (2 + 1 + 1)  # trajectories x (parameters + dummy + 1)
    table = result.sensitivity.set_index(["parameter", "index"])["value"]
    assert table[("dummy", "mu_star")] == 0 and table[("dummy", "sigma")] == 0
    assert table[("parameters.load.switch_cost", "mu_star")] > 0


@pytest.mark.parametrize("text, message", [
    ('design = "sobol"\nsamples = 6\noutcomes = [{metric = "leave_rate"}]\n'
     '[[sweep.parameters]]\nfield = "parameters.load.switch_cost"\n', "power of 2"),
    ('outcomes = [{metric = "leave_rat"}]\n[[sweep.parameters]]\n'
     'field = "parameters.load.switch_cost"\n', "unknown metric 'leave_rat'"),
    ('outcomes = [{metric = "leave_rate"}]\n[[sweep.parameters]]\n'
     'field = "parameters.load.switch"\n', "'parameters.load.switch' does not exist"),
    ('outcomes = [{metric = "leave_rate"}]\n[[sweep.parameters]]\n'
     'field = "parameters.load.switch_cost"\nlow = 0\nhigh = 5\n', "documented range"),
    ('outcomes = [{metric = "leave_rate"}]\n[[sweep.parameters]]\n'
     'field = "staffing.model"\n', "not a number"),
    ('design = "grid"\noutcomes = [{metric = "leave_rate"}]\n[[sweep.parameters]]\n'
     'field = "staffing.class_size"\n', "a grid needs values"),
    ('replications = 0\noutcomes = [{metric = "leave_rate"}]\n[[sweep.parameters]]\n'
     'field = "staffing.class_size"\n', "sweep.replications = 0"),
])
def test_bad_sweep_files_name_the_problem(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_sweep(_write(tmp_path, text))


def _app():
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """test app"""

    @app.command()
    def sweep() -> None:
        """an older sweep command, replaced by register"""

    register(app)
    return app


def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, whole):
    runner = CliRunner()
    out = tmp_path / "o"
    cases = [
        (["sweep", str(tmp_path / "nowhere.toml"), "--out", str(out)], "no such sweep file"),
        (["sweep", str(TINY), "--out", str(out), "--executor", "ray"], "--executor 'ray'"),
        (["sweep", str(TINY), "--out", str(out), "--scheduler", "tcp://x:1"],
         "--scheduler needs --executor dask"),
        (["sweep", str(TINY), "--out", str(whole)], "not empty"),
        (["sweep", str(TINY), "--out", str(whole), "--resume", "--overwrite"], "exclude"),
    ]
    for args, message in cases:
        result = runner.invoke(_app(), args)
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert not out.exists()
    other = _write(tmp_path, 'outcomes = [{metric = "leave_rate"}]\nsamples = 8\n'
                   '[[sweep.parameters]]\nfield = "parameters.load.switch_cost"\n')
    with pytest.raises(OutputError, match="holds a different sweep"):
        plan_sweep(other, whole, resume=True)
    result = runner.invoke(_app(), ["sweep", str(other), "--out", str(whole), "--resume"])
    assert result.exit_code == 2 and "different sweep" in result.output
    assert json.loads((whole / "manifest.json").read_text())["complete"]  # untouched


def test_an_inline_scenario_instead_of_a_base_file(tmp_path):
    path = tmp_path / "inline.toml"
    path.write_text('[sweep]\ndesign = "sobol"\nsamples = 4\n'
                    'outcomes = [{metric = "leave_rate"}]\n'
                    '[sweep.scenario]\nname = "inline"\nyears = 1\nburn_in_years = 0\n'
                    'district = {preset = "school"}\n'
                    '[[sweep.parameters]]\nfield = "parameters.load.switch_cost"\n')
    spec, base = load_sweep(path)
    assert base.name == "inline" and base.district.preset == "school"
    assert plan_sweep(path, tmp_path / "o").total == 4 * (1 + 1 + 2)
    both = path.read_text().replace("[sweep.scenario]", 'base = "x.toml"\n[sweep.scenario]')
    path.write_text(both)
    with pytest.raises(ConfigError, match="exactly one of base"):
        load_sweep(path)
