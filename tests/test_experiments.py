"""Experiments: executors agree row for row, sweeps resume exactly, sensitivity checks."""

import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pandas as pd

from nextwork_sim import load_results
from nextwork_sim.config import validate
from nextwork_sim.experiments.runner import run_many

from .conftest import ROOT

TINY = ROOT / "experiments" / "tiny_sweep.toml"


def _table(runs):
    return pd.concat(runs.values(), ignore_index=True)


def test_one_worker_two_workers_and_dask_give_identical_tables():
    scenario = validate({"name": "x", "years": 1, "burn_in_years": 0,
                         "district": {"preset": "school"}})
    one, _ = run_many([scenario], 5, replications=4)
    two, _ = run_many([scenario], 5, replications=4, workers=2)
    dask, manifest = run_many([scenario], 5, replications=4, executor="dask", workers=2)
    assert list(one) == list(two) == list(dask)
    assert _table(one).equals(_table(two))
    assert _table(one).equals(_table(dask))
    assert manifest["executor"] == "dask"


def _sweep(out, *extra):
    return [sys.executable, "-m", "nextwork_sim.cli", "sweep", str(TINY), "--out", str(out),
            "--quiet", *extra]


def test_a_killed_sweep_resumes_with_exactly_the_uninterrupted_rows(tmp_path):
    whole = tmp_path / "whole"
    subprocess.run(_sweep(whole), check=True, capture_output=True)
    killed = tmp_path / "killed"
    process = subprocess.Popen(_sweep(killed), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        parts = list((killed / "runs").glob("*.parquet")) if (killed / "runs").is_dir() else []
        if len(parts) >= 6:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list((killed / "runs").glob("*.parquet")))
    assert 6 <= finished < 48
    assert not json.loads((killed / "manifest.json").read_text())["complete"]
    done = subprocess.run(_sweep(killed, "--resume"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    keys = ["scenario", "point", "replication", "year", "metric", "group"]
    a = load_results(whole).sort_values(keys).reset_index(drop=True)
    b = load_results(killed).sort_values(keys).reset_index(drop=True)
    assert a.equals(b)
    assert json.loads((killed / "manifest.json").read_text())["complete"]
    assert not list((killed / "runs").glob(".*tmp*"))


def test_sobol_index_of_a_parameter_the_model_never_reads_is_zero(tmp_path):
    out = tmp_path / "s"
    subprocess.run(_sweep(out), check=True, capture_output=True)
    table = pd.read_csv(out / "sensitivity.csv")
    dummy = table[table["parameter"] == "dummy"]
    assert len(dummy) == 4  # S1 and ST for two outcomes
    # with common random numbers the dummy changes no run at all, so SALib's estimators of
    # its first-order and total effects are exactly zero (not merely within their interval)
    assert (dummy["value"].abs() < 1e-12).all()
    switch = table[(table["parameter"] == "parameters.load.switch_cost")
                   & (table["metric"] == "mean_chronic_load") & (table["index"] == "ST")]
    assert switch["value"].iloc[0] > 0.5  # the switch cost drives chronic load


def test_results_are_queryable_with_duckdb(tmp_path):
    out = tmp_path / "s"
    subprocess.run(_sweep(out), check=True, capture_output=True)
    query = (f"SELECT point, avg(value) AS leave FROM '{out}/runs/*.parquet' "
             "WHERE metric = 'leave_rate' AND \"group\" = 'all' GROUP BY point ORDER BY point")
    rows = duckdb.sql(query).fetchall()
    assert len(rows) == 48  # 8 base samples x (3 parameters + dummy + 2) points
    assert all(0 <= leave <= 1 for _, leave in rows)


def test_bad_sweep_file_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[sweep]\nbase = "nowhere.toml"\noutcomes = [{metric = "x"}]\n'
                   '[[sweep.parameters]]\nfield = "a.b"\nlow = 0\nhigh = 1\n')
    done = subprocess.run([sys.executable, "-m", "nextwork_sim.cli", "sweep", str(bad),
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 2
    assert "no such config file" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_parameter_uncertainty_varies_assumptions_per_replication():
    from nextwork_sim.experiments.uncertainty import scenario_for_replication, uncertain_fields

    scenario = validate({"name": "x"})
    fields = uncertain_fields(scenario)
    assert len(fields) > 10
    a = scenario_for_replication(scenario, 1, 0)
    b = scenario_for_replication(scenario, 1, 1)
    again = scenario_for_replication(scenario, 1, 0)
    assert a == again and a != b
    assert a.parameters.attrition.move_1_3 == scenario.parameters.attrition.move_1_3  # fitted
