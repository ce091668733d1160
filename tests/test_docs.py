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
