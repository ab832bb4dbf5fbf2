"""End-to-end speed of the default pipeline on the sample clip: frames/s with drawing excluded,
time per stage and peak memory; ``--memory-frames A B`` compares peak memory for inputs of A and
B frames (the clip looped). The last line is one JSON object."""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from lib import components
from lib.drawing import Renderer
from lib.formats.opensvai import OpenSVAIWriter
from lib.runner import Frame, run
from lib.tracker import LightTracker
from lib.video import VideoSink, open_capture, read_frames

ROOT = Path(__file__).resolve().parents[1]


class Timed:
    """Wraps a sink or a frame source and adds the seconds spent in it to ``self.seconds``."""

    def __init__(self, inner):
        self.inner, self.seconds = inner, 0.0

    def write(self, frame, result):
        start = time.perf_counter()
        self.inner.write(frame, result)
        self.seconds += time.perf_counter() - start

    def close(self):
        self.inner.close()

    def __iter__(self):
        iterator = iter(self.inner)
        while True:
            start = time.perf_counter()
            try:
                frame = next(iterator)
            except StopIteration:
                return
            self.seconds += time.perf_counter() - start
            yield frame


class Counted:
    """A detector that counts its calls."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def detect(self, image):
        self.calls += 1
        return self.inner.detect(image)


def looped(video: str, num_frames: int):
    """``num_frames`` frames of ``video``, the clip repeated as often as needed."""
    index = 0
    while index < num_frames:
        for frame in read_frames(open_capture(video), "bench", max_frames=num_frames - index):
            yield Frame(index, frame.image, frame.folder, f"frame{index:05d}.jpg")
            index += 1


def warm_up(detector, estimator, video: str) -> None:
    """One untimed call of each model (graph tracing and allocation happen on the first)."""
    image = next(read_frames(open_capture(video), "warm-up", max_frames=1)).image
    boxes, _ = detector.inner.detect(image)
    estimator.estimate(image, boxes[:2] if len(boxes) else np.array([[0.0, 0.0, 100.0, 200.0]]))


def measure(args) -> dict:
    detector = Counted(components.build("detector", args.detector))
    estimator = components.build("pose", args.pose)
    matcher = components.build("matcher", args.matcher)
    tracker = LightTracker(detector, estimator, matcher, keyframe_interval=args.keyframe_interval)
    warm_up(detector, estimator, args.video)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    source = Timed(looped(args.video, args.frames))
    writer = Timed(OpenSVAIWriter(str(out / "bench.json")))
    sinks = [writer]
    if args.draw:
        sinks.append(Timed(VideoSink(str(out / "bench_out.mp4"), 25, Renderer())))
    stats = run(tracker, source, sinks)
    frames = stats.num_frames
    result = {
        "frames": frames,
        "e2e_fps": round(stats.num_frames / (stats.time_all + writer.seconds), 2),
        "decode_ms": round(1000 * source.seconds / frames, 2),
        "det_ms": round(1000 * stats.time_det / max(1, detector.calls), 2),
        "pose_ms_per_person": round(1000 * stats.time_pose / max(1, stats.num_persons), 2),
        "tracking_ms": round(1000 * (stats.time_lighttrack - source.seconds) / frames, 3),
        "writing_ms": round(1000 * writer.seconds / frames, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.draw:
        result["drawing_and_video_ms"] = round(1000 * sinks[1].seconds / frames, 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--video", default="data/demo/sample.mp4")
    parser.add_argument("--frames", type=int, default=250)
    parser.add_argument("--keyframe-interval", type=int, default=10)
    parser.add_argument("--detector", default="ssdlite")
    parser.add_argument("--pose", default="blazepose")
    parser.add_argument("--matcher", default="sgcn")
    parser.add_argument("--output", default="/tmp/lighttrack_bench")
    parser.add_argument("--draw", action="store_true", help="also time drawing + video writing")
    parser.add_argument("--memory-frames", type=int, nargs=2, metavar=("A", "B"),
                        help="peak memory of two runs of A and B frames (drawing included)")
    args = parser.parse_args()
    if args.memory_frames:
        peaks = {}
        for n in args.memory_frames:
            cmd = [sys.executable, "-m", "bench.bench_pipeline", "--frames", str(n), "--draw",
                   "--video", args.video]
            peaks[n] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True)
                                  .stdout.strip().splitlines()[-1])["peak_rss_mb"]
        print(json.dumps({f"peak_rss_mb_{n}": mb for n, mb in peaks.items()}))
        return 0
    result = measure(args)
    print(f"{result['frames']} frames, keyframe interval {args.keyframe_interval}: "
          f"{result['e2e_fps']} frames/s end to end (drawing excluded)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
