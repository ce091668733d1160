"""validate --contrasts: the shipped published contrasts and the command that runs them
(docs/calibration.md §5)."""

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nextwork_sim.calibration import contrasts as cn
from nextwork_sim.cli import app
from nextwork_sim.config import ConfigError
from nextwork_sim.outcomes import METRICS

from .conftest import CONFIGS, ROOT

SHIPPED = CONFIGS / "validation"
TRADITIONAL = str(CONFIGS / "traditional.toml")
#: columns a shipped row may leave empty (the defaults: group_b = group_a, no scaling metric,
#: no overrides)
OPTIONAL = {"group_b", "per_metric", "per_group", "set_a", "set_b"}


def _row(**changes) -> dict:
    row = {"id": "tiny", "study": "Test 2024", "design": "RCT", "source_detail": "Table 1",
           "estimate": "0.1", "low": "0.0", "high": "0.2", "interval_note": "n",
           "unit": "SD per year", "metric": "achievement_growth", "group_a": "grade=0",
           "group_b": "", "per_metric": "", "per_group": "", "mapping": "m",
           "config_a": TRADITIONAL, "set_a": "staffing.class_size=12",
           "config_b": TRADITIONAL, "set_b": "staffing.class_size=40", "preset": "school",
           "years": "1", "replications": "2", "seed": "0", "check_only": "true",
           "not_a_target_or_source": "test"}
    row.update(changes)
    return row


def _write(tmp_path: Path, rows: list[dict], columns=cn.CONTRAST_COLUMNS) -> Path:
    folder = tmp_path / "contrasts"
    folder.mkdir(exist_ok=True)
    with (folder / "c.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _shipped_rows() -> list[dict]:
    with (SHIPPED / "contrasts.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_shipped_contrasts_parse_and_every_row_is_complete():
    contrasts = cn.read_contrasts(SHIPPED)  # loads both configs of every row
    assert len(contrasts) >= 8
    for row in _shipped_rows():
        empty = [c for c in cn.CONTRAST_COLUMNS if c not in OPTIONAL and not row[c].strip()]
        assert not empty, f"{row['id']}: empty {empty}"
        assert row["metric"] in METRICS and (not row["per_metric"] or row["per_metric"] in METRICS)
    for contrast in contrasts:
        # the two sides differ (a setting, a config or a group): a contrast of nothing is no test
        assert not contrast.same_scenario or contrast.group_a != contrast.group_b, contrast.id


def test_at_least_half_of_the_shipped_contrasts_are_check_only():
    contrasts = cn.read_contrasts(SHIPPED)
    assert 2 * sum(c.check_only for c in contrasts) >= len(contrasts)


def _author_year(study: str) -> tuple[str, str]:
    match = re.match(r"([A-Z][A-Za-z-]+)\D*?((?:19|20)\d\d)", study)
    assert match, study
    return match.group(1), match.group(2)


def test_no_shipped_contrast_is_a_calibration_target_or_a_parameter_source():
    """The suite is evidence the model was not fitted to: no study of it may be cited by
    targets.csv or by a parameter's source (docs/parameters.md is generated from them)."""
    cited = (CONFIGS / "calibration" / "targets.csv").read_text() + \
        (ROOT / "docs" / "parameters.md").read_text()
    for row in _shipped_rows():
        author, year = _author_year(row["study"])
        # first author and year of one citation ("Johnson, Kraft & Papay 2012", a source, is
        # not "Papay, West, Fullerton & Kane 2012")
        pattern = rf"(?<!& )(?<!, ){author}[^0-9;]{{0,40}}{year}"
        assert not re.search(pattern, cited), f"{row['id']}: {author} {year} is cited"


def test_a_tiny_contrast_gives_the_sign_its_mechanism_implies(tmp_path):
    """Kindergarten classes of 12 against 40: more adult time per student, more growth (four
    replications: with two, the t interval's 12.7 multiplier spans zero for any real noise)."""
    contrast = cn.read_contrasts(_write(tmp_path, [_row(replications="4")]))[0]
    table = cn.run_contrasts([contrast], workers=1)
    row = table.iloc[0]
    assert row["runs"] == 4 and row["sim_mean"] > 0 and row["sim_low"] > 0


def test_common_random_numbers_make_a_config_against_itself_exactly_zero(tmp_path):
    """The sides differ only by name, so they run apart (not the same-scenario shortcut)
    on the same seed and replications: every replication's contrast must be exactly 0."""
    rows = [_row(id="twin_growth", set_a='name="twin"', set_b="", group_a="all"),
            _row(id="twin_leave", set_a='name="twin"', set_b="", metric="leave_rate",
                 group_a="all")]
    contrasts = cn.read_contrasts(_write(tmp_path, rows))
    assert not any(c.same_scenario for c in contrasts)
    for contrast in contrasts:
        tables = cn._simulate(contrast, 1, lambda: None)
        values = cn.contrast_values(contrast, tables)
        assert values.shape == (2,) and np.all(values == 0.0), (contrast.id, values)
        # and the runs are not trivially equal: replications differ from each other
        first, second = (cn.tg.row_value(tables[(0, r)], contrast.metric, "all")
                         for r in (0, 1))
        assert first != second


def test_a_group_contrast_of_one_config_runs_it_once(tmp_path):
    contrast = cn.read_contrasts(_write(tmp_path, [_row(set_a="", set_b="", group_a="grade=4",
                                                        group_b="grade=0")]))[0]
    assert contrast.same_scenario and cn.runs_of(contrast) == 2
    ticks = []
    tables = cn._simulate(contrast, 1, lambda: ticks.append(1))
    assert len(ticks) == 2 and tables[(0, 1)] is tables[(1, 1)]
    # grade 4's norm (0.45 SD a year) is a third of kindergarten's (1.40): group a minus b
    values = cn.contrast_values(contrast, tables)
    assert np.all(values < 0)


def test_a_scaled_contrast_divides_by_the_difference_of_its_per_metric(tmp_path):
    contrast = cn.read_contrasts(_write(tmp_path, [_row(
        metric="move_rate", group_a="all", per_metric="move_rate", per_group="all",
        set_a="parameters.attrition.move_4_9=0.3", set_b="", preset="district",
        estimate="1", low="0.5", high="1.5")]))[0]
    values = cn.contrast_values(contrast, cn._simulate(contrast, 1, lambda: None))
    np.testing.assert_allclose(values, 1.0)


def test_validate_contrasts_prints_the_table_and_writes_its_files(tmp_path):
    folder = _write(tmp_path, [_row(high="5"),
                               _row(id="impossible", estimate="5", low="4", high="6",
                                    check_only="false")])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["validate", "--contrasts", str(folder), "--out", str(out),
                                      "--workers", "1", "--quiet"], terminal_width=200)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1] == "1 of 2 contrasts inside their intervals"
    table = pd.read_csv(out / "contrasts.csv")
    assert list(table.columns) == cn.RESULT_COLUMNS and list(table["id"]) == ["tiny",
                                                                               "impossible"]
    assert list(table["inside"]) == [True, False] and list(table["check_only"]) == [True, False]
    assert (out / "contrasts.png").stat().st_size > 1000
    assert "| impossible |" in (out / "contrasts.md").read_text()
    assert sorted(p.name for p in out.iterdir()) == ["contrasts.csv", "contrasts.md",
                                                     "contrasts.png"]


@pytest.mark.parametrize("changes, columns, expected", [
    ({}, [c for c in cn.CONTRAST_COLUMNS if c != "check_only"], "missing column(s) check_only"),
    ({"metric": "happiness"}, cn.CONTRAST_COLUMNS, "line 2 (tiny): metric = 'happiness'"),
    ({"config_b": "nowhere.toml"}, cn.CONTRAST_COLUMNS, "line 2 (tiny): config_b = 'nowhere"),
    ({"set_a": "staffing.class_size=999"}, cn.CONTRAST_COLUMNS, "line 2 (tiny): config_a / set_a"),
    ({"estimate": "0.5"}, cn.CONTRAST_COLUMNS, "line 2 (tiny): needs low < high"),
    ({"replications": "1"}, cn.CONTRAST_COLUMNS, "line 2 (tiny): replications = '1'"),
    ({"preset": "city"}, cn.CONTRAST_COLUMNS, "line 2 (tiny): preset = 'city'"),
    ({"check_only": "maybe"}, cn.CONTRAST_COLUMNS, "line 2 (tiny): check_only = 'maybe'"),
])
def test_a_bad_contrasts_file_exits_2_in_one_line_and_writes_nothing(tmp_path, changes, columns,
                                                                       expected):
    folder = _write(tmp_path, [_row(**changes)], columns)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["validate", "--contrasts", str(folder), "--out", str(out),
                                      "--quiet"], terminal_width=400)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert str(folder / "c.csv") in lines[0] and expected in lines[0], lines[0]
    assert not out.exists()


def test_validate_needs_a_config_or_contrasts_but_not_both(tmp_path):
    result = CliRunner().invoke(app, ["validate", "--quiet"])
    assert result.exit_code == 2 and "--contrasts" in result.output
    result = CliRunner().invoke(app, ["validate", TRADITIONAL, "--contrasts", str(SHIPPED),
                                      "--out", str(tmp_path / "o"), "--quiet"])
    assert result.exit_code == 2 and "not both" in result.output
    assert not (tmp_path / "o").exists()
    with pytest.raises(ConfigError, match="no .csv file"):
        cn.read_contrasts(tmp_path)
