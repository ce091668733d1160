"""The library API: compare, explain, burn_in return data without printing, and explain
decomposes the scenarios compared (a phased scenario included)."""

import numpy as np
import pytest

import nextwork_sim
from nextwork_sim.config import ConfigError, validate

SCHOOL = {"district": {"preset": "school"}, "years": 3}
METRICS = ("mean_skill", "cost_per_student")


def _pair(burn_in: int):
    """The traditional baseline and a phased scenario: every elementary school (the one
    school of the preset) moves to teams from reported year 3, under a base staffing whose
    first adoption has share 1.0, which the command's explain took for a shared start."""
    base = validate({**SCHOOL, "name": "base", "burn_in_years": burn_in})
    phased = validate({**SCHOOL, "name": "phased", "burn_in_years": burn_in,
                       "adoption": [{"share": 1.0, "levels": ["elementary"], "from_year": 3,
                                     "staffing": {"model": "next_workforce",
                                                  "collaboration_minutes_per_week": 150}}]})
    return base, phased


def _differences(comparison, metric: str) -> np.ndarray:
    """Per replication: the scenario's mean over years minus the baseline's."""
    rows = comparison.table.query("group == 'all' and metric == @metric")
    means = rows.groupby(["scenario", "replication"])["value"].mean()
    return (means["phased"] - means["base"]).to_numpy()


@pytest.mark.parametrize(("burn_in", "shared"), [(0, True), (1, False)])
def test_explain_decomposes_the_phased_scenario_that_was_compared(capsys, burn_in, shared):
    """With no burn-in (a shared start changes nothing) or no shared start, the command
    rebuilt the phased scenario without its adoption (teams from year 1, everywhere) and
    decomposed that; and it shared-started the hybrids even with --no-shared-start. The
    decomposition's total must be the difference compare measured, run for run."""
    base, phased = _pair(burn_in)
    comparison = nextwork_sim.compare([base, phased], seed=5, replications=2,
                                      shared_start=shared)
    full = nextwork_sim.explained_scenarios(comparison, "phased")
    decomposed = full[max(full, key=len)]
    assert decomposed.adoption == comparison.scenarios[1].adoption
    assert decomposed.staffing == comparison.scenarios[1].staffing
    table = nextwork_sim.explain(comparison, metrics=METRICS)
    assert capsys.readouterr() == ("", "")  # the library prints nothing
    design = table[(table["kind"] == "design") & (table["mechanism"] == "total")]
    for metric in METRICS:
        measured = _differences(comparison, metric)
        assert abs(measured.mean()) > 0, metric  # the switch in year 3 changes both
        total = design.loc[design["metric"] == metric, "contribution"].item()
        assert total == pytest.approx(measured.mean(), rel=1e-12, abs=1e-12), metric


def test_explain_starts_its_hybrids_from_the_saved_states(tmp_path):
    """compare --from-state --explain ran the comparison from the saved states but the
    decomposition from scratch: its total was another difference."""
    base = validate({**SCHOOL, "name": "base", "burn_in_years": 1})
    teams = validate({**SCHOOL, "name": "teams", "burn_in_years": 1,
                      "staffing": {"model": "next_workforce"}})
    manifest = nextwork_sim.burn_in(base, tmp_path / "state", seed=2, replications=2)
    assert manifest["replications"] == 2 and (tmp_path / "state" / "manifest.json").is_file()
    comparison = nextwork_sim.compare([base, teams], years=2, seed=2, replications=2,
                                      from_state=tmp_path / "state")
    table = nextwork_sim.explain(comparison, metrics=("mean_skill",))
    rows = comparison.table.query("group == 'all' and metric == 'mean_skill'")
    means = rows.groupby(["scenario", "replication"])["value"].mean()
    measured = (means["teams"] - means["base"]).mean()
    total = table.query("kind == 'design' and mechanism == 'total'")["contribution"].item()
    assert total == pytest.approx(measured, rel=1e-12, abs=1e-12)


def test_explain_refuses_before_running_what_no_design_element_holds():
    """A scenario that changes a mechanism parameter, not staffing or pay: the hybrids take
    mechanism parameters from the baseline, so the decomposition would explain a scenario
    that was not compared."""
    base = validate({**SCHOOL, "name": "base", "burn_in_years": 0})
    other = validate({**SCHOOL, "name": "other", "burn_in_years": 0,
                      "staffing": {"collaboration_minutes_per_week": 150},
                      "parameters": {"attrition": {"load_effect": 2.0}}})
    ticks = []
    with pytest.raises(ConfigError, match="explain: other differs from base in parameters"):
        nextwork_sim.compare([base, other], check_explain=True,
                             progress=lambda total=None: ticks.append(total))
    assert ticks == []  # nothing ran


def test_a_summer_leaves_nothing_on_the_model_for_the_next():
    """Summer steps hand each other a SummerContext: the attributes they once passed
    through the model (read back with defaults, stale in a summer that did not set them)
    must not come back."""
    from nextwork_sim.model import SchoolSystemModel

    base, phased = _pair(0)
    model = SchoolSystemModel(phased, seed=1)
    try:
        model.run(3)
        for name in ("transfers", "attrition_terms", "recruitment_cost", "students_of_color",
                     "displaced_rows", "role_changes"):
            assert not hasattr(model, name), name
        assert model.displaced >= 0 and set(model.transition_booked) == {3}
    finally:
        model.release()
