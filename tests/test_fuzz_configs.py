"""Accepted means it runs: every mutant of a shipped config is either rejected with one line
naming what is wrong (``load_config`` raises ConfigError; ``nextwork-sim check`` exits 2 with
one line on stderr) or runs a simulated year with no exception and nothing non-finite in the
state or the results.

The mutants are drawn by tests/fuzz_configs.py. Hypothesis is derandomized (the examples are
a function of this file), so a run is reproducible and CI never sees new examples by chance.
``make test`` draws NEXTWORK_FUZZ_EXAMPLES=200 examples by default; ``make test-fuzz`` draws
2,000. NEXTWORK_FUZZ_SEED=<n> draws another reproducible set (for exploring, not CI).
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from hypothesis import HealthCheck, given, seed, settings
from typer.testing import CliRunner

from nextwork_sim.cli import app
from nextwork_sim.config import ConfigError, load_config, validate
from nextwork_sim.model import SchoolSystemModel

from . import fuzz_configs as fuzz

EXAMPLES = int(os.environ.get("NEXTWORK_FUZZ_EXAMPLES", "200"))
SEED = os.environ.get("NEXTWORK_FUZZ_SEED")

BASES = fuzz.bases()
PLACES = {name: fuzz.base_places(raw) for name, raw in BASES.items()}
TALLY: Counter = Counter()
runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def _report_tally(request):
    yield
    if TALLY:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        line = ("config fuzz: {run} mutants, {rejected} rejected, {accepted} accepted and run "
                "one year".format(run=TALLY["run"], rejected=TALLY["rejected"],
                                  accepted=TALLY["accepted"]))
        capture = request.config.pluginmanager.getplugin("capturemanager")
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.ensure_newline()
                reporter.write_line(line)


def runnable(scenario):
    """The accepted scenario at fuzz size: one year at the school preset (a CSV district
    keeps its schools), burn-in at most one year."""
    raw = scenario.model_dump(mode="json", exclude_none=True)
    raw["years"] = 1
    raw["burn_in_years"] = min(raw["burn_in_years"], 1)
    if "schools_csv" not in raw["district"]:
        raw["district"]["preset"] = "school"
    return validate(raw, "runnable mutant")


def non_finite_state(model) -> list[str]:
    """Columns of the run's state tables holding NaN or inf."""
    bad = []
    for table_name in ("students", "educators", "positions", "communities", "memberships"):
        table = getattr(model.state, table_name)
        for column in table.COLUMNS:
            values = getattr(table, column)
            if np.issubdtype(values.dtype, np.floating) and not np.isfinite(values).all():
                bad.append(f"{table_name}.{column}")
    return bad


def names_a_mutated_place(message: str, mutations) -> bool:
    """The one line names the field: one of the last two keys of a mutated path (its
    table, for a check across fields), or the district file."""
    for change in mutations:
        keys = [str(k) for k in change.path if not isinstance(k, int)]
        if any(key in message for key in keys[-2:]):
            return True
    return False


def check_mutant(name: str, mutations) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = fuzz.materialise(fuzz.apply(BASES[name], mutations), Path(folder))
        path = Path(folder) / "mutant.toml"
        path.write_text(tomli_w.dumps(data))
        TALLY["run"] += 1
        try:
            scenario = load_config(path)
        except ConfigError as error:
            scenario, message = None, str(error)
        done = runner.invoke(app, ["check", str(path)])
        if scenario is None:
            TALLY["rejected"] += 1
            assert "\n" not in message, message
            assert message.startswith(str(path)), message
            assert names_a_mutated_place(message, mutations), message
            assert done.exit_code == 2, (done.exit_code, done.output)
            assert len(done.stderr.strip().splitlines()) == 1, done.stderr
            assert "Traceback" not in done.stderr
            return
        assert done.exit_code == 0, done.stderr
        TALLY["accepted"] += 1
        model = SchoolSystemModel(runnable(scenario), seed=7)
        try:
            results = model.run()
            assert not non_finite_state(model), non_finite_state(model)
            values = results["value"].to_numpy(dtype=float)
            bad = results[~np.isfinite(values)]
            assert bad.empty, bad.head(10).to_string()
            assert len(results) > 0
        finally:
            model.release()


def _settings(test):
    test = settings(max_examples=EXAMPLES, deadline=None, derandomize=SEED is None,
                    database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])(test)
    return seed(int(SEED))(test) if SEED is not None else test


@_settings
@given(example=fuzz.mutants(BASES, PLACES))
def test_every_mutant_is_rejected_with_one_line_or_runs_a_year(example):
    name, mutations = example
    check_mutant(name, mutations)


def test_every_place_of_every_base_can_be_mutated():
    """The fuzz reaches every field of the schema, list elements and domain tables
    included (a new field is fuzzed without touching this file)."""
    for name, found in PLACES.items():
        paths = {p.path for p in found}
        assert ("staffing", "class_size") in paths
        assert ("parameters", "learning", "growth_by_grade", 12) in paths
        assert ("district", "schools_csv") in paths
        if name.startswith("custom"):
            assert ("staffing", "design", "members", 0, "fixed", "team_leadership") in paths
        if name == "phased_adoption":
            assert ("adoption", 1, "staffing", "class_size") in paths
            # a model's own settings, in an adoption's table too
            assert ("adoption", 1, "staffing", "team_teachers") in paths
        if name == "opportunity_culture":
            assert ("staffing", "pod_classrooms") in paths
