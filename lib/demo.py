"""What the video and camera demos share: their options, outputs and the tracking run."""
from __future__ import annotations

import argparse
import os

from tqdm import tqdm

from lib.cli import add_component_args, build_components
from lib.drawing import Renderer
from lib.errors import LightTrackError
from lib.formats.opensvai import OpenSVAIWriter
from lib.options import positive_int
from lib.outputs import OutputLock
from lib.runner import Statistics, run
from lib.tracker import LightTracker, default
from lib.video import DisplaySink, FramesSink, VideoSink, frame_count, read_frames

DEMO_FPS = 25  # published frame rate of the rendered demo video


def add_demo_args(parser: argparse.ArgumentParser) -> None:
    """Options common to both demos (outputs, tracking constants, components)."""
    parser.add_argument("--output", default="data/demo", metavar="DIR",
                        help="output folder: jsons/<name>.json, videos/<name>_out.mp4 and, with "
                        "--save-frames, visualize/<name>/ (default: %(default)s)")
    parser.add_argument("--keyframe-interval", type=positive_int,
                        default=default("keyframe_interval"), metavar="N",
                        help="detect people every N frames (default: %(default)s, as published)")
    parser.add_argument("--max-frames", type=positive_int, metavar="N", help="stop after N frames")
    parser.add_argument("--no-visualize", action="store_true",
                        help="write only the JSON (no rendered video)")
    parser.add_argument("--save-frames", action="store_true",
                        help="also save every rendered frame as a JPEG")
    add_component_args(parser, detector="ssdlite", pose="blazepose", matcher="sgcn",
                       match_thresh=default("match_thresh"))


def output_paths(output_dir: str, name: str) -> dict[str, str]:
    """The published output layout, folders created; LightTrackError if that is impossible."""
    paths = {"json": os.path.join(output_dir, "jsons", f"{name}.json"),
             "video": os.path.join(output_dir, "videos", f"{name}_out.mp4"),
             "frames": os.path.join(output_dir, "visualize", name)}
    for folder in (os.path.dirname(paths["json"]), os.path.dirname(paths["video"])):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as err:
            raise LightTrackError(f"cannot create output folder {folder}: {err.strerror}") from err
        if not os.access(folder, os.W_OK):
            raise LightTrackError(f"output folder is not writable: {folder}")
    return paths


def run_demo(args: argparse.Namespace, capture, name: str, *, folder: str,
             display: bool = False, require_frames: bool = True) -> tuple[Statistics, dict]:
    """Track every frame of ``capture`` with the components named in ``args``.

    Writes the OpenSVAI JSON frame by frame and, unless ``--no-visualize``, the rendered video;
    returns the statistics and the output paths. ``folder`` is the frames' folder name in the
    JSON. The output folders are checked before any model is loaded.
    """
    paths = output_paths(args.output, name)
    OutputLock(paths["json"]).release()  # refuse a second run on these outputs before loading
    detector, estimator, matcher = build_components(args)
    tracker = LightTracker(detector, estimator, matcher, keyframe_interval=args.keyframe_interval,
                           match_thresh=args.pose_matching_threshold)
    render = Renderer(min_score=tracker.lost_score_thresh)  # draw the joints the model sees
    sinks = [OpenSVAIWriter(paths["json"])]
    if not args.no_visualize:
        sinks.append(VideoSink(paths["video"], DEMO_FPS, render))
    if args.save_frames:
        sinks.append(FramesSink(paths["frames"], render))
    if display:
        sinks.append(DisplaySink(render))
    total = frame_count(capture)
    if args.max_frames is not None:
        total = min(total or args.max_frames, args.max_frames)
    frames = read_frames(capture, folder, max_frames=args.max_frames, require_frames=require_frames)
    with tqdm(total=total, unit="frame", desc=name, disable=None) as bar:
        stats = run(tracker, frames, sinks, progress=bar)
    return stats, paths
