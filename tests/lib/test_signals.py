"""lib.signals and run_main: SIGTERM and SIGHUP unwind like Ctrl-C and set 143 / 129."""
import signal
import subprocess
import sys

import pytest

from lib.signals import Terminated, exit_code

SCRIPT = """
import os, signal, sys
from lib.cli import run_main
def main():
    try:
        os.kill(os.getpid(), {signum})
        while True:
            pass
    finally:
        print("finally ran")
raise SystemExit(run_main(main))
"""


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129),
                                          (signal.SIGINT, 130)])
def test_signals_unwind_and_exit_with_128_plus_the_number(signum, code):
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(signum=int(signum))],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == code and proc.stdout == "finally ran\n"
    assert proc.stderr.startswith("interrupted") and proc.stderr.count("\n") == 1


def test_exit_codes():
    assert exit_code(KeyboardInterrupt()) == 130
    assert exit_code(Terminated(signal.SIGTERM)) == 143
    assert isinstance(Terminated(signal.SIGHUP), KeyboardInterrupt)


HELD = """
import os, signal, threading, time
from lib import signals
signals.install()
{setup}
steps = []
try:
    with signals.deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)
        steps.append("block finished")
    steps.append("after the block")
except KeyboardInterrupt:
    print(steps)
"""


@pytest.mark.parametrize("setup", ["", "threading.Thread(target=threading.Event().wait, "
                                       "daemon=True).start()"], ids=["alone", "helper thread"])
def test_signals_are_held_until_the_deferred_block_ends(setup):
    """Also when another thread receives the signal: a process signal goes to any thread that
    does not block it (an idle helper here, as tqdm's monitor or a model's thread pool)."""
    proc = subprocess.run([sys.executable, "-c", HELD.format(setup=setup)],
                          capture_output=True, text=True)
    assert proc.stdout == "['block finished']\n", proc.stderr
