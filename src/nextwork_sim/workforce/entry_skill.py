"""The skill of people entering the model (the initial workforce and each summer's
candidates): by category, a few named roles and experience, plus spread. Used by hiring.py
and pipelines.py, below both."""

from __future__ import annotations

import numpy as np

from ..domains import CONTENT, INDIVIDUALIZED, LANGUAGE, LEADERSHIP, N_DOMAINS, PROJECT
from ..roles import CATEGORY_INDEX, ROLE_INDEX


def experience_curve(experience: np.ndarray, skill_params) -> np.ndarray:
    """Mean initial skill by experience: returns are steepest in the first years."""
    years = np.maximum(experience.astype(np.float64) - 1.0, 0.0)
    return skill_params.novice_skill + skill_params.experience_skill_gain * (
        1.0 - np.exp(-skill_params.experience_skill_rate * years))


def initial_skill(role: np.ndarray, category: np.ndarray, experience: np.ndarray,
                  noise: np.ndarray, skill_params) -> np.ndarray:
    """Skill [E, D] of people entering the model: by category (and a few named roles) and
    experience, plus spread."""
    p = skill_params
    skill = np.repeat(experience_curve(experience, p)[:, None], N_DOMAINS, axis=1)
    skill[:, LEADERSHIP] -= p.leadership_entry_gap
    leader = category == CATEGORY_INDEX["teacher_leader"]
    skill[leader] += p.teacher_leader_skill_bonus
    skill[leader, LEADERSHIP] += p.teacher_leader_leadership_bonus
    skill[role == ROLE_INDEX["special_education_specialist"], INDIVIDUALIZED] += (
        p.specialist_skill_bonus)
    skill[role == ROLE_INDEX["english_learner_specialist"], LANGUAGE] += p.specialist_skill_bonus
    skill[category == CATEGORY_INDEX["resident"]] = p.novice_skill - p.resident_skill_gap
    para = category == CATEGORY_INDEX["paraeducator"]
    skill[para] = p.paraeducator_novice_skill + p.paraeducator_experience_gain * (
        1 - np.exp(-p.paraeducator_experience_rate * (experience[para, None] - 1.0)))
    skill[para, INDIVIDUALIZED] += p.paraeducator_individualized_bonus
    community = category == CATEGORY_INDEX["community_educator"]
    skill[community] = p.community_educator_skill
    skill[community, CONTENT] = p.community_educator_content_skill
    skill[community, PROJECT] = p.community_educator_project_skill
    skill += p.skill_sd * noise
    return np.clip(skill, p.initial_skill_min, p.initial_skill_max).astype(np.float32)
