"""Recruitment pipelines and hiring by need (docs/odd.md §3.11).

Each summer every pathway offers candidates (its annual supply, scaled to enrollment, can run
short) with a starting skill profile, a race/ethnicity mix and a first-years retention shift.
Vacancies are filled in a keyed random order; each takes, among the candidates who can hold
the position, the one whose skills best cover what its community lacks (domains where no
member reaches the threshold weigh most), not the first pathway in a list. A teaching
vacancy nobody can fill is covered by a long-term substitute (low skill; reported as vacant).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..config import RACES
from ..domains import CONTENT, N_DOMAINS
from ..kernels import keyed_random as kr
from ..kernels.backend import reference_enabled
from ..kernels.grouped import max_by
from ..parameters import as_array
from ..roles import CATEGORY_INDEX, ROLE_INDEX
from .entry_skill import initial_skill

PATHWAYS: tuple[str, ...] = ("traditional", "alternative", "residency", "para_to_teacher",
                             "career_switcher", "community", "long_term_substitute")
TEACHER_PATHWAYS = ("traditional", "alternative", "residency", "para_to_teacher",
                    "career_switcher")
#: what kind of candidate each position category needs
KIND_OF_CATEGORY = {
    "teacher_leader": "teacher", "professional": "teacher", "specialist": "teacher",
    "novice": "teacher", "resident": "resident", "paraeducator": "para",
    "community_educator": "community", "organization_leader": "teacher",
}
KINDS = ("teacher", "resident", "para", "community")
_ROLE_OF_KIND = {"teacher": "teacher", "resident": "resident", "para": "paraeducator",
                 "community": "community_educator"}


@dataclass
class Candidates:
    pathway: np.ndarray      # index into PATHWAYS
    kind: np.ndarray         # index into KINDS
    experience: np.ndarray
    skill: np.ndarray        # float32 [C, D]
    of_color: np.ndarray     # bool
    taken: np.ndarray        # bool


def candidate_pool(model, year: int) -> Candidates:
    """This summer's candidates of every pathway."""
    params = model.config.parameters
    pipelines = params.pipelines
    enrollment = sum(s.enrollment for s in model.schools)
    pay, stipend, open_entry_posts = supply_response(model)
    specs = []  # (pathway, kind, count)
    for name in TEACHER_PATHWAYS:
        base = getattr(pipelines, name).supply_per_1000_students * enrollment / 1000 * pay
        if name == "residency":  # a residency supplies residents and graduates who teach
            base *= stipend
            specs.append((name, "resident", round(
                base + pipelines.applicants_per_entry_post * open_entry_posts)))
        specs.append((name, "teacher", round(base)))
    community = round(pipelines.community.supply_per_1000_students * enrollment / 1000)
    specs += [("community", "para", community), ("community", "community", community)]
    pathway = np.concatenate([np.full(c, PATHWAYS.index(p)) for p, _, c in specs]).astype(int)
    kind = np.concatenate([np.full(c, KINDS.index(k)) for _, k, c in specs]).astype(int)
    ids = np.arange(pathway.size, dtype=np.int64)

    def draw(sub: int) -> np.ndarray:
        return kr.uniform(model.run_key, "hiring", year, ids, sub)

    experience = np.ones(pathway.size, dtype=np.int16)
    experienced = ((pathway == PATHWAYS.index("traditional")) & (kind == KINDS.index("teacher"))
                   & (draw(kr.HIRING.candidate_experienced) < pipelines.experienced_share))
    lowest = pipelines.experienced_min_years
    span = pipelines.experienced_max_years - lowest + 1
    experience[experienced] = (lowest + np.floor(draw(kr.HIRING.candidate_experience)
                                                 * span))[experienced]
    para = kind == KINDS.index("para")
    experience[para] = (1 + np.floor(draw(kr.HIRING.candidate_experience)
                                     * pipelines.paraeducator_max_years))[para]
    role = np.array([ROLE_INDEX[_ROLE_OF_KIND[KINDS[k]]] for k in kind], dtype=np.int64)
    category = model.roles.category[role].copy()
    category[(kind == KINDS.index("teacher")) & (experience <= 2)] = CATEGORY_INDEX["novice"]
    noise = np.column_stack([kr.normal(model.run_key, "hiring", year, ids,
                                       kr.HIRING.candidate_skill.nth(d))
                             for d in range(N_DOMAINS)])
    skill = initial_skill(role, category, experience, noise, params.skill).astype(np.float64)
    offsets = np.array([getattr(pipelines, PATHWAYS[p]).skill_offset for p in pathway])
    content = np.array([getattr(pipelines, PATHWAYS[p]).content_offset for p in pathway])
    skill += offsets[:, None]
    skill[:, CONTENT] += content
    shares = np.array([getattr(pipelines, PATHWAYS[p]).of_color_share for p in pathway])
    return Candidates(pathway=pathway, kind=kind, experience=experience,
                      skill=np.clip(skill, params.skill.initial_skill_min,
                                    params.skill.initial_skill_max).astype(np.float32),
                      of_color=draw(kr.HIRING.candidate_of_color) < shares,
                      taken=np.zeros(pathway.size, dtype=bool))


def supply_response(model) -> tuple[float, float, int]:
    """How the pipelines answer the district (docs/odd.md §3.11): the teaching pathways'
    supply factor (pay relative to the shipped schedule's first-year pay, to
    ``pay_elasticity``), the residency's (its stipend relative to the shipped one, to
    ``stipend_elasticity``) and the resident posts open this summer (each draws
    ``applicants_per_entry_post`` more residents). At the shipped pay and stipend both factors
    are exactly 1, so a district that changes neither keeps the calibrated supply."""
    pipelines, costs = model.config.parameters.pipelines, model.config.parameters.costs
    shipped = type(costs).model_fields
    pay = (costs.teacher_base_salary / shipped["teacher_base_salary"].default
           ) ** pipelines.pay_elasticity
    stipend_shipped = shipped["resident_stipend"].default
    stipend = ((costs.resident_stipend / stipend_shipped) ** pipelines.stipend_elasticity
               if stipend_shipped > 0 else 1.0)
    positions = model.state.positions
    open_entry = int(np.sum(positions.open & (positions.holder < 0)
                            & (positions.role == ROLE_INDEX["resident"])))
    return float(pay), float(stipend), open_entry


def community_lack(model) -> np.ndarray:
    """lack[k, d]: how far the best member of community k is below the domain's threshold."""
    state = model.state
    members = state.memberships
    holder = state.positions.holder[members.position]
    filled = holder >= 0
    best = max_by(members.community[filled], state.educators.skill[holder[filled]],
                  state.communities.n, 0.0)
    thresholds = as_array(model.config.staffing.thresholds)
    return (np.maximum(thresholds[None, :] - best, 0.0)
            + model.config.parameters.pipelines.lack_floor)


def match_candidates(pool: Candidates, kind: np.ndarray, minimum: np.ndarray,
                     lack: np.ndarray, tie_break: np.ndarray,
                     extra: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """For vacancies in the given order, the index of the free candidate of the right kind
    (and experience) whose skills best cover the community's lack; -1 when none is left.
    Greedy in vacancy order (``pick_best_free``). ``extra``: a component's terms
    (``Component.hiring_terms``: per vacancy [V, T], per candidate [C, T]), added to the
    score as T more columns after the domains."""

    pick = pick_best_free_reference if reference_enabled() else pick_best_free
    values = pool.skill
    if extra is not None:
        lack = np.hstack([lack, extra[0]])
        values = np.hstack([pool.skill.astype(np.float64), extra[1]])
    chosen = np.full(kind.size, -1, dtype=np.int64)
    for k in np.unique(kind).tolist():
        candidates = np.flatnonzero(pool.kind == k)
        if candidates.size == 0:
            continue
        wanted = np.flatnonzero(kind == k)
        picks = np.full(wanted.size, -1, dtype=np.int64)
        pick(np.ascontiguousarray(lack[wanted], dtype=np.float64),
             np.ascontiguousarray(values[candidates].T, dtype=np.float64),
             1e-6 * tie_break[candidates], pool.experience[candidates].astype(np.int64),
             minimum[wanted].astype(np.int64), np.ones(candidates.size, dtype=bool), picks)
        chosen[wanted[picks >= 0]] = candidates[picks[picks >= 0]]
    pool.taken[chosen[chosen >= 0]] = True
    return chosen


#: rows between two repackings of the free candidates
_COMPACT_EVERY = 256


@njit(cache=True)
def pick_best_free(lack, skill_by_domain, jitter, experience, minimum, free, out):
    """Greedy matching, row by row in order: among the ``free`` columns (candidates) with
    ``experience`` at least the row's ``minimum``, the one with the highest score
    Σ_d lack[row, d]·skill_by_domain[d, c] + jitter[c] (the sum taken over d in order, so
    the same bits on every machine, unlike a BLAS product), the first such on ties; marks
    it taken. Rows with no such column get -1.

    Every ``_COMPACT_EVERY`` rows the free columns are copied side by side (domain-major),
    so a row's scores are one pass over contiguous memory that LLVM vectorises."""
    n_domains = skill_by_domain.shape[0]
    n_rows = lack.shape[0]
    scores = np.empty(skill_by_domain.shape[1])
    packed = np.empty_like(skill_by_domain)
    columns = np.empty(skill_by_domain.shape[1], dtype=np.int64)
    for start in range(0, n_rows, _COMPACT_EVERY):
        n_free = 0
        for c in range(free.shape[0]):
            if free[c]:
                columns[n_free] = c
                for d in range(n_domains):
                    packed[d, n_free] = skill_by_domain[d, c]
                n_free += 1
        for row in range(start, min(start + _COMPACT_EVERY, n_rows)):
            for j in range(n_free):
                scores[j] = lack[row, 0] * packed[0, j]
            for d in range(1, n_domains):
                weight = lack[row, d]
                for j in range(n_free):
                    scores[j] += weight * packed[d, j]
            best = -1
            best_score = -np.inf
            for j in range(n_free):
                c = columns[j]
                if free[c] and experience[c] >= minimum[row]:
                    score = scores[j] + jitter[c]
                    if score > best_score:
                        best = c
                        best_score = score
            if best >= 0:
                free[best] = False
            out[row] = best


def pick_best_free_reference(lack, skill_by_domain, jitter, experience, minimum, free, out):
    """The NumPy twin of ``pick_best_free`` (for scores without NaN)."""
    for row in range(lack.shape[0]):
        allowed = np.flatnonzero(free & (experience >= minimum[row]))
        values = lack[row, 0] * skill_by_domain[0, allowed]
        for d in range(1, lack.shape[1]):
            values = values + lack[row, d] * skill_by_domain[d, allowed]
        values = values + jitter[allowed]
        if allowed.size == 0 or not (values > -np.inf).any():
            out[row] = -1
            continue
        best = int(allowed[np.argmax(values)])
        free[best] = False
        out[row] = best


def race_of(of_color: np.ndarray, u: np.ndarray, teacher_race) -> np.ndarray:
    """A race group for each hire: white or, for people of color, by the national mix of
    teachers of color."""
    colored = [r for r in RACES if r != "white"]
    weights = np.array([getattr(teacher_race, r) for r in colored])
    cdf = np.cumsum(weights / weights.sum())
    pick = np.minimum(np.searchsorted(cdf, u), len(colored) - 1)
    codes = np.array([RACES.index(r) for r in colored])[pick]
    return np.where(of_color, codes, RACES.index("white")).astype(np.int8)
