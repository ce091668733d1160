"""Experiments: executors agree row for row, workers stay flat, parts are written as runs
finish, a scenario compared with itself differs by zero, parameter uncertainty is keyed."""

import json
import operator

import pandas as pd
import pytest

from nextwork_sim import load_results
from nextwork_sim.config import ConfigError, validate
from nextwork_sim.experiments.executors import (
    InProcess,
    LocalProcesses,
    make_executor,
)
from nextwork_sim.experiments.runner import make_tasks, run_many, run_task, worker_memory
from nextwork_sim.experiments.storage import PartWriter, finished_run_ids
from nextwork_sim.experiments.summary import differences, paired_differences


def _school(name="x", **extra):
    return validate({"name": name, "years": 1, "burn_in_years": 0,
                     "district": {"preset": "school"}, **extra})


def _table(runs):
    return pd.concat(runs.values(), ignore_index=True)


@pytest.mark.slow
def test_one_worker_two_workers_and_dask_give_identical_tables():
    scenarios = [_school("a"), _school("b", staffing={"model": "next_workforce"})]
    one, _ = run_many(scenarios, 5, replications=3)
    two, _ = run_many(scenarios, 5, replications=3, workers=2)
    dask, manifest = run_many(scenarios, 5, replications=3, executor="dask", workers=2)
    assert list(one) == list(two) == list(dask) and len(one) == 6
    pd.testing.assert_frame_equal(_table(one), _table(two), check_exact=True)
    pd.testing.assert_frame_equal(_table(one), _table(dask), check_exact=True)
    assert manifest["executor"] == "dask"
    assert _table(one)["replication"].nunique() == 3


@pytest.mark.slow
def test_executor_shape_and_a_worker_that_does_not_grow():
    """submit/map/map_unordered/context manager; then 16 runs on one worker process: no
    model outlives its run and the worker's memory stays flat (a run that is not released
    keeps ~0.45 MB of agents alive at this size: > 6 MB over these runs)."""
    with InProcess() as here:
        assert here.submit(operator.add, 2, 3).result() == 5
        assert list(here.map(operator.neg, [1, 2])) == [-1, -2]
        with pytest.raises(ZeroDivisionError):
            here.submit(operator.truediv, 1, 0).result()
    tasks = make_tasks([_school()], 3, 16, None)
    with LocalProcesses(1) as pool:
        assert list(pool.map(operator.mul, [1, 2, 3], [4, 5, 6])) == [4, 10, 18]
        assert sorted(pool.map_unordered(operator.neg, range(10), window=3)) == list(
            range(-9, 1))
        memory = []
        for item in tasks:
            rid, table = pool.submit(run_task, item).result()
            assert rid == item["run_id"] and len(table) > 100
            memory.append(pool.submit(worker_memory).result())
    assert len({m["pid"] for m in memory}) == 1
    assert all(m["live_models"] == 0 for m in memory)
    growth = memory[-1]["rss"] - memory[1]["rss"]
    assert growth < 2 * 2**20, f"worker grew by {growth / 2**20:.1f} MB over 15 runs"


def test_bad_executor_is_refused():
    with pytest.raises(ValueError, match="--executor 'ray'"):
        make_executor("ray")
    with pytest.raises(ValueError, match="--executor 'ray'"):
        run_many([_school()], 0, executor="ray")


def test_a_scenario_compared_with_itself_differs_by_zero_in_every_replication():
    same = [_school("first"), _school("second")]
    runs, _ = run_many(same, 11, replications=3)
    table = _table(runs)
    paired = paired_differences(table, "first")
    assert set(paired["replication"]) == {0, 1, 2}
    assert len(paired) == len(table) // 2
    assert (paired["value"] == 0).all()
    summary = differences(table, "first")
    assert (summary[["mean", "ci_low", "ci_high", "p2_5", "p97_5"]].abs().max() == 0).all()


def test_runs_are_written_as_they_finish_and_skipped_when_finished(tmp_path):
    scenario = _school()
    out = tmp_path / "r"
    writer = PartWriter(out, {"kind": "run"}, min_interval=0)
    seen = []
    runs, _ = run_many([scenario], 2, replications=3, workers=2,
                       on_result=lambda rid, t: (writer(rid, t), seen.append(
                           finished_run_ids(out))))
    assert [len(s) for s in seen] == [1, 2, 3]  # each part on disk when its run finished
    assert json.loads((out / "manifest.json").read_text())["runs_done"] == 3
    pd.testing.assert_frame_equal(load_results(out), _table(runs), check_dtype=False)
    again, _ = run_many([scenario], 2, replications=4, skip=finished_run_ids(out))
    assert list(again) == ["x__p0000__r0003"]


def test_parameter_uncertainty_is_keyed_per_replication_and_field():
    from nextwork_sim.experiments.uncertainty import (
        draws,
        scenario_for_replication,
        uncertain_fields,
    )

    scenario = validate({"name": "x"})
    fields = uncertain_fields(scenario)
    assert len(fields) > 10 and all(f.path.startswith("parameters.") for f in fields)
    assert all(f.low <= f.default <= f.high and f.low < f.high for f in fields)
    a = scenario_for_replication(scenario, 1, 0)
    assert a == scenario_for_replication(scenario, 1, 0)
    assert a != scenario_for_replication(scenario, 1, 1)
    assert a != scenario_for_replication(scenario, 2, 0)
    assert a.name == "x"
    assert a.parameters.attrition.move_1_3 == scenario.parameters.attrition.move_1_3  # fitted
    table = draws(scenario, 1, 20)
    assert (table["value"] >= table["low"]).all() and (table["value"] <= table["high"]).all()
    floats = ~table["field"].isin([f.path for f in fields if f.integer])
    assert table[floats].groupby("field")["value"].nunique().min() == 20
    # a subset draws the same value for a field as the full set (keyed by field path)
    path = "parameters.load.efficacy_slope"
    assert path in {f.path for f in fields}
    one = scenario_for_replication(scenario, 1, 3, fields=[path])
    assert one.parameters.load.efficacy_slope == scenario_for_replication(
        scenario, 1, 3).parameters.load.efficacy_slope
    assert abs(one.parameters.load.efficacy_slope / scenario.parameters.load.efficacy_slope
               - 1) <= 0.2
    assert one.parameters.load.efficacy_threshold == scenario.parameters.load.efficacy_threshold
    # a sourced field is drawn only when named
    sourced = "parameters.costs.paraeducator_salary"
    assert sourced not in {f.path for f in fields}
    named = scenario_for_replication(scenario, 1, 3, fields=[sourced])
    assert named.parameters.costs.paraeducator_salary != (
        scenario.parameters.costs.paraeducator_salary)
    with pytest.raises(ConfigError, match="parameters.load.nope"):
        scenario_for_replication(scenario, 1, 0, fields=["parameters.load.nope"])


def test_parameter_uncertainty_draws_every_assumption_and_only_assumptions():
    from nextwork_sim.docs_tables import field_kinds
    from nextwork_sim.experiments.uncertainty import scenario_for_replication, uncertain_fields

    scenario = validate({"name": "x"})
    drawn = {f.path for f in uncertain_fields(scenario)}
    kinds = field_kinds()
    # the case: a source that gives only the direction ("assumption; direction from")
    assert scenario.parameters.attrition.pay_effect != 0
    assert "parameters.attrition.pay_effect" in drawn
    varied = scenario_for_replication(scenario, 5, 0)
    assert varied.parameters.attrition.pay_effect != scenario.parameters.attrition.pay_effect
    assert varied.parameters.costs.paraeducator_salary == (
        scenario.parameters.costs.paraeducator_salary)  # sourced
    assert varied.parameters.attrition.first_year_effect == (
        scenario.parameters.attrition.first_year_effect)  # fitted
    assert {kinds[p] for p in drawn} == {"assumption"}
    assumed = {p for p, k in kinds.items() if k == "assumption" and p.startswith("parameters.")
               and isinstance(_value(scenario, p), int | float)}  # a choice is not drawn
    assert "parameters.population.initial_state" not in assumed
    assert drawn == {p for p in assumed if _value(scenario, p) != 0}
    assert "parameters.costs.max_steps" in drawn  # integers too
    assert not any(p.startswith("staffing.") for p in drawn)


def _value(scenario, path):
    node = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return node


def test_run_many_with_parameter_uncertainty_changes_the_runs():
    from nextwork_sim.experiments.uncertainty import scenario_for_replication

    scenario = _school()
    runs, manifest = run_many([scenario], 4, replications=2, vary=scenario_for_replication)
    plain, _ = run_many([scenario], 4, replications=2)
    assert manifest["parameter_uncertainty"]
    assert not _table(runs)["value"].equals(_table(plain)["value"])
