"""Results folders (docs/outputs.md): ``runs/<run_id>.parquet`` + ``manifest.json`` +
``summary.csv`` + the resolved configs. ``write_results`` writes a whole folder under a
temporary name and renames it; long jobs (sweeps) write each run the moment it finishes
(``PartWriter``: temp file + ``os.replace`` per part, manifest replaced atomically), so a
killed job leaves whole parts only and ``finished_run_ids`` says what to skip on resume."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .parts import PartError, check_part, part_files, read_folder, read_manifest, read_part
from .results_format import COLUMNS, PART_SCHEMA, SCHEMA_VERSION, OutputError


def check_output(path: str | Path, overwrite: bool) -> Path:
    """Refuse an existing non-empty folder unless ``overwrite``; refuse a file, and a folder
    that cannot be created or written (``check_writable``)."""
    path = Path(path)
    if _exists(path, "--out") and not path.is_dir():
        raise OutputError(f"--out {path}: exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise OutputError(f"--out {path}: folder exists and is not empty "
                          "(choose another folder or pass --overwrite)")
    check_writable(path, "--out")
    return path


def _exists(path: Path, flag: str) -> bool:
    try:
        return path.exists()
    except OSError as error:  # e.g. a parent we may not search
        raise OutputError(f"{flag} {path}: cannot be reached ({error.strerror})") from None


def check_writable(path: str | Path, flag: str = "--out", file: bool = False) -> None:
    """Refuse (``OutputError``, one line naming ``flag``) an output that cannot be written,
    before anything runs: the nearest existing folder above ``path`` (and ``path`` itself,
    an existing folder a job writes into) must take a new entry, tried with a temporary
    folder removed at once. ``file``: ``path`` is a file, not a folder."""
    path = Path(path)
    if file and path.is_dir():
        raise OutputError(f"{flag} {path}: is a folder; expected a file name")
    above = next((p for p in path.absolute().parents if _exists(p, flag)), None)
    if above is not None and not above.is_dir():
        raise OutputError(f"{flag} {path}: cannot be created: {above} is a file")
    targets = [above] + ([path] if not file and path.is_dir() else [])
    for folder in filter(None, targets):
        try:
            os.rmdir(tempfile.mkdtemp(prefix=".nextwork-sim-probe-", dir=folder))
        except OSError as error:
            raise OutputError(f"{flag} {path}: cannot write in {folder} "
                              f"({error.strerror or error})") from None


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Parquet with a fixed schema; identical tables give identical bytes."""
    arrow = pa.Table.from_pandas(table[COLUMNS], schema=PART_SCHEMA, preserve_index=False)
    arrow = arrow.replace_schema_metadata(None)
    pq.write_table(arrow, path, compression="zstd")


def temporary_sibling(path: Path) -> Path:
    """An empty name beside ``path`` to write a folder into before it is published whole
    (``publish_folder``); the caller removes it if writing fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    return tmp


def publish_folder(tmp: Path, path: Path) -> None:
    """Renames the finished folder ``tmp`` to ``path``, replacing an old folder there only
    once the new one is complete (a reader never sees half of either)."""
    if path.exists():
        old = path.parent / f".{path.name}.old-{os.getpid()}"
        path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old)
    else:
        tmp.rename(path)


def write_results(path: str | Path, runs: dict[str, pd.DataFrame], manifest: dict,
                  configs: dict[str, str], summary: pd.DataFrame | None,
                  overwrite: bool) -> Path:
    """Write a whole results folder atomically (temporary sibling, then rename)."""
    path = check_output(path, overwrite)
    tmp = temporary_sibling(path)
    try:
        (tmp / "runs").mkdir(parents=True)
        (tmp / "config").mkdir()
        for name, table in runs.items():
            write_table(table, tmp / "runs" / f"{name}.parquet")
        for name, text in configs.items():
            (tmp / "config" / f"{name}.toml").write_text(text)
        if summary is not None:
            summary.to_csv(tmp / "summary.csv", index=False, float_format="%.6g")
        manifest = {"schema_version": SCHEMA_VERSION, **manifest}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        publish_folder(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return path


def load_results(path: str | Path) -> pd.DataFrame:
    """All runs of a results folder as one tidy table, every part verified against the
    schema and the manifest first (parts.py; ``OutputError`` naming a bad file)."""
    return read_folder(path).to_pandas()


def load_manifest(path: str | Path) -> dict:
    """A results folder's ``manifest.json`` (``OutputError`` if it is not one)."""
    return read_manifest(path)


def write_part(path: str | Path, run: str, table: pd.DataFrame) -> Path:
    """One finished run into ``path/runs/<run>.parquet`` (temp file + ``os.replace``: a
    killed job leaves whole parts only, and readers never see a half-written one)."""
    runs = Path(path) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    tmp = runs / f".{run}.parquet.tmp-{os.getpid()}"
    write_table(table, tmp)
    target = runs / f"{run}.parquet"
    os.replace(tmp, target)
    return target


def finished_run_ids(path: str | Path, expected: set[str] | None = None) -> set[str]:
    """Run ids with a sound part in ``path/runs/`` (what a resumed job skips): parts that
    pass ``parts.check_part`` and, given ``expected``, are among those run ids."""
    done = set()
    for part in part_files(path):
        if expected is not None and part.stem not in expected:
            continue
        try:
            check_part(part, part.stem)
        except PartError:
            continue
        done.add(part.stem)
    return done


def remove_stale_parts(path: str | Path) -> int:
    """Delete temporary parts a killed job left behind; returns how many."""
    runs = Path(path) / "runs"
    stale = list(runs.glob(".*.parquet.tmp-*")) if runs.is_dir() else []
    for part in stale:
        part.unlink(missing_ok=True)
    return len(stale)


def write_text_atomic(path: Path, text: str) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_manifest(path: str | Path, manifest: dict) -> None:
    """``path/manifest.json`` (with the schema version), replaced atomically."""
    manifest = {"schema_version": SCHEMA_VERSION, **manifest}
    write_text_atomic(Path(path) / "manifest.json",
                      json.dumps(manifest, indent=2, sort_keys=True, default=str))


class PartWriter:
    """Writes each finished run the moment it arrives (``on_result`` of ``run_many``, or the
    sweep loop) and keeps ``manifest.json`` current: ``runs_done`` / ``runs_total`` (and,
    but for a sweep, ``runs``: the run ids that belong to the folder),
    ``complete`` and the wall time, each write atomic. Manifest writes are at most one per
    ``min_interval`` seconds (the parts themselves are the record of what finished).
    ``done``: the runs already finished (default: the sound parts found in ``path``)."""

    def __init__(self, path: str | Path, manifest: dict, *, min_interval: float = 1.0,
                 done: set[str] | None = None):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.manifest = dict(manifest)
        self.done = set(finished_run_ids(self.path) if done is None else done)
        self.min_interval = min_interval
        self.started = time.perf_counter()
        self.previous_seconds = float(self.manifest.get("wall_time_seconds", 0.0))
        self._last_write = -float("inf")
        self.flush()

    def __call__(self, run: str, table: pd.DataFrame) -> None:
        write_part(self.path, run, table)
        self.done.add(run)
        if time.perf_counter() - self._last_write >= self.min_interval:
            self.flush()

    def flush(self, **fields) -> None:
        self.manifest.update(fields)
        self.manifest["runs_done"] = len(self.done)
        if self.manifest.get("kind") != "sweep":  # a sweep's runs are its points x replications
            self.manifest["runs"] = sorted(self.done)
        self.manifest["wall_time_seconds"] = round(
            self.previous_seconds + time.perf_counter() - self.started, 3)
        write_manifest(self.path, self.manifest)
        self._last_write = time.perf_counter()

    def close(self, complete: bool = True, **fields) -> None:
        self.flush(complete=complete, **fields)


def read_rows(path: str | Path, metrics: list[str] | None = None,
              runs: set[str] | None = None) -> pd.DataFrame:
    """The runs of a results folder (optionally only some metrics; given ``runs``, only
    those run ids) as one tidy table sorted by scenario, point, replication and year; every
    part is verified first (parts.py) and hidden temporary parts are ignored."""
    parts = [p for p in part_files(path) if runs is None or p.stem in runs]
    if not parts:
        raise OutputError(f"{path}: no results (expected runs/*.parquet)")
    table = pa.concat_tables([read_part(p, p.stem, metrics) for p in parts]).to_pandas()
    keys = ["scenario", "point", "replication", "year", "metric", "group"]
    return table.sort_values(keys, kind="stable").reset_index(drop=True)[COLUMNS]
