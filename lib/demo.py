"""What the video and camera demos share: their options, outputs and the tracking run."""
from __future__ import annotations

import argparse
import os

from tqdm import tqdm

from lib.cli import (DEMO_ASSOCIATION, DEMO_COMPONENTS, VIDEO_FPS, add_component_args,
                     build_components)
from lib.display import DisplaySink, WindowClosed, display_available
from lib.drawing import Renderer
from lib.errors import LightTrackError
from lib.formats.csvtable import CSVWriter
from lib.formats.opensvai import OpenSVAIWriter
from lib.live import LatestFrameReader
from lib.plots import chart_paths, write_charts
from lib.options import positive_int
from lib.outputs import OutputLock
from lib.runner import Statistics, run
from lib.tracker import LightTracker, default
from lib.video import FramesSink, VideoSink, frame_count, frame_rate, read_frames

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
    parser.add_argument("--display", action=argparse.BooleanOptionalAction,
                        help="show the tracked frames in a window; q or Esc stops (default: on "
                        "when a display is available)")
    parser.add_argument("--realtime", action=argparse.BooleanOptionalAction,
                        help="keep only the newest frame, dropping the ones the tracker has no "
                        "time for; a file is then played at its own frame rate (default: on "
                        "for cameras and streams, off for files)")
    parser.add_argument("--export", choices=["csv"],
                        help="also write csv/<name>.csv: one row per person per frame (frame, "
                        "id, box, 15 joints x y score)")
    add_component_args(parser, **DEMO_COMPONENTS, match_thresh=default("match_thresh"),
                       association=DEMO_ASSOCIATION)


def output_paths(output_dir: str, name: str, *, csv: bool = False) -> dict[str, str]:
    """The published output layout (and, with ``csv``, the CSV's path), folders created;
    LightTrackError if that is impossible."""
    paths = {"json": os.path.join(output_dir, "jsons", f"{name}.json"),
             "video": os.path.join(output_dir, "videos", f"{name}_out.mp4"),
             "frames": os.path.join(output_dir, "visualize", name)}
    if csv:
        paths["csv"] = os.path.join(output_dir, "csv", f"{name}.csv")
    for folder in {os.path.dirname(paths[key]) for key in ("json", "video", "csv") if key in paths}:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as err:
            raise LightTrackError(f"cannot create output folder {folder}: {err.strerror}") from err
        if not os.access(folder, os.W_OK):
            raise LightTrackError(f"output folder is not writable: {folder}")
    return paths


def use_display(args: argparse.Namespace) -> bool:
    """``--display`` / ``--no-display``, or whether a display is available; LightTrackError when
    a window was asked for and none can open."""
    available = args.display is not False and display_available()
    if args.display and not available:
        raise LightTrackError("--display: no window can open here (no DISPLAY, or no Tk): "
                              "use --no-display")
    return available


def run_demo(args: argparse.Namespace, capture, name: str, *, folder: str, live: bool = False,
             require_frames: bool = True) -> tuple[Statistics, dict]:
    """Track every frame of ``capture`` with the components named in ``args``.

    Writes the OpenSVAI JSON frame by frame, unless ``--no-visualize`` the rendered video, with
    ``--export csv`` the CSV, and at the end (also after q, Esc or Ctrl-C) the timing and
    tracks pictures; shows the window (``use_display``). ``live``: the source is a camera or
    stream (``--realtime`` defaults to on). Returns the statistics and the output paths.
    ``folder`` is the frames' folder name in the JSON. The output folders and lock are checked
    before any model is loaded.
    """
    display = use_display(args)
    paths = output_paths(args.output, name, csv=args.export == "csv")
    paths.update(chart_paths(args.output, name))
    OutputLock(paths["json"]).release()  # refuse a second run on these outputs before loading
    detector, estimator, matcher = build_components(args)
    tracker = LightTracker(detector, estimator, matcher, keyframe_interval=args.keyframe_interval,
                           match_thresh=args.pose_matching_threshold,
                           association=args.association,
                           fps=frame_rate(capture) or VIDEO_FPS)
    render = Renderer(min_score=tracker.lost_score_thresh)  # draw the joints the model sees
    sinks = [OpenSVAIWriter(paths["json"])]
    if not args.no_visualize:
        sinks.append(VideoSink(paths["video"], DEMO_FPS, render))
    if args.save_frames:
        sinks.append(FramesSink(paths["frames"], render))
    if "csv" in paths:
        sinks.append(CSVWriter(paths["csv"]))
    if display:  # last: every file has the frame before the window can stop the run
        sinks.append(DisplaySink(render, title=f"LightTrack: {name}"))
    total = frame_count(capture)
    if args.max_frames is not None:
        total = min(total or args.max_frames, args.max_frames)
    if live if args.realtime is None else args.realtime:
        frames = LatestFrameReader(capture, folder, max_frames=args.max_frames,
                                   pace_fps=None if live else frame_rate(capture) or VIDEO_FPS)
        total = None  # how many frames are dropped is known only at the end
    else:
        frames = read_frames(capture, folder, max_frames=args.max_frames,
                             require_frames=require_frames)
    stats, failed = Statistics(), True
    try:
        with tqdm(total=total, unit="frame", desc=name, disable=None) as bar:
            run(tracker, frames, sinks, progress=bar, stats=stats)
        failed = False
    except WindowClosed:
        failed = False  # q, Esc or the window closed: a normal end
    finally:  # the pictures of the frames done, also after Ctrl-C or an error
        if stats.num_frames:
            try:
                write_charts(stats.per_frame, args.output, name)
            except LightTrackError:
                if not failed:
                    raise  # else the error already on its way out is the one to report
    return stats, paths


def summary(stats: Statistics, paths: dict, args: argparse.Namespace) -> str:
    """What the demos print at the end: the published statistics block, latency and dropped
    frames, and the files written."""
    written = [paths["json"]] + ([] if args.no_visualize else [paths["video"]]) + \
        [paths[key] for key in ("csv", "timing", "tracks") if key in paths]
    return "\n".join([stats.report(), stats.per_frame.report(), "", "wrote " + ", ".join(written)])
