"""compare --explain labels each channel by the kinds of the parameters behind it: every
channel the code emits has a mapping, kinds come from the schema, the share is computed over
absolute contributions."""

import math

import pytest

from nextwork_sim.channels import ATTRITION_CHANNELS
from nextwork_sim.experiments.channel_parameters import (
    CHANNEL_PARAMETERS,
    assumption_share,
    channel_kinds,
    path_kinds,
    rests_on_assumption,
)
from nextwork_sim.experiments.decompose import _labelled, sentences
from nextwork_sim.experiments.explain_channels import (
    COST_LINES,
    attrition_channels,
    cost_channels,
    learning_channels,
)
from nextwork_sim.parameters import Parameters
from nextwork_sim.workforce.attrition import EXPERIENCE_BANDS


def _emitted_channels() -> set[str]:
    """Every channel name the decomposition functions return, from synthetic run sums."""
    learning = {"part=norm": 0.5, "part=match": 0.3, "part=reference": 0.36,
                "part=personalization": 0.5,
                "part=log_skill": -0.5, "part=log_allocation": 0.1, "part=log_efficacy": -0.2}
    attrition = {"part=implied_leave": 0.08, "part=implied_move": 0.07}
    for band in EXPERIENCE_BANDS:
        attrition[f"part=share,experience={band}"] = 1 / len(EXPERIENCE_BANDS)
        for channel in (*ATTRITION_CHANNELS, "base"):
            for equation in ("move", "leave"):
                attrition[f"part={channel}_{equation},experience={band}"] = -2.0
    costs = {field.lstrip("-"): 1.0 for fields in COST_LINES.values() for field in fields}
    costs["enrollment"] = 100.0
    names = set(learning_channels(learning, learning, Parameters().learning))
    names |= set(attrition_channels(attrition, attrition, "attrition"))
    names |= set(cost_channels(costs, costs))
    return names | {"chance"}  # channel_contributions adds chance to every non-cost metric


def test_every_channel_the_code_emits_is_mapped_to_parameters():
    emitted = _emitted_channels()
    assert {"pay", "skill", "turnover", "heterogeneity"} <= emitted
    unmapped = emitted - set(CHANNEL_PARAMETERS)
    assert not unmapped, f"add {sorted(unmapped)} to CHANNEL_PARAMETERS"
    stale = set(CHANNEL_PARAMETERS) - emitted
    assert not stale, f"CHANNEL_PARAMETERS maps channels nobody emits: {sorted(stale)}"
    for channel in CHANNEL_PARAMETERS:  # every pattern matches a classified field
        path_kinds(CHANNEL_PARAMETERS[channel])


def test_kinds_come_from_the_schema():
    kinds = path_kinds(["parameters.attrition.pay_effect", "parameters.costs.paraeducator_salary",
                        "parameters.attrition.first_year_effect", "parameters.pipelines.*.cost"])
    assert kinds["parameters.attrition.pay_effect"] == "assumption"  # direction-only source
    assert kinds["parameters.costs.paraeducator_salary"] == "sourced"
    assert kinds["parameters.attrition.first_year_effect"] == "fitted"
    assert kinds["parameters.pipelines.residency.cost"] == "assumption"
    with pytest.raises(KeyError, match="nope"):
        path_kinds(["parameters.costs.nope"])
    # the base salary is set by hand from an initial-condition row, not fitted
    assert channel_kinds("pay") == ("sourced", "assumption")
    assert channel_kinds("turnover") == ("sourced",) and not rests_on_assumption("turnover")
    assert channel_kinds("chance") == ()


def test_the_share_resting_on_assumptions_is_over_absolute_contributions():
    # support (a sourced mentoring effect, an assumed dose and collaboration effect) and pay
    # rest on assumptions; turnover (sourced) and poverty (sourced, fitted)
    # do not; chance and total are left out
    parts = {"support": 0.3, "pay": -0.1, "turnover": -0.2, "poverty": 0.4, "chance": 5.0,
             "total": 0.4}
    assert assumption_share(parts) == pytest.approx(0.4 / 1.0)
    assert math.isnan(assumption_share({"chance": 1.0, "total": 1.0}))
    rows = [{"scenario": "s", "metric": "leave_rate", "kind": "channel", "mechanism": m,
             "contribution": v, "ci_low": v, "ci_high": v} for m, v in parts.items()]
    labelled = {row["mechanism"]: row for row in _labelled(rows)}
    assert labelled["support"]["rests_on_assumption"]
    assert labelled["support"]["parameter_kinds"] == "sourced+assumption"
    assert not labelled["poverty"]["rests_on_assumption"]
    assert labelled["total"]["assumption_share"] == pytest.approx(0.4)
    import pandas as pd

    (line,) = sentences(pd.DataFrame(labelled.values()), "base")
    assert line.endswith("Of what the channels explain, 40% rests on assumptions.")
