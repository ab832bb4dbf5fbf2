"""Command-line helpers shared by the scripts: component flags and the one-line error exit."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

from lib import components, signals
from lib.errors import LightTrackError, one_line
from lib.options import finite_float, require_weights, unit_float
from lib.quiet import set_switches
from lib.tracker import ASSOCIATIONS


# the association of the demos and of track_videos.py: memory (README "Association with
# memory" and bench/README.md: higher MOTA, HOTA and IDF1 and a fraction of the identity
# switches of the published one on the real-pixel set); the PoseTrack scripts keep the published one
DEMO_ASSOCIATION = "memory"
# the components of the demos and of track_videos.py, chosen by measurement on the real-pixel
# set and vtest.avi (README "Choosing the default"): no TensorFlow, no PyTorch
DEMO_COMPONENTS = {"detector": "nanodet", "pose": "movenet-thunder-int8", "matcher": "sgcn"}
VIDEO_FPS = 25.0  # frame rate assumed for a source that does not state one (cameras)


def add_component_args(parser: argparse.ArgumentParser, *, detector: str | None, pose: str,
                       matcher: str, match_thresh: float, extra_poses: tuple[str, ...] = (),
                       association: str | None = "published") -> None:
    """Add --detector/--pose/--matcher (names from ``lib.components``), their options and
    --association (``LightTracker``'s association mode, default ``association``).

    ``detector=None`` leaves the detector flags out (scripts that read detections from files),
    ``association=None`` the --association flag (scripts that run several);
    ``extra_poses``: estimator names a script builds itself (the PoseTrack scripts' oracle).
    """
    group = parser.add_argument_group("components (swap any by name)")
    if detector is not None:
        group.add_argument("--detector", default=detector, choices=components.names("detector"),
                           help="person detector run at keyframes (default: %(default)s)")
        group.add_argument("--detector-weights", metavar="PATH",
                           help="detector weights file (default: the detector's file in weights/)")
        group.add_argument("--detector-cfg", metavar="PATH",
                           help="darknet cfg for the yolov3 detectors (default: detector/config/)")
        group.add_argument("--detector-thresh", type=unit_float, metavar="SCORE",
                           help="minimum detection score (default: the detector's own)")
    group.add_argument("--pose", default=pose, choices=components.names("pose") + list(extra_poses),
                       help="single-person pose estimator (default: %(default)s)")
    group.add_argument("--pose-weights", metavar="PATH",
                       help="pose network weights (default: the estimator's file in weights/)")
    group.add_argument("--matcher", default=matcher, choices=components.names("matcher"),
                       help="pose matcher for keyframe association (default: %(default)s)")
    group.add_argument("--matcher-weights", metavar="PATH",
                       help="matcher weights, for sgcn (default: the shipped file in weights/)")
    group.add_argument("--pose-matching-threshold", type=finite_float, default=match_thresh,
                       metavar="DIST", help="largest matcher distance that continues a track "
                       "(--association published); below 0 disables pose matching, with either "
                       "association (default: %(default)s)")
    if association is not None:
        group.add_argument("--association", default=association, choices=ASSOCIATIONS,
                           help="published: the published rules (the previous frame only); "
                           "memory: lost people kept for seconds and re-identified, fused-cue "
                           "global matching, keypoint-velocity boxes, newcomers found between "
                           "keyframes (default: %(default)s)")


def build_components(args: argparse.Namespace):
    """(detector or None, estimator, matcher or None) from the flags of ``add_component_args``;
    every weights file the user named is checked before the first model loads."""
    check_weights(args)
    detector = None
    if vars(args).get("detector") is not None:
        detector = components.build("detector", args.detector, weights_path=args.detector_weights,
                                    cfg_path=args.detector_cfg, score_thresh=args.detector_thresh)
    matcher = components.build("matcher", args.matcher, weights_path=args.matcher_weights)
    estimator = components.build("pose", args.pose, weights_path=args.pose_weights)
    return detector, estimator, matcher


def check_weights(args: argparse.Namespace) -> None:
    """LightTrackError for a weights file named with ``--*-weights`` that does not exist."""
    for option in ("detector_weights", "detector_cfg", "pose_weights", "matcher_weights"):
        require_weights(vars(args).get(option), "--" + option.replace("_", "-"))


def run_main(main: Callable[[], int | None]) -> int:
    """Run a script's ``main``; bad input becomes one line on stderr and exit code 1.
    Ctrl-C, SIGTERM and SIGHUP end the run alike (outputs finalised by the sinks) with exit
    code 130, 143 and 129. Any other exception is also one line (LIGHTTRACK_DEBUG=1 shows the
    traceback). TensorFlow's start-up logging is turned down (``lib.quiet``)."""
    set_switches()
    signals.install()
    try:
        return main() or 0
    except (LightTrackError, OSError) as err:
        print("error: " + one_line(err), file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        print(f"interrupted ({interrupt.args[0] if interrupt.args else 'Ctrl-C'}): outputs hold "
              "every frame finished so far", file=sys.stderr)
        return signals.exit_code(interrupt)
    except Exception as err:  # an unforeseen failure is still one line, unless debugging
        if os.environ.get("LIGHTTRACK_DEBUG"):
            raise
        print(f"error: {type(err).__name__}: {one_line(err)} (LIGHTTRACK_DEBUG=1 shows where)",
              file=sys.stderr)
        return 1


def report_batch(batch) -> int:
    """Print a batch's summary table (``lib.batch.parallel.BatchRun``) and one line per failed
    video on stderr; the exit code: 1 if any video failed, else 0."""
    print(batch.summary())
    for result in batch.failed:
        print(f"error: {result.name}: {result.error}", file=sys.stderr)
    return 1 if batch.failed else 0
