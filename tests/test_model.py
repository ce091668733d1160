"""The model end to end at small scale: invariants, reproducibility, Mesa views, memory."""

import gc
import tracemalloc

import mesa
import numpy as np
import pytest

from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE, ENROLLED, Educator, Student


def test_agents_are_views_into_the_arrays(small_scenario):
    model = SchoolSystemModel(small_scenario, seed=3)
    try:
        educators = model.agents_by_type[Educator]
        students = model.agents_by_type[Student]
        assert len(students) == (model.state.students.status == ENROLLED).sum()
        assert len(educators) == (model.state.educators.status == ACTIVE).sum()
        teacher = next(iter(educators.select(lambda a: a.role_name == "teacher")))
        teacher.skill = np.full(8, 0.77, dtype=np.float32)
        assert np.all(model.state.educators.skill[teacher.idx] == np.float32(0.77))
        model.state.educators.experience[teacher.idx] = 13
        assert teacher.experience == 13
        mean_skill = educators.agg("fte", np.sum)
        assert mean_skill == pytest.approx(float(model.state.educators.fte.sum()))
    finally:
        model.release()


def _summer_counts(model):
    e, s, p = model.state.educators, model.state.students, model.state.positions
    filled = int((p.holder >= 0).sum())
    return {"positions": p.n, "filled": filled, "vacant": int((p.holder < 0).sum()),
            "active": int((e.status == ACTIVE).sum()),
            "enrolled": int((s.status == ENROLLED).sum())}


def test_positions_and_students_are_conserved_through_summers(small_scenario):
    model = SchoolSystemModel(small_scenario, seed=5)
    try:
        before = _summer_counts(model)
        model.run(2)
        after = _summer_counts(model)
        assert after["positions"] == before["positions"]
        assert after["filled"] + after["vacant"] == after["positions"]
        assert after["active"] == after["filled"]  # every active educator holds one position
        # one school K-5: each summer grade 5 leaves and a new kindergarten of the same size
        # enters, so enrollment is unchanged
        assert after["enrolled"] == before["enrolled"]
        holders = model.state.positions.holder
        assert len(set(holders[holders >= 0].tolist())) == after["filled"]
        assert np.all(model.state.educators.status[holders[holders >= 0]] == ACTIVE)
        table = model.results()
        hires = table.query("metric == 'hires' and group == 'all'")["value"]
        leavers = table.query("metric == 'attrition_rate' and group == 'all'")
        assert len(hires) == 2 and len(leavers) == 2
    finally:
        model.release()


def test_person_ids_are_never_reused(small_scenario):
    model = SchoolSystemModel(small_scenario, seed=5)
    try:
        model.run(2)
        for table in (model.state.students, model.state.educators):  # one id space each
            assert table.n > 0
            assert len(np.unique(table.person_id)) == table.n
            assert table.person_id.min() >= 0
    finally:
        model.release()


def test_same_seed_same_table_different_seed_differs(small_scenario):
    from nextwork_sim import run

    a = run(small_scenario, seed=11)
    b = run(small_scenario, seed=11)
    c = run(small_scenario, seed=12)
    assert a.equals(b)
    keys = ["year", "metric", "group"]
    both = a.merge(c, on=keys, suffixes=("_a", "_c"))
    assert len(both) > 0.9 * len(a)
    assert not np.allclose(both["value_a"], both["value_c"])


def test_outputs_contract_columns_and_metrics(small_team_scenario):
    from nextwork_sim import run
    from nextwork_sim.outcomes import METRICS

    table = run(small_team_scenario, seed=2)
    assert list(table.columns) == ["scenario", "point", "replication", "year", "metric",
                                   "group", "value"]
    assert set(table["year"]) == {1, 2}
    required = {"stay_rate", "move_rate", "leave_rate", "attrition_rate", "headcount",
                "positions", "mean_skill", "mean_chronic_load", "achievement_growth",
                "months_of_learning", "cost_total", "cost_per_student"}
    assert required <= set(table["metric"])
    assert set(table["metric"]) <= set(METRICS)
    rates = table.query("group == 'all' and metric in ['stay_rate', 'move_rate', 'leave_rate']")
    total = rates.groupby("year")["value"].sum()
    assert np.allclose(total, 1.0)
    assert table["value"].notna().all()


def test_calendar_processes_hand_off_in_order(small_scenario):
    model = SchoolSystemModel(small_scenario, seed=1)
    try:
        model.run(1)
        log = model.calendar.log
        kinds = [event for _, event, _, _ in log]
        n_units = model.shape.n_units
        assert kinds.count("unit_start") == n_units == kinds.count("unit_end")
        assert kinds.count("term_end") == model.shape.terms
        assert kinds[-1] == "summer"
        assert model.calendar.env.now == model.shape.days
        assert model.days_this_year == model.shape.days
        starts = [t for t, event, _, _ in log if event == "unit_start"]
        assert starts == sorted(starts)
    finally:
        model.release()


def test_memory_stays_flat_over_twenty_models(small_scenario):
    def one():
        model = SchoolSystemModel(small_scenario, seed=1)
        model.run(1)
        model.release()

    one()
    gc.collect()
    tracemalloc.start()
    for _ in range(5):
        one()
    gc.collect()
    after_five = tracemalloc.get_traced_memory()[0]
    for _ in range(15):
        one()
    gc.collect()
    after_twenty = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(getattr(mesa.Agent, "_ids", {})) <= 1
    # 15 more models may not keep more than a small fraction of one model's arrays alive
    assert after_twenty - after_five < 2_000_000, (after_five, after_twenty)


def _registry_snapshot(model):
    """What Mesa holds for a model: unique_id and row of every agent, in registration order,
    per registry."""
    def ids(agents):
        return [(a.unique_id, type(a).__name__, a.idx) for a in agents]

    hard = getattr(model, "_agents", model.agents)  # Mesa 3.3/3.4 keep a dict of hard refs
    return {"all": ids(model.agents), "hard": ids(hard),
            "students": ids(model.agents_by_type[Student]),
            "educators": ids(model.agents_by_type[Educator])}


def test_bulk_agent_registration_matches_mesas_per_agent_path(small_scenario, monkeypatch):
    """registration.create_agents/remove_agents leave Mesa's registries exactly as one
    ``Student(model, row)`` / ``agent.remove()`` per row would, through builds and summers."""
    from nextwork_sim import registration

    snapshots, tables = [], []
    for bulk in (True, False):
        monkeypatch.setattr(registration, "BULK_REGISTRATION", bulk)
        model = SchoolSystemModel(small_scenario, seed=9)
        try:
            built = _registry_snapshot(model)
            model.run(2)
            snapshots.append((built, _registry_snapshot(model)))
            tables.append(model.results())
            agent = next(iter(model.agents_by_type[Student]))
            assert agent.model is model and agent.pos is None
            assert vars(agent).keys() == {"model", "unique_id", "pos", "idx"}
        finally:
            model.release()
        assert len(model.agents) == 0
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][1]["students"]) == (model.state.students.status == ENROLLED).sum()
    assert tables[0].equals(tables[1])
