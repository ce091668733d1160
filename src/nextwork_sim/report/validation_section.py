"""Section 8 of the report: calibration and validation tables, when the folder holds
``validation.csv`` (columns in folder.py) or ``calibration.csv`` (any columns)."""

from __future__ import annotations

import math

import pandas as pd


def _num(value) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4g}"
    return "" if value is None else str(value)


def _inside(value) -> bool | None:
    text = str(value).strip().lower()
    return {"true": True, "1": True, "1.0": True, "false": False, "0": False,
            "0.0": False}.get(text)


def validation_rows(table: pd.DataFrame) -> dict:
    """Each target: band, simulated mean and interval, and whether the band holds it."""
    rows = []
    for r in table.to_dict("records"):
        rows.append({"target": r["target"], "metric": r["metric"], "group": r["group"],
                     "value": _num(r["value"]), "band": f"{_num(r['low'])} to {_num(r['high'])}",
                     "seed": _num(r["seed"]), "sim_mean": _num(r["sim_mean"]),
                     "sim_interval": f"{_num(r['sim_low'])} to {_num(r['sim_high'])}",
                     "inside": _inside(r["inside"])})
    inside = sum(row["inside"] is True for row in rows)
    return {"rows": rows, "inside": inside, "total": len(rows)}


def generic_rows(table: pd.DataFrame) -> dict:
    return {"columns": list(table.columns),
            "rows": [[_num(v) for v in row] for row in table.itertuples(index=False)]}


def validation_section(validation: pd.DataFrame | None,
                       calibration: pd.DataFrame | None) -> dict | None:
    """None when the folder holds neither table (the section is left out)."""
    if validation is None and calibration is None:
        return None
    section = {"validation": None, "calibration": None, "metrics": []}
    if validation is not None:
        section["validation"] = validation_rows(validation)
        section["metrics"] += list(validation["metric"])
    if calibration is not None:
        section["calibration"] = generic_rows(calibration)
        if "metric" in calibration.columns:
            section["metrics"] += list(calibration["metric"])
    return section
