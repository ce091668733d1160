"""Subjects and certification areas (workforce/subjects/, docs/subjects.md): posts need an
area, hiring and transfers prefer the certified, out-of-field teaching is counted and lowers
content skill, the metrics add up, district files give needs and certifications, and with
its effects off the component changes no built-in result."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nextwork_sim.cli import app
from nextwork_sim.components import Component
from nextwork_sim.config import ConfigError, resolve
from nextwork_sim.domains import CONTENT
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE
from nextwork_sim.roles import CATEGORY_INDEX
from nextwork_sim.staffing.base import COMMUNITY_KINDS
from nextwork_sim.subject_areas import AREA_INDEX, AREAS, SECONDARY_AREAS
from nextwork_sim.workforce import attrition, subjects
from nextwork_sim.workforce.pipelines import (
    Candidates,
    match_candidates,
    pick_best_free,
    pick_best_free_reference,
)
from nextwork_sim.workforce.subjects import (
    IN_FIELD,
    OUT_OF_FIELD,
    SUBSTITUTE,
    TEAM_COVERED,
    apportion,
    school_table,
)

from .conftest import CONFIGS, ROOT

SUBJECTS = "nextwork_sim.workforce.subjects:Subjects"
#: the component doing nothing to the built-in model: no hiring or transfer preference, no
#: content-skill factor (its certifications and records are its own)
INERT = {"prefer_qualified": False, "out_of_field_content_factor": 1.0}


def _config(preset="district", years=3, burn_in=1, model="traditional", **subject):
    config = {"name": "subjects", "district": {"preset": preset}, "years": years,
              "burn_in_years": burn_in, "staffing": {"model": model}}
    if subject is not None:
        config["mechanisms"] = {"subjects": {"component": SUBJECTS, **subject}}
    return config


def _run(config, seed=3, until=None):
    model = SchoolSystemModel(config, seed=seed)
    model.run(until)
    return model


def _values(results, metric, group="all"):
    rows = results[(results.metric == metric) & (results.group == group)].sort_values("year")
    return rows["value"].to_numpy()


def _component(model):
    return next(c for c in model.summer if isinstance(c, subjects.Subjects))


# --- posts --------------------------------------------------------------------------------

@pytest.mark.parametrize("weights", [(5, 3, 2), (134.9, 128.5, 106.1, 111.6, 52.2, 72.8,
                                                 75.0, 147.3), (1, 0, 1)])
def test_every_prefix_of_a_schools_posts_is_within_one_post_of_its_quota(weights):
    share = np.array(weights) / np.sum(weights)
    sequence = apportion(np.array(weights, dtype=float), 200)
    counts = np.zeros(share.size)
    for i, pick in enumerate(sequence):
        counts[pick] += 1
        assert np.all(np.abs(counts - share * (i + 1)) <= 1.0 + 1e-9), i
    assert counts[share == 0].sum() == 0


def test_posts_need_the_area_of_their_level_and_role():
    model = SchoolSystemModel(_config(**INERT), seed=0)
    positions, roles = model.state.positions, model.roles
    area = _component(model).post_areas(model)
    level = np.array([s.level for s in model.schools])[positions.school]
    teaching = roles.is_teacher[positions.role]
    special = positions.role == roles.index["special_education_specialist"]
    learner = positions.role == roles.index["english_learner_specialist"]
    assert (area[~teaching] == -1).all() and (area[teaching] >= 0).all()
    assert (area[special] == AREA_INDEX["special_education"]).all()
    assert (area[learner] == AREA_INDEX["english_learner"]).all()
    general = teaching & ~special & ~learner
    assert (area[general & (level == "elementary")] == AREA_INDEX["elementary"]).all()
    secondary = area[general & (level != "elementary")]
    assert set(secondary.tolist()) == {AREA_INDEX[a] for a in SECONDARY_AREAS}


# --- hiring -------------------------------------------------------------------------------

def _pool(skills, kinds=None):
    skills = np.asarray(skills, dtype=np.float32)
    n = skills.shape[0]
    return Candidates(pathway=np.zeros(n, dtype=int),
                      kind=np.zeros(n, dtype=int) if kinds is None else np.asarray(kinds),
                      experience=np.ones(n, dtype=np.int16), skill=skills,
                      of_color=np.zeros(n, dtype=bool), taken=np.zeros(n, dtype=bool))


def test_a_certified_candidate_is_taken_over_a_more_skilled_uncertified_one():
    skilled = np.full(8, 0.9)
    plain = np.full(8, 0.3)
    lack = np.ones((1, 8))
    tie = np.zeros(2)
    one = np.ones(1, dtype=int)
    # without the component's terms the skills decide
    chosen = match_candidates(_pool([skilled, plain]), np.zeros(1, dtype=int), one, lack, tie)
    assert chosen.tolist() == [0]
    # the vacancy needs mathematics; only candidate 1 holds it
    area = AREA_INDEX["mathematics"]
    per_vacancy = np.zeros((1, len(AREAS)))
    per_vacancy[0, area] = subjects.QUALIFIED_FIRST
    per_candidate = np.zeros((2, len(AREAS)))
    per_candidate[1, area] = 1.0
    chosen = match_candidates(_pool([skilled, plain]), np.zeros(1, dtype=int), one, lack, tie,
                              (per_vacancy, per_candidate))
    assert chosen.tolist() == [1]


def test_the_match_kernel_and_its_twin_agree_with_subject_terms():
    rng = np.random.default_rng(5)
    rows, columns, terms = 40, 60, len(AREAS)
    lack = np.hstack([rng.random((rows, 8)), subjects.QUALIFIED_FIRST
                      * (rng.random((rows, terms)) < 0.1)])
    skill = np.vstack([rng.random((8, columns)), (rng.random((terms, columns)) < 0.2)])
    jitter = 1e-6 * rng.random(columns)
    experience = rng.integers(1, 5, columns)
    minimum = rng.integers(1, 3, rows)
    out_kernel = np.full(rows, -9, dtype=np.int64)
    out_twin = np.full(rows, -9, dtype=np.int64)
    pick_best_free(lack, skill, jitter, experience, minimum, np.ones(columns, bool), out_kernel)
    pick_best_free_reference(lack, skill, jitter, experience, minimum, np.ones(columns, bool),
                             out_twin)
    np.testing.assert_array_equal(out_kernel, out_twin)


def test_preferring_the_certified_raises_hires_in_field():
    off = _run(_config(years=4, prefer_qualified=False)).results()
    on = _run(_config(years=4)).results()
    assert _values(on, "hired_in_field_share").mean() > \
        _values(off, "hired_in_field_share").mean() + 0.2


def test_a_mover_goes_only_to_a_post_it_suits_or_leaves_the_district():
    class Judge(Component):
        name = "judge"

        def step(self, context):
            pass

        def placement_fit(self, model, person, posts):
            return posts % 2 == 1  # odd posts suit

    queue = (np.array([10, 12, 13, 15]), np.array([0, 1, 0, 1]))
    assert attrition._suited_slot(None, 0, queue, 0, [Judge()]) == 3  # 13 is at its school
    assert attrition._suited_slot(None, 0, (np.array([10, 12]), np.array([1, 1])), 0,
                                  [Judge()]) is None


# --- out of field -------------------------------------------------------------------------

class _YearAudit(Component):
    """After payroll (the year's posts, before anyone leaves): counts, by hand, the
    year's filled teaching posts whose holder lacks the post's area, per year."""

    name = "year_audit"
    after = "payroll"
    counts: dict = {}
    by_school: dict = {}

    def step(self, context):
        model = context.model
        e, positions = model.state.educators, model.state.positions
        area = _component(model).post_areas(model)
        lead = model.roles.category[positions.role] == CATEGORY_INDEX["teacher_leader"]
        held = [r for r in context.before.tolist() if area[e.position[r]] >= 0]
        outside = 0
        schools: dict = {}
        for row in held:
            post = e.position[row]
            assert not lead[post]  # traditional: no lead posts, every post has one area
            mine = schools.setdefault(int(e.school[row]), [0, 0])
            mine[1] += 1
            if not (int(e.certifications[row]) >> int(area[post])) & 1:
                outside += 1
                mine[0] += 1
        reported = context.year - model.config.burn_in_years + 1
        type(self).counts[reported] = (outside, len(held))
        type(self).by_school[reported] = {
            subjects.school_label(model.schools[k]): v[0] / v[1] for k, v in schools.items()}


def test_out_of_field_posts_are_the_posts_held_by_uncertified_teachers():
    _YearAudit.counts, _YearAudit.by_school = {}, {}
    config = _config(years=4)
    config["mechanisms"]["audit"] = {"component": "tests.test_subjects:_YearAudit"}
    results = _run(config).results()
    share = _values(results, "out_of_field_share")
    assert len(share) == 4
    for year, value in enumerate(share, start=1):
        outside, held = _YearAudit.counts[year]
        assert held > 0 and value == pytest.approx(outside / held, abs=1e-12)
    assert share.max() > 0  # the test can see a difference
    # and school by school (the school the post was at during the year, not a mover's new one)
    per_school = results[results["metric"] == "school_out_of_field_share"]
    assert len(per_school) == sum(len(_YearAudit.by_school[y]) for y in range(1, 5))
    for row in per_school.itertuples():
        assert row.value == pytest.approx(_YearAudit.by_school[row.year][row.group], abs=1e-12)


def test_status_of_every_post_holder_follows_its_certifications():
    model = _run(_config(years=2, model="next_workforce"))
    e = model.state.educators
    component = _component(model)
    masks = component.post_masks(model)
    rows = np.flatnonzero((e.status == ACTIVE) & (e.position >= 0) & (masks[e.position] > 0))
    status = e.post_status[rows]
    certified = (e.certifications[rows].astype(np.int64) & masks[e.position[rows]]) != 0
    assert (status[e.substitute[rows]] == SUBSTITUTE).all()
    teachers = ~e.substitute[rows]
    assert (status[teachers & certified] == IN_FIELD).all()
    assert np.isin(status[teachers & ~certified], (OUT_OF_FIELD, TEAM_COVERED)).all()
    # a team-covered post has a teammate certified in its area; an out-of-field one has none
    community = model.state.positions.community[e.position[rows]]
    for i in np.flatnonzero(teachers & ~certified):
        mates = rows[(community == community[i]) & teachers]
        mates = mates[mates != rows[i]]
        bit = 1 << int(e.post_area[rows[i]])
        team = model.state.communities.kind[community[i]] == COMMUNITY_KINDS.index("team")
        covered = team and any(int(e.certifications[m]) & bit for m in mates)
        assert (status[i] == TEAM_COVERED) == covered


def test_without_team_coverage_no_post_is_team_covered():
    with_teams = _run(_config(years=2, model="next_workforce")).results()
    without = _run(_config(years=2, model="next_workforce", team_coverage=False)).results()
    assert _values(with_teams, "team_covered_share").max() > 0
    assert (_values(without, "team_covered_share") == 0).all()


def test_out_of_field_teachers_teach_with_the_factor_of_their_content_skill():
    full = SchoolSystemModel(_config(**INERT), seed=2)
    half = SchoolSystemModel(_config(out_of_field_content_factor=0.5), seed=2)
    e_full, e_half = full.state.educators, half.state.educators
    np.testing.assert_array_equal(e_full.certifications, e_half.certifications)
    out = np.isin(e_half.post_status, (OUT_OF_FIELD, TEAM_COVERED))
    assert out.sum() > 0
    np.testing.assert_array_equal(e_half.skill[out, CONTENT],
                                  (e_full.skill[out, CONTENT] * np.float32(0.5)))
    np.testing.assert_array_equal(e_half.skill[~out], e_full.skill[~out])
    np.testing.assert_array_equal(e_half.skill[out, CONTENT] + e_half.content_withheld[out],
                                  e_full.skill[out, CONTENT])


def test_a_teacher_who_becomes_certified_gets_its_content_skill_back():
    model = SchoolSystemModel(_config(out_of_field_content_factor=0.5), seed=2)
    e = model.state.educators
    row = int(np.flatnonzero(e.post_status == OUT_OF_FIELD)[0])
    before = e.skill[row, CONTENT] + e.content_withheld[row]
    e.certifications[row] |= np.int16(1 << int(e.post_area[row]))
    _component(model)._assign(model)
    assert e.post_status[row] == IN_FIELD and e.content_withheld[row] == 0
    assert e.skill[row, CONTENT] == pytest.approx(before, abs=1e-6)


# --- metrics ------------------------------------------------------------------------------

def test_subject_metrics_add_up_to_their_totals_and_to_the_built_in_ones():
    results = _run(_config(years=3)).results()
    for metric in ("subject_positions", "subject_hires"):
        total = _values(results, metric)
        by_subject = sum(_values(results, metric, f"subject={a}") for a in AREAS)
        np.testing.assert_array_equal(total, by_subject)
    np.testing.assert_array_equal(_values(results, "subject_positions"),
                                  _values(results, "positions"))
    np.testing.assert_array_equal(_values(results, "subject_hires"), _values(results, "hires"))
    np.testing.assert_allclose(_values(results, "subject_vacancy_rate"),
                               _values(results, "vacancy_rate"))
    # shortage = vacant + out of field (of the filled posts)
    vacant = _values(results, "subject_vacancy_rate")
    np.testing.assert_allclose(_values(results, "shortage_share"),
                               vacant + (1 - vacant) * _values(results, "out_of_field_share"))


def test_the_per_school_table_has_every_school_with_its_poverty_and_level():
    model = _run(_config(years=2))
    table = school_table(model.results())
    assert sorted(table["school"]) == sorted(s.name for s in model.schools)
    by_name = {s.name: s for s in model.schools}
    for row in table.itertuples():
        assert row.school_poverty == by_name[row.school].poverty
        assert row.level == by_name[row.school].level
        assert 0 <= row.vacancy_share <= 1 and 0 <= row.out_of_field_share <= 1
        assert row.school_years == 2


def test_a_run_writes_the_per_school_table_with_its_results(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(CONFIGS / "shortages" / "csv_district.toml"),
                                      "--quiet", "--years", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "schools.csv")
    assert list(table.columns) == ["scenario", "school", "school_poverty", "level",
                                   "vacancy_share", "out_of_field_share", "school_years"]
    assert set(table["school"]) == set(pd.read_csv(
        CONFIGS / "districts" / "subject_schools.csv")["name"])
    assert "subject_positions,subject=mathematics" in (out / "summary.csv").read_text()


# --- identity -----------------------------------------------------------------------------

def test_with_its_effects_off_the_component_changes_no_built_in_result():
    """No hiring or transfer preference and a content factor of 1: every built-in metric is
    what it is without the component (its draws are its own stream's, its columns its own)."""
    plain = _config(years=3)
    del plain["mechanisms"]
    without = _run(plain).results()
    with_it = _run(_config(years=3, **INERT)).results()
    ours = with_it["metric"].isin(list(subjects.Subjects.metrics))
    assert ours.any()
    key = ["year", "metric", "group"]
    left = without.sort_values(key).reset_index(drop=True)
    right = with_it[~ours].sort_values(key).reset_index(drop=True)
    assert left[key].equals(right[key])
    np.testing.assert_array_equal(left["value"].to_numpy(), right["value"].to_numpy())


def test_with_its_effects_on_the_component_changes_the_workforce():
    plain = _config(years=3)
    del plain["mechanisms"]
    without = _run(plain).results()
    with_it = _run(_config(years=3)).results()
    assert not np.array_equal(_values(without, "mean_skill"), _values(with_it, "mean_skill"))


# --- district files -----------------------------------------------------------------------

def test_district_files_give_subject_needs_and_certifications():
    model = SchoolSystemModel(resolve(CONFIGS / "shortages" / "csv_district.toml"), seed=0)
    e = model.state.educators
    component = _component(model)
    staff = pd.read_csv(CONFIGS / "districts" / "subject_staff.csv")
    area = component.post_areas(model)
    positions = model.state.positions
    # the roster's first rows fill the first positions of their role at their school
    for school, role, given in (("Saguaro Middle", "teacher", "science;mathematics"),
                                ("Mesquite Elementary", "teacher",
                                 "elementary;special_education")):
        index = next(s.index for s in model.schools if s.name == school)
        rows = staff[(staff.school == school) & (staff.role == role)]
        first = np.flatnonzero((positions.school == index)
                               & (positions.role == model.roles.index[role]))
        post = first[list(rows.certifications).index(given)]
        expected = sum(1 << AREA_INDEX[a] for a in given.split(";"))
        assert e.certifications[positions.holder[post]] == expected
    # Saguaro Middle's needs: English and mathematics weigh most, career-technical least
    saguaro = next(s.index for s in model.schools if s.name == "Saguaro Middle")
    mine = area[(positions.school == saguaro) & (area >= AREA_INDEX["english"])
                & (area <= AREA_INDEX["career_technical"])]
    counts = np.bincount(mine, minlength=len(AREAS))
    assert counts[AREA_INDEX["mathematics"]] > counts[AREA_INDEX["career_technical"]]


SCHOOLS = "name,level,enrollment,low_income{extra}\nA,elementary,120,0.8{a}\nB,high,300,0.4{b}\n"


@pytest.mark.parametrize("schools, staff, fragment", [
    (SCHOOLS.format(extra=",need_mathematics", a=",", b=",-1"), None,
     "line 3: need_mathematics = -1.0; allowed: a number >= 0, or empty"),
    (SCHOOLS.format(extra=",need_latin", a=",", b=",2"), None,
     "column 'need_latin' is not a subject need; allowed: need_english"),
    (SCHOOLS.format(extra=",need_mathematics,need_science", a=",,", b=",0,0"), None,
     "line 3: every need_ column is 0"),
    (SCHOOLS.format(extra=",need_science", a=",", b=",lots"), None,
     "need_science = 'lots'"),
    (SCHOOLS.format(extra="", a="", b=""),
     "school,role,experience,certifications\nB,teacher,3,maths\n",
     "line 2: certifications: 'maths' is not a certification area; allowed: elementary"),
])
def test_bad_subject_columns_exit_2_naming_the_file_line_and_column(tmp_path, schools, staff,
                                                                     fragment):
    (tmp_path / "schools.csv").write_text(schools)
    text = ('name = "c"\nburn_in_years = 0\nyears = 1\n[district]\nschools_csv = "schools.csv"\n')
    if staff is not None:
        (tmp_path / "staff.csv").write_text(staff)
        text += 'staff_csv = "staff.csv"\n'
    text += f'[mechanisms.subjects]\ncomponent = "{SUBJECTS}"\n'
    config = tmp_path / "c.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as error:
        resolve(config)
    assert fragment in str(error.value) and "\n" not in str(error.value)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(config), "--quiet", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert fragment in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_bad_subjects_parameter_is_one_line():
    with pytest.raises(ConfigError) as error:
        resolve(_config(out_of_field_content_factor=1.5))
    assert "mechanisms.subjects.out_of_field_content_factor = 1.5" in str(error.value)
    with pytest.raises(ConfigError) as error:
        resolve(_config(secondary_mix={"latin": 3.0}))
    assert "mechanisms.subjects.secondary_mix.latin" in str(error.value)
    with pytest.raises(ConfigError) as error:
        resolve(_config(secondary_mix=dict.fromkeys(SECONDARY_AREAS, 0.0)))
    assert "secondary_mix: every weight is 0" in str(error.value)
    assert "\n" not in str(error.value)


def test_the_shipped_shortage_configs_are_valid():
    for path in sorted((CONFIGS / "shortages").glob("*.toml")):
        scenario = resolve(path)
        assert scenario.mechanisms["subjects"].component == SUBJECTS, path
    assert (ROOT / "docs" / "subjects.md").is_file()


def test_the_docs_hold_the_parameters_table_of_the_code():
    text = (ROOT / "docs" / "subjects.md").read_text()
    assert subjects.parameters_markdown() in text, (
        "docs/subjects.md: paste subjects.parameters_markdown() between the parameters marks")


def test_the_report_draws_shortage_by_subject_and_the_schools(tmp_path):
    from nextwork_sim.report.build import build_report

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(CONFIGS / "shortages" / "csv_district.toml"),
                                      "--quiet", "--years", "2", "--replications", "2",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = build_report(out).html.read_text()
    figures = html[html.index('<section id="figures">'):]
    figures = figures[:figures.index("</section>")]
    assert 'id="figure-shortage"' in figures and "mathematics posts short" in figures
    assert 'id="figure-schools"' in figures
    assert figures.count("<td>Sonoran High</td>") == 1  # the table of most affected schools
    # without the component neither is drawn
    plain = tmp_path / "plain"
    result = CliRunner().invoke(app, ["run", str(CONFIGS / "csv_district.toml"), "--quiet",
                                      "--years", "1", "--out", str(plain)])
    assert result.exit_code == 0, result.output
    assert not (plain / "schools.csv").exists()
    html = build_report(plain).html.read_text()
    assert "figure-shortage" not in html and "figure-schools" not in html


def test_a_run_from_a_saved_state_keeps_the_components_columns(tmp_path):
    """load_state rebuilt the tables without the components' columns (KeyError)."""
    from nextwork_sim import api

    config = _config(preset="school", years=1, burn_in=1)
    api.burn_in(config, tmp_path / "state", replications=1)
    comparison = api.compare([config], from_state=tmp_path / "state", years=1)
    table = comparison.table
    assert (table["metric"] == "subject_positions").any()
    assert _values(table, "subject_positions")[0] == _values(table, "positions")[0]
