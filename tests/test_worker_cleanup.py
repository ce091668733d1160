"""Worker processes do not outlive the process that made their pool (a killed calibration or
sweep must not leave workers holding memory)."""

import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT

PARENT = """
import os, sys, time
from nextwork_sim.experiments.executors import LocalProcesses

def worker_pid(_):
    return os.getpid()

if __name__ == "__main__":
    pool = LocalProcesses(1)
    print(pool.submit(worker_pid, 0).result(), flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie has exited already
        return stat.read().split()[2] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_their_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    worker = int(parent.stdout.readline())
    assert _alive(worker)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 15
    while _alive(worker) and time.time() < deadline:
        time.sleep(0.2)
    assert not _alive(worker), "the worker outlived its killed parent"
