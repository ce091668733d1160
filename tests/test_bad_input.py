"""Every error is one line: bad flags, outputs that cannot be written, unreachable schedulers,
unreadable or foreign saved states, each driven through the command line: exit status 2,
exactly one line on stderr (``error: ...`` naming the flag or file and what is expected), no
traceback, nothing written, and user text shown as typed, never read as rich markup."""

import json
import os
import shutil
import tempfile
import zipfile

import numpy as np
import pytest
from typer.testing import CliRunner

from nextwork_sim import api
from nextwork_sim.cli import app

from .conftest import CONFIGS

runner = CliRunner()
TRADITIONAL = str(CONFIGS / "traditional.toml")
SMALL = ["--set", 'district.preset="school"', "--set", "burn_in_years=1", "--quiet"]
RUN = ["run", TRADITIONAL, "--years", "1", *SMALL]


def one_line_error(result, fragment: str, status: int = 2) -> str:
    """The single stderr line of a refused command, checked."""
    assert result.exit_code == status, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("args, fragment", [
    (["run", TRADITIONAL, "--years", "0"], "--years 0: expected a whole number from 1 to 50"),
    (["run", TRADITIONAL, "--years", "abc"], "--years abc: expected a whole number from 1 to 50"),
    (["run", TRADITIONAL, "--replications=0"], "--replications 0: expected a whole number "
     "from 1 to 10000"),
    (["run", TRADITIONAL, "--workers", "999"], "--workers 999: expected a whole number from 1 "
     "to 256"),
    (["compare", TRADITIONAL, "--seed", "-3"], "--seed -3: expected a whole number of at "
     "least 0"),
    (["equilibrium", "--snapshots", "0"], "--snapshots 0: expected a whole number from 1"),
    (["bench", "--years", "99"], "--years 99: expected a whole number from 1 to 20"),
    (["bench", "--scale", "galaxy"], "--scale 'galaxy': allowed: school, district, state"),
    (["run", TRADITIONAL, "--bogus"], "no such option: --bogus"),
    (["run"], "missing argument 'config'"),
    (["run", TRADITIONAL, "--from-state"], "option '--from-state' requires an argument"),
    (["nosuch"], "no such command 'nosuch'"),
    ([*RUN, "--executor", "ray"], "--executor 'ray': allowed: local, dask"),
    ([*RUN, "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --executor dask"),
    ([*RUN, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"],
     "--scheduler tcp://127.0.0.1:1: cannot connect (Connection refused)"),
    ([*RUN, "--executor", "dask", "--scheduler", "somewhere"],
     "--scheduler somewhere: expected tcp://HOST:PORT"),
])
def test_bad_flags_are_one_line(tmp_path, args, fragment):
    out = tmp_path / "never"
    if args[0] == "run":
        args = ["run", "--out", str(out), *args[1:]]
    result = runner.invoke(app, args)
    one_line_error(result, fragment)
    assert not out.exists()


def test_the_bare_command_still_shows_its_help():
    result = runner.invoke(app, [])
    assert "Usage" in result.output and "run" in result.output


@pytest.mark.parametrize("command", [
    ["run", TRADITIONAL, "--years", "1", *SMALL, "--out"],
    ["burn-in", TRADITIONAL, *SMALL, "--out"],
    ["sweep", str(CONFIGS.parent / "experiments" / "tiny_sweep.toml"), "--quiet", "--out"],
    ["bench", "--scale", "school", "--json"],
    ["equilibrium", TRADITIONAL, "--years", "2", "--snapshots", "1", "--replications", "1",
     "--out"],
    ["params", "--output"],
])
@pytest.mark.parametrize("where, fragment", [
    ("file/out", "cannot be created: {tmp}/file is a file"),
    ("/proc/nextwork-out", "cannot write in /proc"),
    ("locked/out", "cannot write in {tmp}/locked (Permission denied)"),
])
def test_an_output_that_cannot_be_written_is_refused_before_anything_runs(
        tmp_path, monkeypatch, command, where, fragment):
    if where.startswith("locked") and os.geteuid() == 0:  # root writes anywhere: deny it
        real = tempfile.mkdtemp

        def denied(*args, dir=None, **kwargs):
            if dir is not None and os.path.basename(dir) == "locked":
                raise PermissionError(13, "Permission denied")
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkdtemp", denied)
    (tmp_path / "file").write_text("a file, not a folder")
    (tmp_path / "locked").mkdir(mode=0o500)
    started = []
    monkeypatch.setattr("nextwork_sim.model.SchoolSystemModel.__init__",
                        lambda *a, **k: started.append(1) or (_ for _ in ()).throw(
                            AssertionError("a model was built")))
    target = where if where.startswith("/") else str(tmp_path / where)
    flag = command[-1]
    result = runner.invoke(app, [*command, target])
    one_line_error(result, f"{flag} {target}: " + fragment.format(tmp=tmp_path))
    assert not started
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "locked"]


def test_messages_are_plain_text_never_markup(tmp_path):
    config = tmp_path / "[bold]missing[/].toml"
    line = one_line_error(runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "o")]),
                          "[bold]missing[/].toml")
    assert "[bold]" in line
    sweep = runner.invoke(app, ["sweep", str(tmp_path / "[red]s.toml"), "--out",
                                str(tmp_path / "o")])
    one_line_error(sweep, "[red]s.toml: no such sweep file")
    blocker = tmp_path / "f[bold]"
    blocker.write_text("")
    one_line_error(runner.invoke(app, [*RUN, "--out", str(blocker / "x")]),
                   f"{blocker} is a file")


# --- saved states ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def burned(tmp_path_factory):
    out = tmp_path_factory.mktemp("states") / "state"
    api.burn_in(TRADITIONAL, out, seed=1,
                overrides=['district.preset="school"', "burn_in_years=1"])
    return out


def _state_copy(burned, tmp_path):
    state = tmp_path / "state"
    shutil.copytree(burned, state)
    return state


def _from(state, tmp_path):
    return runner.invoke(app, [*RUN, "--seed", "1", "--out", str(tmp_path / "o"),
                               "--from-state", str(state)])


def _rewrite_manifest_digest(state):
    from nextwork_sim.saved_state import file_digest

    manifest = json.loads((state / "manifest.json").read_text())
    manifest["states"]["state_r0000.npz"] = file_digest(state / "state_r0000.npz")
    (state / "manifest.json").write_text(json.dumps(manifest))


def _resave(path, change):
    """Rewrite a state's arrays (``change(arrays)``) keeping its meta, as an edit would."""
    with np.load(path) as saved:
        arrays = {name: saved[name] for name in saved.files}
    change(arrays)
    np.savez_compressed(path, **arrays)


def test_a_burned_in_state_carries_a_schema_version_and_a_checksum(burned):
    manifest = json.loads((burned / "manifest.json").read_text())
    assert manifest["schema_version"] == 2 and set(manifest["states"]) == {"state_r0000.npz"}
    with np.load(burned / "state_r0000.npz") as saved:
        meta = json.loads(bytes(saved["meta"]).decode())
    assert meta["schema_version"] == 2 and len(meta["checksum"]) == 64


def _meta_without(key):
    def change(arrays):
        meta = json.loads(bytes(arrays["meta"]).decode())
        meta.pop(key, None)
        if key == "schema_version":
            meta.pop("next_student_id")
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    return change


def _without_array(path, name):
    """The state re-saved whole (a valid checksum) but for the array ``name``."""
    from nextwork_sim.saved_state import write_state

    with np.load(path) as saved:
        arrays = {key: saved[key] for key in saved.files}
    meta = json.loads(bytes(arrays.pop("meta")).decode())
    arrays.pop(name)
    write_state(path, arrays, {k: v for k, v in meta.items()
                               if k not in ("checksum", "schema_version")})


def _edit_skill(arrays):
    arrays["educators.skill"] = arrays["educators.skill"] * np.float32(0.5)


@pytest.mark.parametrize("damage, fragment", [
    (lambda s: (s / "manifest.json").write_text("{not json"), "manifest.json is not readable "
     "JSON"),
    (lambda s: (s / "manifest.json").write_text("{}"), "manifest.json: schema_version None; "
     "this nextwork-sim reads 2"),
    (lambda s: (s / "manifest.json").write_text("[1, 2]"), "manifest.json: expected a JSON "
     "object (a burn-in manifest), found list"),
    (lambda s: (s / "manifest.json").write_text(json.dumps({"schema_version": 2, "seed": 1})),
     "manifest.json: name missing or not str"),
    (lambda s: (s / "state_r0000.npz").write_bytes(b"garbage"), "state_r0000.npz: SHA-256 "
     "does not match manifest.json"),
    (lambda s: (s / "state_r0000.npz").unlink(), "state_r0000.npz is missing"),
    (lambda s: ((s / "state_r0000.npz").write_bytes(b"garbage"), _rewrite_manifest_digest(s)),
     "state_r0000.npz: not a saved state (not an .npz archive)"),
    (lambda s: (_resave(s / "state_r0000.npz", _edit_skill), _rewrite_manifest_digest(s)),
     "state_r0000.npz: checksum does not match (the state is damaged or was edited)"),
    (lambda s: (_resave(s / "state_r0000.npz", _meta_without("schema_version")),
                _rewrite_manifest_digest(s)), "saved by an older nextwork-sim"),
    (lambda s: (_without_array(s / "state_r0000.npz", "students.grade"),
                _rewrite_manifest_digest(s)), "saved state without the array students.grade"),
])
def test_an_unreadable_or_foreign_state_is_one_line(burned, tmp_path, damage, fragment):
    state = _state_copy(burned, tmp_path)
    damage(state)
    one_line_error(_from(state, tmp_path), fragment)
    assert not (tmp_path / "o").exists()


def test_a_zip_of_the_wrong_arrays_is_refused(burned, tmp_path):
    state = _state_copy(burned, tmp_path)
    with zipfile.ZipFile(state / "state_r0000.npz", "w") as archive:
        archive.writestr("other.npy", b"not an array")
    _rewrite_manifest_digest(state)
    one_line_error(_from(state, tmp_path), "state_r0000.npz: not a saved state")


def test_a_sound_state_still_runs(burned, tmp_path):
    result = _from(_state_copy(burned, tmp_path), tmp_path)
    assert result.exit_code == 0, result.output
