"""Progress where stderr is not a terminal: plain lines every few seconds, never a redrawn
bar (no carriage returns, no escape sequences), a last line when the work ends, nothing on
an error or with --quiet."""

import io
import os
import subprocess
import sys

from nextwork_sim.experiments.progress import EVERY_ENV, PlainProgress

from .conftest import CONFIGS, ROOT


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_line_every_interval_and_a_last_line():
    clock, stream = Clock(), io.StringIO()
    with PlainProgress(every=5, stream=stream, clock=clock) as bar:
        task = bar.add_task("simulating years", total=None)
        bar.update(task, total=10)
        for _ in range(10):
            clock.now += 2
            bar.advance(task)
    lines = stream.getvalue().splitlines()
    # steps end at +2, +4, ..., +20 s: a line at +6 (3 steps), +12 (6) and +18 (9)
    assert lines == ["simulating years: 3/10 (30%), 6 s elapsed, about 14 s left",
                     "simulating years: 6/10 (60%), 12 s elapsed, about 8 s left",
                     "simulating years: 9/10 (90%), 18 s elapsed, about 2 s left",
                     "simulating years: 10/10 done in 20 s"]


def test_an_unknown_total_and_a_long_job_read_plainly():
    clock, stream = Clock(), io.StringIO()
    with PlainProgress(every=60, stream=stream, clock=clock) as bar:
        task = bar.add_task("budget-solve runs")
        clock.now += 61
        bar.advance(task)
        clock.now += 70
    assert stream.getvalue().splitlines() == ["budget-solve runs: 1, 1 min 01 s elapsed",
                                              "budget-solve runs: 1 done in 2 min 11 s"]


def test_nothing_on_error_or_when_quiet():
    stream = io.StringIO()
    try:
        with PlainProgress(every=0, stream=stream) as bar:
            bar.add_task("sweep runs", total=3, completed=1)
            raise KeyError("boom")
    except KeyError:
        pass
    assert stream.getvalue() == ""
    with PlainProgress(every=0, stream=stream, disable=True) as bar:
        bar.advance(bar.add_task("x", total=2))
    assert stream.getvalue() == ""


def test_a_command_writing_to_a_pipe_prints_plain_lines(tmp_path):
    env = {**os.environ, EVERY_ENV: "0", "PYTHONPATH": str(ROOT / "src")}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "nextwork_sim.cli", "run", str(CONFIGS / "traditional.toml"),
         "--years", "2", "--set", 'district.preset="school"', "--set", "burn_in_years=1",
         "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env, check=False,
        timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "\r" not in done.stderr and "\x1b" not in done.stderr
    # the total once known, then every simulated year (1 burn-in + 2 reported), then the end
    assert [line.split(" (")[0] for line in lines[:4]] == [
        "simulating years: 0/3", "simulating years: 1/3", "simulating years: 2/3",
        "simulating years: 3/3"]
    assert lines[4].startswith("simulating years: 3/3 done in ")


def test_no_estimate_of_the_time_left_before_five_percent():
    clock, stream = Clock(), io.StringIO()
    with PlainProgress(every=1, stream=stream, clock=clock) as bar:
        task = bar.add_task("sweep runs", total=100)
        clock.now += 5
        bar.advance(task, 4)     # 4 %: a worker's first result, a poor guide
        clock.now += 1
        bar.advance(task, 6)
    assert stream.getvalue().splitlines()[:2] == [
        "sweep runs: 4/100 (4%), 5 s elapsed",
        "sweep runs: 10/100 (10%), 6 s elapsed, about 54 s left"]
