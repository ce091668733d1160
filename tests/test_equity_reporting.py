"""Flows by race, of_color and pathway (docs/outputs.md): each group's rate is its own
teachers' outcome over its own teachers at the start of the summer, and the cohort metrics
count leaving teaching and leaving the district as the sources do."""

import numpy as np
import pytest

from nextwork_sim import summer
from nextwork_sim.config import RACES
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE, LEFT, MOVED, RETIRED
from nextwork_sim.roles import is_teacher_category
from nextwork_sim.workforce.pipelines import PATHWAYS

SCENARIO = {"name": "equity", "years": 3, "burn_in_years": 0, "district": {"preset": "school",
                                                                           "enrollment_scale": 3.0}}
WHITE = RACES.index("white")


@pytest.fixture(scope="module")
def run():
    """Three years of a small district: the results, the final state and, per summer, the
    teachers at risk with their group codes and outcome."""
    summers = []
    real = summer.summer_attrition

    def watched(model, year):
        rows, outcome, movers, terms = real(model, year)
        e = model.state.educators
        teacher = is_teacher_category(e.category[rows])
        summers.append({"rows": rows[teacher].copy(), "outcome": outcome[teacher].copy(),
                        "race": e.race[rows[teacher]].copy(),
                        "pathway": e.pathway[rows[teacher]].copy()})
        return rows, outcome, movers, terms

    summer.summer_attrition = watched
    model = SchoolSystemModel(SCENARIO, seed=11)
    try:
        model.run(SCENARIO["years"])
        e = model.state.educators
        state = {name: getattr(e, name).copy() for name in
                 ("novice_entry", "entry_year", "exit_year", "status", "race", "pathway")}
        yield model.results(), state, summers, model.year - 1
    finally:
        summer.summer_attrition = real
        model.release()


def _value(results, metric, group, year):
    row = results[(results.metric == metric) & (results.group == group)
                  & (results.year == year)]
    return None if row.empty else float(row["value"].iloc[0])


def test_flows_by_race_of_color_and_pathway_are_each_groups_own(run):
    results, _, summers, _ = run
    compared = 0
    for year, flows in enumerate(summers, start=1):
        outcome = flows["outcome"]
        left = (outcome == LEFT) | (outcome == RETIRED)
        of_color = flows["race"] != WHITE
        groups = {f"race={label}": flows["race"] == code for code, label in enumerate(RACES)}
        groups |= {"of_color=true": of_color, "of_color=false": ~of_color}
        groups |= {f"pathway={label}": flows["pathway"] == code
                   for code, label in enumerate(PATHWAYS)}
        for group, members in groups.items():
            for metric, flow in (("leave_rate", left), ("move_rate", outcome == MOVED),
                                 ("attrition_rate", outcome != ACTIVE)):
                recorded = _value(results, metric, group, year)
                if not members.any():
                    assert recorded is None, (metric, group, year)
                    continue
                assert recorded == pytest.approx(flow[members].mean(), abs=1e-12), (
                    metric, group, year)
                compared += 1
    assert compared > 40  # several groups in each of three years


def test_cohort_exit_adds_moves_out_to_leaving_teaching(run):
    results, state, _, last_year = run
    reported_year = SCENARIO["years"]
    novices = np.flatnonzero(state["novice_entry"])
    since = last_year - state["entry_year"][novices].astype(np.int64) + 1
    out = (state["exit_year"][novices] >= 0) & (state["exit_year"][novices] <= last_year)
    status = state["status"][novices]
    left = ((status == LEFT) | (status == RETIRED)) & out
    exited = left | ((status == MOVED) & out)
    of_color = state["race"][novices] != WHITE
    checked = 0
    for n in range(1, 4):
        cohort = since == n
        if not cohort.any():
            continue
        for suffix, members in (("", cohort), (",of_color=true", cohort & of_color),
                                (",of_color=false", cohort & ~of_color)):
            group = f"years_since_entry={n}{suffix}"
            leave = _value(results, "cohort_cumulative_leave", group, reported_year)
            exit_ = _value(results, "cohort_cumulative_exit", group, reported_year)
            if not members.any():
                assert leave is None and exit_ is None
                continue
            assert leave == pytest.approx(left[members].mean(), abs=1e-12), group
            assert exit_ == pytest.approx(exited[members].mean(), abs=1e-12), group
            assert exit_ >= leave
            checked += 1
    assert checked >= 2
    assert (status[exited & ~left] == MOVED).any()  # some exits are moves, not leaving


def test_advanced_rate_is_advanced_over_the_teachers_at_risk(run):
    results, _, summers, _ = run
    for year, flows in enumerate(summers, start=1):
        advanced = _value(results, "advanced", "all", year)
        rate = _value(results, "advanced_rate", "all", year)
        assert rate == pytest.approx(advanced / flows["rows"].size, abs=1e-12)
