"""Config validation: good files load, bad ones give one clear line naming the field."""

import pytest

from nextwork_sim.config import ConfigError, load_config, parse_override, to_toml, validate

from .conftest import CONFIGS


@pytest.mark.parametrize("name", ["traditional", "next_workforce"])
def test_shipped_configs_validate(name):
    scenario = load_config(CONFIGS / f"{name}.toml")
    assert scenario.name == name
    assert scenario.district.preset == "district"
    assert scenario.staffing.model == name


def _write(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return path


def test_out_of_range_value_names_file_field_value_and_range(tmp_path):
    path = _write(tmp_path, 'name = "x"\n[staffing]\nclass_size = 500\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    assert "staffing.class_size" in message
    assert "500" in message
    assert "5 to 60 students" in message
    assert "\n" not in message


def test_unknown_key_lists_allowed_fields(tmp_path):
    path = _write(tmp_path, 'name = "x"\n[staffing]\nclas_size = 20\n')
    with pytest.raises(ConfigError, match=r"unknown field 'staffing.clas_size'.*class_size"):
        load_config(path)


def test_unknown_staffing_model_lists_registered_models(tmp_path):
    path = _write(tmp_path, 'name = "x"\n[staffing]\nmodel = "magic"\n')
    with pytest.raises(ConfigError, match="configured, next_workforce, opportunity_culture"):
        load_config(path)


def test_race_shares_must_sum_to_one(tmp_path):
    path = _write(tmp_path, 'name = "x"\n[district.composition.race]\nwhite = 0.9\n')
    with pytest.raises(ConfigError, match="sum to 1"):
        load_config(path)


def test_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "name = \n"))
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "missing.toml")


def test_overrides_are_validated_like_the_file():
    scenario = load_config(CONFIGS / "traditional.toml",
                           ["staffing.class_size=20", "parameters.load.switch_cost=0.05"])
    assert scenario.staffing.class_size == 20
    assert scenario.parameters.load.switch_cost == 0.05
    with pytest.raises(ConfigError, match=r"with --set.*staffing.class_size = 0"):
        load_config(CONFIGS / "traditional.toml", ["staffing.class_size=0"])
    with pytest.raises(ConfigError, match="expected FIELD.PATH=VALUE"):
        parse_override("staffing.class_size")


def test_override_values_parse_as_toml():
    assert parse_override("a.b=3") == (["a", "b"], 3)
    assert parse_override("a=true") == (["a"], True)
    assert parse_override("name=plain_text") == (["name"], "plain_text")


def test_resolved_config_round_trips_and_hash_is_stable():
    import tomllib

    scenario = load_config(CONFIGS / "next_workforce.toml")
    again = validate(tomllib.loads(to_toml(scenario)))
    assert again == scenario
    assert again.hash() == scenario.hash()
    assert validate({"name": "other"}).hash() != scenario.hash()


def test_configs_are_frozen():
    from pydantic import ValidationError

    scenario = validate({"name": "x"})
    with pytest.raises(ValidationError, match="frozen"):
        scenario.years = 3
