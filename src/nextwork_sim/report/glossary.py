"""Section 9 of the report: the limitations that apply to these results and a glossary of
every metric the report shows (``outcomes.METRICS``) and of the terms it uses."""

from __future__ import annotations

from ..outcomes import METRICS

TERMS = (
    ("95 % CI of the mean", "the 95 % t-interval of the mean over replications: where the "
     "mean would fall, 95 times in 100, if the comparison were rerun with new seeds. It is "
     "not the spread of single runs, years or schools (summary.csv's p2_5 and p97_5 give "
     "that)."),
    ("95 % CI of the difference", "the same interval for the scenario minus the baseline, "
     "paired replication by replication: both scenarios ran with the same random draws "
     "(common random numbers), so the difference's interval is narrower than the two "
     "scenarios' intervals suggest. An interval that includes 0 does not rule out no "
     "difference."),
    ("replication", "one run of a scenario with its own random draws; the runs of every "
     "scenario share them replication by replication."),
    ("baseline", "the scenario every other is compared with (the first given to compare)."),
    ("shared start", "every scenario burns in under the baseline's staffing and switches to "
     "its own at reported year 1: the transition from today's workforce is part of the "
     "result."),
    ("SD", "standard deviations of student achievement; a typical year's growth is about "
     "1.3 SD in grade 1 and 0.15 SD in grade 11."),
    ("assumption / sourced / fitted", "how a parameter's value is known: chosen by the "
     "project (assumption), given by a study or public statistic (sourced), or set by "
     "calibration against public targets (fitted)."),
)


def glossary(metrics) -> list[dict]:
    """One row per metric shown, in the order of ``outcomes.METRICS``; metrics not in the
    outputs contract (a validation target's) come last, marked."""
    shown = set(metrics)
    rows = [{"metric": name, "unit": m.unit, "population": m.population, "meaning": m.doc}
            for name, m in METRICS.items() if name in shown]
    rows += [{"metric": name, "unit": "", "population": "",
              "meaning": "named by a table of this folder; not an output of the model"}
             for name in sorted(shown - set(METRICS))]
    return rows


def limitations(folder, counts: dict[str, int]) -> list[str]:
    """Plain statements of what these results cannot say."""
    manifest, n = folder.manifest, folder.replications
    lines = []
    if n == 1:
        lines.append("One replication: the report shows no intervals, and a single run's "
                     "differences may be chance.")
    elif n < 5:
        lines.append(f"Only {n} replications: the intervals are wide, and a t-interval "
                     "over so few runs is rough.")
    if manifest.get("parameter_uncertainty"):
        lines.append("Each replication drew every kind=assumption parameter within ±20 % "
                     "(--parameter-uncertainty), so the intervals include that uncertainty.")
    else:
        lines.append("The intervals cover chance only (the random draws of the "
                     "replications), not uncertainty in the parameters: every parameter "
                     "held its value in every run (rerun with --parameter-uncertainty, or "
                     "sweep the parameters, to see how far results move).")
    lines.append(f"{counts['assumption']} of the model's {counts['classified']} classified "
                 "numbers are assumptions: the project chose the value, at most a study gave "
                 "its direction (section 7 lists them with their values).")
    presets = {c.get("district", {}).get("preset") for c in
               manifest.get("resolved_config", {}).values()
               if not c.get("district", {}).get("schools_csv")}
    if presets:
        lines.append(f"The district is synthetic (preset {', '.join(sorted(presets))}): "
                     "schools, students and staff are drawn from national compositions, "
                     "not a real district's records.")
    if folder.explain is None:
        lines.append("Why the scenarios differ is not decomposed here (run compare --explain "
                     "to add it).")
    if folder.sensitivity is None and folder.robustness is None:
        lines.append("No sensitivity or robustness analysis is in this folder.")
    if folder.validation is None:
        lines.append("No validation against held-out public data is in this folder.")
    lines.append("The results are the model's projections under its mechanisms and "
                 "parameters, not forecasts; the mechanisms and their sources are described "
                 "in the repository's docs/odd.md.")
    return lines
