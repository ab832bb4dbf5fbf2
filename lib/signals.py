"""SIGTERM and SIGHUP end a run as Ctrl-C does: the same unwinding, so every output is
finalised, and the shell's exit code 128 + signal number (stdlib only)."""
from __future__ import annotations

import contextlib
import signal
import threading

HANDLED = (signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """Raised in the main thread by ``install``'s handler; a KeyboardInterrupt, so every
    ``finally`` and Ctrl-C path runs. ``signum``: the signal received."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_terminated(signum, _frame) -> None:
    raise Terminated(signum)


def install() -> None:
    """Make SIGTERM and SIGHUP raise ``Terminated`` (only the main thread can: elsewhere this
    does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in HANDLED:
        signal.signal(signum, _raise_terminated)


@contextlib.contextmanager
def deferred():
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends (then they are delivered), so a
    frame reaches every sink or none: the outputs agree in frame count."""
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX: nothing to hold
        yield
        return
    held = {signal.SIGINT, *HANDLED}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def exit_code(interrupt: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP: 128 + the signal number."""
    return 128 + (interrupt.signum if isinstance(interrupt, Terminated) else signal.SIGINT)
