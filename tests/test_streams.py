"""Every random stream is named: keyed sub-events in kernels/keyed_random.py SUBSTREAMS, NumPy
SeedSequence families in SpawnKey, and no call site passes a bare number."""

import ast
from pathlib import Path

import pytest

from nextwork_sim.domains import N_DOMAINS
from nextwork_sim.kernels import keyed_random as kr
from nextwork_sim.parameters import CalendarParams

SOURCE = Path(kr.__file__).resolve().parents[1]
#: keyed draws and where their sub-event number is (positional index, keyword)
KEYED_CALLS = {"uniform": 4, "normal": 4, "normal_where": 5, "normal_keys": 3, "event_key": 3}


def test_no_two_named_sub_events_of_a_mechanism_share_a_uniform_draw():
    for mechanism, subs in kr.SUBSTREAMS.items():
        assert mechanism in kr.STREAMS
        seen: dict[int, str] = {}
        for name, sub in subs.items():
            for number in sub.uniform_subs():
                assert number not in seen, (f"{mechanism}: {name} and {seen[number]} both draw "
                                            f"uniform sub-event {number}")
                seen[number] = name


def test_ranges_of_sub_events_cover_what_the_model_draws():
    # one draw per domain, per term of the longest calendar, per day of the longest year
    assert kr._DOMAINS == N_DOMAINS
    terms = CalendarParams.model_fields["terms"].metadata
    days = CalendarParams.model_fields["school_days"].metadata
    assert kr._TERMS == max(m.le for m in terms if hasattr(m, "le"))
    assert kr._DAYS == max(m.le for m in days if hasattr(m, "le"))
    with pytest.raises(IndexError):
        kr.HIRING.candidate_skill.nth(N_DOMAINS)


def test_named_sub_events_keep_the_numbers_results_were_drawn_with():
    """Renaming must not move a draw: these are the numbers before the names (a changed
    number changes every result that draws from it)."""
    numbers = {name: {k: (int(s), s.normal, s.count, s.stride) for k, s in subs.items()}
               for name, subs in kr.SUBSTREAMS.items()}
    assert numbers["hiring"] == {
        "substitute_of_color": (2, False, 1, 1), "race_of_color": (3, False, 1, 1),
        "mover_order": (99, False, 1, 1), "vacancy_order": (500, False, 1, 1),
        "candidate_tie_break": (600, False, 1, 1), "candidate_experienced": (1000, False, 1, 1),
        "candidate_experience": (1001, False, 1, 1), "candidate_of_color": (1003, False, 1, 1),
        "candidate_skill": (2000, True, 8, 1)}
    assert [int(s) for s in kr.SUBSTREAMS["build_student"].values()] == [0, 1, 2, 3, 4, 10, 30]
    assert [int(s) for s in kr.SUBSTREAMS["build_educator"].values()] == [0, 1, 2, 3, 4, 5, 6,
                                                                          7, 10]
    assert [kr.CREDENTIAL.enroll.nth(t) for t in range(4)] == [0, 10, 20, 30]
    assert [kr.CREDENTIAL.finish.nth(t) for t in range(4)] == [1, 11, 21, 31]
    assert int(kr.ADVANCEMENT.out_of_classroom) == 7
    assert {k.name: int(k) for k in kr.SpawnKey} == {
        "PRESET_SCHOOLS": 11, "CSV_LEADER_QUALITY": 12, "PARAMETER_UNCERTAINTY": 7_919}


def _sub_argument(call: ast.Call, name: str):
    for keyword in call.keywords:
        if keyword.arg == "sub":
            return keyword.value
    position = KEYED_CALLS[name] if name in KEYED_CALLS else 0
    return call.args[position] if len(call.args) > position else None


def _bare_numbers(source: str) -> list[str]:
    """Keyed draws (``kr.uniform(...)`` etc., and local ``draw(sub)`` helpers) whose
    sub-event is missing or holds a literal number instead of a name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in KEYED_CALLS and (
                isinstance(func.value, ast.Name) and func.value.id == "kr"):
            name = func.attr
        elif isinstance(func, ast.Name) and func.id == "draw":
            name = "draw"
        else:
            continue
        sub = _sub_argument(node, name)
        if sub is None or any(isinstance(n, ast.Constant) and isinstance(n.value, int)
                              for n in ast.walk(sub)):
            found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_the_check_finds_bare_sub_event_numbers():
    assert _bare_numbers("kr.uniform(k, 'hiring', y, ids, 500)")
    assert _bare_numbers("kr.normal(k, 'hiring', y, ids, 2000 + d)")
    assert _bare_numbers("kr.uniform(k, 'roster', y, ids)")  # the default 0, unnamed
    assert _bare_numbers("draw(3)")
    assert not _bare_numbers("kr.uniform(k, 'hiring', 0, ids, kr.HIRING.vacancy_order)")
    assert not _bare_numbers("kr.normal(k, 'hiring', y, ids, kr.HIRING.candidate_skill.nth(d))")


def test_every_keyed_draw_in_the_package_names_its_sub_event():
    offenders = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "keyed_random.py":
            continue
        found = _bare_numbers(path.read_text())
        if found:
            offenders[str(path.relative_to(SOURCE))] = found
    assert not offenders, offenders


def test_every_named_sub_event_is_drawn_somewhere():
    text = "\n".join(p.read_text() for p in SOURCE.rglob("*.py") if p.name != "keyed_random.py")
    # the day kernel forms the demand stream's day keys itself (sub_key(prefix, day))
    unused = [f"{mechanism}.{name}" for mechanism, subs in kr.SUBSTREAMS.items()
              for name in subs
              if f"{mechanism.upper()}.{name}" not in text and mechanism != "demand"]
    assert not unused
