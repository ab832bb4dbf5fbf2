"""End-to-end speed of the demos' default pipeline, of the same with MoveNet lightning (the
fast choice) and of SSDLite + BlazePose, side by side on the sample clip and on vtest.avi:
frames/s, time to the first tracked frame and peak memory.

    python -m bench.bench_pipeline [--videos V ...] [--frames 250] [--keyframe-interval N]
    python -m bench.bench_pipeline --run DETECTOR POSE MATCHER [--video V] [--draw]

Without ``--run`` each (pipeline, video) pair runs in a fresh subprocess, so that the time to
the first tracked frame counts process start, imports and model loading, and the peak memory
(VmHWM) is that pipeline's alone. The demos' default is ``lib.cli.DEMO_COMPONENTS``; both
pipelines run with the demos' association (``lib.cli.DEMO_ASSOCIATION``).
``--memory-frames A B`` compares peak memory for inputs of A and B frames (the clip looped).
A run also counts the people tracked, the pose-model crops and the detector calls per frame.
The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from bench.peak_memory import peak_mb
from lib import components
from lib.cli import DEMO_ASSOCIATION, DEMO_COMPONENTS, VIDEO_FPS
from lib.drawing import Renderer
from lib.formats.opensvai import OpenSVAIWriter
from lib.interfaces import Detector, PoseEstimator
from lib.runner import Frame, run
from lib.tracker import ASSOCIATIONS, LightTracker, default
from lib.video import VideoSink, frame_rate, open_capture, read_frames

EARLIER = ("ssdlite", "blazepose", "sgcn")  # the default before issue 13, the baseline
FAST_POSE = "movenet-lightning"  # README "Choosing the default": the faster pose choice
VIDEOS = ("data/demo/sample.mp4", "data/vtest/vtest.avi")


class Timed:
    """Wraps a sink and adds the seconds spent in it to ``self.seconds``; remembers the wall
    clock (``time.time()``) of its first and last ``write``."""

    def __init__(self, inner):
        self.inner, self.seconds = inner, 0.0
        self.first_at = self.last_at = None

    def write(self, frame, result):
        start = time.perf_counter()
        self.inner.write(frame, result)
        self.seconds += time.perf_counter() - start
        self.last_at = time.time()
        self.first_at = self.first_at or self.last_at

    def close(self):
        self.inner.close()


class Counted(Detector):
    """A detector that counts its calls."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def detect(self, image):
        self.calls += 1
        return self.inner.detect(image)


class CountedPoses(PoseEstimator):
    """A pose estimator that counts the boxes it is given (a top-down model's crops)."""

    def __init__(self, inner):
        self.inner, self.crops = inner, 0
        self.lost_score_thresh = inner.lost_score_thresh

    def estimate(self, image, boxes_xyxy, track_ids=None):
        self.crops += len(boxes_xyxy)
        return self.inner.estimate(image, boxes_xyxy, track_ids)

    def assign(self, track_ids):
        self.inner.assign(track_ids)

    def reset(self):
        self.inner.reset()


def looped(video: str, num_frames: int):
    """``num_frames`` frames of ``video``, the clip repeated as often as needed."""
    index = 0
    while index < num_frames:
        for frame in read_frames(open_capture(video), "bench", max_frames=num_frames - index):
            yield Frame(index, frame.image, frame.folder, f"frame{index:05d}.jpg")
            index += 1


def capture_fps(video: str) -> float:
    """The video's frame rate (25 when it states none), for the memory association's timing."""
    capture = open_capture(video)
    try:
        return frame_rate(capture) or VIDEO_FPS
    finally:
        capture.release()


def measure(args, started_at: float) -> dict:
    """Track ``args.frames`` frames with the named pipeline in this process. ``started_at``:
    wall clock of the process start (the first tracked frame is timed from it)."""
    detector = Counted(components.build("detector", args.run[0]))
    estimator = CountedPoses(components.build("pose", args.run[1]))
    matcher = components.build("matcher", args.run[2])
    tracker = LightTracker(detector, estimator, matcher, keyframe_interval=args.keyframe_interval,
                           match_thresh=args.match_thresh, association=args.association,
                           fps=capture_fps(args.video))
    writer = Timed(OpenSVAIWriter(f"/tmp/lighttrack_bench_{args.run[0]}_{args.run[1]}.json"))
    sinks = [writer]
    if args.draw:
        sinks.append(Timed(VideoSink(f"/tmp/lighttrack_bench_{args.run[0]}.mp4", 25, Renderer())))
    stats = run(tracker, looped(args.video, args.frames), sinks)
    frames = stats.num_frames
    result = {
        "frames": frames,
        # every frame after the first, wall clock: decoding, tracking, JSON (drawing with --draw)
        "e2e_fps": round((frames - 1) / max(1e-9, sinks[-1].last_at - writer.first_at), 2),
        "first_frame_s": round(writer.first_at - started_at, 2),
        "peak_mb": round(peak_mb(), 1),
        "det_ms": round(1000 * stats.time_det / max(1, detector.calls), 2),
        "pose_ms_per_crop": round(1000 * stats.time_pose / max(1, estimator.crops), 2),
        "persons_per_frame": round(stats.num_persons / frames, 2),
        "pose_crops_per_frame": round(estimator.crops / frames, 2),
        "det_calls_per_frame": round(detector.calls / frames, 3),
        "tracking_ms": round(1000 * stats.time_lighttrack / frames, 3),
        "writing_ms": round(1000 * writer.seconds / frames, 3),
    }
    if args.draw:
        result["drawing_and_video_ms"] = round(1000 * sinks[1].seconds / frames, 2)
    return result


def child(run_args: list[str]) -> dict:
    """One ``--run`` in a fresh interpreter; its JSON result."""
    cmd = [sys.executable, "-m", "bench.bench_pipeline", *run_args, "--started-at",
           repr(time.time())]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"error: {' '.join(cmd)} failed: "
                         + " ".join(done.stderr.strip().splitlines()[-1:]))
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(args) -> dict:
    """The demos' default, the same with ``FAST_POSE`` and ``EARLIER`` on every video, each in a
    subprocess; prints a table."""
    demo = tuple(DEMO_COMPONENTS[k] for k in ("detector", "pose", "matcher"))
    pipelines = {"default": demo, "fast": (demo[0], FAST_POSE, demo[2]), "earlier": EARLIER}
    interval = args.keyframe_interval or default("keyframe_interval")
    results = {}
    for video in args.videos:
        for label, names in pipelines.items():
            results[f"{label} {video}"] = child(
                ["--run", *names, "--video", video, "--frames", str(args.frames),
                 "--keyframe-interval", str(interval),
                 "--match-thresh", str(default("match_thresh")),
                 "--association", DEMO_ASSOCIATION])
    print(f"keyframe interval {interval}, {DEMO_ASSOCIATION} association, {args.frames} frames; "
          + ", ".join(f"{label} = {'+'.join(names)}" for label, names in pipelines.items()))
    print(f"{'pipeline and video':50} {'frames/s':>9} {'first frame s':>14} {'peak MB':>8} "
          f"{'people/frame':>13} {'crops/frame':>12} {'ms/crop':>8}")
    for key, result in results.items():
        label, video = key.split(" ", 1)
        print(f"{'+'.join(pipelines[label]) + ' ' + video:50} {result['e2e_fps']:9.2f} "
              f"{result['first_frame_s']:14.2f} {result['peak_mb']:8.1f} "
              f"{result['persons_per_frame']:13.2f} {result['pose_crops_per_frame']:12.2f} "
              f"{result['pose_ms_per_crop']:8.2f}")
    return results


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", nargs="+", default=list(VIDEOS), metavar="VIDEO",
                        help="videos of the side-by-side run (default: %(default)s)")
    parser.add_argument("--frames", type=int, default=250,
                        help="frames per run, the clip looped when shorter (default: %(default)s)")
    parser.add_argument("--keyframe-interval", type=int,
                        help="detect every N frames (default: the demos')")
    parser.add_argument("--run", nargs=3, metavar=("DETECTOR", "POSE", "MATCHER"),
                        help="measure this one pipeline in this process")
    parser.add_argument("--video", default=VIDEOS[0], help="the video of --run")
    parser.add_argument("--match-thresh", type=float, default=default("match_thresh"),
                        help="of --run (default: %(default)s)")
    parser.add_argument("--association", choices=ASSOCIATIONS, default=DEMO_ASSOCIATION,
                        help="of --run (default: %(default)s)")
    parser.add_argument("--started-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--draw", action="store_true", help="also time drawing + video writing")
    parser.add_argument("--memory-frames", type=int, nargs=2, metavar=("A", "B"),
                        help="peak memory of two --run's of A and B frames (drawing included)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    started_at = time.time()
    args = parse_args(argv)
    interval = args.keyframe_interval or default("keyframe_interval")
    if args.run and args.memory_frames:
        peaks = {n: child(["--run", *args.run, "--frames", str(n), "--draw", "--video",
                           args.video, "--keyframe-interval", str(interval)])["peak_mb"]
                 for n in args.memory_frames}
        print(json.dumps({f"peak_mb_{n}": mb for n, mb in peaks.items()}))
    elif args.run:
        args.keyframe_interval = interval
        result = measure(args, args.started_at or started_at)
        print(f"{'+'.join(args.run)} on {args.video}: {result['frames']} frames at "
              f"{result['e2e_fps']} frames/s end to end, first tracked frame after "
              f"{result['first_frame_s']} s, peak {result['peak_mb']} MB")
        print(json.dumps(result))
    else:
        print(json.dumps(compare(args)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
