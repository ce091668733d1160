"""The classes of defect the config fuzz (tests/test_fuzz_configs.py) and issue 23 found, one
example each: edge values that crashed now run a year with finite results, and values the
model cannot run are rejected by `nextwork-sim check` with one line (exit 2)."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from nextwork_sim.cli import app
from nextwork_sim.config import load_config
from nextwork_sim.model import SchoolSystemModel

from .conftest import CONFIGS

runner = CliRunner()
SCHOOL = ['district.preset="school"', "burn_in_years=0", "years=1"]


def _one_year(config, overrides):
    model = SchoolSystemModel(load_config(config, overrides), seed=7)
    try:
        results = model.run()
        educators = model.state.educators
        assert np.isfinite(educators.skill).all() and np.isfinite(educators.chronic_load).all()
        return model, results
    finally:
        model.release()


@pytest.mark.parametrize("config, overrides", [
    # add_support_staff split the communities into 0 sections: ValueError
    ("traditional", ["district.composition.disability=0"]),
    ("next_workforce", ["district.composition.english_learner=0"]),
    ("opportunity_culture", ["staffing.paraeducators_per_teacher=0"]),
    ("custom_example", ["district.composition.disability=0",
                        "district.composition.english_learner=0"]),
])
def test_no_caseload_means_no_post_not_a_crash(config, overrides):
    model, results = _one_year(CONFIGS / f"{config}.toml", SCHOOL + overrides)
    assert np.isfinite(results["value"]).all()
    roles = model.roles.index
    held = model.state.positions.role[model.state.positions.open]
    for field, role in (("disability", "special_education_specialist"),
                        ("english_learner", "english_learner_specialist"),
                        ("paraeducators_per_teacher", "paraeducator")):
        if any(o.startswith(f"district.composition.{field}=") or o.startswith(
                f"staffing.{field}=") for o in overrides):
            assert not (held == roles[role]).any(), role


def test_a_schools_file_with_every_share_zero_runs(tmp_path):
    (tmp_path / "s.csv").write_text("name,level,enrollment,low_income,english_learner,"
                                    "disability\nA,elementary,200,0,0,0\nB,high,300,0,0,0\n")
    (tmp_path / "c.toml").write_text('name = "zero"\nyears = 1\nburn_in_years = 0\n'
                                     '[district]\nschools_csv = "s.csv"\n')
    _, results = _one_year(tmp_path / "c.toml", [])
    assert np.isfinite(results["value"]).all()


def test_a_zero_base_rate_gives_finite_channels():
    """A base leave rate of 0 (inside its range) wrote -inf log-odds into the results."""
    _, results = _one_year(CONFIGS / "traditional.toml",
                           SCHOOL + ["parameters.attrition.leave_20_plus=0",
                                     "parameters.attrition.move_1_3=0.5",
                                     "parameters.attrition.leave_1_3=0.5"])
    channel = results[results["metric"] == "attrition_channel"]
    assert not channel.empty and np.isfinite(channel["value"]).all()


MEMBERS = """name = "m"
[district]
preset = "school"
[staffing]
model = "configured"
[[staffing.roles]]
name = "lead"
category = "teacher_leader"
{extra_role}
[staffing.design]
allocation = "whole_class"
[[staffing.design.members]]
role = "lead"
fixed = {{ individualized_support = {fixed} }}
"""


@pytest.mark.parametrize("text, message", [
    (MEMBERS.format(fixed="nan", extra_role=""),
     "staffing.design.members.0.fixed.individualized_support = nan: Input should be a finite "
     "number (allowed: 0 to 1)"),
    (MEMBERS.format(fixed="-5", extra_role=""),
     "staffing.design.members.0.fixed.individualized_support = -5: Input should be greater "
     "than or equal to 0 (allowed: 0 to 1)"),
    (MEMBERS.format(fixed="0.2", extra_role='[[staffing.roles]]\nname = "lead"\n'
                                           'category = "paraeducator"'),
     "staffing: roles: 'lead' is defined twice; role names must be unique"),
])
def test_impossible_designs_are_one_line(tmp_path, text, message):
    path = tmp_path / "m.toml"
    path.write_text(text)
    _check_fails(path, [], message)


@pytest.mark.parametrize("override, message", [
    ("parameters.learning.growth_by_grade=[nan,1,1,1,1,1,1,1,1,1,1,1,1]",
     "parameters.learning.growth_by_grade.0 = nan: Input should be a finite number (allowed: "
     "0.01 to 5.0 SD per year)"),
    ("parameters.learning.growth_by_grade=[-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1]",
     "parameters.learning.growth_by_grade.0 = -1: Input should be greater than or equal to "
     "0.01"),
    ('staffing.model="nosuch:Thing"',
     "staffing.model = 'nosuch:Thing': cannot load it (ModuleNotFoundError: No module named "
     "'nosuch')"),
    ('staffing.model="os:path"', "staffing.model = 'os:path': is not a StaffingModel subclass"),
    ("staffing.class_size=true",
     "staffing.class_size = True: Input should be a valid integer (allowed: 5 to 60 students)"),
    ("parameters.load.switch_cost=true", "parameters.load.switch_cost = True: Input should be "
     "a valid number (allowed: 0 to 0.2 capacity per extra domain)"),
    ('staffing.pullout_share="0.5"', "staffing.pullout_share = '0.5': Input should be a valid "
     "number"),
    ("staffing.looping=1", "staffing.looping = 1: Input should be a valid boolean"),
    ("years=2.5", "years = 2.5: Input should be a valid integer"),
    ("district.composition.disability=nan", "district.composition.disability = nan: Input "
     "should be a finite number (allowed: 0 to 1 share)"),
])
def test_values_the_model_cannot_run_are_one_line(override, message):
    _check_fails(CONFIGS / "traditional.toml", ["--set", override], message)


@pytest.mark.parametrize("config, override, message", [
    ("next_workforce", 'staffing.regroup_each_unit="yes"', "staffing.regroup_each_unit = "
     "'yes': Input should be a valid boolean (a setting of the next_workforce model)"),
    ("opportunity_culture", "staffing.leader_share=inf", "staffing.leader_share = inf: Input "
     "should be a finite number (allowed: 0 to 1 share of domain demand; a setting of the "
     "opportunity_culture model)"),
    ("traditional", "staffing.leader_share=0.3", "'staffing.leader_share' is a setting of "
     "opportunity_culture, not of 'traditional'; allowed for 'traditional': model, class_size"),
])
def test_a_models_own_settings_are_one_line_naming_the_model(config, override, message):
    _check_fails(CONFIGS / f"{config}.toml", ["--set", override], message)


def test_a_missing_roster_fails_check_not_run(tmp_path):
    """A staff_csv that does not exist passed `check`."""
    _check_fails(CONFIGS / "csv_district.toml",
                 ["--set", f'district.staff_csv="{tmp_path / "nope.csv"}"'],
                 f"district.staff_csv: {tmp_path / 'nope.csv'}: no such file")


def test_a_csv_parse_error_is_one_line(tmp_path):
    (tmp_path / "s.csv").write_text('name,level,enrollment,low_income\n"A,elementary,1,0.5\n')
    (tmp_path / "c.toml").write_text('name = "x"\n[district]\nschools_csv = "s.csv"\n')
    _check_fails(tmp_path / "c.toml", [], "s.csv: not a readable CSV file")


def _check_fails(path, args, message):
    done = runner.invoke(app, ["check", str(path), *args])
    assert done.exit_code == 2, done.output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0], lines[0]
    assert "Traceback" not in done.stderr
