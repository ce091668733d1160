"""Results are verified before use (experiments/parts.py): a damaged or foreign part, or a
manifest that is not one, is named in one line by every reader (``load_results`` and the
scripts built on it), and ``sweep --resume`` sets such parts aside in quarantine/ and runs
them again, never merging them or counting more runs than the sweep has."""

import importlib.util
import json
import shutil
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nextwork_sim import load_results
from nextwork_sim.cli import app
from nextwork_sim.experiments.storage import OutputError

from .conftest import CONFIGS, ROOT
from .test_bad_input import one_line_error

runner = CliRunner()
SMALL = ["--set", 'district.preset="school"', "--set", "burn_in_years=0", "--quiet"]
FIRST, SECOND = "traditional__p0000__r0000", "traditional__p0000__r0001"


def _equity_main():
    spec = importlib.util.spec_from_file_location(
        "learning_equity", ROOT / "experiments" / "learning_equity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("results") / "run"
    result = runner.invoke(app, ["run", str(CONFIGS / "traditional.toml"), "--years", "1",
                                 "--replications", "2", "--out", str(out), *SMALL])
    assert result.exit_code == 0, result.output
    return out


def _copy(folder, tmp_path, name="copy"):
    target = tmp_path / name
    shutil.copytree(folder, target)
    return target


def _truncate(part):
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])


def _other_columns(part):
    pq.write_table(pa.table({"a": [1, 2], "b": ["x", "y"]}), part)


def _strings_for_values(part):
    table = pq.read_table(part)
    pq.write_table(table.set_column(6, "value", pa.array([str(v) for v in
                                                          table["value"].to_pylist()])), part)


def _no_rows(part):
    pq.write_table(pq.read_table(part).slice(0, 0), part)


def _rows_of(source):
    def damage(part):
        shutil.copyfile(part.with_name(f"{source}.parquet"), part)
    return damage


PART_DAMAGE = [
    (_truncate, "not a readable Parquet part"),
    (lambda p: p.write_bytes(b""), "not a readable Parquet part"),
    (_other_columns, "columns a, b; expected scenario, point, replication, year, metric, "
     "group, value"),
    (_strings_for_values, "column value is string; expected double"),
    (_no_rows, "holds no rows"),
    (_rows_of(FIRST), "holds rows of replication 0; its name says 1"),
]


def _equity(folder, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["learning_equity.py", str(folder)])
    main = _equity_main()
    with pytest.raises(SystemExit) as stop:
        main()
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    return stop.value.code, lines


def _refused_by_every_reader(folder, fragment, capsys, monkeypatch):
    with pytest.raises(OutputError) as error:
        load_results(folder)
    assert fragment in str(error.value) and "\n" not in str(error.value)
    code, lines = _equity(folder, capsys, monkeypatch)
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith("error: ") and fragment in lines[0]


@pytest.mark.parametrize("damage, fragment", PART_DAMAGE)
def test_a_damaged_or_foreign_part_is_named_by_every_reader(run_folder, tmp_path, damage,
                                                             fragment, capsys, monkeypatch):
    folder = _copy(run_folder, tmp_path)
    part = folder / "runs" / f"{SECOND}.parquet"
    damage(part)
    _refused_by_every_reader(folder, f"{part}: {fragment}", capsys, monkeypatch)


def _misplaced(folder):
    shutil.copyfile(folder / "runs" / f"{FIRST}.parquet",
                    folder / "runs" / "other__p0000__r0000.parquet")


def _runs_a_file(folder):
    shutil.rmtree(folder / "runs")
    (folder / "runs").write_text("")


@pytest.mark.parametrize("damage, fragment", [
    (_misplaced, "other__p0000__r0000.parquet: not a run of this results folder "
     "(manifest.json names 2 runs"),
    (lambda f: (f / "manifest.json").write_text("[1]"), "manifest.json: expected a JSON "
     "object (a results manifest), found list"),
    (lambda f: (f / "manifest.json").write_text("{oops"), "manifest.json: not readable JSON"),
    (lambda f: (f / "manifest.json").write_text('{"schema_version": 1, "runs": 3}'),
     "manifest.json: runs: expected the list of run ids"),
    (lambda f: (f / "manifest.json").unlink(), "not a results folder (no manifest.json)"),
    (_runs_a_file, "runs: expected the folder of run parts, found a file"),
    (lambda f: (f / "runs" / f"{SECOND}.parquet").unlink(), "1 run(s) manifest.json lists "
     f"have no part, e.g. {SECOND}.parquet"),
])
def test_a_manifest_or_folder_that_does_not_fit_is_named(run_folder, tmp_path, damage,
                                                         fragment, capsys, monkeypatch):
    folder = _copy(run_folder, tmp_path)
    damage(folder)
    _refused_by_every_reader(folder, fragment, capsys, monkeypatch)


def test_a_sound_folder_reads_as_before(run_folder):
    table = load_results(run_folder)
    assert set(table["replication"]) == {0, 1} and len(table) > 0


# --- sweep --resume --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweepfile") / "grid.toml"
    path.write_text(f'[sweep]\nbase = "{CONFIGS / "traditional.toml"}"\n'
                    "overrides = ['district.preset=\"school\"', \"burn_in_years=0\"]\n"
                    'design = "grid"\nreplications = 2\nyears = 1\nseed = 2\ndummy = false\n'
                    'outcomes = [{metric = "leave_rate"}]\n'
                    '[[sweep.parameters]]\nfield = "parameters.load.switch_cost"\n'
                    "values = [0.0, 0.05]\n")
    return path


@pytest.fixture(scope="module")
def whole(sweep_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "whole"
    result = runner.invoke(app, ["sweep", str(sweep_file), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "4 runs (4 this time)" in result.stdout
    return out


def _resume(sweep_file, out):
    return runner.invoke(app, ["sweep", str(sweep_file), "--out", str(out), "--resume",
                               "--quiet"])


@pytest.mark.parametrize("damage, fragment", PART_DAMAGE)
def test_resume_sets_a_bad_part_aside_and_runs_it_again(sweep_file, whole, tmp_path, damage,
                                                        fragment):
    out = _copy(whole, tmp_path)
    part = out / "runs" / f"{SECOND}.parquet"
    damage(part)
    bad = part.read_bytes()
    result = _resume(sweep_file, out)
    assert result.exit_code == 0, result.output
    assert "4 runs (1 this time)" in result.stdout
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: runs/{SECOND}.parquet: "
                                                         f"{fragment}"), warnings
    assert f"set aside as quarantine/{SECOND}.parquet and run again" in warnings[0]
    assert (out / "quarantine" / f"{SECOND}.parquet").read_bytes() == bad
    for name in (FIRST, SECOND):
        assert ((out / "runs" / f"{name}.parquet").read_bytes()
                == (whole / "runs" / f"{name}.parquet").read_bytes())
    pd.testing.assert_frame_equal(load_results(out), load_results(whole), check_exact=True)
    assert (out / "outcomes.csv").read_text() == (whole / "outcomes.csv").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs_done"] == manifest["runs_total"] == 4 and manifest["complete"]


def test_resume_never_counts_a_foreign_part(sweep_file, whole, tmp_path):
    out = _copy(whole, tmp_path)
    shutil.copyfile(out / "runs" / f"{FIRST}.parquet",
                    out / "runs" / "traditional__p0007__r0000.parquet")
    result = _resume(sweep_file, out)
    assert result.exit_code == 0, result.output
    assert "4 runs (0 this time)" in result.stdout
    assert "traditional__p0007__r0000.parquet: not a run of this results folder" in (
        result.stderr)
    assert json.loads((out / "manifest.json").read_text())["runs_done"] == 4
    assert not (out / "runs" / "traditional__p0007__r0000.parquet").exists()
    pd.testing.assert_frame_equal(load_results(out), load_results(whole), check_exact=True)


@pytest.mark.parametrize("damage, fragment", [
    (lambda f: (f / "manifest.json").write_text("[]"), "--resume: {out}/manifest.json: "
     "expected a JSON object (a results manifest), found list"),
    (lambda f: (f / "manifest.json").write_text("nope"), "--resume: {out}/manifest.json: not "
     "readable JSON"),
    (_runs_a_file, "--resume: {out}/runs: expected the folder of run parts, found a file"),
])
def test_resume_refuses_a_folder_it_cannot_read_in_one_line(sweep_file, whole, tmp_path,
                                                            damage, fragment):
    out = _copy(whole, tmp_path)
    damage(out)
    before = sorted(p.name for p in out.iterdir())
    one_line_error(_resume(sweep_file, out), fragment.format(out=out))
    assert sorted(p.name for p in out.iterdir()) == before
