"""calibrate, validate, parameter files and set-defaults (docs/calibration.md)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from nextwork_sim.calibration import targets as tg
from nextwork_sim.calibration.fitting import Settings, calibrate, fitted_parameters, with_values
from nextwork_sim.calibration.parameter_file import set_defaults, write_parameter_file
from nextwork_sim.cli import app
from nextwork_sim.config import ConfigError, load_config, validate

from .conftest import CONFIGS, ROOT

SHIPPED_TARGETS = CONFIGS / "calibration" / "targets.csv"
HEADER = "target,metric,group,value,low,high,unit,kind,source,note\n"


def _targets(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return path


def test_shipped_targets_read_and_every_calibrate_row_is_fitted_or_measured():
    rows = tg.read_targets(SHIPPED_TARGETS)
    assert len(rows) == 18 and set(rows["kind"]) == {"calibrate"}
    # every fitted parameter has a search range inside its allowed range
    assert all(f.low < f.default <= f.high or f.low <= f.default < f.high
               for f in fitted_parameters())


@pytest.mark.parametrize("row, expected", [
    ("a,leave_rate,all,0.1,0.2,0.3,share,calibrate,s,", "low <= value <= high"),
    ("a,leave_rate,all,x,0.2,0.3,share,calibrate,s,", "value = 'x' is not a number"),
    ("a,leave_rate,all,0.1,0.05,0.2,share,fit,s,", "kind = 'fit'"),
    ("a,no_such_metric,all,0.1,0.05,0.2,share,calibrate,s,", "not a reported metric"),
    ("a,leave_rate,all,nan,0.05,0.2,share,calibrate,s,", "must be finite"),
])
def test_a_malformed_targets_row_is_named_in_one_line(tmp_path, row, expected):
    with pytest.raises(ConfigError, match=expected) as error:
        tg.read_targets(_targets(tmp_path, [row]))
    assert "line 2" in str(error.value) and "\n" not in str(error.value)


def test_targets_need_every_column_and_unique_ids(tmp_path):
    (tmp_path / "t.csv").write_text("target,metric,value\na,leave_rate,0.1\n")
    with pytest.raises(ConfigError, match="missing column"):
        tg.read_targets(tmp_path / "t.csv")
    twice = ["a,leave_rate,all,0.1,0.05,0.2,share,calibrate,s,"] * 2
    with pytest.raises(ConfigError, match="appears twice"):
        tg.read_targets(_targets(tmp_path, twice))


def test_row_value_is_the_mean_over_reported_years_and_minus_groups_differ():
    table = pd.DataFrame({"metric": ["g"] * 5, "group": ["a", "a", "a", "b", "b"],
                          "year": [0, 1, 2, 1, 2], "value": [9.0, 1.0, 3.0, 0.5, 0.5]})
    assert tg.row_value(table, "g", "a") == 2.0  # year 0 (burn-in end) left out
    assert tg.row_value(table, "g", "a minus b") == 1.5
    assert pd.isna(tg.row_value(table, "g", "c"))


def test_loss_is_zero_on_target_and_one_at_a_band_edge():
    summary = pd.DataFrame({"sim_mean": [0.1, 0.2], "value": [0.1, 0.1], "low": [0.0, 0.0],
                            "high": [0.2, 0.2]})
    assert tg.loss(summary) == pytest.approx(0.5)
    assert tg.loss(summary.assign(sim_mean=[0.1, float("nan")])) == pytest.approx(50.0)


@pytest.mark.slow
def test_calibrate_recovers_a_known_parameter_from_synthetic_targets(tmp_path):
    """Targets made by the model itself at leave_4_9 = 0.10 (same seed, so the truth scores
    zero): calibrate starts from the default 0.0736 and must end much nearer 0.10."""
    truth = 0.10
    settings = Settings(preset="district", replications=2, years=1, burn_in_years=0,
                        seed=3, warm_start=3, sigma=0.1, workers=1)
    base = load_config(CONFIGS / "traditional.toml", settings.overrides())
    made = with_values(base, {"attrition.leave_4_9": truth})
    rows = ["leave_all,leave_rate,all,{v},{lo},{hi},share,calibrate,synthetic,"]
    probe = _targets(tmp_path, [rows[0].format(v=0.1, lo=0.0, hi=0.5)])
    measured = tg.summarise(tg.simulate(made, tg.read_targets(probe), seed=3, replications=2,
                                        years=1), tg.read_targets(probe))
    value = float(measured["sim_mean"].iloc[0])
    targets = _targets(tmp_path, [rows[0].format(v=value, lo=value * 0.9, hi=value * 1.1)])
    fit = calibrate(CONFIGS / "traditional.toml", targets, trials=10,
                    storage=f"sqlite:///{tmp_path / 'study.db'}", settings=settings,
                    only=["attrition.leave_4_9"])
    start = base.parameters.attrition.leave_4_9
    found = fit.values["attrition.leave_4_9"]
    assert abs(found - truth) < 0.3 * abs(start - truth), (start, found)
    assert fit.loss < tg.loss(tg.summarise(tg.simulate(base, tg.read_targets(targets), seed=3,
                                                       replications=2, years=1),
                                           tg.read_targets(targets)))
    assert fit.trials == 10


def optuna_study_exists(storage: str) -> bool:
    import optuna

    return bool(optuna.get_all_study_names(storage))


def _trials(storage: str) -> list:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    name = optuna.get_all_study_names(storage)[0]
    return optuna.load_study(study_name=name, storage=storage).get_trials(deepcopy=False)


@pytest.mark.slow
def test_a_killed_calibration_resumes_from_its_storage(tmp_path):
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    out = tmp_path / "fit.toml"
    command = [sys.executable, "-m", "nextwork_sim.cli", "calibrate",
               str(CONFIGS / "traditional.toml"), "--targets", str(SHIPPED_TARGETS),
               "--preset", "school", "--replications", "2", "--years", "1", "--trials", "12",
               "--storage", storage, "--out", str(out), "--only", "attrition.leave_4_9",
               "--warm-start", "1", "--workers", "1", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    first_errors = (tmp_path / "first.stderr").open("w")
    first = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=first_errors)
    deadline = time.time() + 240
    while time.time() < deadline:
        time.sleep(0.1)  # a trial takes about half a second: kill it among the twelve
        if first.poll() is not None:  # it ended by itself: say why, rather than wait
            break
        if (tmp_path / "study.db").exists():
            try:
                done = [t for t in _trials(storage) if t.state.name == "COMPLETE"]
            except Exception:  # noqa: BLE001 - the study may not exist yet
                continue
            if done:
                break
    ended_by_itself = first.poll()
    first.send_signal(signal.SIGKILL)
    first.wait()
    first_errors.close()
    assert ended_by_itself is None, (ended_by_itself, (tmp_path / "first.stderr").read_text())
    assert optuna_study_exists(storage), ("no trial within 240 s",
                                          (tmp_path / "first.stderr").read_text()[-2000:])
    before = {t.number: t.params for t in _trials(storage) if t.state.name == "COMPLETE"}
    assert 1 <= len(before) < 12 and not out.exists()
    again = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    after = _trials(storage)
    complete = {t.number: t.params for t in after if t.state.name == "COMPLETE"}
    assert len(complete) == 12
    assert all(complete[n] == params for n, params in before.items())  # kept, not rerun
    assert all(t.state.name in ("COMPLETE", "FAIL") for t in after)
    assert "leave_4_9" in out.read_text() and "targets_hash" in out.read_text()


def test_validate_prints_a_row_per_target_and_the_count_inside(tmp_path):
    targets = _targets(tmp_path, [
        "leave_all,leave_rate,all,0.08,0.0,0.5,share,calibrate,s,",
        "move_all,move_rate,all,0.08,0.0,0.5,share,calibrate,s,",
        "impossible,stay_rate,all,0.02,0.01,0.03,share,calibrate,s,",
        "not_fitted,leave_rate,all,0.08,0.07,0.09,share,check,s,"])
    result = CliRunner().invoke(app, [
        "validate", str(CONFIGS / "traditional.toml"), "--targets", str(targets),
        "--seeds", "0,1", "--preset", "school", "--replications", "2", "--years", "1",
        "--workers", "1", "--out", str(tmp_path / "v"), "--quiet"], terminal_width=200)
    assert result.exit_code == 0, result.output
    for target in ("leave_all", "move_all", "impossible"):
        assert target in result.output
    assert "not_fitted" not in result.output
    assert "2 of 3 targets inside their bands" in result.output
    table = pd.read_csv(tmp_path / "v" / "validation.csv")
    assert len(table) == 6 and set(table["seed"]) == {0, 1}
    assert (tmp_path / "v" / "validation.png").stat().st_size > 1000
    markdown = (tmp_path / "v" / "validation.md").read_text()
    assert markdown.count("\n| ") == 3 and "| impossible | stay_rate, all |" in markdown


def test_validate_rejects_a_malformed_targets_file_in_one_line(tmp_path):
    bad = _targets(tmp_path, ["a,leave_rate,all,0.3,0.05,0.2,share,calibrate,s,"])
    result = CliRunner().invoke(app, ["validate", str(CONFIGS / "traditional.toml"),
                                      "--targets", str(bad), "--quiet"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "line 2" in lines[0] and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["validate", str(CONFIGS / "traditional.toml"),
                                      "--seeds", "0,x", "--quiet"])
    assert result.exit_code == 2 and "--seeds" in result.output


def test_parameters_from_sits_between_defaults_and_the_config_and_set(tmp_path):
    write_parameter_file(tmp_path / "fit.toml", {"attrition.move_1_3": 0.11,
                                                 "attrition.leave_1_3": 0.05,
                                                 "learning.quality_effect": 0.5}, {"loss": 0.1})
    (tmp_path / "district.toml").write_text(
        'name = "d"\nparameters_from = "fit.toml"\n[parameters.attrition]\nleave_1_3 = 0.06\n')
    scenario = load_config(tmp_path / "district.toml",
                           ["parameters.learning.quality_effect=0.6"])
    attrition = scenario.parameters.attrition
    assert attrition.move_1_3 == 0.11       # from the file (default 0.127)
    assert attrition.leave_1_3 == 0.06      # the config's own table beats the file
    assert scenario.parameters.learning.quality_effect == 0.6  # --set beats both
    assert scenario.parameters_from.path == "fit.toml"
    assert scenario.parameters_from.sha256 == tg.file_hash(tmp_path / "fit.toml")
    # a resolved config round-trips without the file, and its hash moves with the file
    assert validate(scenario.model_dump(mode="json")) == scenario
    write_parameter_file(tmp_path / "fit.toml", {"attrition.move_1_3": 0.12}, {"loss": 0.1})
    assert load_config(tmp_path / "district.toml").hash() != scenario.hash()


def test_parameters_from_recorded_in_the_manifest(tmp_path):
    from nextwork_sim.experiments.runner import run_many

    write_parameter_file(tmp_path / "fit.toml", {"attrition.move_1_3": 0.11}, {})
    (tmp_path / "c.toml").write_text('name = "c"\nyears = 1\nburn_in_years = 0\n'
                                     'parameters_from = "fit.toml"\n'
                                     '[district]\npreset = "school"\n')
    scenario = load_config(tmp_path / "c.toml")
    _, manifest = run_many([scenario], seed=0)
    assert manifest["parameter_files"]["c"]["sha256"] == tg.file_hash(tmp_path / "fit.toml")


@pytest.mark.parametrize("content, expected", [
    (None, "no such file"), ("[fit]\nloss = 1\n", r"needs a \[parameters\] table"),
    ("not toml [", "not valid TOML")])
def test_a_bad_parameter_file_is_one_line(tmp_path, content, expected):
    if content is not None:
        (tmp_path / "fit.toml").write_text(content)
    (tmp_path / "c.toml").write_text('name = "c"\nparameters_from = "fit.toml"\n')
    with pytest.raises(ConfigError, match=expected) as error:
        load_config(tmp_path / "c.toml")
    assert "parameters_from" in str(error.value) and "\n" not in str(error.value)


def test_a_parameter_from_the_file_out_of_range_is_rejected_by_name(tmp_path):
    write_parameter_file(tmp_path / "fit.toml", {"attrition.move_1_3": 0.9}, {})
    (tmp_path / "c.toml").write_text('name = "c"\nparameters_from = "fit.toml"\n')
    with pytest.raises(ConfigError, match="parameters.attrition.move_1_3"):
        load_config(tmp_path / "c.toml")


def test_set_defaults_rewrites_the_literals_of_parameters_py(tmp_path):
    source = tmp_path / "parameters.py"
    source.write_text((ROOT / "src" / "nextwork_sim" / "parameters.py").read_text())
    write_parameter_file(tmp_path / "fit.toml", {"attrition.move_1_3": 0.1234,
                                                 "learning.reference_match.middle": 0.66,
                                                 "learning.quality_effect": 0.51}, {})
    changes = set_defaults(tmp_path / "fit.toml", source)
    assert {c[0] for c in changes} == {"attrition.move_1_3", "learning.reference_match.middle",
                                       "learning.quality_effect"}
    text = source.read_text()
    assert "move_1_3: float = param(0.1234," in text
    assert 'middle: float = _reference_match(0.66, "middle")' in text
    assert "quality_effect: float = param(\n        0.51," in text
    import importlib.util

    spec = importlib.util.spec_from_file_location("nextwork_sim.parameters_copy", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the rewritten file still imports and validates
    assert module.AttritionParams().move_1_3 == 0.1234
    assert module.ReferenceMatch().middle == 0.66
    write_parameter_file(tmp_path / "bad.toml", {"attrition.no_such": 1.0}, {})
    with pytest.raises(ConfigError, match="no such parameter"):
        set_defaults(tmp_path / "bad.toml", source)
