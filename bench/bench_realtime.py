"""Real-time mode against a source faster than the pipeline: a paced synthetic camera
(``--source-fps``, default 50) feeds LightTracker with replay components and a sink that takes
``--work-ms`` per frame (default 40, i.e. 25 frames/s). With ``LatestFrameReader`` the capture-to-
display latency stays flat however long the run; a reader that queues every frame (what a
buffering camera gives) lags further behind the longer it runs. The last line is one JSON object."""
from __future__ import annotations

import argparse
import json
import queue
import threading
import time

import numpy as np

from bench.bench_tracker import Replay, frames
from lib.live import LatestFrameReader
from lib.runner import Frame, run
from lib.tracker import LightTracker


class PacedCamera:
    """A camera of ``fps`` frames per second: ``read`` blocks until the next frame is due."""

    def __init__(self, images: list, fps: float):
        self.images, self.period = images, 1.0 / fps
        self.index, self.due = 0, None

    def read(self):
        if self.index >= len(self.images):
            return False, None
        now = time.perf_counter()
        self.due = now if self.due is None else self.due + self.period
        time.sleep(max(self.due - now, 0.0))
        self.index += 1
        return True, self.images[self.index - 1]

    def release(self):
        pass


def queued_frames(capture, folder: str):
    """Every frame, in order, read on a thread into an unbounded queue (nothing dropped)."""
    frames_queue: queue.Queue = queue.Queue()

    def read():
        index = 0
        while True:
            ok, image = capture.read()
            frames_queue.put((index, image, time.perf_counter()) if ok else None)
            if not ok:
                return
            index += 1
    threading.Thread(target=read, daemon=True).start()
    while (item := frames_queue.get()) is not None:
        index, image, captured_at = item
        yield Frame(index, image, folder=folder, captured_at=captured_at)


class SlowSink:
    """Stands for pose estimation and drawing: ``seconds`` of work per frame."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def write(self, frame, result):
        time.sleep(self.seconds)

    def close(self):
        pass


def measure(mode: str, seconds: float, args) -> dict:
    num_frames = int(seconds * args.source_fps)
    replay = Replay(args.people, num_frames, seed=0)
    camera = PacedCamera(frames(num_frames), args.source_fps)
    source = LatestFrameReader(camera, "bench") if mode == "realtime" else \
        queued_frames(camera, "bench")
    tracker = LightTracker(replay, replay, keyframe_interval=args.keyframe_interval)
    log = run(tracker, source, [SlowSink(args.work_ms / 1000)]).per_frame
    latency_ms = 1000 * np.asarray(log.latency)
    quarter = max(len(latency_ms) // 4, 1)
    return {"mode": mode, "source_seconds": seconds, "tracked": len(log),
            "dropped": log.num_dropped, "latency_median_ms": float(np.median(latency_ms)),
            "latency_p95_ms": float(np.percentile(latency_ms, 95)),
            "first_quarter_median_ms": float(np.median(latency_ms[:quarter])),
            "last_quarter_median_ms": float(np.median(latency_ms[-quarter:]))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source-fps", type=float, default=50.0)
    parser.add_argument("--work-ms", type=float, default=40.0)
    parser.add_argument("--people", type=int, default=3)
    parser.add_argument("--keyframe-interval", type=int, default=40)
    parser.add_argument("--seconds", type=float, nargs="+", default=[2.0, 4.0, 8.0],
                        help="run lengths in seconds of source time")
    args = parser.parse_args()
    rows = [measure(mode, seconds, args) for mode in ("realtime", "queued")
            for seconds in args.seconds]
    print(f"source {args.source_fps:g} frames/s, pipeline {1000 / args.work_ms:.0f} frames/s")
    print(f"{'mode':9} {'run s':>6} {'tracked':>8} {'dropped':>8} {'median ms':>10} "
          f"{'p95 ms':>8} {'1st quarter':>12} {'last quarter':>13}")
    for r in rows:
        print(f"{r['mode']:9} {r['source_seconds']:6.1f} {r['tracked']:8d} {r['dropped']:8d} "
              f"{r['latency_median_ms']:10.1f} {r['latency_p95_ms']:8.1f} "
              f"{r['first_quarter_median_ms']:12.1f} {r['last_quarter_median_ms']:13.1f}")
    print(json.dumps({"bench": "realtime", "rows": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
