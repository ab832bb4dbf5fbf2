"""Checks on command-line values, run before any model is loaded: argparse types for numbers
(finite, in range) and the checks on files and folders the user named (stdlib only)."""
from __future__ import annotations

import argparse
import math
import os

from lib.errors import LightTrackError


def _number(text: str, kind):
    """``kind(text)`` (int or float); argparse's one-line error when the text is not one."""
    try:
        return kind(text)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = _number(text, int)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (seeds)."""
    value = _number(text, int)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def finite_float(text: str) -> float:
    """argparse type: a finite number (no nan, no inf)."""
    value = _number(text, float)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0 (noise levels, rates per frame)."""
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def unit_float(text: str) -> float:
    """argparse type: a finite number in [0, 1] (scores, probabilities)."""
    value = finite_float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1], got {value}")
    return value


def require_weights(path, option: str) -> None:
    """LightTrackError unless ``path`` (given with ``option``) is a file or a TF checkpoint
    prefix whose ``.index`` exists; None passes (the component's default file)."""
    if path is None:
        return
    path = str(path)
    if os.path.isfile(path) or os.path.isfile(path + ".index"):
        return
    kind = "a folder, not a weights file" if os.path.isdir(path) else "not found"
    raise LightTrackError(f"{option} {path}: {kind} (give an existing file, or leave {option} "
                          "out for the default file that make weights fetches)")


def require_output_dir(path, option: str = "--output") -> None:
    """Create the output folder ``path``; LightTrackError if it is a file, cannot be created or
    is not writable."""
    path = str(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise LightTrackError(f"{option} {path}: is a file, not a folder")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as err:
        raise LightTrackError(f"{option} {path}: cannot create the folder ({err.strerror})") \
            from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise LightTrackError(f"{option} {path}: the folder is not writable")
