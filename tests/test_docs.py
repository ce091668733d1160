"""Generated docs stay in sync with the code."""

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
