"""Generated docs stay in sync with the code, and citations of the docs point at sections that
exist inside the repository."""

import re
from pathlib import Path

from nextwork_sim.docs_tables import outputs_markdown, parameters_markdown

from .conftest import ROOT


def test_parameters_doc_is_generated_from_the_code():
    assert (ROOT / "docs" / "parameters.md").read_text() == parameters_markdown(), (
        "docs/parameters.md is stale: run `nextwork-sim params --output docs/parameters.md`")


def test_outputs_doc_lists_every_metric():
    text = (ROOT / "docs" / "outputs.md").read_text()
    assert outputs_markdown() in text, "docs/outputs.md: regenerate the metric table"


def test_every_parameter_has_unit_and_source_or_assumption():
    from nextwork_sim.config import Scenario
    from nextwork_sim.docs_tables import _leaves

    for path, field in _leaves(Scenario, ""):
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if field.annotation in (int, float) or "parameters." in path:
            assert extra.get("unit"), f"{path} has no unit"
            assert extra.get("source"), f"{path} has no source (or 'assumption')"


def test_every_number_is_classified_and_an_assumed_magnitude_is_an_assumption():
    from nextwork_sim.config import Scenario
    from nextwork_sim.docs_tables import _leaves
    from nextwork_sim.parameters import KINDS

    for path, field in _leaves(Scenario, ""):
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if field.annotation in (int, float) or "parameters." in path:
            assert extra.get("kind") in KINDS, f"{path} has no kind"
        source = extra.get("source", "").lower()
        if source.startswith("assumption") or "magnitude an assumption" in source:
            assert extra["kind"] == "assumption", f"{path}: its source says it is assumed"
        if extra.get("kind") == "fitted":
            lo, hi = extra["search"]
            bounds = {k: getattr(m, k) for m in field.metadata for k in ("ge", "le")
                      if getattr(m, k, None) is not None}
            assert bounds.get("ge", lo) <= lo < hi <= bounds.get("le", hi), path


def test_a_parameter_cannot_be_declared_without_a_kind():
    import pytest

    from nextwork_sim.parameters import param

    with pytest.raises(TypeError, match="kind"):
        param(1.0, unit="x", doc="y")
    with pytest.raises(ValueError, match="search"):
        param(1.0, unit="x", doc="y", kind="fitted", source="a target")
    with pytest.raises(ValueError, match="needs a source"):
        param(1.0, unit="x", doc="y", kind="sourced")
    with pytest.raises(ValueError, match="inside"):
        param(1.0, unit="x", doc="y", kind="fitted", source="t", search=(0.5, 2.0), le=1.5)


# --- citations stay inside the repository and name sections that exist --------------------

#: Where code and docs may cite the docs, and where nothing may point outside the repository.
CITING = ("src", "tests", "experiments", "docs", "configs", "README.md", "Makefile")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".sh", ""}
#: "odd.md §3.4", "docs/odd.md §3.2–§3.15", "odd.md §3.2, §3.14": the file, then its sections
CITATION = re.compile(
    r"([\w-]+)\.md((?:[ ,;]*(?:and\s+)?§\d+(?:\.\d+)*(?:\s*[–-]\s*§\d+(?:\.\d+)*)?)+)")
SECTION = re.compile(r"§(\d+(?:\.\d+)*)")
#: the founding notes live outside the repository; users never have them
OUTSIDE = ("MODEL" + ".md", "DESIGN" + ".md", "../" + "shared")


def _text_files():
    for name in CITING:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for file in files:
            if file.is_file() and file.suffix in TEXT_SUFFIXES and "__pycache__" not in file.parts:
                yield file


def _numbered_sections(markdown: str) -> set[str]:
    """Section numbers of a markdown file's headings: "## 3. Process" → 3, "### 3.4 The" → 3.4."""
    return {m.group(1) for m in re.finditer(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s", markdown, re.M)}


def _anchors(markdown: str) -> set[str]:
    """Explicit ``<a id>`` anchors and GitHub's heading slugs."""
    ids = set(re.findall(r'<a id="([^"]+)"></a>', markdown))
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", markdown, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        ids.add(slug)
    return ids


def _citations(file) -> list[tuple[str, str, str]]:
    """(cited file, section, where) for every "<name>.md §N" in ``file``, and every bare "§N"
    inside docs/odd.md (which cites itself)."""
    text = file.read_text(errors="replace")
    found = []
    for m in CITATION.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        for section in SECTION.findall(m.group(2)):
            found.append((m.group(1) + ".md", section, f"{file.relative_to(ROOT)}:{line}"))
    if file == ROOT / "docs" / "odd.md":
        for m in SECTION.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.append(("odd.md", m.group(1), f"docs/odd.md:{line}"))
    return found


def test_every_cited_docs_section_exists():
    """A docstring or doc citing "docs/odd.md §3.9" fails here once §3.9 is renumbered or
    removed (and a citation of a docs file that does not exist fails too)."""
    docs = ROOT / "docs"
    missing = []
    cited = 0
    for file in _text_files():
        for name, section, where in _citations(file):
            cited += 1
            target = docs / name
            if not target.is_file():
                missing.append(f"{where}: {name} is not in docs/")
            elif section not in _numbered_sections(target.read_text()):
                missing.append(f"{where}: {name} has no section §{section}")
    assert cited > 50, "the citation pattern no longer finds the code's citations"
    assert not missing, "cited sections that do not exist:\n" + "\n".join(missing)


def test_every_link_into_odd_md_names_an_anchor_that_exists():
    anchors = _anchors((ROOT / "docs" / "odd.md").read_text())
    broken = [f"{file.relative_to(ROOT)}: #{anchor}"
              for file in _text_files()
              for anchor in re.findall(r"odd\.md#([\w.\-]+)", file.read_text(errors="replace"))
              if anchor not in anchors]
    assert not broken, "links to anchors odd.md does not have:\n" + "\n".join(broken)


def test_every_numbered_section_of_odd_md_has_its_stable_anchor():
    """Each numbered heading of odd.md is preceded by <a id="sN"> of its own number, numbers
    are unique, and the ODD sections 1-7 are all there."""
    lines = (ROOT / "docs" / "odd.md").read_text().splitlines()
    numbers = []
    for at, line in enumerate(lines):
        m = re.match(r"^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s", line)
        if m:
            numbers.append(m.group(1))
            assert at > 0 and lines[at - 1] == f'<a id="s{m.group(1)}"></a>', (
                f"docs/odd.md: section {m.group(1)} has no anchor <a id=\"s{m.group(1)}\"></a>")
    assert len(numbers) == len(set(numbers)), "docs/odd.md: a section number is used twice"
    assert {str(n) for n in range(1, 8)} <= set(numbers)


def test_nothing_points_outside_the_repository():
    """The founding notes are not shipped: code and docs cite docs/ instead."""
    this = Path(__file__).resolve()
    hits = [f"{file.relative_to(ROOT)}:{number}: {line.strip()}"
            for file in _text_files() if file.resolve() != this
            for number, line in enumerate(file.read_text(errors="replace").splitlines(), 1)
            if any(name in line for name in OUTSIDE)]
    assert not hits, "references to files outside the repository:\n" + "\n".join(hits)
