"""Why scenarios differ, by internal channel: split the difference between a baseline run and
a scenario run (same seeds) into the model's mechanisms, from the sums recorded in
``nextwork_sim/channels.py``. Each channel's inputs are switched from the baseline's to the
scenario's inside the mechanism's own equation, and the orders are combined by exact Shapley
averaging, so the channels add up to the model-implied difference; what the recorded sums
cannot attribute is reported, never hidden:

* achievement growth: ``load_and_efficacy``, ``skill``, ``allocation_match``, ``adult_time``,
  ``continuity`` (zero: it acts only on the intra/interpersonal indices) and
  ``need_mix_and_other`` (the index-number residual: different need and grade weights);
  ``chance`` is the realized minus the model-implied difference (the learning noise).
* leave and attrition rates: the logit's ``load``, ``satisfaction``, ``pay``, ``support``
  (mentoring, collaboration), ``advancement`` (a lead role in reach), ``leader``, ``poverty``,
  ``entry`` (first-year share, pathway) and ``experience_mix`` (band shares), evaluated per
  experience band at the band's mean terms; ``heterogeneity`` is what that mean-field
  evaluation misses of the model's mean probability, and ``chance`` the draws.
* cost per student: the budget lines ``salaries``, ``stipends``, ``benefits``,
  ``paid_time``, ``transition``, ``credentials``, ``recruitment`` and ``turnover`` (exact:
  the lines add up).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..channels import ATTRITION_CHANNELS, LEARNING_FACTORS
from ..workforce.attrition import EXPERIENCE_BANDS
from .shapley import coalitions, shapley

LEARNING_PLAYERS = {"efficacy": "load_and_efficacy", "skill": "skill",
                    "allocation": "allocation_match", "adult_time": "adult_time",
                    "other": "need_mix_and_other"}
COST_LINES = {"salaries": ("salary_cost", "-stipend_cost"), "stipends": ("stipend_cost",),
              "benefits": ("benefits_cost",), "paid_time": ("time_cost",),
              "transition": ("transition_cost",), "credentials": ("credential_cost",),
              "recruitment": ("recruitment_cost",), "turnover": ("turnover_cost",)}
CHANNEL_METRICS = ("achievement_growth", "leave_rate", "attrition_rate", "cost_per_student")


def _coalition_values(players: list[str], value) -> dict[tuple[str, ...], float]:
    return {c: value(set(c)) for c in coalitions(players)}


def learning_channels(base: dict, scen: dict, learning) -> dict[str, float]:
    """Contributions to the model-implied difference in achievement growth; ``base`` and
    ``scen`` map ``part=...`` to a year's ``learning_channel`` value. The reference term
    Σg·D·m_ref weighs each student's norm by their level's m_ref, so it moves with the norm:
    both are the need mix's and grade mix's (``other``)."""
    theta, theta_p = learning.quality_effect, learning.personalization_effect
    delta = {f: scen[f"part=log_{f}"] - base[f"part=log_{f}"] for f in LEARNING_FACTORS}
    both_carried = base["part=match"] > 0 and scen["part=match"] > 0
    if both_carried:
        other = math.log(scen["part=match"] / base["part=match"]) - sum(delta.values())

    def value(switched: set[str]) -> float:
        weights = scen if "other" in switched else base
        norm, reference = weights["part=norm"], weights["part=reference"]
        if both_carried:
            log_ratio = sum(delta[f] for f in LEARNING_FACTORS if f in switched)
            log_ratio += other if "other" in switched else 0.0
            match = base["part=match"] * math.exp(log_ratio)
        else:  # nothing carried at all in one run: only the residual can account for it
            match = scen["part=match"] if "other" in switched else base["part=match"]
        adult = "adult_time" in switched
        personalization = scen["part=personalization"] if adult else base["part=personalization"]
        return norm + theta * (match - reference) + theta_p * personalization

    players = list(LEARNING_PLAYERS)
    result = shapley(_coalition_values(players, value), players)
    out = {LEARNING_PLAYERS[p]: v for p, v in result.items()}
    out["continuity"] = 0.0
    return out


def _band_terms(parts: dict, band: str) -> dict[str, tuple[float, float]]:
    return {c: (parts.get(f"part={c}_move,experience={band}", np.nan),
                parts.get(f"part={c}_leave,experience={band}", np.nan))
            for c in (*ATTRITION_CHANNELS, "base")}


def attrition_channels(base: dict, scen: dict, outcome: str) -> dict[str, float]:
    """Contributions to the model-implied difference of the mean leave (``outcome="leave"``)
    or move + leave (``"attrition"``) probability; mean-field per experience band, with the
    part it misses reported as ``heterogeneity``."""
    def share(parts, band):
        return parts.get(f"part=share,experience={band}", 0.0)

    terms = {}
    for band in EXPERIENCE_BANDS:
        b, s = _band_terms(base, band), _band_terms(scen, band)
        if share(base, band) == 0:  # absent from a run: its terms come from the other
            b = s
        if share(scen, band) == 0:
            s = b
        terms[band] = (b, s)

    def value(switched: set[str]) -> float:
        total = 0.0
        for band in EXPERIENCE_BANDS:
            weight = share(scen if "experience_mix" in switched else base, band)
            if weight == 0:
                continue
            b, s = terms[band]
            eta_move = b["base"][0] + sum((s if c in switched else b)[c][0]
                                          for c in ATTRITION_CHANNELS)
            eta_leave = b["base"][1] + sum((s if c in switched else b)[c][1]
                                           for c in ATTRITION_CHANNELS)
            denominator = 1.0 + math.exp(eta_move) + math.exp(eta_leave)
            p = math.exp(eta_leave) / denominator
            if outcome == "attrition":
                p += math.exp(eta_move) / denominator
            total += weight * p
        return total

    players = [*ATTRITION_CHANNELS, "experience_mix"]
    values = _coalition_values(players, value)
    out = shapley(values, players)
    implied = {"leave": lambda parts: parts["part=implied_leave"],
               "attrition": lambda parts: parts["part=implied_leave"] + parts["part=implied_move"]}
    implied_total = implied[outcome](scen) - implied[outcome](base)
    out["heterogeneity"] = implied_total - (values[tuple(players)] - values[()])
    return out


def cost_channels(base: dict, scen: dict) -> dict[str, float]:
    """Per-student budget lines: each line's difference (they add up to cost_per_student)."""
    def line(parts, fields):
        total = sum(-parts[f[1:]] if f.startswith("-") else parts[f] for f in fields)
        return total / max(parts["enrollment"], 1.0)

    return {name: line(scen, fields) - line(base, fields) for name, fields in COST_LINES.items()}


def _year_parts(table: pd.DataFrame) -> dict[int, dict]:
    """{year: {name: value}}: channel rows by group, every other metric's `all` row by name."""
    out: dict[int, dict] = {}
    channel = table["metric"].isin(["learning_channel", "attrition_channel"])
    for row in table[channel | (table["group"] == "all")].itertuples():
        key = row.group if row.metric in ("learning_channel", "attrition_channel") else row.metric
        out.setdefault(int(row.year), {})[key] = float(row.value)
    return out


def channel_contributions(base_table: pd.DataFrame, scen_table: pd.DataFrame,
                          learning, metrics=CHANNEL_METRICS) -> dict[str, dict[str, float]]:
    """{metric: {channel: contribution, "chance": ..., "total": ...}} for one replication,
    each the mean over the reported years of the year's decomposition."""
    base_years, scen_years = _year_parts(base_table), _year_parts(scen_table)
    years = sorted(set(base_years) & set(scen_years))
    per_metric: dict[str, list[dict]] = {m: [] for m in metrics}
    for year in years:
        b, s = base_years[year], scen_years[year]
        for metric in metrics:
            if metric not in b or metric not in s:
                continue
            if metric == "achievement_growth":
                if "part=norm" not in b or "part=norm" not in s:
                    continue
                parts = learning_channels(b, s, learning)
            elif metric in ("leave_rate", "attrition_rate"):
                if "part=implied_leave" not in b or "part=implied_leave" not in s:
                    continue
                parts = attrition_channels(b, s, metric.split("_")[0])
            else:
                parts = cost_channels(b, s)
            total = s[metric] - b[metric]
            if metric != "cost_per_student":
                parts["chance"] = total - sum(parts.values())
            parts["total"] = total
            per_metric[metric].append(parts)
    return {m: pd.DataFrame(rows).mean().to_dict() for m, rows in per_metric.items() if rows}
