"""The golden baseline: each shipped config, run as stored in tests/golden/<config>.csv
(seed 7, 3 reported years, its own preset or CSV schools; see ``nextwork_sim.golden``),
gives exactly the stored values.

Exact equality, not a tolerance: a run is a pure function of (config, seed) and the library
versions are pinned in constraints.txt, so any difference is a change of results; even a
change in the order of a float32 sum moves values by ~1e-9 relative (the NumPy twins of the
kernels do), so a tolerance small enough to be harmless would not absorb such a change either,
and one large enough to absorb it would hide real ones. If another machine (CPU, OS) is ever
shown to differ in the last bits with the pinned versions, record that here before adding a
relative tolerance of ~1e-12.

When this fails on purpose (a mechanism or default changed), regenerate with `make golden`
(or ``python -m nextwork_sim.golden --write``), review ``git diff tests/golden`` and say in
the commit why the values moved."""

import math

import pandas as pd
import pytest

from nextwork_sim import golden


@pytest.mark.parametrize("name", golden.CONFIGS)
def test_each_shipped_config_gives_its_stored_values(name):
    path = golden.golden_dir() / f"{name}.csv"
    assert path.exists(), f"{path} is missing. {golden.REGENERATE}"
    moved = golden.differences(golden.read(path), golden.compute(name))
    if not moved.empty:
        pytest.fail(f"the golden baseline moved:\n{golden.describe(name, moved, limit=30)}\n"
                    f"{golden.REGENERATE}", pytrace=False)


def test_every_shipped_config_has_a_golden_table():
    shipped = {p.stem for p in (golden.ROOT / "configs").glob("*.toml")}
    assert shipped == set(golden.CONFIGS)


def _table(values, years=(1, 2, 3)):
    return pd.DataFrame({"metric": "leave_rate", "group": "all", "year": list(years),
                         "value": values})


def test_a_stored_table_reads_back_bit_for_bit(tmp_path):
    values = [0.1 + 0.2, 1 / 3, 5e-324, 92319198.4, math.nan, -0.0]
    path = tmp_path / "t.csv"
    golden.write(_table(values, range(6)), path)
    back = golden.read(path)["value"].tolist()
    assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(values, back,
                                                                            strict=True))
    assert [math.copysign(1, v) for v in back[-1:]] == [-1.0]


def test_one_ulp_a_missing_and_a_new_row_are_each_reported():
    stored = _table([0.25, 0.5, math.nan])
    current = _table([0.25, math.nextafter(0.5, 1), math.nan, 0.75], years=(1, 2, 3, 4))
    current = current[current.year != 1]
    moved = golden.differences(stored, current)
    assert moved[["year", "present"]].values.tolist() == [
        [1, "stored only"], [2, "both"], [4, "current only"]]
    text = golden.describe("traditional", moved)
    assert "3 value(s) moved" in text and "year 2: 0.5 -> 0.5000000000000001" in text
    assert "year 1: 0.25 -> (absent)" in text and "year 4: (absent) -> 0.75" in text
