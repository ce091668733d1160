"""The ``calibrate``, ``validate`` and ``set-defaults`` commands, added to the ``nextwork-sim``
app by ``register(app)`` (docs/calibration.md). Bad input prints one line and exits 2."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..cli_errors import fail
from ..config import ConfigError
from ..experiments.commands import progress_bar
from ..experiments.progress import ticker
from .parameter_file import set_defaults as write_defaults
from .parameter_file import write_parameter_file

# piped output is read as a file, not a screen: wide enough for a table of three seeds
console = Console(width=None if sys.stdout.isatty() else 120)
TARGETS = Path("configs/calibration/targets.csv")

Targets = Annotated[Path, typer.Option(help="targets CSV (docs/calibration.md §1)")]
Preset = Annotated[str, typer.Option(help="district preset to run (school, district, state) "
                                          "or 'config' for the config's own district")]
Reps = Annotated[int, typer.Option(min=2, max=1000, help="replications per seed")]
Years = Annotated[int, typer.Option(min=1, max=50, help="reported years per run")]
Workers = Annotated[int, typer.Option(min=1, max=256, help="worker processes")]
Quiet = Annotated[bool, typer.Option(help="no progress bar")]


def _fail(message: str) -> None:
    fail(message)


def _preset(preset: str) -> str | None:
    if preset not in ("school", "district", "state", "config"):
        _fail(f"--preset {preset!r}: allowed: school, district, state, config")
    return None if preset == "config" else preset


def _cell(row) -> str:
    if row.sim_mean != row.sim_mean:  # NaN: the runs have no such group
        return "not measured"
    half = row.sim_high - row.sim_mean
    text = f"{row.sim_mean:.3g}" + ("" if half != half else f"±{half:.2g}")
    return text if row.inside else f"[red]{text}[/]"


def _fit_table(summary, title: str) -> Table:
    """One line per target: its band, then per seed the simulated mean ± the half-width of
    its 95 % interval (red when outside the band), then whether it is inside at every
    seed."""
    if "seed" not in summary.columns:
        summary = summary.assign(seed=0)
    seeds = sorted(summary["seed"].unique())
    view = Table(title=title, title_justify="left")
    view.add_column("target", no_wrap=True)
    view.add_column("band", no_wrap=True)
    for seed in seeds:
        view.add_column(f"seed {seed}", no_wrap=True)
    view.add_column("inside", no_wrap=True)
    for target, rows in summary.groupby("target", sort=False):
        first = rows.iloc[0]
        by_seed = {row.seed: _cell(row) for row in rows.itertuples(index=False)}
        view.add_row(target, f"{first['low']:g}-{first['high']:g}",
                     *[by_seed.get(seed, "") for seed in seeds],
                     "yes" if rows["inside"].all() else "[red]no[/]")
    return view


def calibrate(config: Annotated[Path, typer.Argument(help="the config to fit")],
              targets: Targets = TARGETS,
              trials: Annotated[int, typer.Option(min=1, max=100000,
                                                  help="completed trials the study should "
                                                       "hold (a resumed study counts its own)")]
              = 80,
              storage: Annotated[str, typer.Option(help="Optuna storage URL; a killed "
                                                        "calibration resumes from it")]
              = "sqlite:///calibration.db",
              out: Annotated[Path, typer.Option(help="parameter file to write")]
              = Path("fitted_parameters.toml"),
              preset: Preset = "state", replications: Reps = 8, years: Years = 3,
              seed: Annotated[int, typer.Option(min=0, help="seed of every trial")] = 0,
              warm_start: Annotated[int, typer.Option(min=0, max=20, help="fixed-point "
                                                      "steps before CMA-ES")] = 3,
              step: Annotated[float, typer.Option(min=0.001, max=0.5, help="CMA-ES's "
                                                  "first step, as a share of each range")]
              = 0.03,
              only: Annotated[list[str] | None, typer.Option(
                  help="fit only parameters whose path starts with this (repeatable)")] = None,
              workers: Workers = 2, quiet: Quiet = False) -> None:
    """Fit the parameters of kind `fitted` to the calibrate rows of a targets file."""
    from .fitting import Settings  # start-up time
    from .fitting import calibrate as fit_parameters  # start-up time
    if out.exists() and out.is_dir() or not out.parent.is_dir():
        _fail(f"--out {out}: must be a file in an existing folder")
    settings = Settings(preset=_preset(preset), replications=replications, years=years,
                        seed=seed, warm_start=warm_start, sigma=step,
                        workers=workers)
    try:
        with progress_bar(quiet) as bar:
            fit = fit_parameters(config, targets, trials=trials, storage=storage,
                                 settings=settings, only=only,
                                 progress=ticker(bar, "calibration trials"))
    except ConfigError as error:
        _fail(str(error))
    write_parameter_file(out, fit.values, {**fit.header, "loss": round(fit.loss, 6),
                                           "trials": fit.trials,
                                           "seconds": round(fit.seconds, 1)})
    console.print(_fit_table(fit.summary, f"best of {fit.trials} trials (loss {fit.loss:.4f})"))
    inside = int(fit.summary["inside"].sum())
    console.print(f"{inside} of {len(fit.summary)} targets inside their bands at seed {seed}; "
                  f"values written to {out}")


def validate(config: Annotated[Path | None, typer.Argument(
                 help="the config to check against the targets (not with --contrasts)")] = None,
             targets: Targets = TARGETS,
             seeds: Annotated[str, typer.Option(help="comma-separated seeds")] = "0,1,2",
             out: Annotated[Path, typer.Option(help="folder for validation.csv and .png")]
             = Path("results/validation"),
             preset: Preset = "state", replications: Reps = 8, years: Years = 3,
             workers: Workers = 2, quiet: Quiet = False,
             contrasts: Annotated[Path | None, typer.Option(
                 help="a folder of contrasts CSVs (configs/validation) or one CSV: run the "
                      "published contrasts at each row's own preset, years, replications and "
                      "seed instead of CONFIG against the targets (docs/calibration.md §5)")]
             = None) -> None:
    """Report the fit of CONFIG to every calibrate row, at several seeds, or with --contrasts
    the published contrasts the model was not fitted to (exit 0 whatever)."""
    from .validation import validate as check_fit  # start-up time
    from .validation import verdict, write_outputs  # start-up time

    if contrasts is not None:
        if config is not None:
            _fail(f"{config}: give CONFIG or --contrasts, not both (a contrast names its "
                  "own configs)")
        _validate_contrasts(contrasts, out, workers, quiet)
        return
    if config is None:
        _fail("validate: give a CONFIG to check against --targets, or --contrasts DIR")

    try:
        seed_list = tuple(int(s) for s in seeds.split(",") if s.strip())
    except ValueError:
        _fail(f"--seeds {seeds!r}: expected comma-separated whole numbers, e.g. 0,1,2")
    if any(s < 0 for s in seed_list):
        _fail(f"--seeds {seeds!r}: seeds are 0 or more")
    if out.exists() and not out.is_dir():
        _fail(f"--out {out}: exists and is not a folder")
    try:
        with progress_bar(quiet) as bar:
            table = check_fit(config, targets, seeds=seed_list, preset=_preset(preset),
                              replications=replications, years=years, workers=workers,
                              progress=ticker(bar, "simulated years"))
    except ConfigError as error:
        _fail(str(error))
    csv, png = write_outputs(table, out)
    console.print(_fit_table(table, f"{config} against {targets}"))
    rows = verdict(table)
    imprecise = rows.loc[~rows["precise"], "target"].tolist()
    if imprecise:
        console.print("interval wider than a quarter of the band (more replications or a "
                      f"larger preset would settle it): {', '.join(imprecise)}")
    console.print(f"wrote {csv} and {png}")
    console.print(f"{int(rows['inside'].sum())} of {len(rows)} targets inside their bands "
                  f"(at every seed of {', '.join(map(str, seed_list))})")


def _contrast_table(table, title: str) -> Table:
    """One line per contrast: published estimate and interval, simulated mean and 95 %
    interval (red when the mean is outside), inside, check-only, seconds (units: the CSV)."""
    view = Table(title=title, title_justify="left")
    for name in ("contrast", "published (interval)", "simulated (95% CI)", "inside",
                 "check-only", "seconds"):
        view.add_column(name, no_wrap=True)
    for row in table.itertuples(index=False):
        simulated = (f"{row.sim_mean:.3g} ({row.sim_low:.3g} to {row.sim_high:.3g})"
                     if row.sim_mean == row.sim_mean else "not measured")
        view.add_row(row.id,
                     f"{row.estimate:.3g} ({row.low:.3g} to {row.high:.3g})",
                     simulated if row.inside else f"[red]{simulated}[/]",
                     "yes" if row.inside else "[red]no[/]",
                     "yes" if row.check_only else "no", f"{row.seconds:g}")
    return view


def _validate_contrasts(folder: Path, out: Path, workers: int, quiet: bool) -> None:
    from .contrasts import read_contrasts, run_contrasts  # start-up time
    from .contrasts import write_outputs as write_contrasts  # start-up time

    if out.exists() and not out.is_dir():
        _fail(f"--out {out}: exists and is not a folder")
    try:
        rows = read_contrasts(folder)
    except ConfigError as error:
        _fail(str(error))
    with progress_bar(quiet) as bar:
        table = run_contrasts(rows, workers=workers, progress=ticker(bar, "contrast runs"))
    csv, markdown, png = write_contrasts(table, out)
    console.print(_contrast_table(table, f"published contrasts ({folder})"))
    console.print(f"wrote {csv}, {markdown} and {png}")
    console.print(f"{int(table['inside'].sum())} of {len(table)} contrasts inside their "
                  "intervals")


def set_defaults(parameters: Annotated[Path, typer.Argument(
        help="a parameter file written by calibrate")]) -> None:
    """Write a parameter file's values into parameters.py as the shipped defaults (then
    regenerate docs/parameters.md, the equilibrium and the golden baseline)."""
    try:
        changes = write_defaults(parameters)
    except ConfigError as error:
        _fail(str(error))
    for dotted, old, new in changes:
        console.print(f"parameters.{dotted}: {old} -> {new}", highlight=False)
    console.print("next: nextwork-sim params --output docs/parameters.md; the equilibrium "
                  "(docs/calibration.md §3); make golden")


def register(app: typer.Typer) -> None:
    """Add the calibration commands to ``app``."""
    app.command()(calibrate)
    app.command()(validate)
    app.command("set-defaults")(set_defaults)
