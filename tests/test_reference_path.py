"""The whole model on the NumPy reference twins agrees with the Numba path
(kernels/backend.py: the registry of kernels and twins; issue "Performance at state scale")."""

import numpy as np
import pytest

from nextwork_sim.config import load_config
from nextwork_sim.kernels import backend
from nextwork_sim.model import SchoolSystemModel
from nextwork_sim.population import ACTIVE, ENROLLED

from .conftest import CONFIGS

SEED = 11
SCALES = {
    "school": ['district.preset="school"'],
    # every level and several schools (within-district transfers, secondary designs), cut to
    # a tenth of the enrolment so a year takes a fraction of a second
    "district": ['district.preset="district"', "district.enrollment_scale=0.1"],
}
CONTINUOUS = {"educators": ("skill", "chronic_load", "satisfaction"),
              "students": ("standing", "intrapersonal", "interpersonal")}
DISCRETE = {"educators": ("status", "position"), "students": ("status", "community")}


def _run(config: str, scale: str, years: int, reference: bool):
    """The yearly table (as ``nextwork_sim.run`` builds it, from ``model.run``) and the final
    state arrays of one run on one path; the model is built on that path too."""
    scenario = load_config(CONFIGS / config,
                           [*SCALES[scale], f"years={years}", "burn_in_years=0"])
    with backend.use_reference(reference):
        model = SchoolSystemModel(scenario, seed=SEED)
        try:
            table = model.run(years)
            state = {(name, column): getattr(getattr(model.state, name), column).copy()
                     for group in (CONTINUOUS, DISCRETE) for name, columns in group.items()
                     for column in columns}
        finally:
            model.release()
    return table, state


@pytest.mark.parametrize("scale", sorted(SCALES))
@pytest.mark.parametrize("config", ["traditional.toml", "next_workforce.toml"])
def test_one_year_agrees_with_the_reference_path(config, scale):
    fast, fast_state = _run(config, scale, 1, reference=False)
    slow, slow_state = _run(config, scale, 1, reference=True)
    keys = ["year", "metric", "group"]
    assert fast[keys].equals(slow[keys])
    # The paths differ only in the order of float64 operations (sums, peer learning's
    # rate·(a + b)) and hence the odd last-bit rounding of the float32 skill (6e-8); atol
    # covers values that are zero up to that rounding.
    tolerance = dict(rtol=1e-6, atol=1e-12)
    for metric, values in fast.groupby("metric", sort=False):
        np.testing.assert_allclose(values["value"].to_numpy(float),
                                   slow.loc[values.index, "value"].to_numpy(float),
                                   **tolerance, err_msg=metric)
    for (name, column), values in fast_state.items():
        other = slow_state[(name, column)]
        if column in DISCRETE[name]:
            np.testing.assert_array_equal(values, other, err_msg=f"{name}.{column}")
        else:
            assert np.isfinite(values).all() and np.isfinite(other).all()
            np.testing.assert_allclose(values, other, **tolerance, err_msg=f"{name}.{column}")


def _year_means(table, metrics):
    rows = table[table["group"] == "all"].set_index(["metric", "year"])["value"]
    return {metric: rows.loc[metric].to_numpy(float) for metric in metrics}


@pytest.mark.parametrize("config", ["traditional.toml", "next_workforce.toml"])
def test_three_years_keep_the_same_distributions(config):
    years = 3
    fast, fast_state = _run(config, "district", years, reference=False)
    slow, slow_state = _run(config, "district", years, reference=True)
    educators = int((fast_state[("educators", "status")] == ACTIVE).sum())
    # Without a flip the paths agree to ~1e-8 (they do today). Rounding can still flip a draw
    # (u < p) or a hiring tie on a last-bit skill difference, after which one educator's
    # career differs. The bounds allow one such swap: a 0-1 mean over N educators moves by
    # at most 2/N (the departure and the hire); the swapped educator changes their
    # community's quality by at most ~0.5 in a domain, i.e. its year's growth by at most
    # growth_by_grade·θ_q·0.5 < 1.4·0.65·0.5 ≈ 0.45 SD (θ_q is 0.45 now: a looser bound), for
    # at most 1/50 of the students
    # here (25 of ~1,300; a team's 100 share ~4 carriers): under 0.01 SD a year, and the
    # standing adds the years up.
    per_educator = 2.0 / educators
    per_year = 0.01
    bounds = {"mean_skill": per_educator, "satisfaction": per_educator,
              "achievement_growth": per_year}
    fast_means, slow_means = _year_means(fast, bounds), _year_means(slow, bounds)
    for metric, bound in bounds.items():
        assert fast_means[metric].shape == (years,)
        np.testing.assert_allclose(fast_means[metric], slow_means[metric], rtol=0, atol=bound,
                                   err_msg=metric)

    def mean_of(state, table, column, status):
        return state[(table, column)][state[(table, "status")] == status].mean()

    standing = [mean_of(s, "students", "standing", ENROLLED) for s in (fast_state, slow_state)]
    assert abs(standing[0] - standing[1]) < per_year * years
    skill = [mean_of(s, "educators", "skill", ACTIVE) for s in (fast_state, slow_state)]
    assert abs(skill[0] - skill[1]) < per_educator


def test_the_reference_path_calls_no_numba_kernel(monkeypatch):
    def numba_called(*args):
        raise AssertionError("a Numba kernel ran on the reference path")

    from numba.core.registry import CPUDispatcher

    from nextwork_sim.workforce import pipelines

    # every registered kernel, and the one that chooses its path itself
    assert len(backend.KERNELS) >= 15
    for entry in backend.KERNELS.values():
        assert isinstance(entry.kernel, CPUDispatcher), entry.name
        monkeypatch.setattr(entry, "kernel", numba_called)
    monkeypatch.setattr(pipelines, "pick_best_free", numba_called)
    table, _ = _run("next_workforce.toml", "school", 1, reference=True)
    assert not backend.reference_enabled()
    assert (table["metric"] == "mean_skill").any()
