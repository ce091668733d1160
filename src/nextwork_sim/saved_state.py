"""Saved states on disk (``nextwork-sim burn-in``, ``--from-state``): one ``.npz`` per
replication, every table column an array and ``meta`` the JSON of the rest, with a schema
version and a checksum (SHA-256 of every array, its name, dtype and shape, and of the meta),
both verified on load: a state from another version, damaged or edited, is refused with one
line (``ConfigError``) instead of being run. The burn-in folder's ``manifest.json`` holds each
file's SHA-256 too (``file_digest``), checked before any simulation starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from .config import ConfigError

#: 2: schema version and checksum in every state, file digests in the burn-in manifest
STATE_SCHEMA_VERSION = 2
META_KEYS = ("year", "seed", "replication", "district", "burn_in_years", "staffing",
             "school_model", "design_signatures", "peer_groups", "next_student_id",
             "next_educator_id", "displaced")


def checksum(arrays: dict[str, np.ndarray], meta: dict) -> str:
    """SHA-256 over the arrays (sorted by name: name, dtype, shape, bytes) and the meta
    (its JSON with sorted keys, the checksum itself left out)."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        values = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{values.dtype.str}|{values.shape}|".encode())
        digest.update(values.tobytes())
    plain = {key: value for key, value in meta.items() if key != "checksum"}
    digest.update(json.dumps(plain, sort_keys=True).encode())
    return digest.hexdigest()


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_state(path: str | Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write a state via a temporary name, with the schema version and the checksum."""
    meta = {**meta, "schema_version": STATE_SCHEMA_VERSION}
    meta["checksum"] = checksum(arrays, meta)
    payload = {**arrays, "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)}
    tmp = f"{path}.tmp-{os.getpid()}.npz"
    np.savez_compressed(tmp, **payload)
    os.replace(tmp, path)


def read_state(path: str | Path, tables: dict[str, dict]) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, meta) of a saved state, verified: readable, this schema version, the
    checksum, and every column of ``tables`` (table -> ``ArrayTable.COLUMNS``) present with
    its dtype, shape and one length per table. ``ConfigError`` with one line otherwise."""
    if Path(path).is_file() and not zipfile.is_zipfile(path):
        raise ConfigError(f"{path}: not a saved state (not an .npz archive)")
    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {name: saved[name] for name in saved.files}
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such saved state") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise ConfigError(f"{path}: not a saved state (not a readable .npz: "
                          f"{' '.join(str(error).split()) or type(error).__name__})") from None
    meta = _meta(path, arrays.pop("meta", None))
    version = meta.get("schema_version")
    if version is None and "next_student_id" not in meta:
        raise ConfigError(f"{path}: saved by an older nextwork-sim (one id space for "
                          "students and educators); save it again with burn-in")
    if version != STATE_SCHEMA_VERSION:
        raise ConfigError(f"{path}: state schema version {version!r}; this nextwork-sim reads "
                          f"version {STATE_SCHEMA_VERSION}: save it again with burn-in")
    if meta.get("checksum") != checksum(arrays, meta):
        raise ConfigError(f"{path}: checksum does not match (the state is damaged or was "
                          "edited): save it again with burn-in")
    missing = [key for key in META_KEYS if key not in meta]
    if missing:
        raise ConfigError(f"{path}: saved state without {', '.join(missing)}")
    for table, columns in tables.items():
        lengths = set()
        for column, (dtype, tail, _) in columns.items():
            name = f"{table}.{column}"
            values = arrays.get(name)
            if values is None:
                raise ConfigError(f"{path}: saved state without the array {name}")
            if values.dtype != np.dtype(dtype) or values.shape[1:] != tuple(tail):
                raise ConfigError(f"{path}: {name} is {values.dtype}{list(values.shape)}; "
                                  f"expected {np.dtype(dtype)} rows of shape {list(tail)}")
            lengths.add(values.shape[0])
        if len(lengths) > 1:
            raise ConfigError(f"{path}: the columns of {table} differ in length")
    return arrays, meta


def _meta(path, raw) -> dict:
    if raw is None:
        raise ConfigError(f"{path}: not a saved state (no meta array)")
    try:
        meta = json.loads(bytes(raw).decode())
    except (UnicodeDecodeError, ValueError, TypeError):
        raise ConfigError(f"{path}: not a saved state (meta is not JSON)") from None
    if not isinstance(meta, dict):
        raise ConfigError(f"{path}: not a saved state (meta is not a JSON object)")
    return meta
