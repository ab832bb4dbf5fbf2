"""Reading and writing the project's JSON files with one-line errors that name the file.

Every JSON the project writes goes through ``dumps``: strict JSON (RFC 8259) with no ``NaN`` or
``Infinity`` tokens; a non-finite float is written as ``null`` ("no value"), which the readers
of every format here accept where a score or metric may be missing. Files are written to a
temporary name and renamed when complete (``lib.outputs``), so no reader ever sees half a file.
"""
from __future__ import annotations

import json
import math

from lib.errors import LightTrackError
from lib.outputs import write_bytes


def load_json(path) -> object:
    """Parse a JSON file; a missing or malformed file raises LightTrackError naming it."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError as err:
        raise LightTrackError(f"{path}: file not found") from err
    except IsADirectoryError as err:
        raise LightTrackError(f"{path}: is a folder, not a JSON file") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise LightTrackError(f"{path}: not valid JSON ({err})") from err


def finite(document):
    """``document`` with every non-finite float (NaN, ±inf) replaced by None, recursively."""
    if isinstance(document, float):
        return document if math.isfinite(document) else None
    if isinstance(document, dict):
        return {key: finite(value) for key, value in document.items()}
    if isinstance(document, (list, tuple)):
        return [finite(value) for value in document]
    return document


def dumps(document, *, indent: int | None = None) -> str:
    """Strict JSON text of ``document`` (compact unless ``indent``); NaN and ±inf become null."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(finite(document), separators=separators, indent=indent, allow_nan=False)


def write_json(path, document, *, indent: int | None = None) -> None:
    """Write ``document`` as strict JSON (``dumps``) through a temporary name, creating the
    parent folder; a failed write raises LightTrackError naming ``path``."""
    write_bytes(str(path), (dumps(document, indent=indent) + "\n").encode("utf-8"))
