"""Keep TensorFlow's and TFLite's start-up log lines and FFmpeg's per-packet decoder messages
off the user's terminal (stdlib only).

TensorFlow >= 2.16 logs its start-up lines ("oneDNN custom operations are on", the absl
"All log messages before absl::InitializeLog()" notice) from C++ before any setting is read,
and TFLite prints "Created TensorFlow Lite XNNPACK delegate" itself (and its quantiser a
"fully_quantize: ..." settings line). ``quiet_startup`` sets the
documented switches and, while a framework component is imported and built, sends the process's
native stderr to a file; afterwards every line that is not such an info/warning log line is
passed on, so real errors still reach the user. FFmpeg's messages ("moov atom not found",
"header damaged") are silenced: the scripts report unreadable and damaged videos themselves.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile

NOISE = re.compile(r"^(WARNING: All log messages before absl::InitializeLog\(\)"
                   r"|[IW]\d{4} [\d:. ]+\S+:\d+\]"
                   r"|INFO: Created TensorFlow Lite"
                   r"|INFO: Initialized TensorFlow Lite"
                   r"|fully_quantize: \d)")


def set_switches() -> None:
    """Environment and logger levels read by TensorFlow at import (user settings win)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET, read at first use
    if "OPENCV_LOG_LEVEL" not in os.environ:  # no "can't open camera by index" WARN lines
        os.environ["OPENCV_LOG_LEVEL"] = "ERROR"
        cv2 = sys.modules.get("cv2")  # already imported: it has read the variable
        if cv2 is not None:
            cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)


@contextlib.contextmanager
def quiet_startup():
    """Run the block with native stderr captured; replay its lines except framework noise."""
    set_switches()
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded use): nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [line for line in captured.read().decode("utf-8", "replace").splitlines()
                    if line.strip() and not NOISE.match(line)]
            if kept:
                print("\n".join(kept), file=sys.stderr)
