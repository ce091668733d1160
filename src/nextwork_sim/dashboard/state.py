"""The dashboard's state: where results and configs live (one per server, set by the
command), and what each browser session has chosen (Solara reactive variables: every
session, i.e. browser tab, has its own values)."""

from __future__ import annotations

import os
from pathlib import Path

import solara

RESULTS_ENV = "NEXTWORK_DASHBOARD_RESULTS"
CONFIGS_ENV = "NEXTWORK_DASHBOARD_CONFIGS"


def results_root() -> Path:
    """The folder whose results folders the dashboard shows and where its runs go."""
    return Path(os.environ.get(RESULTS_ENV, "results"))


def configs_dir() -> Path:
    """The folder of config files a scenario can start from."""
    return Path(os.environ.get(CONFIGS_ENV, "configs"))


def configure(results: str | Path, configs: str | Path) -> None:
    """Point the dashboard at a results folder and a configs folder (environment variables,
    so a server started in another process sees them too)."""
    os.environ[RESULTS_ENV] = str(results)
    os.environ[CONFIGS_ENV] = str(configs)


# --- the results page
folder = solara.reactive("")            # path of the chosen folder, relative to results_root
chosen = solara.reactive([])            # scenarios shown
metric = solara.reactive("attrition_rate")
group = solara.reactive("all")
against = solara.reactive("")           # the baseline of the difference figure
subject_metric = solara.reactive("shortage_share")  # of the shortage-by-subject view

# --- the scenario page: the edited scenario is base + edits, renamed
base_name = solara.reactive("")         # a config file stem under configs_dir()
scenario_name = solara.reactive("")
model = solara.reactive("")
lever_values = solara.reactive({})      # dotted path -> text typed in its input

# --- the run page
run_baseline = solara.reactive("traditional")
run_preset = solara.reactive("school")
run_years = solara.reactive(3)
run_replications = solara.reactive(2)
run_workers = solara.reactive(1)
last_run = solara.reactive(None)        # dict describing the last finished run
