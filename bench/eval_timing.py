"""Frames/s and peak memory of one ``Row`` with its real models, in a subprocess per row.

    python -m bench.eval_timing ROW_NAME [--video data/vtest/vtest.avi] [--frames 150]

prints one JSON line {"frames/s", "peak MB"}: models are loaded first (not timed), then the
first ``--frames`` frames of the video are tracked; only ``step()`` time counts.
``timings`` runs this per row and keeps the results in data/cache/timing.json.
"""
from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path


from bench.eval_rows import build_tracker, default_rows
from bench.model_cache import CACHE_DIR
from bench.peak_memory import peak_mb
from lib.cli import VIDEO_FPS, run_main
from lib.errors import LightTrackError
from lib.video import frame_rate, open_capture, read_frames

log = logging.getLogger(__name__)

TIMING_PATH = CACHE_DIR / "timing.json"
TIMING_COLUMNS = ("frames/s", "peak MB")


def time_row(row, video: Path, num_frames: int) -> dict:
    """frames/s of ``row`` (models loaded beforehand, not timed) and this process's peak memory."""
    capture = open_capture(str(video))
    tracker = build_tracker(row, None, {}, frame_rate(capture) or VIDEO_FPS)
    seconds, count = 0.0, 0
    for frame in read_frames(capture, video.stem, max_frames=num_frames):
        start = time.perf_counter()
        tracker.step(frame.image)
        seconds += time.perf_counter() - start
        count += 1
    return {"frames/s": count / seconds, "peak MB": peak_mb()}


def timings(rows, video: Path, num_frames: int, retime: bool = False) -> dict:
    """row name -> timing dict, measured in a subprocess per row unless stored already
    (``retime``: measure every row again)."""
    stored = json.loads(TIMING_PATH.read_text()) if TIMING_PATH.is_file() else {}
    result = {}
    for row in rows:
        key = f"{row.signature}|{video.name}|{num_frames}"
        if retime or key not in stored:
            child = subprocess.run(
                [sys.executable, "-m", "bench.eval_timing", row.name, "--video", str(video),
                 "--frames", str(num_frames)], capture_output=True, text=True)
            if child.returncode != 0:
                log.warning("timing %s failed: %s", row.name,
                            " ".join(child.stderr.strip().splitlines()[-1:]))
                continue
            stored[key] = json.loads(child.stdout.strip().splitlines()[-1])
            TIMING_PATH.parent.mkdir(parents=True, exist_ok=True)
            TIMING_PATH.write_text(json.dumps(stored, indent=1))
        result[row.name] = stored[key]
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("row", help="a row name of bench.eval_rows.default_rows()")
    parser.add_argument("--video", default="data/vtest/vtest.avi", type=Path)
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args(argv)
    row = next((r for r in default_rows() if r.name == args.row), None)
    if row is None:
        raise LightTrackError(f"unknown row {args.row!r}")
    print(json.dumps(time_row(row, args.video, args.frames)))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
