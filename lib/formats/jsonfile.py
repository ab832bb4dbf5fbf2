"""Reading and writing the project's JSON files with one-line errors that name the file."""
from __future__ import annotations

import json
import os

from lib.errors import LightTrackError


def load_json(path) -> object:
    """Parse a JSON file; a missing or malformed file raises LightTrackError naming it."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError as err:
        raise LightTrackError(f"{path}: file not found") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise LightTrackError(f"{path}: not valid JSON ({err})") from err


def write_json(path: str, document) -> None:
    """Write ``document`` as compact JSON, creating the parent folder."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, separators=(",", ":"))
