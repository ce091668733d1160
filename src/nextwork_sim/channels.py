"""Channel accounting: what `compare --explain` needs to split a difference between two runs
into the model's internal mechanisms (issue "Why scenarios differ").

Learning. A student's year is r = (D + θ_q(Σ match − D·m_ref) + θ_r·D·p + noise)/180, with
m_ref the reference match of the student's school level, and a
unit's quality in domain d of community k factors exactly into

    Q[k,d] = days · T[k,d] · A[k,d] · E[k,d]

with T the mean skill of the adults serving k (what the team has: *skill*), A the skill of
those who carry d relative to T, coverage included (*allocation*: who carries which need),
and E = Q / (days · Σ split·skill) the efficacy with which it is carried (*cognitive load /
efficacy*; it also absorbs the small skill growth within the unit). Each unit adds, g-weighted
over students and their need mix, the sums the decomposition needs: the norm Σg·D, the match
Σg·Σmatch, the reference Σg·D·m_ref (the norm weighted by each level's reference match), the
personalization Σg·D·p (*adult time*: team FTE per student and regrouping), and
the quality-weighted mean log of each factor. Continuity acts only on the intrapersonal and
interpersonal indices, so its share of achievement growth is zero by construction.

Retention. The summer's multinomial logit is a sum of driver terms (workforce/attrition.py);
their means per experience band of the teachers at risk, the band shares and the model's
mean probabilities are recorded.
"""

from __future__ import annotations

import numpy as np

LEARNING_FACTORS = ("skill", "allocation", "efficacy")
LEARNING_SUMS = ("norm", "match", "reference", "personalization")
ATTRITION_CHANNELS = ("load", "satisfaction", "pay", "support", "advancement", "leader",
                      "poverty", "entry")


class LearningLedger:
    """Per-year sums for the learning channels; ``start_year`` then ``add_unit`` per unit."""

    def start_year(self, need_weight: np.ndarray, norm_weight: np.ndarray,
                   unmatched_match: float, students: int,
                   reference_match: np.ndarray, norm_days: int) -> None:
        """The year's weights, from ``kernels.community_needs``: per community the
        growth-norm-weighted need shares and summed norms; ``unmatched_match`` sums
        norm x m_ref over the students with no need (whose match is their level's reference),
        ``reference_match`` is m_ref per community, ``norm_days`` the days of the norm's
        year (``learning.norm_days``: the units of r)."""
        self.need_weight = need_weight
        self.norm_weight = norm_weight
        self.fixed_match = unmatched_match
        self.norm_reference = float((norm_weight * reference_match).sum())
        self.students = students
        self.norm_days = norm_days
        self.sums = dict.fromkeys(LEARNING_SUMS, 0.0)
        self.log_sums = dict.fromkeys(LEARNING_FACTORS, 0.0)
        self.log_weight = 0.0

    def add_unit(self, days: int, quality_sum: np.ndarray, personalization: np.ndarray,
                 factor_logs: np.ndarray) -> None:
        """One unit: its summed quality and personalization, and the weighted log factor
        sums of ``kernels.unit_quality_and_factor_logs`` (which forms both)."""
        self.sums["norm"] += days * float(self.norm_weight.sum())
        matched = float((self.need_weight * quality_sum).sum())
        self.sums["match"] += matched + days * self.fixed_match
        self.sums["reference"] += days * self.norm_reference
        # a sum of products, not ``@``: BLAS's dot product rounds differently on different CPUs
        self.sums["personalization"] += days * float((self.norm_weight * personalization).sum())
        self.log_weight += float(factor_logs[0])
        for name, value in zip(LEARNING_FACTORS, factor_logs[1:], strict=True):
            self.log_sums[name] += float(value)

    def record(self, record) -> None:
        """``learning_channel`` rows: the three sums per student (÷ norm_days, the units of
        r) and the mean log of each quality factor."""
        scale = self.norm_days * max(self.students, 1)
        for name in LEARNING_SUMS:
            record.add("learning_channel", f"part={name}", self.sums[name] / scale)
        for name in LEARNING_FACTORS:
            value = self.log_sums[name] / self.log_weight if self.log_weight > 0 else 0.0
            record.add("learning_channel", f"part=log_{name}", value)


def record_attrition_channels(record, terms: dict[str, tuple[np.ndarray, np.ndarray]],
                              band: np.ndarray, bands: tuple[str, ...],
                              p_move: np.ndarray, p_leave: np.ndarray) -> None:
    """``attrition_channel`` rows for the teachers at risk: the band shares, each channel's
    mean log-odds term in the move and leave equations per band, the base log-odds per band,
    and the model's mean probabilities (``part=implied_move``/``implied_leave``)."""
    if band.size == 0:
        return
    count = np.bincount(band, minlength=len(bands)).astype(np.float64)
    for b, label in enumerate(bands):
        if count[b] == 0:
            continue
        record.add("attrition_channel", f"part=share,experience={label}", count[b] / band.size)
        inside = band == b
        for name, (move, leave) in terms.items():
            record.add("attrition_channel", f"part={name}_move,experience={label}",
                       float(move[inside].mean()))
            record.add("attrition_channel", f"part={name}_leave,experience={label}",
                       float(leave[inside].mean()))
    record.add("attrition_channel", "part=implied_move", float(p_move.mean()))
    record.add("attrition_channel", "part=implied_leave", float(p_leave.mean()))
