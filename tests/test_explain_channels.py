"""Channel decomposition: the recorded sums reproduce the model, one differing channel gets
the whole difference, and the channels add up to the total."""

import math

import numpy as np
import pytest

from nextwork_sim import run
from nextwork_sim.config import validate
from nextwork_sim.experiments.decompose import decompose
from nextwork_sim.experiments.explain_channels import (
    COST_LINES,
    LEARNING_PLAYERS,
    attrition_channels,
    learning_channels,
)
from nextwork_sim.parameters import Parameters

BASE = {"name": "base", "years": 1, "burn_in_years": 1, "district": {"preset": "school"}}
LEARNING = Parameters().learning


def _scenario(name, parameters=None, **staffing):
    return validate({**BASE, "name": name, "parameters": parameters or {},
                     "staffing": {"model": "traditional", **staffing}})


def test_the_learning_ledger_reproduces_achievement_growth_without_noise():
    """A district of all three levels, each with its own reference match: a ledger that
    weighs the norm by one level's m_ref (or the unmatched students' by the wrong one)
    misses."""
    scenario = validate({**BASE, "years": 2, "district": {"preset": "district"},
                         "staffing": {"model": "next_workforce"},
                         "parameters": {"learning": {
                             "daily_noise_sd": 0.0,
                             "reference_match": {"elementary": 0.6, "middle": 0.7,
                                                 "high": 0.8}}}})
    table = run(scenario, seed=3)
    learning = scenario.parameters.learning
    for year, part in table.groupby("year"):
        sums = part[part.metric == "learning_channel"].set_index("group")["value"]
        assert 0.6 < sums["part=reference"] / sums["part=norm"] < 0.8
        implied = (sums["part=norm"] + learning.quality_effect
                   * (sums["part=match"] - sums["part=reference"])
                   + learning.personalization_effect * sums["part=personalization"])
        realized = part[(part.metric == "achievement_growth") & (part.group == "all")]
        assert implied == pytest.approx(realized["value"].iloc[0], rel=1e-9), year


def _learning_parts(log_skill, log_allocation, log_efficacy, personalization, norm=0.5,
                    reference=0.36):
    match = 0.3 * math.exp(log_skill + log_allocation + log_efficacy)
    return {"part=norm": norm, "part=match": match, "part=reference": reference,
            "part=personalization": personalization,
            "part=log_skill": log_skill, "part=log_allocation": log_allocation,
            "part=log_efficacy": log_efficacy}


def test_when_only_skill_differs_skill_gets_the_whole_learning_difference():
    base = _learning_parts(-0.6, 0.15, -0.3, 0.5)
    scen = _learning_parts(-0.4, 0.15, -0.3, 0.5)
    parts = learning_channels(base, scen, LEARNING)
    total = LEARNING.quality_effect * (scen["part=match"] - base["part=match"])
    assert parts["skill"] == pytest.approx(total, rel=1e-12)
    for name in set(LEARNING_PLAYERS.values()) - {"skill"}:
        assert parts[name] == pytest.approx(0.0, abs=1e-15), name


def test_learning_channels_add_up_to_the_implied_difference():
    base = _learning_parts(-0.6, 0.15, -0.3, 0.5)
    # another grade and level mix: the norm and its m_ref-weighted sum move differently
    scen = _learning_parts(-0.5, 0.10, -0.2, 0.8, norm=0.51, reference=0.375)
    scen["part=match"] *= 1.07  # a need mix the factors do not explain
    parts = learning_channels(base, scen, LEARNING)

    def implied(p):
        return (p["part=norm"] + LEARNING.quality_effect
                * (p["part=match"] - p["part=reference"])
                + LEARNING.personalization_effect * p["part=personalization"])

    assert sum(parts.values()) == pytest.approx(implied(scen) - implied(base), rel=1e-12)
    assert parts["need_mix_and_other"] > 0 and parts["adult_time"] > 0


def test_attrition_channels_of_identical_runs_are_zero():
    parts = {"part=share,experience=1-3": 0.4, "part=share,experience=20+": 0.6,
             "part=implied_leave": 0.08, "part=implied_move": 0.07}
    for band in ("1-3", "20+"):
        for channel in ("base", "load", "satisfaction", "pay", "support", "advancement",
                        "leader", "poverty", "entry"):
            for equation in ("move", "leave"):
                parts[f"part={channel}_{equation},experience={band}"] = (
                    -2.5 if channel == "base" else 0.1)
    result = attrition_channels(parts, dict(parts), "leave")
    assert all(value == 0.0 for value in result.values())


def test_when_only_pay_differs_pay_gets_the_retention_difference():
    # no burn-in: a burn-in runs under each scenario's own pay, and its summer may already
    # keep someone in one scenario whom the other loses
    base, richer = (validate({**BASE, "burn_in_years": 0, "name": name,
                              "parameters": parameters}) for name, parameters in (
        ("base", {}), ("richer", {"costs": {"teacher_base_salary": 62000.0}})))
    table = decompose(base, richer, seed=5, replications=2, years=None,
                      metrics=("leave_rate",))
    channels = table[(table.kind == "channel") & (table.metric == "leave_rate")]
    row = channels.set_index("mechanism")["contribution"]
    assert row["pay"] < 0  # higher pay, fewer leavers
    implied = row["total"] - row["chance"]
    # One reported year from the same built district: the same people, days and draws, so
    # every other input of the logit is identical and only the mean-field gap can differ.
    assert row["pay"] == pytest.approx(implied - row["heterogeneity"], rel=1e-9)
    for name in ("load", "satisfaction", "support", "advancement", "leader", "poverty",
                 "entry", "experience_mix"):
        assert row[name] == 0.0, name
    assert abs(row["heterogeneity"]) < 0.1 * abs(row["pay"])
    # explain.csv says what the pay channel rests on: the salary schedule and pay_effect
    pay = channels.set_index("mechanism").loc["pay"]
    assert pay["parameter_kinds"] == "sourced+assumption" and pay["rests_on_assumption"]
    share = channels.set_index("mechanism").loc["total", "assumption_share"]
    assert share == pytest.approx(1.0)  # only pay and heterogeneity move: both assumed


def test_cost_lines_add_up_to_the_cost_difference():
    base = _scenario("base")
    other = _scenario("other", model="next_workforce")
    table = decompose(base, other, seed=4, replications=2, years=None,
                      metrics=("cost_per_student",))
    row = table[(table.kind == "channel")].set_index("mechanism")["contribution"]
    lines = row[list(COST_LINES)]
    assert np.isclose(lines.sum(), row["total"], rtol=1e-9, atol=1e-6)
    assert row["stipends"] > 0  # team leads are paid a stipend; traditional has none
