"""Fixtures of the browser tests: a results folder, ``nextwork-sim dashboard`` in a subprocess
on a free port (with a trap for any request the server itself would send out), and headless
Debian Chromium driven by Playwright, which records every request the page makes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OutboundTrap:
    """A local listener the server's HTTP(S)_PROXY points at: any request the server sends
    to the internet through ``requests`` or ``urllib`` (a CDN fallback, telemetry, a version
    check) arrives here instead and is counted."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.requests: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.requests.append(connection.recv(4096).split(b"\r\n", 1)[0])
                except OSError:
                    self.requests.append(b"(connection)")

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()


@pytest.fixture(scope="session")
def results_root(tmp_path_factory) -> Path:
    """Results of a small comparison (district preset: the figures of the screenshots), and
    of one with the subjects component."""
    from nextwork_sim import api

    root = tmp_path_factory.mktemp("results")
    api.compare([ROOT / "configs" / "traditional.toml", ROOT / "configs" / "next_workforce.toml"],
                years=4, seed=7, replications=3, out=root / "demo")
    # the subjects component (schools.csv, metrics by subject=): a five-school CSV district
    # under both models, listed after demo so demo stays the folder shown first
    from nextwork_sim.config import load_config

    shortages = ROOT / "configs" / "shortages" / "csv_district.toml"
    api.compare([load_config(shortages),
                 load_config(shortages, ['name="csv_teams"', 'staffing.model="next_workforce"'])],
                years=2, seed=7, replications=2, out=root / "shortages")
    return root


@pytest.fixture(scope="session")
def dashboard(results_root):
    """``nextwork-sim dashboard`` on a free port of 127.0.0.1; yields (url, trap) and checks
    at the end that the server sent nothing out."""
    port = free_port()
    trap = OutboundTrap()
    proxy = f"http://127.0.0.1:{trap.port}"
    env = {**os.environ, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "ALL_PROXY": proxy,
           "http_proxy": proxy, "https_proxy": proxy, "NO_PROXY": "127.0.0.1,localhost",
           "no_proxy": "127.0.0.1,localhost",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    log = open(results_root / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "nextwork_sim.cli", "dashboard", "--results", str(results_root),
         "--configs", str(ROOT / "configs"), "--port", str(port)],
        cwd=results_root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (results_root / "server.log").read_text()
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the dashboard did not start"
            time.sleep(0.3)
        yield url, trap
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        trap.close()
    assert trap.requests == [], f"the server reached out: {trap.requests}"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test-browser` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageLog:
    """Every request and failed response of a page, and the console errors."""

    def __init__(self, page, allowed_host: str):
        self.allowed_host = allowed_host
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        page.on("request", self._request)
        page.on("websocket", lambda socket: self._request_url(socket.url))
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.on("requestfailed", lambda r: self.failed.append(f"failed {r.url}"))
        # anything that would leave the machine is answered here, never sent
        page.route("**/*", self._route)

    def _request(self, request) -> None:
        self._request_url(request.url)

    def _request_url(self, url: str) -> None:
        self.requests.append(url)
        if url.split(":", 1)[0] in ("http", "https", "ws", "wss"):
            if url.split("/")[2] != self.allowed_host:
                self.outside.append(url)

    def _route(self, route) -> None:
        url = route.request.url
        if url.split(":", 1)[0] in ("http", "https") and url.split("/")[2] != self.allowed_host:
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def page(browser, dashboard):
    url, _ = dashboard
    context = browser.new_context(viewport={"width": 1280, "height": 1200})
    page = context.new_page()
    log = PageLog(page, url.split("/")[2])
    yield page, url, log
    context.close()
    assert log.outside == [], f"requests that did not go to 127.0.0.1: {log.outside}"
    assert log.failed == [], f"failed requests: {log.failed}"


def screenshot(page, name: str) -> None:
    """Save a screenshot into $DASHBOARD_SCREENSHOTS (make dashboard-screenshots: the
    README's pictures), nowhere otherwise."""
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        target = Path(folder) if Path(folder).is_absolute() else ROOT / folder
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / f".{name}.tmp.png"
        page.screenshot(path=str(tmp), full_page=True)
        os.replace(tmp, target / f"{name}.png")
