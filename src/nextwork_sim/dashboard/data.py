"""What the dashboard reads from results folders (docs/outputs.md): which folders exist, their
``summary.csv`` (means with 95 % intervals), their scenarios and baseline, differences to any
scenario taken as the baseline, the subjects component's tables (``schools.csv`` and the
metrics by ``subject=``, docs/subjects.md), and the folder as a zip to download.

Nothing here imports Solara: the pages call these functions and the tests call them directly.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..components import component_class_problem
from ..experiments.storage import OutputError, load_manifest, read_rows
from ..experiments.summary import differences as paired
from ..experiments.summary import over_years, summarize
from ..subject_areas import AREAS

#: How deep below the results root a results folder may sit (results/demo,
#: results/dashboard/<run>).
SEARCH_DEPTH = 3
DIFFERENCE = " - "


def results_folders(root: str | Path) -> list[Path]:
    """Folders under ``root`` (``root`` itself included) that hold a ``summary.csv``, up to
    SEARCH_DEPTH levels down, sorted by path; hidden folders (a run being written under a
    temporary name) are skipped."""
    root = Path(root)
    found: list[Path] = []

    def visit(folder: Path, depth: int) -> None:
        if (folder / "summary.csv").is_file():
            found.append(folder)
        if depth == SEARCH_DEPTH:
            return
        try:
            children = sorted(p for p in folder.iterdir()
                              if p.is_dir() and not p.name.startswith("."))
        except OSError:
            return
        for child in children:
            if child.name not in ("runs", "config"):
                visit(child, depth + 1)

    if root.is_dir():
        visit(root, 0)
    return sorted(found)


def _stamp(path: Path) -> float:
    return path.stat().st_mtime_ns if path.exists() else 0


@lru_cache(maxsize=16)
def _summary(path: str, stamp: float) -> pd.DataFrame:
    table = pd.read_csv(path)
    missing = {"scenario", "metric", "group", "year", "mean", "ci_low", "ci_high"} - set(table)
    if missing:
        raise OutputError(f"{path}: not a summary.csv (missing {', '.join(sorted(missing))})")
    return table


def load_summary(folder: str | Path) -> pd.DataFrame:
    """The folder's ``summary.csv`` (read again only when the file changes)."""
    path = Path(folder) / "summary.csv"
    if not path.is_file():
        raise OutputError(f"{folder}: no summary.csv")
    return _summary(str(path), _stamp(path))


def scenarios(folder: str | Path) -> list[str]:
    """The scenarios of a results folder, baseline first (the manifest's order, else the
    summary's)."""
    folder = Path(folder)
    if (folder / "manifest.json").is_file():
        names = load_manifest(folder).get("scenarios")
        if names:
            return list(names)
    summary = load_summary(folder)
    return sorted(n for n in summary["scenario"].unique() if DIFFERENCE not in n)


def baseline(folder: str | Path) -> str:
    """The scenario the folder's differences were taken against (its first scenario)."""
    return scenarios(folder)[0]


def metrics(summary: pd.DataFrame) -> list[str]:
    return sorted(summary["metric"].unique())


def groups(summary: pd.DataFrame, metric: str) -> list[str]:
    """The groups a metric is reported for, ``all`` first."""
    found = sorted(summary.loc[summary["metric"] == metric, "group"].unique())
    return sorted(found, key=lambda g: g != "all")


def levels(summary: pd.DataFrame, names: list[str], metric: str, group: str) -> pd.DataFrame:
    """Mean and 95 % interval of the mean by scenario and year (rows of summary.csv)."""
    rows = summary[(summary["metric"] == metric) & (summary["group"] == group)
                   & summary["scenario"].isin(names)]
    return rows.sort_values(["scenario", "year"]).reset_index(drop=True)


def differences(folder: str | Path, names: list[str], against: str, metric: str,
                group: str) -> pd.DataFrame:
    """Each scenario of ``names`` minus ``against``, paired by replication, by year (mean
    and 95 % interval of the paired differences). Rows of summary.csv where the folder was
    compared against ``against``; otherwise computed from the runs as ``compare`` does."""
    others = [n for n in names if n != against]
    if not others:
        return pd.DataFrame(columns=["scenario", "year", "mean", "ci_low", "ci_high"])
    summary = load_summary(folder)
    wanted = {f"{n}{DIFFERENCE}{against}": n for n in others}
    stored = summary[summary["scenario"].isin(list(wanted)) & (summary["metric"] == metric)
                     & (summary["group"] == group)]
    if set(stored["scenario"]) == set(wanted):
        out = stored.assign(scenario=stored["scenario"].map(wanted))
    else:
        out = _computed_differences(str(folder), _stamp(Path(folder) / "runs"), against,
                                    metric, group)
        out = out[out["scenario"].isin(others)]
    return out.sort_values(["scenario", "year"]).reset_index(drop=True)


@lru_cache(maxsize=32)
def _computed_differences(folder: str, stamp: float, against: str, metric: str,
                          group: str) -> pd.DataFrame:
    rows = read_rows(folder, [metric])
    rows = rows[rows["group"] == group]
    if against not in set(rows["scenario"]):
        raise OutputError(f"{folder}: no runs of {against!r} to compare with")
    return paired(rows, against)


#: What a finished dashboard run shows first (group ``all``).
HEADLINE = ("attrition_rate", "vacancy_rate", "mean_chronic_load", "mean_skill",
            "months_of_learning", "cost_per_student")


def headline(folder: str | Path, against: str) -> pd.DataFrame:
    """The HEADLINE metrics averaged over the reported years: each scenario's mean and, for
    the others, the difference to ``against`` with the 95 % interval of the paired
    differences (over replications), as ``compare`` pairs them."""
    rows = read_rows(folder, list(HEADLINE))
    rows = over_years(rows[rows["group"] == "all"])
    means = summarize(rows).pivot(index="metric", columns="scenario", values="mean")
    table = means.reindex(index=[m for m in HEADLINE if m in means.index])
    names = scenarios(folder)
    table = table[[n for n in names if n in table.columns]]
    diff = paired(rows, against).set_index(["scenario", "metric"])
    for name in names:
        if name == against or name not in table.columns:
            continue
        part = diff.loc[name]
        label = f"{name} - {against}"
        table[label] = part["mean"]
        table[f"{label}: 95% CI low"] = part["ci_low"]
        table[f"{label}: 95% CI high"] = part["ci_high"]
    table.columns.name = None
    return table.reset_index()


#: the package whose components the dashboard loads by the name a folder's manifest gives
#: (any other module named there is not imported: a results folder may come from anywhere)
SHIPPED_COMPONENTS = "nextwork_sim."


def register_components(folder: str | Path) -> list[str]:
    """Register the shipped components (``[mechanisms.NAME] component = "nextwork_sim...."``)
    the folder's scenarios ran, so their metrics' units are known
    (``outcomes.metric_definition``); returns the component names registered. A folder
    without a manifest, or naming a component this version lacks, registers nothing of it."""
    manifest_path = Path(folder) / "manifest.json"
    if not manifest_path.is_file():
        return []
    try:
        configs = load_manifest(folder).get("resolved_config") or {}
    except OutputError:
        return []
    names = sorted({settings["component"] for config in configs.values()
                    for settings in (config.get("mechanisms") or {}).values()
                    if isinstance(settings, dict)
                    and str(settings.get("component", "")).startswith(SHIPPED_COMPONENTS)})
    return [name for name in names if component_class_problem(name) is None]


SCHOOLS_FILE = "schools.csv"
#: the columns of schools.csv (subjects.school_table) the school view reads
SCHOOL_COLUMNS = ("scenario", "school", "school_poverty", "level", "vacancy_share",
                  "out_of_field_share", "school_years")
#: poverty bands, low to high (the x axis of the school figure)
POVERTY_BANDS = ("low", "mid", "high")
#: rows of the most-affected-schools table per scenario shown
MOST_AFFECTED = 10


@lru_cache(maxsize=8)
def _schools(path: str, stamp: float) -> pd.DataFrame:
    table = pd.read_csv(path, dtype={"school": str, "school_poverty": str, "level": str,
                                     "scenario": str})
    missing = set(SCHOOL_COLUMNS) - set(table)
    if missing:
        raise OutputError(f"{path}: not a schools table (missing {', '.join(sorted(missing))})")
    return table


def load_schools(folder: str | Path) -> pd.DataFrame | None:
    """The folder's ``schools.csv`` (one row per scenario and school: poverty band, level,
    mean vacancy and out-of-field shares, school-years observed), None when it has none;
    OutputError when the file lacks a column."""
    path = Path(folder) / SCHOOLS_FILE
    if not path.is_file():
        return None
    return _schools(str(path), _stamp(path))


def most_affected(schools: pd.DataFrame, names: list[str],
                  per_scenario: int = MOST_AFFECTED) -> pd.DataFrame:
    """The ``per_scenario`` schools of each of ``names`` with the highest out-of-field share
    (then vacancy share), together sorted by out-of-field share, highest first; shares as
    they are (0 to 1)."""
    mine = schools[schools["scenario"].isin(names)]
    ranked = mine.sort_values(["out_of_field_share", "vacancy_share", "scenario", "school"],
                              ascending=[False, False, True, True], na_position="last")
    top = ranked.groupby("scenario", sort=False).head(per_scenario)
    return top[list(SCHOOL_COLUMNS)].reset_index(drop=True)


SUBJECT_PREFIX = "subject="
#: what the shortage-by-subject view shows first, when the summary holds it by subject=
SUBJECT_METRICS = ("shortage_share", "out_of_field_share", "subject_vacancy_rate")


def subject_metrics(summary: pd.DataFrame) -> list[str]:
    """The metrics of the summary reported by ``subject=``: SUBJECT_METRICS first (in that
    order), then any other, alphabetically."""
    by_subject = summary.loc[summary["group"].str.startswith(SUBJECT_PREFIX), "metric"]
    found = set(by_subject.unique())
    first = [m for m in SUBJECT_METRICS if m in found]
    return first + sorted(found - set(first))


def by_subject(summary: pd.DataFrame, names: list[str], metric: str) -> pd.DataFrame:
    """Mean and 95 % interval by scenario, subject and year of ``metric``'s ``subject=``
    rows, for the scenarios ``names``; column ``subject`` (the area), subjects in
    subject_areas.AREAS order (any other after them)."""
    rows = summary[(summary["metric"] == metric) & summary["scenario"].isin(names)
                   & summary["group"].str.startswith(SUBJECT_PREFIX)]
    rows = rows.assign(subject=rows["group"].str.slice(len(SUBJECT_PREFIX)))
    order = {area: i for i, area in enumerate(AREAS)}
    rows = rows.assign(_order=rows["subject"].map(lambda s: order.get(s, len(order))))
    return (rows.sort_values(["_order", "subject", "scenario", "year"])
            .drop(columns="_order").reset_index(drop=True))


def results_zip(folder: str | Path) -> bytes:
    """The results folder as a zip (paths inside relative to the folder's parent, so it
    unpacks into a folder of the same name); hidden temporary files are left out."""
    folder = Path(folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not any(p.startswith(".") for p in relative.parts):
                archive.write(path, Path(folder.name) / relative)
    return buffer.getvalue()


def report_builder():
    """``nextwork_sim.report.build_report(results_dir, out_path)`` where this version of the
    package has it, else None (the dashboard then offers the results zip alone)."""
    try:
        from .. import report  # start-up time (and a package built without it)
    except ImportError:
        return None
    return getattr(report, "build_report", None)


def report_html(folder: str | Path) -> bytes:
    """The folder's HTML report, built into a temporary file (never into the results
    folder) and returned as bytes."""
    build = report_builder()
    if build is None:
        raise OutputError("this version of nextwork-sim has no HTML report")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.html"
        build(Path(folder), out)
        return out.read_bytes()


def relative_name(folder: Path, root: Path) -> str:
    """How a folder is shown: its path under the results root (``.`` for the root)."""
    try:
        return os.path.relpath(folder, root)
    except ValueError:  # another drive (Windows)
        return str(folder)
