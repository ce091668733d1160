"""What a results folder holds, read and checked once for the report.

Required: ``manifest.json`` and ``summary.csv`` (``nextwork-sim run``, ``compare`` or
``sweep``). Optional, each filling a section of the report when present:

- ``explain.csv`` (``compare --explain``): why the scenarios differ;
- ``sensitivity.csv`` (``sweep`` with a Sobol or Morris design): sensitivity indices;
- ``robustness.csv``: one-at-a-time swings, columns ``metric, group, parameter, low, high,
  outcome_low, outcome_high`` and optionally ``base`` (the outcome with the parameter at its
  low and its high value, and with every parameter at its value; for a robustness command
  to write);
- ``validation.csv``: columns ``target, metric, group, value, low, high, seed, sim_mean,
  sim_low, sim_high, inside`` (a public target, its band, the simulated mean and interval and
  whether the band holds the mean);
- ``calibration.csv``: any columns, shown as they are;
- ``schools.csv`` (written by a run with the subjects component, docs/subjects.md): one row
  per scenario and school, drawn in the figures section.

A folder that is missing, is not a results folder, or holds one of these files unreadable or
without its columns raises ``ReportError`` (one line, naming the file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .schools_figure import SCHOOL_COLUMNS


class ReportError(ValueError):
    """The report cannot be built; the message is one line meant for the user."""


SUMMARY_COLUMNS = ("scenario", "metric", "group", "year", "n", "mean", "ci_low", "ci_high")
EXPLAIN_COLUMNS = ("scenario", "metric", "mechanism", "contribution", "ci_low", "ci_high")
SENSITIVITY_COLUMNS = ("metric", "group", "parameter", "index", "value", "ci_low", "ci_high")
ROBUSTNESS_COLUMNS = ("metric", "group", "parameter", "low", "high", "outcome_low",
                      "outcome_high")
VALIDATION_COLUMNS = ("target", "metric", "group", "value", "low", "high", "seed",
                      "sim_mean", "sim_low", "sim_high", "inside")
#: optional file -> the columns it must hold (None: any)
OPTIONAL = {"explain.csv": EXPLAIN_COLUMNS, "sensitivity.csv": SENSITIVITY_COLUMNS,
            "robustness.csv": ROBUSTNESS_COLUMNS, "validation.csv": VALIDATION_COLUMNS,
            "calibration.csv": None, "schools.csv": SCHOOL_COLUMNS}


@dataclass
class ResultsFolder:
    """A checked results folder: ``manifest``, ``summary`` and each optional table (None
    when the file is absent); ``written``: when the manifest was last written (UTC)."""

    path: Path
    manifest: dict
    summary: pd.DataFrame
    written: datetime
    explain: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    robustness: pd.DataFrame | None = None
    validation: pd.DataFrame | None = None
    calibration: pd.DataFrame | None = None
    schools: pd.DataFrame | None = None

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, the baseline first (as ``compare`` ran them)."""
        return list(self.manifest["scenarios"])

    @property
    def baseline(self) -> str:
        return self.scenarios[0]

    @property
    def is_sweep(self) -> bool:
        return self.manifest.get("kind") == "sweep" or "point" in self.summary.columns

    @property
    def last_year(self) -> int:
        return int(self.summary["year"].max())

    @property
    def replications(self) -> int:
        return int(self.manifest.get("replications", 1))


def _csv(path: Path, columns) -> pd.DataFrame:
    try:
        table = pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as error:
        raise ReportError(f"{path}: cannot read as CSV "
                          f"({str(error).splitlines()[0] if str(error) else type(error).__name__})"
                          ) from None
    missing = [c for c in columns or () if c not in table.columns]
    if missing:
        raise ReportError(f"{path}: missing column(s) {', '.join(missing)} (expected "
                          f"{', '.join(columns)})")
    return table


def read_folder(path: str | Path) -> ResultsFolder:
    """Read and check a results folder (see the module docstring); ReportError if unusable."""
    path = Path(path)
    if not path.exists():
        raise ReportError(f"RESULTS_DIR {path}: no such folder")
    if not path.is_dir():
        raise ReportError(f"RESULTS_DIR {path}: is not a folder")
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise ReportError(f"RESULTS_DIR {path}: not a results folder (no manifest.json; "
                          "write one with `nextwork-sim run`, `compare` or `sweep`)")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(f"{manifest_path}: not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or not manifest.get("scenarios"):
        raise ReportError(f"{manifest_path}: no scenarios listed (not a results folder of "
                          "`nextwork-sim run`, `compare` or `sweep`)")
    if not (path / "summary.csv").is_file():
        raise ReportError(f"RESULTS_DIR {path}: no summary.csv (an unfinished sweep? rerun "
                          "it with --resume)")
    summary = _csv(path / "summary.csv", SUMMARY_COLUMNS)
    if summary.empty:
        raise ReportError(f"{path / 'summary.csv'}: holds no rows")
    written = datetime.fromtimestamp(manifest_path.stat().st_mtime, tz=UTC)
    folder = ResultsFolder(path, manifest, summary, written)
    for name, columns in OPTIONAL.items():
        if (path / name).is_file():
            setattr(folder, name.removesuffix(".csv"), _csv(path / name, columns))
    if folder.explain is not None and "kind" not in folder.explain.columns:
        folder.explain["kind"] = "design"  # written before the channel split existed
    return folder
