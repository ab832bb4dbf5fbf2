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
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends (then the first one received is
    raised again), so a frame reaches every sink or none: the outputs agree in frame count.

    The handlers are swapped for one that only records, rather than the signals masked: a
    process signal goes to any thread that does not mask it (a model's thread pool, tqdm's
    monitor) and Python then runs the main thread's handler wherever that thread is. Outside
    the main thread (where handlers cannot be set) the block runs unguarded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = (signal.SIGINT, *HANDLED)
    previous = {signum: signal.signal(signum, lambda signum, _frame: received.append(signum))
                for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if received:
            signal.raise_signal(received[0])


def exit_code(interrupt: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP: 128 + the signal number."""
    return 128 + (interrupt.signum if isinstance(interrupt, Terminated) else signal.SIGINT)
