"""The Solara app (``SOLARA_APP=nextwork_sim.dashboard.app``): three pages, each a route
with a button in the app bar."""

from __future__ import annotations

import solara

from .pages import ResultsPage, ScenarioPage
from .run_page import RunPage


@solara.component
def Layout(children=()):
    """Solara's app layout with a button per page in the app bar, named by its route's
    label (Solara's own tabs name a page by its path)."""
    current, pages = solara.use_route()
    router = solara.use_router()

    def go(route: solara.Route):
        return lambda: router.push("/" if route.path == "/" else f"/{route.path}")

    with solara.AppLayout(title="nextwork-sim dashboard", navigation=False) as layout:
        with solara.AppBar():
            for route in pages:
                solara.Button(route.label, text=True, on_click=go(route),
                              outlined=route is current, classes=["nextwork-page-button"])
        solara.Column(children=list(children))
    return layout


# the root route's layout wraps every page
routes = [
    solara.Route(path="/", component=ResultsPage, label="Results", layout=Layout),
    solara.Route(path="scenario", component=ScenarioPage, label="Scenario"),
    solara.Route(path="run", component=RunPage, label="Run"),
]
