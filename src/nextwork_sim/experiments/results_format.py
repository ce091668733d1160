"""What a results folder's parts are: the schema version, the columns and their types, the run
ids, and the error for an output that cannot be used. Shared by storage.py (which writes and
reads folders) and parts.py (which checks the parts read back), below both."""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1
COLUMNS = ["scenario", "point", "replication", "year", "metric", "group", "value"]
#: every part's columns and types (parts.py checks parts read back against it)
PART_SCHEMA = pa.schema([("scenario", pa.string()), ("point", pa.int32()),
                         ("replication", pa.int32()), ("year", pa.int32()),
                         ("metric", pa.string()), ("group", pa.string()),
                         ("value", pa.float64())])


class OutputError(ValueError):
    """The output folder cannot be used; the message is one line meant for the user."""


def run_id(scenario: str, point: int, replication: int) -> str:
    return f"{scenario}__p{point:04d}__r{replication:04d}"
