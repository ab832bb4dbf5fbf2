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


def test_signals_are_held_until_the_deferred_block_ends():
    code = ("import os, signal\nfrom lib import signals\nsignals.install()\nsteps = []\n"
            "try:\n"
            "    with signals.deferred():\n"
            "        os.kill(os.getpid(), signal.SIGTERM)\n"
            "        steps.append('block finished')\n"
            "    steps.append('after the block')\n"
            "except KeyboardInterrupt:\n"
            "    print(steps)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout == "['block finished']\n", proc.stderr


def test_a_signal_another_thread_receives_is_held_too():
    """A process signal goes to any thread that does not block it (here an idle helper thread,
    as tqdm's monitor or a model's thread pool): it must still wait for the block's end."""
    code = ("import os, signal, threading, time\nfrom lib import signals\nsignals.install()\n"
            "threading.Thread(target=threading.Event().wait, daemon=True).start()\n"
            "steps = []\n"
            "try:\n"
            "    with signals.deferred():\n"
            "        os.kill(os.getpid(), signal.SIGTERM)\n"
            "        time.sleep(0.2)\n"
            "        steps.append('block finished')\n"
            "    steps.append('after the block')\n"
            "except KeyboardInterrupt:\n"
            "    print(steps)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout == "['block finished']\n", proc.stderr
