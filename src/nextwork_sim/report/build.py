"""Build the report of a results folder: one self-contained HTML file (figures inline as SVG,
styles in the page, no script, nothing fetched), optionally printed to PDF by headless
Chromium. Sections, in order: 1 header, 2 executive summary, 3 scenario table, 4 metrics by
year, 5 why they differ (when explain.csv is present), 6 robustness and sensitivity (when
sensitivity.csv or robustness.csv is), 7 assumptions, 8 calibration and validation (when
validation.csv or calibration.csv is), 9 limitations and glossary."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..docs_tables import field_kinds
from ..parameters import ASSUMPTION
from ..version import __version__
from .assumptions import assumptions_table
from .explain_section import explain_section
from .folder import ReportError, ResultsFolder, read_folder
from .glossary import TERMS, glossary, limitations
from .numbers import executive_summary, scenario_table
from .robustness_section import robustness_section
from .schools_figure import school_figure
from .validation_section import validation_section
from .year_figures import year_figures

CHROMIUM = "/usr/bin/chromium"
#: environment variable naming the Chromium executable (default CHROMIUM)
CHROMIUM_ENV = "NEXTWORK_SIM_CHROMIUM"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--no-pdf-header-footer")
PDF_TIMEOUT = 180


@dataclass
class Report:
    """What ``build_report`` wrote: the HTML (and PDF) path, the sections it holds (by id,
    in order), its size in bytes and the seconds it took."""

    html: Path
    pdf: Path | None
    sections: list[str]
    size: int
    seconds: float


def find_chromium(path: str | os.PathLike | None = None) -> Path:
    """The Chromium executable: ``path``, else $NEXTWORK_SIM_CHROMIUM, else
    /usr/bin/chromium; ReportError when it is not there."""
    chosen = Path(path or os.environ.get(CHROMIUM_ENV) or CHROMIUM)
    if not (chosen.is_file() and os.access(chosen, os.X_OK)):
        raise ReportError(f"--pdf: no Chromium at {chosen} (install the Debian package "
                          f"chromium, or point {CHROMIUM_ENV} at the executable)")
    return chosen


def _target(results: Path, out) -> Path:
    target = Path(out) if out is not None else results / "report.html"
    if target.is_dir():
        raise ReportError(f"--out {target}: is a folder (give a file name ending in .html)")
    if not target.parent.is_dir():
        raise ReportError(f"--out {target}: folder {target.parent} does not exist")
    return target


def _header(folder: ResultsFolder) -> dict:
    manifest = folder.manifest
    years = manifest.get("years")
    resolved = manifest.get("resolved_config", {})
    scenarios = [{"name": name, "hash": manifest.get("config_hashes", {}).get(name, ""),
                  "years": years.get(name) if isinstance(years, dict) else years,
                  "burn_in": resolved.get(name, {}).get("burn_in_years", ""),
                  "preset": resolved.get(name, {}).get("district", {}).get("preset", ""),
                  "baseline": name == folder.baseline}
                 for name in folder.scenarios]
    seed, n = manifest.get("seed", ""), folder.replications
    swept = [{"field": p["field"], "range": (", ".join(f"{v:g}" for v in p["values"])
                                             if p.get("values") else
                                             f"{p['low']:g} to {p['high']:g}")}
             for p in (manifest.get("sweep") or {}).get("parameters", [])]
    kind = manifest.get("kind", "compare" if len(scenarios) > 1 else "run")
    title = {"sweep": f"Parameter sweep of {folder.baseline}",
             "run": f"Scenario {folder.baseline}"}.get(
        kind, "Staffing scenarios compared: " + ", ".join(folder.scenarios))
    return {"title": title, "swept": swept,
            "package_version": manifest.get("package_version", "unknown"),
            "report_version": __version__, "scenarios": scenarios, "seed": seed,
            "replications": n, "folder": folder.path.name,
            "kind": kind,
            "parameter_uncertainty": bool(manifest.get("parameter_uncertainty")),
            "executor": manifest.get("executor", ""), "workers": manifest.get("workers", ""),
            "wall_time": manifest.get("wall_time_seconds"),
            "written": folder.written.strftime("%Y-%m-%d %H:%M UTC"),
            "built": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "design": manifest.get("design"), "points": manifest.get("points")}


def report_context(folder: ResultsFolder) -> dict:
    """Everything the template shows, section by section (None: the section is left out)."""

    summary, scenarios, year = folder.summary, folder.scenarios, folder.last_year
    shown: set[str] = set()
    context = {"header": _header(folder), "year": year, "baseline": folder.baseline,
               "scenarios": scenarios, "sweep": folder.is_sweep}
    if folder.is_sweep:
        context.update(summary_sentences=[], table=[], figures=[])
    else:
        sentences = executive_summary(summary, scenarios, year)
        table = scenario_table(summary, scenarios, year)
        figures = year_figures(summary, scenarios)
        schools = school_figure(folder.schools, scenarios)
        figures += [schools] if schools else []
        shown |= {s["quantity"].metric for s in sentences} | {r["quantity"].metric
                                                            for r in table}
        shown |= {m for f in figures for m in f["metrics"]}
        context.update(summary_sentences=sentences, table=table, figures=figures)
    context["explain"] = (explain_section(folder.explain, folder.baseline)
                          if folder.explain is not None and not folder.explain.empty else None)
    context["robustness"] = robustness_section(folder.sensitivity, folder.robustness)
    context["validation"] = validation_section(folder.validation, folder.calibration)
    for part in ("explain", "robustness", "validation"):
        if context[part] is not None:
            shown |= {str(m) for m in context[part]["metrics"] if isinstance(m, str)}
    resolved = folder.manifest.get("resolved_config", {})
    context["assumptions"] = assumptions_table({name: resolved[name] for name in scenarios
                                                if name in resolved})
    kinds = field_kinds()
    counts = {"assumption": sum(k == ASSUMPTION for k in kinds.values()),
              "classified": len(kinds)}
    context["limitations"] = limitations(folder, counts)
    context["glossary"] = glossary(shown)
    context["terms"] = TERMS
    return context


SECTIONS = ("header", "summary", "scenarios", "figures", "explain", "robustness",
            "assumptions", "validation", "glossary")


def render(context: dict) -> str:
    """The HTML page of ``report_context``'s context (templates/report.html.j2)."""
    from jinja2 import (  # start-up time
        Environment,
        PackageLoader,
        StrictUndefined,
        select_autoescape,
    )
    from markupsafe import Markup  # start-up time

    environment = Environment(loader=PackageLoader("nextwork_sim.report", "templates"),
                              autoescape=select_autoescape(["html", "j2"]),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["svg"] = Markup  # our own matplotlib output, not user text
    return environment.get_template("report.html.j2").render(**context)


def _print_pdf(chromium: Path, html: Path, pdf: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="nextwork-chromium-") as profile:
        command = [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={pdf}", html.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=PDF_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ReportError(f"--pdf: Chromium at {chromium} failed ({error})") from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ReportError(f"--pdf: Chromium at {chromium} wrote no PDF (exit "
                          f"{done.returncode}: {last})")


def build_report(results_dir: str | os.PathLike, out: str | os.PathLike | None = None, *,
                 pdf: bool = False, chromium: str | os.PathLike | None = None) -> Report:
    """Write the report of the results folder ``results_dir`` to ``out`` (default
    ``results_dir/report.html``) and, with ``pdf``, the same page as a PDF next to it
    (same name, .pdf), printed by headless Chromium (``chromium``, $NEXTWORK_SIM_CHROMIUM or
    /usr/bin/chromium). Bad input raises ``ReportError`` before anything is written (a
    missing Chromium before the folder is even read); both files are written via temporary
    names, so a failure leaves neither half-written."""
    start = time.perf_counter()
    browser = find_chromium(chromium) if pdf else None
    folder = read_folder(results_dir)
    target = _target(folder.path, out)
    context = report_context(folder)
    html = render(context)
    sections = [s for s in SECTIONS if f'<section id="{s}"' in html]
    # temporary names keep the suffixes: Chromium reads the page as HTML by its name
    tmp = target.with_name(f".{target.stem}.tmp-{os.getpid()}.html")
    pdf_path = target.with_suffix(".pdf") if pdf else None
    pdf_tmp = target.with_name(f".{target.stem}.tmp-{os.getpid()}.pdf")
    try:
        tmp.write_text(html, encoding="utf-8")
        if browser is not None:
            _print_pdf(browser, tmp, pdf_tmp)
            os.replace(pdf_tmp, pdf_path)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        pdf_tmp.unlink(missing_ok=True)
    return Report(target, pdf_path, sections, target.stat().st_size,
                  time.perf_counter() - start)
