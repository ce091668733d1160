"""Per-model staffing settings (issue 24, item 1): ``[staffing]`` is validated by the class of
the model it names, each field is tagged with its design element, and decompose builds its
elements from the tags."""

import tomllib

import pytest

from nextwork_sim.config import (
    ConfigError,
    load_config,
    validate,
    without_settings_left_behind,
)
from nextwork_sim.experiments.decompose import (
    ELEMENT_NAMES,
    differing_elements,
    element_fields,
    hybrid,
)
from nextwork_sim.experiments.sweep import field_range
from nextwork_sim.staffing import (
    REGISTRY,
    StaffingSettings,
    settings_class,
    staffing_class_problem,
    staffing_doc_with_tables,
)
from nextwork_sim.staffing.next_workforce import NextWorkforce
from nextwork_sim.staffing.settings import ELEMENTS, element_of

from .conftest import CONFIGS, ROOT

SMALL = {"years": 1, "burn_in_years": 0, "district": {"preset": "school"}}
CO_TAUGHT = "tests.custom_staffing:CoTaught"


def _scenario(name: str, **staffing) -> object:
    return validate({**SMALL, "name": name, "staffing": staffing})


def _error(data: dict) -> str:
    with pytest.raises(ConfigError) as info:
        validate({**SMALL, "name": "x", **data})
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("model, field, value, allowed", [
    ("next_workforce", "team_teachers", 9, "allowed: 2 to 6 teachers"),
    ("opportunity_culture", "leader_share", 1.5, "allowed: 0 to 1 share of domain demand"),
    ("traditional", "secondary_periods", 0, "allowed: 1 to 8 sections per teacher"),
    ("configured", "just_right_exponent", -1.0, "allowed: 0 to 10 power"),
    (CO_TAUGHT, "co_teachers", 4, "allowed: 2 to 3 teachers"),
])
def test_a_models_own_setting_is_checked_by_its_class_in_one_line(model, field, value,
                                                                    allowed):
    staffing = {"model": model, field: value}
    if model == "configured":
        staffing["design"] = {"allocation": "whole_class", "members": [{"role": "teacher"}]}
    message = _error({"staffing": staffing})
    assert f"staffing.{field} = {value!r}:" in message
    assert f"({allowed}; a setting of the {model} model)" in message


def test_the_validated_table_is_the_models_settings_class():
    assert type(_scenario("n", model="next_workforce").staffing) is NextWorkforce.Settings
    scenario = _scenario("c", model=CO_TAUGHT, co_teachers=3)
    assert scenario.staffing.co_teachers == 3
    assert scenario.staffing.class_size == 25  # the shared settings ride along


@pytest.mark.parametrize("data, where, owner, model", [
    ({"staffing": {"model": "traditional", "team_teachers": 5}}, "staffing.team_teachers",
     "next_workforce", "traditional"),
    ({"staffing": {"model": "next_workforce", "pod_classrooms": 3}}, "staffing.pod_classrooms",
     "opportunity_culture", "next_workforce"),
    ({"staffing": {"model": "traditional", "regroup_each_unit": False}},
     "staffing.regroup_each_unit", "next_workforce and configured", "traditional"),
    ({"staffing": {"model": CO_TAUGHT, "secondary_periods": 4}}, "staffing.secondary_periods",
     "traditional", CO_TAUGHT),
    ({"adoption": [{"share": 1.0, "staffing": {"model": "opportunity_culture",
                                               "team_teachers": 3}}]},
     "adoption.0.staffing.team_teachers", "next_workforce", "opportunity_culture"),
])
def test_a_setting_of_another_model_is_refused_naming_field_and_model(data, where, owner,
                                                                       model):
    message = _error(data)
    assert f"{where!r} is a setting of {owner}, not of {model!r}" in message
    # what the named model allows: shared fields and its own, not the other model's
    allowed = message.split(f"allowed for {model!r}: ")[1].split(", ")
    assert "class_size" in allowed and where.rsplit(".", 1)[1] not in allowed
    for field in settings_class(model).model_fields:
        assert field in allowed


def test_a_field_no_model_has_is_unknown_for_the_named_model():
    message = _error({"staffing": {"model": "next_workforce", "team_size": 4}})
    assert "unknown field 'staffing.team_size' for staffing model 'next_workforce'" in message
    assert "team_teachers" in message


def test_a_module_model_whose_settings_is_not_a_settings_class_is_refused():
    assert "Settings is not a subclass" in staffing_class_problem(
        "tests.custom_staffing:BadSettings")
    message = _error({"staffing": {"model": "tests.custom_staffing:BadSettings"}})
    assert "staffing.model = 'tests.custom_staffing:BadSettings'" in message


def test_every_setting_of_every_model_is_tagged_with_a_design_element():
    for cls in (StaffingSettings, *(model.Settings for model in REGISTRY.values())):
        for name, field in cls.model_fields.items():
            assert element_of(field) in ELEMENTS, (cls.__qualname__, name)
    assert ELEMENT_NAMES[:-1] == ELEMENTS and ELEMENT_NAMES[-1] == "pay"


@pytest.mark.parametrize("name", ["traditional", "next_workforce", "opportunity_culture",
                                  "custom_example", "phased_adoption", "csv_district"])
def test_flat_shipped_configs_load_every_field_they_set(name):
    """Every key a shipped config writes under [staffing] (and [adoption.staffing]) lands on
    the validated table with its value, and the written-out table reads back the same."""
    raw = tomllib.loads((CONFIGS / f"{name}.toml").read_text())
    scenario = load_config(CONFIGS / f"{name}.toml")
    tables = [(raw.get("staffing", {}), scenario.staffing)] + [
        (entry["staffing"], adopted.staffing)
        for entry, adopted in zip(raw.get("adoption", []), scenario.adoption, strict=True)]
    for written, table in tables:
        assert type(table) is settings_class(table.model)
        dumped = table.model_dump(mode="json")
        for key, value in written.items():
            if key not in ("roles", "design", "thresholds"):
                assert dumped[key] == value, (name, key)
    assert validate(scenario.model_dump(mode="json")) == scenario


def test_set_and_sweeps_reach_a_models_own_settings():
    scenario = load_config(CONFIGS / "next_workforce.toml", ["staffing.team_teachers=5"])
    assert scenario.staffing.team_teachers == 5
    assert field_range("staffing.pod_classrooms") == (int, 2, 6)
    assert field_range("staffing.class_size") == (int, 5, 60)


def test_switching_a_written_out_table_leaves_the_old_models_settings_behind():
    before = _scenario("n", model="next_workforce").staffing.model_dump(mode="json")
    switched = {**before, "model": "opportunity_culture"}
    kept = without_settings_left_behind(switched, before)
    assert "team_teachers" not in kept and kept["class_size"] == before["class_size"]
    validate({**SMALL, "name": "o", "staffing": kept})
    # a value set since the switch is the user's: kept, and refused by the new model
    edited = without_settings_left_behind({**switched, "team_teachers": 3}, before)
    assert edited["team_teachers"] == 3


# --- decompose: elements from the tags ------------------------------------------------------

def test_a_models_own_tagged_setting_lands_in_its_element():
    base = _scenario("base", model="next_workforce")
    other = _scenario("other", model="next_workforce", regroup_each_unit=False,
                      team_teachers=3)
    assert differing_elements(base, other) == ["structure", "regrouping_and_looping"]
    fields = element_fields(base, other)
    assert "team_teachers" in fields["structure"]
    assert "regroup_each_unit" in fields["regrouping_and_looping"]
    # the support paraeducators' shares were in no element before the tags
    assert "paraeducator_individualized_share" in fields["structure"]
    regrouped = hybrid(base, other, ("regrouping_and_looping",))
    assert regrouped.staffing.regroup_each_unit is False
    assert regrouped.staffing.team_teachers == base.staffing.team_teachers


def test_a_module_models_own_setting_lands_in_its_element():
    base = _scenario("base", model=CO_TAUGHT)
    other = _scenario("other", model=CO_TAUGHT, co_teachers=3)
    assert differing_elements(base, other) == ["structure"]
    assert hybrid(base, other, ("structure",)).staffing.co_teachers == 3


def test_an_untagged_setting_that_differs_is_an_error_not_the_baselines_value():
    untagged = "tests.custom_staffing:Untagged"
    base = _scenario("base", model=untagged)
    other = _scenario("other", model=untagged, co_teachers=3)
    with pytest.raises(ConfigError, match=r"staffing.co_teachers differs between base and "
                                          r"other but has no design element"):
        differing_elements(base, other)
    # untagged but equal: nothing to split, no error
    assert differing_elements(base, _scenario("same", model=untagged,
                                              collaboration_minutes_per_week=90)) == [
        "collaboration"]


def test_another_models_settings_compare_at_their_defaults_and_leave_the_hybrid():
    """traditional vs next_workforce: regroup_each_unit is next_workforce's, at its default
    (no regrouping difference); a hybrid keeping the baseline's structure runs traditional
    with no next_workforce setting."""
    base = _scenario("base", model="traditional")
    teams = _scenario("teams", model="next_workforce", collaboration_minutes_per_week=150)
    assert differing_elements(base, teams) == ["structure", "collaboration"]
    only_time = hybrid(base, teams, ("collaboration",))
    assert only_time.staffing.model == "traditional"
    assert only_time.staffing.collaboration_minutes_per_week == 150
    full = hybrid(base, teams, ("structure", "collaboration"))
    assert full.staffing == teams.staffing
    unregrouped = _scenario("u", model="next_workforce", regroup_each_unit=False)
    assert differing_elements(base, unregrouped) == ["structure", "regrouping_and_looping"]
    assert hybrid(base, unregrouped, ("regrouping_and_looping",)).staffing == base.staffing


def test_the_settings_tables_of_the_docs_are_generated_from_the_code():
    text = (ROOT / "docs" / "staffing.md").read_text()
    assert staffing_doc_with_tables(text) == text, (
        "regenerate: python -m nextwork_sim.staffing docs/staffing.md")


def test_the_report_compares_a_models_own_setting_with_its_default():
    """The assumptions table of a report: next_workforce's team size at its default is not
    'set' (the default of a model's own setting is its class's, not missing)."""
    from nextwork_sim.report.assumptions import assumptions_table

    configs = {name: load_config(CONFIGS / f"{name}.toml").model_dump(mode="json",
                                                                     exclude_none=True)
               for name in ("traditional", "next_workforce")}
    rows = {row["path"]: row for row in assumptions_table(configs)["rows"]}
    assert rows["staffing.team_teachers"]["default"] == "4"
    assert not rows["staffing.team_teachers"]["set"]
    assert rows["staffing.collaboration_minutes_per_week"]["set"]
