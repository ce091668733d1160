"""Results folders (MODEL.md §7): ``runs/<run_id>.parquet`` + ``manifest.json`` +
``summary.csv`` + the resolved configs, written under a temporary name and renamed, so an
interrupted run never leaves a half-written folder behind."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA_VERSION = 1
COLUMNS = ["scenario", "point", "replication", "year", "metric", "group", "value"]


class OutputError(ValueError):
    """The output folder cannot be used; the message is one line meant for the user."""


def check_output(path: str | Path, overwrite: bool) -> Path:
    """Refuse an existing non-empty folder unless ``overwrite``; refuse a file."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"--out {path}: exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise OutputError(f"--out {path}: folder exists and is not empty "
                          "(choose another folder or pass --overwrite)")
    return path


def run_id(scenario: str, point: int, replication: int) -> str:
    return f"{scenario}__p{point:04d}__r{replication:04d}"


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Parquet with a fixed schema; identical tables give identical bytes."""
    schema = pa.schema([("scenario", pa.string()), ("point", pa.int32()),
                        ("replication", pa.int32()), ("year", pa.int32()),
                        ("metric", pa.string()), ("group", pa.string()),
                        ("value", pa.float64())])
    arrow = pa.Table.from_pandas(table[COLUMNS], schema=schema, preserve_index=False)
    arrow = arrow.replace_schema_metadata(None)
    pq.write_table(arrow, path, compression="zstd")


def write_results(path: str | Path, runs: dict[str, pd.DataFrame], manifest: dict,
                  configs: dict[str, str], summary: pd.DataFrame | None,
                  overwrite: bool) -> Path:
    """Write a whole results folder atomically (temporary sibling, then rename)."""
    path = check_output(path, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
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
        if path.exists():
            old = path.parent / f".{path.name}.old-{os.getpid()}"
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old)
        else:
            tmp.rename(path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return path


def load_results(path: str | Path) -> pd.DataFrame:
    """All runs of a results folder as one tidy table (readers glob the parts)."""
    path = Path(path)
    parts = sorted((path / "runs").glob("*.parquet"))
    if not parts:
        raise OutputError(f"{path}: no results (expected runs/*.parquet)")
    table = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    return table[COLUMNS]


def load_manifest(path: str | Path) -> dict:
    return json.loads((Path(path) / "manifest.json").read_text())


def write_part(path: str | Path, run: str, table: pd.DataFrame) -> None:
    """One finished run into ``path/runs/`` (temp file + rename: a killed job leaves whole
    parts only)."""
    runs = Path(path) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    tmp = runs / f".{run}.parquet.tmp-{os.getpid()}"
    write_table(table, tmp)
    os.replace(tmp, runs / f"{run}.parquet")


def finished_run_ids(path: str | Path) -> set[str]:
    runs = Path(path) / "runs"
    return {p.stem for p in runs.glob("*.parquet")} if runs.is_dir() else set()


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)
