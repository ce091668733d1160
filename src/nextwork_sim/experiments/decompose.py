"""Why scenarios differ: an exact Shapley decomposition of each difference to the baseline
into the design elements that differ (issue "Why scenarios differ").

A design element is a group of config fields (``ELEMENT_NAMES``): the team *structure*
(model, roles, team sizes, allocation rule), *collaboration* time, *mentoring*, *time
funding* (extra time taken from the day or paid), *regrouping and looping*, the *credential*
route, the *advancement* rule and *pay* (the cost parameters). Which staffing field belongs
to which element is the field's tag (``staffing.settings.setting(element=...)``, in the
shared settings or a model's own ``Settings``), read by ``element_fields``; a field that
differs and has no tag is an error.
For every coalition S of the elements in which the scenario differs from the baseline, a
hybrid scenario takes the fields of S from the scenario and the rest from the baseline, and
is run with the same seeds (common random numbers, prepared as the compared scenarios were:
shared start, saved states). A phased scenario's fields are taken block by block: its
``[staffing]`` and each ``[[adoption]]`` entry's, on its own schedule. The Shapley value of an
element averages its marginal effect over all orders, so the contributions add up to the
total difference exactly, replication by replication; the intervals are over replications.
``interaction`` is reported too: the total minus the sum of one-at-a-time effects from the
baseline (how much the elements' effects depend on each other).

This answers "which part of the design produces the difference", each part acting through
whatever mechanisms it touches (``kind="design"`` rows). The same baseline and scenario runs
are also split by internal channel (load and efficacy, skill, allocation match, adult time;
load, satisfaction, pay, support, advancement; salaries, stipends, benefits, paid time,
transition, turnover, credentials) in ``explain_channels.py`` (``kind="channel"`` rows).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from pydantic_core import to_jsonable_python
from scipy import stats

from ..adoption import shared_start
from ..config import ConfigError, Scenario, validate
from ..staffing import settings_class
from ..staffing.settings import ELEMENTS as STAFFING_ELEMENTS
from ..staffing.settings import element_of
from .channel_parameters import assumption_share, channel_kinds
from .explain_channels import CHANNEL_METRICS, channel_contributions
from .runner import make_tasks, run_tasks, state_path
from .shapley import coalitions, shapley

#: Design elements, in the order coalitions are formed: every staffing field is tagged with
#: one of the staffing elements (``staffing.settings.setting``); *pay* is the cost parameters.
ELEMENT_NAMES: tuple[str, ...] = (*STAFFING_ELEMENTS, "pay")
PAY_FIELDS = ("parameters.costs",)
DEFAULT_METRICS = ("attrition_rate", "leave_rate", "mean_chronic_load", "mean_skill",
                   "achievement_growth", "months_of_learning", "cost_per_student")


def _get(data: dict, field: str):
    if field.startswith("parameters."):
        return data["parameters"].get(field.split(".", 1)[1])
    return data["staffing"].get(field)


def _set(data: dict, field: str, value) -> None:
    if field.startswith("parameters."):
        data["parameters"][field.split(".", 1)[1]] = value
    elif value is None:
        data["staffing"].pop(field, None)
    else:
        data["staffing"][field] = value


def _blocks(baseline: Scenario, scenario: Scenario) -> tuple[list, list[dict], list[dict]]:
    """The common adoption schedule (entries without their staffing) and each scenario's
    config as one dict per block of that schedule: block 0 holds ``[staffing]``, block i the
    staffing of the i-th ``[[adoption]]`` entry (a scenario without adoptions keeps its
    staffing in every block); ``parameters`` rides in every block. Scenarios phasing in on
    different schedules cannot be split into design elements: ConfigError."""
    dumps = [s.model_dump(mode="json", exclude_none=True) for s in (baseline, scenario)]
    schedules = [[{k: v for k, v in entry.items() if k != "staffing"}
                  for entry in data.get("adoption", [])] for data in dumps]
    if schedules[0] and schedules[1] and schedules[0] != schedules[1]:
        raise ConfigError(f"explain: {scenario.name} and {baseline.name} phase in on "
                          "different [[adoption]] schedules; the decomposition splits "
                          "staffing and pay, not schedules")
    schedule = schedules[1] or schedules[0]
    blocks = []
    for data in dumps:
        staffing = [data["staffing"]] + [entry["staffing"] for entry in data.get("adoption", [])]
        blocks.append([copy.deepcopy({"staffing": staffing[min(i, len(staffing) - 1)],
                                      "parameters": data["parameters"]})
                       for i in range(len(schedule) + 1)])
    return schedule, blocks[0], blocks[1]


def _staffing_fields(*blocks: dict) -> dict:
    """``{field: FieldInfo}`` of the staffing settings of every block's model (the shared
    fields and each model's own)."""
    fields: dict = {}
    for block in blocks:
        fields.update(settings_class(block["staffing"]["model"]).model_fields)
    return fields


def _value(block: dict, name: str, field):
    """A staffing field's value in a block, as dumped; a block whose model does not have the
    field (or left it out as None) holds its default: that is what the field is when a
    hybrid takes this block's value into a model that has it."""
    staffing = block["staffing"]
    if name in staffing:
        return staffing[name]
    return to_jsonable_python(field.get_default(call_default_factory=True))


def element_fields(baseline: Scenario, scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """The fields of each design element, from the tags of the staffing settings of the
    models the two scenarios run (``[staffing]`` and every ``[[adoption]]``); *pay* is
    ``parameters.costs``. A staffing field that differs between them and has no element
    raises ConfigError: left out, the hybrids would keep the baseline's value and the parts
    would no longer add up to the difference."""
    _, mine, theirs = _blocks(baseline, scenario)
    out: dict[str, list[str]] = {name: [] for name in ELEMENT_NAMES}
    out["pay"] = list(PAY_FIELDS)
    for a, b in zip(mine, theirs, strict=True):
        for name, field in _staffing_fields(a, b).items():
            element = element_of(field)
            if element is None:
                if _value(a, name, field) != _value(b, name, field):
                    raise ConfigError(
                        f"explain: staffing.{name} differs between {baseline.name} and "
                        f"{scenario.name} but has no design element; tag it in its model's "
                        "Settings with staffing.settings.setting(element=...) (elements: "
                        f"{', '.join(STAFFING_ELEMENTS)})")
                continue
            if name not in out[element]:
                out[element].append(name)
    return {name: tuple(fields) for name, fields in out.items()}


def _differs(a: dict, b: dict, name: str) -> bool:
    if name.startswith("parameters."):
        return _get(a, name) != _get(b, name)
    fields = _staffing_fields(a, b)
    return name in fields and _value(a, name, fields[name]) != _value(b, name, fields[name])


def differing_elements(baseline: Scenario, scenario: Scenario) -> list[str]:
    """The design elements in which ``scenario`` differs from ``baseline``, in the order of
    ``ELEMENT_NAMES``."""
    _, a, b = _blocks(baseline, scenario)
    elements = element_fields(baseline, scenario)
    return [name for name, fields in elements.items()
            if any(_differs(x, y, f) for x, y in zip(a, b, strict=True) for f in fields)]


def hybrid(baseline: Scenario, scenario: Scenario, coalition: tuple[str, ...],
           code: int = 0) -> Scenario:
    """The baseline with the scenario's fields of the elements in ``coalition``, in every
    block of the schedule (the scenario's ``[[adoption]]`` schedule, or the baseline's). A
    field the hybrid's model does not have is left out: it has no effect under that model,
    as under the baseline's."""
    schedule, mine, theirs = _blocks(baseline, scenario)
    elements = element_fields(baseline, scenario)
    data = baseline.model_dump(mode="json", exclude_none=True)
    for block, source in zip(mine, theirs, strict=True):
        for name in coalition:
            for field in elements[name]:
                _set(block, field, _get(source, field))
        own = settings_class(block["staffing"]["model"]).model_fields
        block["staffing"] = {k: v for k, v in block["staffing"].items() if k in own}
    data["staffing"], data["parameters"] = mine[0]["staffing"], mine[0]["parameters"]
    data["adoption"] = [{**entry, "staffing": block["staffing"]}
                        for entry, block in zip(schedule, mine[1:], strict=True)]
    data["name"] = f"{scenario.name[:48]}__c{code}"
    return validate(data, f"decomposition of {scenario.name}")


def hybrids(baseline: Scenario, scenario: Scenario,
            prepare: Callable[[Scenario], Scenario] | None = None) -> dict[tuple, Scenario]:
    """Every coalition's hybrid, prepared to run as the compared scenarios ran (``prepare``;
    default: a shared start from the baseline). The full coalition's is the scenario as
    compared, but for its name."""
    if prepare is None:
        def prepare(hybrid_scenario):
            return shared_start(baseline, hybrid_scenario)
    return {c: prepare(hybrid(baseline, scenario, c, i))
            for i, c in enumerate(coalitions(differing_elements(baseline, scenario)))}


def decompose(baseline: Scenario, scenario: Scenario, seed: int, replications: int,
              years: int | None, metrics=DEFAULT_METRICS, executor: str = "local",
              workers: int = 1, scheduler: str | None = None,
              prepare: Callable[[Scenario], Scenario] | None = None,
              state_dir: str | None = None,
              progress: Callable[[], None] | None = None) -> pd.DataFrame:
    """Tidy table: scenario, metric, kind, mechanism, contribution, ci_low, ci_high. ``kind``
    is ``design`` (Shapley over design elements; ``total`` and ``interaction`` rows) or
    ``channel`` (explain_channels.py; ``total``, ``chance`` and residual rows).

    ``baseline`` and ``scenario`` as configured; ``prepare`` turns each hybrid into what
    runs, as the comparison did with the scenarios (default: a shared start from the
    baseline); ``state_dir``: every run starts from the saved states there; ``progress()`` is
    called as each run finishes (2^k coalitions x replications runs)."""
    elements = differing_elements(baseline, scenario)
    prepared = hybrids(baseline, scenario, prepare)
    tasks = []
    for point, (_, hybrid_scenario) in enumerate(prepared.items()):
        tasks += make_tasks([hybrid_scenario], seed, replications, years, point=point)
    if state_dir is not None:
        tasks = [{**item, "state": state_path(state_dir, item["replication"])}
                 for item in tasks]
    tables = {}
    for rid, table in run_tasks(tasks, executor, workers, scheduler):
        tables[rid] = table
        if progress is not None:
            progress()
    everything = pd.concat(tables.values(), ignore_index=True)
    table = everything[(everything["group"] == "all") & everything["metric"].isin(metrics)]
    per_run = table.groupby(["point", "replication", "metric"])["value"].mean()
    keys = list(prepared)
    rows = []
    for metric in metrics:
        per_replication = []
        for r in range(replications):
            values = {keys[p]: per_run.get((p, r, metric), np.nan) for p in range(len(keys))}
            contributions = shapley(values, elements)
            total = values[tuple(elements)] - values[()]
            singles = sum(values[(e,)] - values[()] for e in elements)
            per_replication.append({**contributions, "total": total,
                                    "interaction": total - singles})
        rows += _summarize(pd.DataFrame(per_replication), scenario.name, metric, "design")
    if elements:
        rows += _channel_rows(everything, len(keys) - 1, replications, baseline, scenario.name,
                              metrics)
    return pd.DataFrame(rows)


def _summarize(frame: pd.DataFrame, scenario: str, metric: str, kind: str) -> list[dict]:
    """Mean and 95 % t-interval over replications of each column."""
    rows = []
    for mechanism in frame.columns:
        x = frame[mechanism].to_numpy(dtype=float)
        mean = float(np.mean(x))
        half = (stats.t.ppf(0.975, len(x) - 1) * np.std(x, ddof=1) / np.sqrt(len(x))
                if len(x) > 1 else float("nan"))
        rows.append({"scenario": scenario, "metric": metric, "kind": kind,
                     "mechanism": mechanism, "contribution": mean, "ci_low": mean - half,
                     "ci_high": mean + half})
    return rows


def _channel_rows(table: pd.DataFrame, scenario_point: int, replications: int,
                  baseline: Scenario, scenario: str, metrics) -> list[dict]:
    metrics = [m for m in CHANNEL_METRICS if m in metrics]
    per_metric: dict[str, list[dict]] = {}
    for r in range(replications):
        runs = [table[(table["point"] == p) & (table["replication"] == r)]
                for p in (0, scenario_point)]
        contributions = channel_contributions(*runs, baseline.parameters.learning, metrics)
        for metric, parts in contributions.items():
            per_metric.setdefault(metric, []).append(parts)
    rows = []
    for metric, parts in per_metric.items():
        rows += _labelled(_summarize(pd.DataFrame(parts), scenario, metric, "channel"))
    return rows


def _labelled(rows: list[dict]) -> list[dict]:
    """One metric's channel rows with the kinds of the parameters behind each channel and,
    on the ``total`` row, the share of the difference resting on assumptions
    (channel_parameters.py)."""
    share = assumption_share({row["mechanism"]: row["contribution"] for row in rows})
    out = []
    for row in rows:
        if row["mechanism"] == "total":
            out.append({**row, "assumption_share": share})
            continue
        kinds = channel_kinds(row["mechanism"])
        out.append({**row, "parameter_kinds": "+".join(kinds),
                    "rests_on_assumption": "assumption" in kinds})
    return out


def _assumption_note(part: pd.DataFrame) -> str:
    """" Of what the channels explain, 62 % rests on assumptions." for a channel table."""
    share = assumption_share(dict(zip(part["mechanism"], part["contribution"], strict=True)))
    if math.isnan(share):
        return ""
    return f" Of what the channels explain, {share:.0%} rests on assumptions."


def sentences(table: pd.DataFrame, baseline: str) -> list[str]:
    """One plain sentence per scenario and metric."""
    out = []
    if "kind" not in table:
        table = table.assign(kind="design")
    for (scenario, metric, kind), part in table.groupby(["scenario", "metric", "kind"],
                                                        sort=False):
        total = part.loc[part["mechanism"] == "total", "contribution"].iloc[0]
        shares = part[~part["mechanism"].isin(["total", "interaction"])].copy()
        what = "design element" if kind == "design" else "channel"
        note = _assumption_note(part) if kind == "channel" else ""
        if abs(total) < 1e-12 or shares.empty:
            out.append(f"{metric}: {scenario} and {baseline} do not differ.")
            continue
        shares["share"] = shares["contribution"] / total
        if shares["share"].abs().max() > 1.5:  # a small net of large opposite parts
            parts = shares.reindex(shares["contribution"].abs().sort_values(
                ascending=False).index)
            listed = ", ".join(f"{row.mechanism} {row.contribution:+.4g}"
                               for row in parts.head(5).itertuples())
            out.append(f"{metric}: {scenario} differs from {baseline} by {total:+.4g}, the "
                       f"net of larger {what} parts that offset each other: {listed}.{note}")
            continue
        shares = shares[shares["share"].abs() >= 0.005].sort_values("share", ascending=False)
        if shares.empty:
            out.append(f"{metric}: {scenario} differs from {baseline} by {total:+.4g}; no "
                       f"single {what} accounts for it.{note}")
            continue
        lead = shares.iloc[0]
        rest = ", ".join(f"{row.mechanism} {row.share:.0%}" for row in shares.iloc[1:].itertuples())
        out.append(f"{metric}: {scenario} differs from {baseline} by {total:+.4g}; by {what}, "
                   f"{lead.share:.0%} of it comes from {lead.mechanism}"
                   + (f" (then {rest})." if rest else ".") + note)
    return out
