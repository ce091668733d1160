"""Benchmarks: the per-agent Mesa baseline computes the kernels' school day; the workers
benchmark gives its table."""

import numpy as np

from nextwork_sim.bench.mesa_baseline import PerAgentDay
from nextwork_sim.config import validate
from nextwork_sim.kernels.daily_learning import (
    Instruction,
    Learners,
    LearningSums,
    instruction_quality_reference,
    unit_learning,
)
from nextwork_sim.model import SchoolSystemModel


def test_per_agent_mesa_day_agrees_with_the_kernels():
    scenario = validate({"name": "b", "burn_in_years": 0, "district": {"preset": "school"},
                         "staffing": {"model": "next_workforce"},
                         "parameters": {"load": {"demand_fluctuation_sd": 0.0}}})
    model = SchoolSystemModel(scenario, seed=3)
    try:
        hooks = model.school_year
        hooks.start_year(0)
        hooks.start_unit(0, 0)
        baseline = PerAgentDay(model)
        baseline.step()
        hooks.school_days(0, 0, 1)
        e = model.state.educators
        rows = hooks.active_rows
        for name, kernel in (("load", e.load), ("chronic", e.chronic_load),
                             ("efficacy", e.efficacy)):
            mesa_values = np.array([getattr(baseline.educator_of[i], name) for i in rows])
            np.testing.assert_allclose(kernel[rows], mesa_values, rtol=1e-9, err_msg=name)
        mesa_skill = np.array([baseline.educator_of[i].skill for i in rows])
        np.testing.assert_allclose(e.skill[rows], mesa_skill, rtol=1e-6)
        s = model.state.students
        sums = LearningSums(np.zeros(s.n), np.zeros(s.n), np.zeros(s.n),
                            np.zeros(s.n, dtype=bool))
        # the day's quality from the kernels' summed skill x efficacy (one day: Σ_days = it)
        quality = instruction_quality_reference(
            hooks.split, hooks.unit_mem_educator, hooks.mem_community, hooks.skill_efficacy_sum,
            np.ones(hooks.skill_efficacy_sum.shape[0]), hooks.quality_sum.shape[0])
        # the model's learning parameters without the noise (the baseline draws none)
        parameters = hooks.learning_parameters._replace(noise_sd=0.0)
        unit_learning(Learners(s.community, s.need, s.person_id), (np.uint64(1), np.uint64(2)),
                      Instruction(quality, hooks.personalization,
                                  np.ones(hooks.quality_sum.shape, dtype=bool),
                                  hooks.reference_match),
                      1, parameters, sums)
        mesa_rate = np.array([baseline.student_of[j].rate_sum for j in baseline.student_rows])
        np.testing.assert_allclose(sums.rate_sum[baseline.student_rows], mesa_rate, rtol=1e-6)
        baseline.release()
    finally:
        model.release()


def test_bench_workers_rows_at_a_tiny_scale():
    import importlib.util

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_workers",
                                                  ROOT / "experiments" / "bench_workers.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.measure("school", replications=2, years=1, overrides=["burn_in_years=0"])
    assert [tuple(row) for row in rows] == [bench.FIELDS] * 2
    assert [row["workers"] for row in rows] == [1, 2] and rows[0]["speed_up"] == 1.0
    assert all(row["seconds"] > 0 and row["runs_per_minute"] > 0 for row in rows)
    assert bench.format_table(rows).count("\n") == 3


def test_bench_cli_writes_every_number_as_json(tmp_path):
    import json

    from typer.testing import CliRunner

    from nextwork_sim.cli import app

    out = tmp_path / "bench.json"
    result = CliRunner().invoke(app, ["bench", "--scale", "school", "--years", "1",
                                      "--burn-in", "1", "--json", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    for field in ("students", "educators", "days", "student_days_per_s", "mesa_ratio",
                  "mesa_baseline_student_days_per_s", "peak_memory_gb", "compile_seconds",
                  "burn_in_seconds", "bytes_per_student_day", "school_day_seconds"):
        assert report[field] > 0, field
    assert report["days"] == 180 and report["burn_in_years"] == 1
    assert report["cores"] >= 1 and report["cpu"] and report["numba"] and report["mesa"]
    parts = ("day_span_seconds", "unit_start_seconds", "unit_end_seconds", "week_seconds")
    assert abs(sum(report[p] for p in parts) - report["school_day_seconds"]) < 0.01
    bad = CliRunner().invoke(app, ["bench", "--scale", "county"])
    assert bad.exit_code == 2 and "allowed: school, district, state" in bad.output
    assert not list(tmp_path.glob("*.tmp"))


def test_interleaved_bench_compares_medians_of_the_same_checkout(tmp_path):
    """experiments/bench_interleaved.py: two bench runs per side on the same checkout at the
    school scale give every measure's medians and ratio; a folder without src/ is refused."""
    import importlib.util

    import pytest

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location(
        "bench_interleaved", ROOT / "experiments" / "bench_interleaved.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    runs = [bench.bench_once(ROOT, "school", 1) for _ in range(2)]
    rows = bench.compare(runs[:1], runs[1:])
    assert [row["measure"] for row in rows] == list(bench.MEASURES)
    rate = rows[0]
    assert rate["before_median"] == runs[0]["student_days_per_s"] > 0
    assert rate["ratio"] == runs[1]["student_days_per_s"] / runs[0]["student_days_per_s"]
    with pytest.raises(SystemExit, match="no src/nextwork_sim"):
        bench.bench_once(tmp_path, "school", 1)
