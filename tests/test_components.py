"""Mechanisms as components (components.py): the summer is an ordered list of them, and a
component named in a config (the docs/extending.md examples) runs in its place with its own
columns, parameters, stream and metrics, and changes nothing else."""

import numpy as np
import pytest
from typer.testing import CliRunner

from nextwork_sim import summer
from nextwork_sim.cli import app
from nextwork_sim.components import (
    BUILT_IN_STEPS,
    Component,
    component_class_problem,
    stream_number,
    summer_components,
)
from nextwork_sim.config import ConfigError, resolve
from nextwork_sim.kernels import keyed_random
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.outcomes import METRICS, Metric

OBSERVATION = "peer_observation:PeerObservation"
EARLY_CAREER = "early_career_metric:EarlyCareerShare"
HERE = "tests.test_components"


def _config(share: float | None = 0.5, **extra) -> dict:
    config = {"name": "components", "district": {"preset": "school"}, "years": 2,
              "burn_in_years": 0, **extra}
    if share is not None:
        config["mechanisms"] = {"observation": {"component": OBSERVATION, "share": share,
                                                "skill_gain": 0.05}}
    return config


def _run(config: dict, seed: int = 4):
    """The run's results and, with the component, each educator's times observed."""
    model = SchoolSystemModel(config, seed=seed)
    try:
        model.run(config["years"])
        educators = model.state.educators
        observed = educators.times_observed.copy() if "mechanisms" in config else None
        return model.results(), observed
    finally:
        model.release()


def _values(table, metric: str, group: str) -> np.ndarray:
    """The metric's values for the group, by year."""
    rows = table[(table.metric == metric) & (table.group == group)].sort_values("year")
    return rows["value"].to_numpy()


def test_the_built_in_summer_is_the_list_of_steps_plug_ins_may_follow():
    assert tuple(c.name for c in summer.SUMMER) == BUILT_IN_STEPS
    assert all(isinstance(c, Component) for c in summer.SUMMER)


def test_a_plug_in_runs_right_after_its_step_in_config_order():
    config = resolve(_config(share=None, mechanisms={
        "early": {"component": EARLY_CAREER},
        "observation": {"component": OBSERVATION},
        "early_again": {"component": EARLY_CAREER}}))
    order = [c.name for c in summer_components(summer.SUMMER, config.mechanisms)]
    assert order[:7] == ["students", "payroll", "peer_observation", "workforce",
                         "early_career_share", "early_career_share", "attrition"]
    assert [n for n in order if n in BUILT_IN_STEPS] == list(BUILT_IN_STEPS)


def test_a_component_with_nothing_to_do_changes_no_other_result():
    """Observing nobody must leave every built-in metric as it is without the component: the
    component's draws come from its own stream and its column is its own."""
    without, _ = _run(_config(share=None))
    with_it, observed = _run(_config(share=0.0))
    ours = with_it["metric"] == "observed_share"
    assert (with_it.loc[ours, "value"] == 0.0).all() and ours.sum() == 2
    assert (observed == 0).all()
    left = without.sort_values(["year", "metric", "group"]).reset_index(drop=True)
    right = with_it[~ours].sort_values(["year", "metric", "group"]).reset_index(drop=True)
    assert left[["year", "metric", "group"]].equals(right[["year", "metric", "group"]])
    np.testing.assert_array_equal(left["value"].to_numpy(), right["value"].to_numpy())


def test_more_observation_grows_beginners_pedagogy_and_only_theirs():
    none, _ = _run(_config(share=0.0))
    every, observed = _run(_config(share=1.0))
    assert (_values(every, "observed_share", "all") == 1.0).all()
    assert observed.max() >= 1
    # beginners' skill is higher; the experienced teachers' skill is not touched (their mean
    # moves only through who stays, which the beginners' skill can change in year 2)
    beginners = "experience=1-3"
    assert _values(every, "mean_skill", beginners)[0] > _values(none, "mean_skill", beginners)[0]
    veterans = "experience=20+"
    assert _values(every, "mean_skill", veterans)[0] == _values(none, "mean_skill", veterans)[0]


def test_the_tutorial_config_runs_with_every_extension(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "examples/extending/tutorial.toml", "--quiet",
                                      "--years", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = (out / "summary.csv").read_text()
    for metric in ("observed_share,all", "early_career_share,school_poverty="):
        assert metric in summary, metric
    assert 'model = "co_taught:CoTaught"' in (out / "config" / "tutorial.toml").read_text()


@pytest.mark.parametrize(("table", "expected"), [
    ({"component": "nosuch:Thing"}, "mechanisms.m.component = 'nosuch:Thing': component "
                                    "'nosuch:Thing' cannot be loaded (ModuleNotFoundError"),
    ({"component": "peer_observation"}, "is not of the form module:Class"),
    ({"component": "numpy:ndarray"}, "is not a nextwork_sim.components.Component subclass"),
    ({"component": OBSERVATION, "share": 2.0},
     "mechanisms.m.share = 2.0: Input should be less than or equal to 1 (allowed: 0 to 1 share "
     "of beginning teachers)"),
    ({"component": OBSERVATION, "shar": 0.2},
     "unknown field 'mechanisms.m.shar'; allowed here: component, share, skill_gain"),
    ({"share": 0.2}, "mechanisms.m.component: Field required"),
    ({"component": f"{HERE}:AfterNothing"}, "runs after 'summer_camp', not a step"),
    ({"component": f"{HERE}:TakesAColumn"}, "educator column 'skill' is a built-in one"),
    ({"component": f"{HERE}:TakesAMetric"}, "metric 'leave_rate' is a built-in one"),
    ({"component": f"{HERE}:NoStep"}, "does not implement step"),
])
def test_a_bad_mechanism_table_is_one_line_naming_the_field(table, expected):
    with pytest.raises(ConfigError) as error:
        resolve(_config(share=None, mechanisms={"m": table}))
    message = str(error.value)
    assert expected in message and "\n" not in message


def test_a_bad_mechanism_on_the_command_line_exits_2_without_writing(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('name = "bad"\n[mechanisms.m]\ncomponent = "nosuch:Thing"\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(config), "--quiet", "--out", str(out)])
    assert result.exit_code == 2
    assert "mechanisms.m.component" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_mechanisms_change_the_config_hash_and_none_keeps_the_old_one():
    plain = resolve(_config(share=None))
    assert "mechanisms" not in plain.model_dump(mode="json") or not plain.mechanisms
    assert resolve(_config(share=0.5)).hash() != plain.hash()
    assert resolve(_config(share=0.5)).hash() != resolve(_config(share=0.6)).hash()


def test_a_plug_in_stream_number_is_fixed_and_apart_from_the_built_in_ones():
    assert component_class_problem(OBSERVATION) is None
    built_in = [n for name, n in keyed_random.STREAMS.items() if name in keyed_random.SUBSTREAMS]
    assert keyed_random.STREAMS["peer_observation"] == stream_number("peer_observation")
    assert stream_number("peer_observation") > max(built_in)
    # the number results were drawn with: a change of the hash would change every plug-in's
    # draws, so results saved with a plug-in would no longer be reproduced
    assert stream_number("peer_observation") == 150908277853890


def test_plug_in_metrics_stay_out_of_the_built_in_table():
    assert component_class_problem(EARLY_CAREER) is None
    assert "early_career_share" not in METRICS


# --- broken components for the error tests ---------------------------------------------------

class AfterNothing(Component):
    name = "after_nothing"
    after = "summer_camp"

    def step(self, context):
        pass


class TakesAColumn(Component):
    name = "takes_a_column"
    educator_columns = {"skill": (np.float32, (), 0.0)}

    def step(self, context):
        pass


class TakesAMetric(Component):
    name = "takes_a_metric"
    metrics = {"leave_rate": Metric("share", "a clash", "teachers")}

    def step(self, context):
        pass


class NoStep(Component):
    name = "no_step"
