"""Districts from CSV: good files build the schools they describe, bad ones give one line."""

import pytest

from nextwork_sim.config import ConfigError, load_config
from nextwork_sim.district_files import DistrictFileError, read_schools
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.roles import ROLE_INDEX

from .conftest import CONFIGS

GOOD = ("name,level,enrollment,low_income\n"
        "A,elementary,120,0.8\n"
        "B,middle,90,0.2\n")


def _config(tmp_path, schools: str, staff: str | None = None):
    (tmp_path / "schools.csv").write_text(schools)
    text = 'name = "c"\nburn_in_years = 0\n[district]\nschools_csv = "schools.csv"\n'
    if staff is not None:
        (tmp_path / "staff.csv").write_text(staff)
        text += 'staff_csv = "staff.csv"\n'
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("schools, fragment", [
    ("name,level,enrollment\nA,elementary,100\n", "missing column(s) low_income"),
    ("name,level,enrollment,low_income\nA,college,100,0.5\n",
     "line 2: level = 'college'; allowed: elementary, middle, high"),
    ("name,level,enrollment,low_income\nA,elementary,-3,0.5\n", "line 2: enrollment = -3"),
    ("name,level,enrollment,low_income\nA,elementary,100,1.5\n", "line 2: low_income = 1.5"),
    ("name,level,enrollment,low_income\nA,elementary,100,0.5\nA,middle,100,0.5\n",
     "'A' appears twice"),
    # more fields than the header: pandas took the first column as the index (TypeError)
    ("name,level,enrollment,low_income\nA,elementary,100,0.5,9\n",
     "line 2 has 5 fields, the header 4"),
    ("name,level,enrollment,low_income\nA,elementary,100,0.5\nB,middle,90\n",
     "line 3 has 3 fields, the header 4"),
    # a parser error used to print pandas' two-line message
    ('name,level,enrollment,low_income\n"A,elementary,100,0.5\n', "not a readable CSV file"),
    ("", "empty; the first line must name the columns"),
    ("name,level,enrollment,low_income\n,elementary,100,0.5\n", "line 2: name is empty"),
    # leader_quality went through float() at run time: "abc" crashed, inf gave NaN rates
    ("name,level,enrollment,low_income,leader_quality\nA,elementary,100,0.5,abc\n",
     "line 2: leader_quality = 'abc'; allowed: -5 to 5 SD, or empty"),
    ("name,level,enrollment,low_income,leader_quality\nA,elementary,100,0.5,inf\n",
     "line 2: leader_quality = inf; allowed: -5 to 5 SD, or empty"),
])
def test_bad_schools_file_is_one_line_naming_row_and_column(tmp_path, schools, fragment):
    with pytest.raises(ConfigError) as info:
        load_config(_config(tmp_path, schools))
    assert fragment in str(info.value)
    assert "schools.csv" in str(info.value) and "\n" not in str(info.value)


def test_garbage_and_missing_files_are_one_line(tmp_path):
    path = _config(tmp_path, GOOD)
    (tmp_path / "schools.csv").write_bytes(b"\x89PNG\x00\xff")
    with pytest.raises(ConfigError, match="schools.csv: not a UTF-8 text file$"):
        load_config(path)
    (tmp_path / "schools.csv").unlink()
    (tmp_path / "schools.csv").mkdir()
    with pytest.raises(ConfigError, match="schools.csv: no such file$"):
        load_config(path)


def test_a_missing_roster_is_rejected_when_the_config_is_loaded(tmp_path):
    path = _config(tmp_path, GOOD, "school,role,experience\n")
    (tmp_path / "staff.csv").unlink()
    with pytest.raises(ConfigError, match=r"district.staff_csv: .*staff.csv: no such file$"):
        load_config(path)


def test_a_roster_role_the_config_defines_is_accepted(tmp_path):
    path = _config(tmp_path, GOOD, "school,role,experience\nA,coach,3\n")
    path.write_text(path.read_text() + '[[staffing.roles]]\nname = "coach"\n'
                    'category = "paraeducator"\npay = "paraeducator"\n')
    assert load_config(path).district.staff_csv.endswith("staff.csv")
    path.write_text(path.read_text().replace('name = "coach"', 'name = "mentor"'))
    with pytest.raises(ConfigError, match="role = 'coach'; allowed: .*mentor"):
        load_config(path)


def test_bad_roster_row_is_reported_when_the_config_is_loaded(tmp_path):
    path = _config(tmp_path, GOOD, "school,role,experience\nA,teacher,0\n")
    with pytest.raises(ConfigError, match=r"district.staff_csv: .*staff.csv: line 2: "
                                          r"experience = 0; allowed: 1 to 50 years"):
        load_config(path)


def test_csv_district_builds_its_schools_and_roster(tmp_path):
    staff = "school,role,experience\nA,teacher,17\nA,teacher,1\nB,teacher,30\nB,resident,4\n"
    scenario = load_config(_config(tmp_path, GOOD, staff))
    model = SchoolSystemModel(scenario, seed=1)
    try:
        assert [s.name for s in model.schools] == ["A", "B"]
        assert [s.enrollment for s in model.schools] == [120, 90]
        assert model.schools[0].poverty == "high" and model.schools[1].poverty == "low"
        e = model.state.educators
        teachers_a = (e.school == 0) & (e.role == ROLE_INDEX["teacher"])
        assert sorted(e.experience[teachers_a][:2].tolist()) == [1, 17]
        assert 30 in e.experience[(e.school == 1)].tolist()
        assert model.roster_unmatched == 1  # traditional schools have no resident position
        low_income = model.state.students.low_income
        school = model.state.students.school
        assert low_income[school == 0].mean() > 0.6 > 0.4 > low_income[school == 1].mean()
    finally:
        model.release()


def test_shipped_csv_district_config_runs():
    from nextwork_sim import run

    table = run(CONFIGS / "csv_district.toml", years=1, overrides=["burn_in_years=0"])
    enrollment = table.query("metric == 'enrollment' and group == 'all'")["value"].iloc[0]
    assert enrollment == pytest.approx(540 + 420 + 360 + 660 + 880, rel=0.02)


def test_csv_leader_quality_is_drawn_from_the_runs_seed(tmp_path):
    """Without a leader_quality column the leaders come from the run's key: another seed
    gives other leaders (they were drawn with seed 0 whatever the seed), the same seed the
    same ones; a leader_quality the file gives is kept."""
    from nextwork_sim.district import build_schools
    from nextwork_sim.model import run_key

    scenario = load_config(_config(tmp_path, GOOD))

    def leaders(seed, replication=0):
        return [s.leader_quality for s in build_schools(scenario, run_key(seed, replication))]

    assert leaders(3) == leaders(3)
    assert leaders(3) != leaders(4)
    assert leaders(3, 0) != leaders(3, 1)
    given = load_config(_config(tmp_path, "name,level,enrollment,low_income,leader_quality\n"
                                          "A,elementary,120,0.8,1.5\nB,middle,90,0.2,\n"))
    first, second = build_schools(given, run_key(3)), build_schools(given, run_key(4))
    assert first[0].leader_quality == second[0].leader_quality == 1.5
    assert first[1].leader_quality != second[1].leader_quality


def test_an_error_names_the_file_line_even_after_blank_lines(tmp_path):
    """Blank lines are skipped when reading, but the message names the line in the file
    (it used to count table rows: 'row 2' for the fourth line here)."""
    path = tmp_path / "schools.csv"
    path.write_text("name,level,enrollment,low_income\n\n\nA,elementary,-3,0.5\n")
    with pytest.raises(DistrictFileError, match=r"schools.csv: line 4: enrollment = -3"):
        read_schools(path)
