"""The steady state of the traditional district, measured once and shipped as a table, so a run
starts from the workforce its own flows sustain instead of one that settles for decades.

``nextwork-sim equilibrium`` runs the traditional national-composition district from a cold
start (NTPS experience shares, experience-curve skills, no degrees) for many years, takes
snapshots of the workforce at the start of late years, and writes per role and year of
experience: the share of the role's holders with that experience, the mean and spread of
skill in each domain, the share holding a master's, the share studying for one and the share
from each pathway (``data/equilibrium.csv``). ``hiring._initial_workforce`` draws from it.

Skill, degree and pathway of sparse cells (long careers) are pooled over the nearest years of
experience until ``MIN_CELL`` educators are counted; the experience shares are not pooled.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..domains import DOMAINS
from ..population import ACTIVE
from .pipelines import PATHWAYS

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "equilibrium.csv"
MIN_CELL = 40
SKILL = [f"skill_{d}" for d in DOMAINS]
SPREAD = [f"sd_{d}" for d in DOMAINS]
PATHWAY_SHARES = [f"pathway_{p}" for p in PATHWAYS]
COLUMNS = ["role", "experience", "share", "count", *SKILL, *SPREAD, "degree_share",
           "studying_share", *PATHWAY_SHARES]
#: config overrides of the equilibrium run: a cold start, every year counted
COLD_START = ["burn_in_years=0", 'parameters.population.initial_state="national"']


def snapshot(model) -> pd.DataFrame:
    """The workforce now (between a summer and the next year): one row per educator."""
    e = model.state.educators
    rows = np.flatnonzero((e.status == ACTIVE) & ~e.substitute)
    names = np.array(model.roles.names)
    frame = pd.DataFrame(e.skill[rows].astype(np.float64), columns=SKILL)
    frame.insert(0, "role", names[e.role[rows]])
    frame.insert(1, "experience", e.experience[rows].astype(np.int64))
    frame["degree"] = e.degree[rows].astype(np.float64)
    frame["studying"] = ((e.studying[rows] >= 0) & ~e.degree[rows]).astype(np.float64)
    for p, column in enumerate(PATHWAY_SHARES):
        frame[column] = (e.pathway[rows] == p).astype(np.float64)
    return frame


def measure(scenario, seed: int, replications: int, years: int, snapshots: int,
            every: int, progress=None, *, model_class) -> pd.DataFrame:
    """Run ``scenario`` (a cold start) ``years`` years per replication; snapshots of the last
    ``snapshots`` multiples of ``every`` years, summarised by ``summarise``. ``model_class``
    is ``model.SchoolSystemModel``, passed in: the model builds its workforce from this
    module's table, so this module cannot import it."""
    first = years - every * (snapshots - 1)
    if first < 1:
        raise ValueError("equilibrium: years must exceed every x (snapshots - 1)")
    frames = []
    for replication in range(replications):
        model = model_class(scenario, seed=seed, replication=replication)
        for stop in range(first, years + 1, every):
            model.calendar.run(stop - model.year, first_year=model.year)
            frames.append(snapshot(model))
        model.release()
        if progress is not None:
            progress()
    return summarise(pd.concat(frames, ignore_index=True))


def _pooled(values: np.ndarray, experience: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Mean of ``values`` rows for each year in ``years``, over the educators within the
    narrowest window of experience around it holding at least MIN_CELL of them."""
    top = int(max(experience.max(), years.max()))
    counts = np.bincount(experience, minlength=top + 2).astype(np.float64)
    sums = np.stack([np.bincount(experience, weights=v, minlength=top + 2) for v in values.T],
                    axis=1)
    count_cum = np.concatenate([[0.0], np.cumsum(counts)])
    sum_cum = np.vstack([np.zeros(values.shape[1]), np.cumsum(sums, axis=0)])
    out = np.empty((years.size, values.shape[1]))
    for i, year in enumerate(years.tolist()):
        for width in range(top + 1):
            lo, hi = max(year - width, 0), min(year + width, top + 1)
            n = count_cum[hi + 1] - count_cum[lo]
            if n >= MIN_CELL or width == top:
                out[i] = (sum_cum[hi + 1] - sum_cum[lo]) / max(n, 1.0)
                break
    return out


def summarise(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (role, experience) seen in the snapshots (see the module docstring)."""
    tables = []
    for role, group in frame.groupby("role", sort=True):
        experience = group["experience"].to_numpy()
        years = np.unique(experience)
        counts = np.array([(experience == y).sum() for y in years])
        skill = group[SKILL].to_numpy()
        mean = _pooled(skill, experience, years)
        square = _pooled(skill ** 2, experience, years)
        other = _pooled(group[["degree", "studying", *PATHWAY_SHARES]].to_numpy(), experience,
                        years)
        table = pd.DataFrame({"role": role, "experience": years,
                              "share": counts / counts.sum(), "count": counts})
        table[SKILL] = mean
        table[SPREAD] = np.sqrt(np.maximum(square - mean ** 2, 0.0))
        table["degree_share"] = other[:, 0]
        table["studying_share"] = other[:, 1]
        table[PATHWAY_SHARES] = other[:, 2:]
        tables.append(table)
    return pd.concat(tables, ignore_index=True)[COLUMNS]


def write(table: pd.DataFrame, path: Path, header: list[str]) -> None:
    text = "".join(f"# {line}\n" for line in header) + table.to_csv(
        index=False, float_format="%.5g")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


@functools.lru_cache(maxsize=4)
def load(path: Path = DATA_FILE) -> pd.DataFrame:
    return pd.read_csv(path, comment="#")


def header_value(key: str, path: Path = DATA_FILE) -> str | None:
    """A ``# key: value`` line of the file's header."""
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            return None
        if line[1:].strip().startswith(f"{key}:"):
            return line.split(":", 1)[1].strip()
    return None


class Equilibrium:
    """Lookups into the table by role name and experience (NumPy arrays, no per-person code).

    ``has(role)``: whether the table holds the role. Experience beyond a role's longest
    career in the table takes that career's values."""

    def __init__(self, table: pd.DataFrame):
        self.roles: dict[str, pd.DataFrame] = {
            role: group.sort_values("experience").reset_index(drop=True)
            for role, group in table.groupby("role", sort=True)}

    def has(self, role: str) -> bool:
        return role in self.roles

    def draw_experience(self, role: str, u: np.ndarray) -> np.ndarray:
        table = self.roles[role]
        cdf = np.cumsum(table["share"].to_numpy())
        index = np.minimum(np.searchsorted(cdf / cdf[-1], u, side="right"), len(table) - 1)
        return table["experience"].to_numpy()[index].astype(np.int16)

    def values(self, role: str, experience: np.ndarray, columns: list[str]) -> np.ndarray:
        """[n, len(columns)] of the row at each experience (the nearest row below when the
        table skips a year, the first row below its first year)."""
        table = self.roles[role]
        years = table["experience"].to_numpy()
        index = np.clip(np.searchsorted(years, experience, side="right") - 1, 0, len(years) - 1)
        return table[columns].to_numpy(dtype=np.float64)[index]


@functools.lru_cache(maxsize=4)
def shipped(path: Path = DATA_FILE) -> Equilibrium:
    return Equilibrium(load(path))


def steady_experience(eq: Equilibrium, role_names: np.ndarray, u: np.ndarray,
                      fallback: np.ndarray) -> np.ndarray:
    """Experience of each person from the table for the roles it holds (``fallback`` for the
    others: roles the traditional district does not have)."""
    experience = fallback.astype(np.int16).copy()
    for role in np.unique(role_names).tolist():
        if eq.has(role):
            mine = role_names == role
            experience[mine] = eq.draw_experience(role, u[mine])
    return experience


def steady_attributes(eq: Equilibrium, role_names: np.ndarray, teaching: np.ndarray,
                      experience: np.ndarray, formula: np.ndarray, teacher_formula: np.ndarray,
                      noise: np.ndarray, u: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Skill [n, D], degree, studying, pathway of each person at the steady state.

    Roles in the table: the cell's mean skill plus its spread x ``noise`` (independent by
    domain, as the formula draws it), a degree, studying and pathway drawn with the cell's
    shares. Teaching roles not in the table (teacher leaders, ...): their own ``formula`` skill
    shifted by what practice adds to a teacher of the same experience at the steady state
    (table minus ``teacher_formula``), the teachers' degree share, the traditional pathway.
    Other roles (residents, community educators): the formula, no degree."""
    n = experience.size
    skill = formula.astype(np.float64).copy()
    degree_share = np.zeros(n)
    studying_share = np.zeros(n)
    pathway = np.full(n, PATHWAYS.index("traditional"), dtype=np.int64)
    for role in np.unique(role_names).tolist():
        mine = role_names == role
        years = experience[mine]
        if eq.has(role):
            values = eq.values(role, years, [*SKILL, *SPREAD, "degree_share", "studying_share",
                                             *PATHWAY_SHARES])
            d = len(SKILL)
            skill[mine] = values[:, :d] + values[:, d:2 * d] * noise[mine]
            degree_share[mine] = values[:, 2 * d]
            studying_share[mine] = values[:, 2 * d + 1]
            cdf = np.cumsum(values[:, 2 * d + 2:], axis=1)
            cdf /= np.maximum(cdf[:, -1:], 1e-12)
            pathway[mine] = np.minimum((cdf < u["pathway"][mine, None]).sum(axis=1),
                                       len(PATHWAYS) - 1)
        elif eq.has("teacher") and teaching[mine].all():
            values = eq.values("teacher", years, [*SKILL, "degree_share"])
            skill[mine] += values[:, :-1] - teacher_formula[mine]
            degree_share[mine] = values[:, -1]
    degree = u["degree"] < degree_share
    # the studying share is of everyone; those studying are among those without a degree
    studying = ~degree & (u["study"] * np.maximum(1.0 - degree_share, 1e-12) < studying_share)
    return {"skill": np.clip(skill, 0.0, 1.0).astype(np.float32), "degree": degree,
            "studying": studying, "pathway": pathway}
