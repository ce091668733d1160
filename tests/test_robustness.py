"""``nextwork-sim robustness``: paired points with common random numbers, the Morris -> Sobol
selection rule, the tidy table, refusals (exit 2, nothing written), a folder written whole or
not at all, and results that do not depend on the executor."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nextwork_sim.cli import app
from nextwork_sim.experiments import robustness as rb
from nextwork_sim.experiments.robustness_tables import (
    COLUMNS,
    TABLE,
    draw_summary,
    rank_parameters,
)
from nextwork_sim.experiments.sweep import distinct_pairs

from .conftest import CONFIGS

runner = CliRunner()
TRADITIONAL, TEAMS = CONFIGS / "traditional.toml", CONFIGS / "next_workforce.toml"
TINY = rb.Design(preset="school", years=1, trajectories=2, samples=2, top=2)
SMALL = ["burn_in_years=1"]  # one burn-in year: B starts from A's district
#: assumptions both designs read, and one only the team design has
SHARED = ["parameters.attrition.load_effect", "parameters.learning.personalization_effect",
          "staffing.disability_caseload"]
TEAM_ONLY = ["staffing.team_teachers"]


def _run(a, b, out, only, executor="local", workers=1, seed=0):
    design = rb.Design(**{**TINY.__dict__, "seed": seed})
    plan = rb.plan_robustness(a, b, out, design=design, overrides=SMALL, only=only)
    return plan, rb.run_robustness(plan, executor=executor, workers=workers)


@pytest.fixture(scope="module")
def same(tmp_path_factory):
    """Traditional against itself."""
    return _run(TRADITIONAL, TRADITIONAL, tmp_path_factory.mktemp("rb") / "same", SHARED)


@pytest.fixture(scope="module")
def teams(tmp_path_factory):
    """Next Education Workforce against traditional, in this process."""
    return _run(TRADITIONAL, TEAMS, tmp_path_factory.mktemp("rb") / "teams",
                SHARED + TEAM_ONLY)


def test_a_against_itself_differs_by_exactly_zero_at_every_point(same):
    # fails when the two sides of a pair do not share the seed and replication keys (or the
    # parameter values), or when their runs are filed under one id and one side is lost
    plan, result = same
    differences = pd.read_csv(result.out / "differences.csv")
    outcomes = [o.column for o in rb.HEADLINE]
    assert len(differences) == len(plan.morris_points) + 2 * (TINY.top + 3)
    assert differences[outcomes].notna().all().all()
    assert (differences[outcomes] == 0).all().all()
    table = result.table
    shares = table[table["index"] == "sign_share"]
    assert len(shares) == 2 * len(rb.HEADLINE)  # Morris and Sobol draws, every difference
    assert (shares["value"] == 1.0).all()  # 0 keeps the default's sign, 0


def test_a_real_contrast_differs_and_varies_over_the_draws(teams):
    # the zero above is not a pipeline that returns zeros: a different design differs, and
    # its difference moves with the parameters
    _, result = teams
    differences = pd.read_csv(result.out / "differences.csv")
    for outcome in ("achievement_growth|all|mean", "cost_per_student|all|mean"):
        assert (differences[outcome] != 0).all()
        assert differences[outcome].nunique() > 3
    shares = result.table.query("index == 'sign_share'")["value"]
    assert ((shares >= 0) & (shares <= 1)).all()


def test_both_sides_of_a_pair_get_the_same_values(teams):
    # fails when a draw is applied to one side only, or a design setting A and B differ in
    # is varied (it would erase the design being compared)
    plan, _ = teams
    sides = {a.path: a.sides for a in plan.varied}
    assert sides == {**dict.fromkeys(SHARED, "AB"), "staffing.team_teachers": "B"}
    assert "staffing.collaboration_minutes_per_week" in plan.held
    moved = 0
    for pair in plan.morris_pairs:
        a, b = pair.baseline, pair.scenario
        assert a.parameters == b.parameters
        assert a.staffing.disability_caseload == b.adoption[0].staffing.disability_caseload
        # under the shared start B burns in under A's staffing, then switches
        assert b.staffing == a.staffing
        default = plan.baseline.parameters.attrition.load_effect
        moved += a.parameters.attrition.load_effect != default
    assert moved > 0


def test_identical_pairs_run_once_and_share_their_differences(same):
    # fails when merged points lose their differences (NaN) or get another point's
    plan, result = same
    todo, owner = distinct_pairs(plan.morris_pairs)
    assert len(todo) < len(plan.morris_pairs)  # every trajectory's dummy step
    for point, first in owner.items():
        assert plan.morris_pairs[point].key == plan.morris_pairs[first].key


def test_selection_ranks_by_each_differences_largest_share_not_raw_units():
    # mu* in dollars dwarfs mu* in SD: ranking by raw mu*, or by the sum of shares, picks
    # another top two than the stated rule (each difference's mu* over its largest)
    rows = []
    mu = {"cost|all|mean": {"p.dollars": 900.0, "p.both": 800.0, "p.growth": 0.0,
                            "p.none": 100.0, "dummy": 0.0},
          "growth|all|mean": {"p.dollars": 0.0, "p.both": 0.0009, "p.growth": 0.001,
                              "p.none": 0.0001, "dummy": 0.0}}
    for column, values in mu.items():
        metric, group, reducer = column.split("|")
        rows += [{"metric": metric, "group": group, "reducer": reducer, "parameter": p,
                  "index": "mu_star", "value": v} for p, v in values.items()]
    ranked = rank_parameters(pd.DataFrame(rows), ["p.none", "p.both", "p.growth",
                                                  "p.dollars"], "dummy")
    assert list(ranked["parameter"]) == ["p.dollars", "p.growth", "p.both", "p.none"]
    assert list(ranked["rank"]) == [1, 2, 3, 4]
    assert ranked["score"].iloc[0] == ranked["score"].iloc[1] == 1.0
    assert ranked.loc[ranked["parameter"] == "p.dollars", "total"].item() == 1.0
    # a tie on score is broken by the sum of shares: p.both (0.89 + 0.9) over p.growth
    tie = rank_parameters(pd.DataFrame(rows).assign(value=lambda t: t["value"].where(
        t["parameter"] != "p.dollars", 0.0)), ["p.growth", "p.both"], "dummy")
    assert list(tie["parameter"]) == ["p.both", "p.growth"]


def test_the_sobol_stage_takes_the_top_of_the_selection(teams):
    # fails when the Sobol design is built from other parameters than the ranking's first
    plan, result = teams
    table = result.table
    ranks = table[(table["stage"] == "selection") & (table["index"] == "rank")]
    expected = list(ranks.sort_values("value")["parameter"][: TINY.top])
    manifest = json.loads((result.out / "manifest.json").read_text())
    assert manifest["selected"] == expected
    sobol = table[(table["stage"] == "sobol") & (table["index"] == "ST")]
    assert set(sobol["parameter"]) == {*expected, "dummy"}
    swings = table[table["stage"] == "swing"]
    assert set(swings["parameter"]) == set(expected)


def test_sign_share_counts_draws_with_the_default_sign():
    # fails on a share taken against 0 instead of the default's sign, or counting NaN
    draws = pd.DataFrame({"x|all|mean": [-1.0, -2.0, 0.5, np.nan, -0.1]})
    summary = draw_summary(draws, pd.Series({"x|all|mean": -0.3}), "sobol")
    share = summary.loc[summary["index"] == "sign_share", "value"].item()
    assert share == 0.75


def test_the_table_is_tidy_with_every_stage(teams):
    # fails when a column or a stage goes missing from the CSV
    _, result = teams
    table = pd.read_csv(result.out / TABLE, keep_default_na=False, na_values=[""])
    assert list(table.columns) == COLUMNS
    assert set(table["stage"]) == {"default", "morris", "selection", "sobol", "swing"}
    for outcome in rb.HEADLINE:
        rows = table[(table["metric"] == outcome.metric) & (table["group"] == outcome.group)]
        assert set(rows["stage"]) == {"default", "morris", "sobol", "swing"}
        assert {"ST", "S1", "sign_share", "p05", "p95"} <= set(
            rows.loc[rows["stage"] == "sobol", "index"])
    st = table[table["index"] == "ST"]
    assert st[["conf", "ci_low", "ci_high"]].notna().all().all()
    named = table[table["parameter"].notna() & (table["parameter"] != "dummy")]
    assert named[["low", "high"]].notna().all().all()
    assert sorted(p.name for p in result.out.glob("tornado_*.png")) == sorted(
        f"tornado_{o.metric}_{o.group.replace('=', '-')}.png" for o in rb.HEADLINE)


def test_the_same_csvs_whatever_the_executor(teams, tmp_path):
    # fails when results depend on finishing order or worker, or on an unseeded bootstrap
    # (SALib's Sobol analysis reads seed 0 as no seed)
    _, serial = teams
    _, pool = _run(TRADITIONAL, TEAMS, tmp_path / "pool", SHARED + TEAM_ONLY, workers=2)
    manifest = json.loads((pool.out / "manifest.json").read_text())
    assert manifest["workers"] == 2 and manifest["executor"] == "local"
    for name in (TABLE, "differences.csv", "points_morris.csv", "points_sobol.csv"):
        assert (serial.out / name).read_bytes() == (pool.out / name).read_bytes(), name


def test_a_failure_leaves_no_folder(tmp_path, monkeypatch):
    # fails when a half-done analysis leaves files behind
    out = tmp_path / "broken"
    plan = rb.plan_robustness(TRADITIONAL, TRADITIONAL, out, design=TINY, overrides=SMALL,
                              only=SHARED[:2])
    calls = []

    def fail_second(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("a worker died")
        return real(*args, **kwargs)

    real = rb.run_paired
    monkeypatch.setattr(rb, "run_paired", fail_second)
    with pytest.raises(RuntimeError):
        rb.run_robustness(plan)
    assert not out.exists() and list(tmp_path.iterdir()) == []


BASE = [str(TRADITIONAL), str(TEAMS), "--preset", "school", "--years", "1", "--quiet"]


@pytest.mark.parametrize("extra, flag", [
    (["--samples", "3"], "--samples 3"),
    (["--preset", "town"], "--preset 'town'"),
    (["--band", "1.5"], "--band 1.5"),
    (["--top", "0"], "--top 0"),
    (["--only", "parameters.nope"], "--only parameters.nope"),
    (["--only", "staffing.collaboration_minutes_per_week"], "design element"),
    (["--years", "0"], "--years"),
    (["--trajectories", "1"], "--trajectories"),
    (["--executor", "spark"], "--executor 'spark'"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --executor dask"),
    (["--set", "staffing.class_size=0"], "class_size"),
])
def test_bad_flags_exit_2_in_one_line_and_write_nothing(tmp_path, extra, flag):
    out = tmp_path / "out"
    result = runner.invoke(app, ["robustness", *BASE, "--out", str(out), *extra])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and flag in lines[0], lines
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_missing_config_and_a_taken_folder_are_refused(tmp_path):
    result = runner.invoke(app, ["robustness", str(tmp_path / "none.toml"), str(TEAMS),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "none.toml" in result.output
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["robustness", *BASE, "--out", str(taken)])
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
