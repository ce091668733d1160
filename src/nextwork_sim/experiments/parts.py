"""Results read back verified (docs/outputs.md): ``manifest.json`` must be this version's
manifest, and every part ``runs/<run_id>.parquet`` a readable Parquet file with the contract's
columns and types, at least one row, only rows of its own run, and a run the manifest names
(a run or compare folder lists its runs; a sweep has every point x replication). A part that
fails is named with what is wrong (``PartError``, one line) before anything is merged or
counted; ``sweep --resume`` sets such parts aside (``set_aside``) and runs them again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .results_format import COLUMNS, PART_SCHEMA, SCHEMA_VERSION, OutputError, run_id

RUN_ID = re.compile(r"^(?P<scenario>.+)__p(?P<point>\d{4,})__r(?P<replication>\d{4,})$")
QUARANTINE = "quarantine"


class PartError(OutputError):
    """A part that cannot be used: ``path`` and what is wrong with it (``problem``)."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = Path(path), problem


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


# --- the manifest -----------------------------------------------------------------------

def read_manifest(folder: str | Path) -> dict:
    """``folder/manifest.json`` as a dict, or ``OutputError`` naming the file and what is
    expected of it."""
    file = Path(folder) / "manifest.json"
    if not file.is_file():
        raise OutputError(f"{folder}: not a results folder (no manifest.json)")
    try:
        manifest = json.loads(file.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise OutputError(f"{file}: not readable JSON ({_one_line(error)})") from None
    if not isinstance(manifest, dict):
        raise OutputError(f"{file}: expected a JSON object (a results manifest), found "
                          f"{type(manifest).__name__}")
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        raise OutputError(f"{file}: schema_version {version!r}; this nextwork-sim reads "
                          f"results of schema_version {SCHEMA_VERSION}")
    return manifest


def expected_runs(manifest: dict, folder: str | Path) -> set[str]:
    """The run ids that belong to a results folder: those its manifest lists (run and
    compare), or every point x replication of its sweep."""
    file = Path(folder) / "manifest.json"
    if manifest.get("kind") == "sweep":
        scenarios, points = manifest.get("scenarios"), manifest.get("points")
        replications = manifest.get("replications")
        if not (isinstance(scenarios, list) and len(scenarios) == 1
                and isinstance(scenarios[0], str) and _count(points) and _count(replications)):
            raise OutputError(f"{file}: a sweep manifest needs scenarios (one name), points "
                              "and replications (whole numbers)")
        return {run_id(scenarios[0], p, r) for p in range(points) for r in range(replications)}
    runs = manifest.get("runs")
    if not (isinstance(runs, list) and all(isinstance(r, str) for r in runs)):
        raise OutputError(f"{file}: runs: expected the list of run ids")
    return set(runs)


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# --- parts ------------------------------------------------------------------------------

def part_files(folder: str | Path) -> list[Path]:
    """The parts of ``folder/runs`` (hidden temporary parts aside), sorted."""
    runs = Path(folder) / "runs"
    if runs.exists() and not runs.is_dir():
        raise OutputError(f"{runs}: expected the folder of run parts, found a file")
    return sorted(runs.glob("*.parquet")) if runs.is_dir() else []


def _schema_problem(schema: pa.Schema) -> str | None:
    names, expected = list(schema.names), list(PART_SCHEMA.names)
    if names != expected:
        return f"columns {', '.join(names) or 'none'}; expected {', '.join(expected)}"
    for field in PART_SCHEMA:
        found = schema.field(field.name).type
        if found != field.type:
            return f"column {field.name} is {found}; expected {field.type}"
    return None


def _run_problem(values: dict, run: str) -> str | None:
    """What in ``values`` (column -> its distinct values) is not of run ``run``."""
    parsed = RUN_ID.match(run)
    if parsed is None:
        return "its name is not a run id (<scenario>__p<point>__r<replication>)"
    want = {"scenario": parsed["scenario"], "point": int(parsed["point"]),
            "replication": int(parsed["replication"])}
    for column, wanted in want.items():
        found = values[column]
        if found != [wanted]:
            shown = ", ".join(str(v) for v in found[:3])
            return f"holds rows of {column} {shown}; its name says {wanted}"
    return None


def _stats_values(parquet: pq.ParquetFile) -> dict | None:
    """Distinct values of the id columns from the row-group statistics, when every row group
    has them and each column is constant (else ``None``: read the columns)."""
    meta = parquet.metadata
    values: dict = {}
    for name in ("scenario", "point", "replication"):
        index = PART_SCHEMA.names.index(name)
        seen = set()
        for group in range(meta.num_row_groups):
            stats = meta.row_group(group).column(index).statistics
            if stats is None or not stats.has_min_max or stats.min != stats.max:
                return None
            seen.add(stats.min)
        values[name] = sorted(seen)
    return values


def check_part(path: Path, run: str | None = None) -> int:
    """Verify a part from its footer (schema, rows, the ids' statistics) and return its
    number of rows; ``PartError`` naming the file and the problem."""
    try:
        parquet = pq.ParquetFile(path)
        schema, rows = parquet.schema_arrow, parquet.metadata.num_rows
    except (pa.ArrowException, OSError, ValueError) as error:
        raise PartError(path, f"not a readable Parquet part ({_one_line(error)})") from None
    problem = _schema_problem(schema)
    if problem is None and rows == 0:
        problem = "holds no rows (a finished run has at least one year)"
    if problem is None and run is not None:
        values = _stats_values(parquet)
        if values is None:
            try:
                ids = parquet.read(columns=["scenario", "point", "replication"])
            except (pa.ArrowException, OSError, ValueError) as error:
                raise PartError(path, f"unreadable data ({_one_line(error)})") from None
            values = {c: sorted(pc.unique(ids[c]).to_pylist()) for c in ids.column_names}
        problem = _run_problem(values, run)
    if problem is not None:
        raise PartError(path, problem)
    return rows


def read_part(path: Path, run: str | None = None, metrics: list[str] | None = None) -> pa.Table:
    """A verified part (``check_part``, then its data), optionally only some metrics."""
    check_part(path, run)
    try:
        table = pq.ParquetFile(path).read()
    except (pa.ArrowException, OSError, ValueError) as error:
        raise PartError(path, f"unreadable data ({_one_line(error)})") from None
    if run is not None:
        values = {c: sorted(pc.unique(table[c]).to_pylist())
                  for c in ("scenario", "point", "replication")}
        problem = _run_problem(values, run)
        if problem is not None:
            raise PartError(path, problem)
    if metrics is not None:
        table = table.filter(pc.is_in(table["metric"], pa.array(metrics, pa.string())))
    return table


def foreign(path: Path, expected: set[str]) -> PartError:
    example = f", e.g. {min(expected)}" if expected else ""
    return PartError(path, f"not a run of this results folder (manifest.json names "
                     f"{len(expected)} runs{example})")


def read_folder(folder: str | Path, metrics: list[str] | None = None) -> pa.Table:
    """Every part of a results folder, verified against the schema and the manifest, as one
    Arrow table (columns in the contract's order)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    expected = expected_runs(manifest, folder)
    parts = part_files(folder)
    if not parts:
        raise OutputError(f"{folder}: no results (expected runs/*.parquet)")
    for part in parts:
        if part.stem not in expected:
            raise foreign(part, expected)
    if manifest.get("kind") != "sweep" or manifest.get("complete"):
        missing = sorted(expected - {p.stem for p in parts})
        if missing:
            raise OutputError(f"{folder / 'runs'}: {len(missing)} run(s) manifest.json lists "
                              f"have no part, e.g. {missing[0]}.parquet")
    tables = [read_part(part, part.stem, metrics) for part in parts]
    return pa.concat_tables(tables).select(COLUMNS)


# --- resuming ---------------------------------------------------------------------------

def sort_parts(folder: str | Path, expected: set[str]) -> tuple[set[str], list[PartError]]:
    """(run ids of ``folder``'s sound parts among ``expected``, the problems of the others:
    unreadable, foreign schema or rows, or not a run of ``expected``)."""
    done: set[str] = set()
    problems: list[PartError] = []
    for part in part_files(folder):
        if part.stem not in expected:
            problems.append(foreign(part, expected))
            continue
        try:
            check_part(part, part.stem)
        except PartError as error:
            problems.append(error)
            continue
        done.add(part.stem)
    return done, problems


def set_aside(folder: str | Path, problems: list[PartError]) -> list[str]:
    """Move each bad part into ``folder/quarantine/`` (never merged, never counted; the
    run is done again) and return one warning line per part."""
    folder = Path(folder)
    lines = []
    for problem in problems:
        target = _free_name(folder / QUARANTINE, problem.path.name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            problem.path.replace(target)
        except OSError as error:
            raise OutputError(f"{problem.path}: {problem.problem}, and cannot be set aside in "
                              f"{target.parent} ({error.strerror or error})") from None
        lines.append(f"runs/{problem.path.name}: {problem.problem}; set aside as "
                     f"{QUARANTINE}/{target.name}"
                     + (" and run again" if not problem.problem.startswith("not a run of")
                        else ""))
    return lines


def _free_name(folder: Path, name: str) -> Path:
    target, number = folder / name, 1
    while target.exists():
        target, number = folder / f"{name}.{number}", number + 1
    return target
