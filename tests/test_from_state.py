"""Burned-in states: saving and starting from them."""

import pandas as pd
from typer.testing import CliRunner

from nextwork_sim import load_results
from nextwork_sim.cli import app

from .conftest import CONFIGS

runner = CliRunner()
SMALL = ["--set", 'district.preset="school"', "--set", "burn_in_years=2", "--quiet"]


def test_a_run_from_a_saved_state_equals_the_run_that_burned_in(tmp_path):
    state = tmp_path / "state"
    done = runner.invoke(app, ["burn-in", str(CONFIGS / "traditional.toml"), "--seed", "4",
                               "--replications", "2", "--out", str(state), *SMALL])
    assert done.exit_code == 0, done.output
    args = ["run", str(CONFIGS / "traditional.toml"), "--seed", "4", "--replications", "2",
            "--years", "2", *SMALL]
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "plain")]).exit_code == 0
    loaded = runner.invoke(app, [*args, "--out", str(tmp_path / "loaded"),
                                 "--from-state", str(state)])
    assert loaded.exit_code == 0, loaded.output
    a, b = load_results(tmp_path / "plain"), load_results(tmp_path / "loaded")
    pd.testing.assert_frame_equal(a, b)


def test_another_model_starts_from_the_state_and_switches(tmp_path):
    state = tmp_path / "state"
    runner.invoke(app, ["burn-in", str(CONFIGS / "traditional.toml"), "--seed", "1",
                        "--out", str(state), *SMALL])
    done = runner.invoke(app, ["compare", str(CONFIGS / "traditional.toml"),
                               str(CONFIGS / "next_workforce.toml"), "--seed", "1",
                               "--years", "1", "--out", str(tmp_path / "c"),
                               "--from-state", str(state), *SMALL])
    assert done.exit_code == 0, done.output
    table = load_results(tmp_path / "c")
    leads = table.query("scenario == 'next_workforce' and metric == 'headcount' "
                        "and group == 'category=teacher_leader'")
    assert (leads["value"] > 0).all()


def test_a_state_that_does_not_fit_is_refused_with_one_line(tmp_path):
    state = tmp_path / "state"
    runner.invoke(app, ["burn-in", str(CONFIGS / "traditional.toml"), "--seed", "1",
                        "--out", str(state), *SMALL])
    for extra, fragment in ((["--seed", "2"], "saved for --seed 1"),
                            (["--seed", "1", "--replications", "3"], "holds 1 replications")):
        done = runner.invoke(app, ["run", str(CONFIGS / "traditional.toml"), *extra,
                                   "--out", str(tmp_path / "x"), "--from-state", str(state),
                                   *SMALL])
        assert done.exit_code == 2 and fragment in done.output
    assert not (tmp_path / "x").exists()
