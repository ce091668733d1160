"""Start the dashboard's server (Solara on uvicorn) so that it works with no internet.

The browser loads everything from this server: Solara's own bundles and fonts from the
``solara-assets`` package (served under ``/_solara/cdn/`` from the folder it installs),
ipyvue/ipyvuetify from their nbextension folders, and Plotly's widget from the plotly
package. The server itself fetches nothing either: telemetry is switched off, the asset
proxy's fallback is pointed at a closed local port (a missing asset is an error, not a
download), and the version check lives in ``solara run``, which is not used.

Nothing here imports Solara at module level: its settings read these environment variables
when first imported.
"""

from __future__ import annotations

import os
import socket
from importlib import metadata
from pathlib import Path

#: The release the solara-assets package ships bundles for; solara is pinned to it.
ASSET_BUNDLE = "@widgetti/solara-vuetify-app@10.1.1"
OFFLINE = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    # where Solara's asset proxy would download a file the assets package lacks: a closed
    # local port, so that a missing file fails instead of leaving the machine
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/no-cdn/",
    "SOLARA_ASSETS_PROXY": "true",
    "SOLARA_MODE": "production",
}
APP = "nextwork_sim.dashboard.app"


class DashboardError(RuntimeError):
    """The dashboard cannot start; the message is one line meant for the user."""


def offline_environment() -> dict[str, str]:
    """Set (and return) the environment that keeps Solara from reaching the network."""
    os.environ.update(OFFLINE)
    return dict(OFFLINE)


def check_installation() -> None:
    """Refuse, in one line, a server that would need the internet for its browser assets."""
    try:
        solara_version = metadata.version("solara-ui")
        assets_version = metadata.version("solara-assets")
    except metadata.PackageNotFoundError as missing:
        raise DashboardError(f"the dashboard needs {missing.name}: install it with "
                             "pip install -c constraints.txt -e '.[dashboard]'") from None
    if solara_version != assets_version:
        raise DashboardError(f"solara {solara_version} with solara-assets {assets_version}: "
                             "they must be the same release (constraints.txt pins both)")
    from solara.server import settings  # optional dependency (the dashboard extra)

    bundle = Path(settings.assets.proxy_cache_dir) / ASSET_BUNDLE
    if not bundle.is_dir():
        raise DashboardError(f"{bundle}: missing; this solara needs another solara-assets "
                             "(constraints.txt pins the pair)")


def check_address(host: str, port: int) -> None:
    """Refuse a host or port this machine cannot bind, before starting."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise DashboardError(f"--host {host} --port {port}: cannot listen there "
                             f"({error.strerror or error})") from None


def serve(results: Path, configs: Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the dashboard on ``host:port`` until interrupted."""
    if not Path(configs).is_dir():
        raise DashboardError(f"--configs {configs}: no such folder (the config files a "
                             "scenario can start from)")
    if Path(results).exists() and not Path(results).is_dir():
        raise DashboardError(f"--results {results}: exists and is not a folder")
    offline_environment()
    check_installation()
    check_address(host, port)
    from . import state  # optional dependency (solara, the dashboard extra)

    state.configure(Path(results).resolve(), Path(configs).resolve())
    os.environ["SOLARA_APP"] = APP
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    import uvicorn  # optional dependency (the dashboard extra)

    print(f"nextwork-sim dashboard: http://{host}:{port}/ (results: {results}, configs: "
          f"{configs}; Ctrl-C stops it)", flush=True)
    uvicorn.run("solara.server.starlette:app", host=host, port=port, log_level="warning")
