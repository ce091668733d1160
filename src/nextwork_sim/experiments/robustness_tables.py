"""The tables, figures and folder of ``nextwork-sim robustness`` (robustness.py runs it).

``robustness_table.csv`` is tidy, one row per number, columns ``COLUMNS``:

- ``stage = default``, ``index = difference``: B - A with every parameter at its value;
- ``stage = morris``: ``mu``, ``mu_star`` (with its bootstrap interval) and ``sigma`` per
  parameter and headline difference; ``stage = sobol``: ``S1`` and ``ST`` of the selected
  parameters (95 % bootstrap intervals); both with ``exceeds_dummy`` (sensitivity.py);
- the same two stages, parameter empty: the distribution of the difference over the stage's
  parameter draws: ``sign_share`` (the share of draws whose difference has the default
  difference's sign: -, 0 or +), ``mean``, ``p05``, ``p95``, ``min``, ``max``;
- ``stage = selection``: every varied parameter's ``score`` (largest share of a difference's
  top mu*) and ``rank`` (1 = most influential; the first ``top`` went to Sobol);
- ``stage = swing``: B - A with one selected parameter at the low end (``at_low``) or the
  high end (``at_high``) of its range, the others at their values.

``low`` and ``high`` give the parameter's range on every row that names a parameter.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import to_toml
from .storage import publish_folder, temporary_sibling

COLUMNS = ["stage", "metric", "group", "reducer", "parameter", "index", "value", "conf",
           "ci_low", "ci_high", "exceeds_dummy", "low", "high"]
TABLE = "robustness_table.csv"
LOW, HIGH, ST, S1 = "#0173b2", "#de8f05", "#029e73", "#cc78bc"


def _split(column: str) -> dict:
    metric, group, reducer = column.split("|")
    return {"metric": metric, "group": group, "reducer": reducer}


def rank_parameters(morris: pd.DataFrame, names: list[str], dummy: str) -> pd.DataFrame:
    """Every parameter of ``names`` with its ``score`` and ``rank``: per headline difference
    mu* divided by that difference's largest mu* (0 when nothing moves it), the score is the
    largest share over differences, ties broken by the sum of the shares, then by name."""
    mu = morris[(morris["index"] == "mu_star") & (morris["parameter"] != dummy)]
    wide = mu.pivot_table(index="parameter", columns=["metric", "group", "reducer"],
                          values="value", aggfunc="first").reindex(names).fillna(0.0)
    top = wide.max(axis=0)
    shares = wide.div(top.where(top > 0)).fillna(0.0) if len(wide.columns) else wide
    ranked = pd.DataFrame({"parameter": names,
                           "score": shares.max(axis=1).to_numpy() if len(shares.columns)
                           else np.zeros(len(names)),
                           "total": shares.sum(axis=1).to_numpy()})
    ranked = ranked.sort_values(["score", "total", "parameter"],
                                ascending=[False, False, True], kind="mergesort")
    return ranked.assign(rank=np.arange(1, len(ranked) + 1)).reset_index(drop=True)


def draw_summary(differences: pd.DataFrame, default: pd.Series, stage: str) -> pd.DataFrame:
    """Per headline difference, over the stage's draws: sign share, mean, p05, p95, min, max."""
    rows = []
    for column in differences.columns:
        d = differences[column].to_numpy(dtype=float)
        d = d[np.isfinite(d)]
        if not len(d) or not np.isfinite(default[column]):
            continue
        values = {"sign_share": float(np.mean(np.sign(d) == np.sign(default[column]))),
                  "mean": float(d.mean()), "p05": float(np.quantile(d, 0.05)),
                  "p95": float(np.quantile(d, 0.95)), "min": float(d.min()),
                  "max": float(d.max())}
        rows += [{"stage": stage, **_split(column), "parameter": "", "index": index,
                  "value": value} for index, value in values.items()]
    return pd.DataFrame(rows)


def tidy_table(default, morris, morris_d, ranking, varied, chosen, sobol, sobol_d,
               swing_d) -> pd.DataFrame:
    """Everything the analysis found, as the tidy table of the module docstring."""
    reference = default.iloc[0]
    parts = [pd.DataFrame([{"stage": "default", **_split(c), "parameter": "",
                            "index": "difference", "value": float(reference[c])}
                           for c in default.columns]),
             morris.assign(stage="morris"), draw_summary(morris_d, reference, "morris"),
             pd.concat([ranking.assign(stage="selection", index=index, value=ranking[index],
                                       metric="", group="", reducer="")
                        for index in ("score", "rank")], ignore_index=True),
             sobol.assign(stage="sobol"), draw_summary(sobol_d, reference, "sobol")]
    swings = []
    for i, (assumption, end) in enumerate((a, e) for a in chosen for e in ("at_low", "at_high")):
        swings += [{"stage": "swing", **_split(c), "parameter": assumption.path, "index": end,
                    "value": float(swing_d[c].iloc[i])} for c in swing_d.columns]
    parts.append(pd.DataFrame(swings))
    table = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    ranges = {a.path: (a.low, a.high) for a in varied}
    table["low"] = [ranges.get(p, (np.nan, np.nan))[0] for p in table["parameter"]]
    table["high"] = [ranges.get(p, (np.nan, np.nan))[1] for p in table["parameter"]]
    return table.reindex(columns=COLUMNS)


def _outcome_rows(table: pd.DataFrame, stage: str, column: str) -> pd.DataFrame:
    keys = _split(column)
    mask = table["stage"] == stage
    for key, value in keys.items():
        mask &= table[key] == value
    return table[mask]


#: short names of the headline differences, for the console table
SHORT = {"attrition_rate|all": "attrition", "leave_rate|all": "leave",
         "achievement_growth|all": "growth (SD/yr)", "achievement_gap|low_income=true":
         "gap, low income", "achievement_gap|race=black": "gap, Black",
         "achievement_gap|race=hispanic": "gap, Hispanic", "cost_per_student|all":
         "cost per student"}


def headline_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per headline difference: default difference, sign shares over the Morris and
    the Sobol draws, the Sobol draws' 5th and 95th percentiles, and the parameter with the
    largest total-order index (with its interval)."""
    rows = []
    for r in table[table["stage"] == "default"].itertuples(index=False):
        column = f"{r.metric}|{r.group}|{r.reducer}"
        pick = {stage: _outcome_rows(table, stage, column).set_index("index")["value"]
                for stage in ("morris", "sobol")}
        pick = {stage: part[~part.index.duplicated()] for stage, part in pick.items()}
        sobol = _outcome_rows(table, "sobol", column)
        total = sobol[(sobol["index"] == "ST") & (sobol["parameter"] != "dummy")]
        leading = ""
        if len(total) and total["value"].notna().any():
            best = total.loc[total["value"].idxmax()]
            leading = (f"{best['parameter'].rsplit('.', 1)[-1]} {best['value']:.2f}"
                       f"±{best['conf']:.2f}")
        rows.append({"metric": r.metric, "group": r.group,
                     "label": SHORT.get(f"{r.metric}|{r.group}", f"{r.metric} {r.group}"),
                     "default": r.value,
                     "sign_morris": pick["morris"].get("sign_share", np.nan),
                     "sign_sobol": pick["sobol"].get("sign_share", np.nan),
                     "p05": pick["sobol"].get("p05", np.nan),
                     "p95": pick["sobol"].get("p95", np.nan), "leading": leading})
    return pd.DataFrame(rows)


def tornado(table: pd.DataFrame, column: str, path: Path, names: tuple[str, str]) -> Path:
    """One headline difference: the one-at-a-time swings around the default difference (0
    marked: a bar across it flips the sign), and each selected parameter's total-order index
    with its 95 % interval (first order inside)."""
    from ..report.style import new_figure, save_png, seaborn_style  # start-up time

    keys = _split(column)
    reference = float(_outcome_rows(table, "default", column)["value"].iloc[0])
    swings = _outcome_rows(table, "swing", column).pivot_table(
        index="parameter", columns="index", values="value", aggfunc="first")
    swings = swings.assign(width=(swings["at_high"] - swings["at_low"]).abs()).sort_values(
        "width")
    sobol = _outcome_rows(table, "sobol", column)
    share = sobol[sobol["index"] == "sign_share"]["value"]
    total = sobol[(sobol["index"] == "ST") & (sobol["parameter"] != "dummy")]  # 0 under CRN
    total = total.set_index("parameter").sort_values("value")
    first = sobol[sobol["index"] == "S1"].set_index("parameter")["value"]
    label = lambda p: p.removeprefix("parameters.")  # noqa: E731
    with seaborn_style("paper", font_scale=1.0):
        figure = new_figure(11, 0.32 * max(len(swings), len(total), 4) + 2.4)
        left, right = figure.subplots(1, 2)
        y = np.arange(len(swings))
        left.barh(y, swings["at_low"] - reference, left=reference, color=LOW, height=0.7,
                  label="parameter at its low end")
        left.barh(y, swings["at_high"] - reference, left=reference, color=HIGH, height=0.7,
                  alpha=0.85, label="parameter at its high end")
        left.set_yticks(y, [label(p) for p in swings.index])
        left.axvline(reference, color="black", linewidth=1, label="default difference")
        left.axvline(0, color="red", linewidth=1, linestyle="--", label="no difference")
        left.set_xlabel(f"{names[1]} − {names[0]}")
        left.legend(frameon=False, fontsize="x-small", loc="upper center",
                    bbox_to_anchor=(0.5, -0.12 - 0.6 / figure.get_figheight()), ncol=2)
        y = np.arange(len(total))
        error = [(total["value"] - total["ci_low"]).clip(lower=0).fillna(0),
                 (total["ci_high"] - total["value"]).clip(lower=0).fillna(0)]
        right.barh(y, total["value"], color=ST, height=0.7, label="ST")
        right.barh(y, first.reindex(total.index).fillna(0), color=S1, height=0.35, label="S1")
        right.errorbar(total["value"], y, xerr=error, fmt="none", ecolor="black",
                       elinewidth=0.8, capsize=2, label="ST 95 % interval", zorder=3)
        right.set_yticks(y, [label(p) for p in total.index])
        right.axvline(0, color="grey", linewidth=0.8)
        right.set_xlabel("Sobol index (share of the difference's variance)")
        right.legend(frameon=False, fontsize="x-small", loc="upper center",
                     bbox_to_anchor=(0.5, -0.12 - 0.6 / figure.get_figheight()), ncol=3)
        kept = f"; sign kept in {float(share.iloc[0]):.0%} of Sobol draws" if len(share) else ""
        figure.suptitle(f"{keys['metric']} · {keys['group']} ({keys['reducer']}): "
                        f"{names[1]} − {names[0]} = {reference:.4g}{kept}", fontsize="medium")
        figure.tight_layout()
        return save_png(figure, path)


def figure_name(column: str) -> str:
    keys = _split(column)
    group = keys["group"].replace("=", "-")
    return f"tornado_{keys['metric']}_{group}.png"


def write_folder(plan, manifest: dict, table: pd.DataFrame, stages: dict) -> Path:
    """The results folder, whole or not at all: written into a temporary sibling, then
    renamed over ``plan.out`` (an old folder is replaced only with ``--overwrite``, checked
    when the plan was made)."""
    out = plan.out
    tmp = temporary_sibling(out)
    try:
        (tmp / "config").mkdir(parents=True)
        for side, scenario in (("A", plan.baseline), ("B", plan.scenario)):
            (tmp / "config" / f"{side}_{scenario.name}.toml").write_text(to_toml(scenario))
        table.to_csv(tmp / TABLE, index=False, float_format="%.6g")
        differences = []
        for stage, (spec, points, found) in stages.items():
            names = [p.field for p in spec.parameters] + ["dummy"]
            pd.DataFrame(points, columns=names).rename_axis("point").to_csv(
                tmp / f"points_{stage}.csv", float_format="%.17g")
            differences.append(found.reset_index().assign(stage=stage))
        pd.concat(differences, ignore_index=True).set_index(["stage", "point"]).to_csv(
            tmp / "differences.csv", float_format="%.10g")
        names = tuple(manifest["scenarios"])
        for column in manifest["headline"]:
            if (_outcome_rows(table, "default", column)["value"].notna().any()):
                tornado(table, column, tmp / figure_name(column), names)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True,
                                                      default=str))
        publish_folder(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out
