"""Open a .tflite model with ai-edge-litert, imported on first use (no TensorFlow, no torch)."""
from __future__ import annotations

from pathlib import Path

from lib.errors import LightTrackError
from lib.weights import FIX, require_file


def load_interpreter(path: str | Path, num_threads: int = 2, fix: str = FIX):
    """An allocated ``ai_edge_litert`` Interpreter for ``path``; LightTrackError naming the file
    and ``fix`` when it is missing, truncated or not a TFLite model."""
    path = require_file(path, fix)
    from ai_edge_litert.interpreter import Interpreter
    try:
        interpreter = Interpreter(model_path=str(path), num_threads=num_threads)
        interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as err:
        message = " ".join(str(err).split())[:160]
        raise LightTrackError(f"{path} is not a valid TFLite model ({message}): delete it and "
                              f"{fix}") from None
    return interpreter
