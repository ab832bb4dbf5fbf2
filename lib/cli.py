"""Command-line helpers shared by the scripts: component flags and the one-line error exit."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

from lib import components
from lib.errors import LightTrackError


def add_component_args(parser: argparse.ArgumentParser, *, detector: str | None, pose: str,
                       matcher: str, match_thresh: float, extra_poses: tuple[str, ...] = ()) -> None:
    """Add --detector/--pose/--matcher (names from ``lib.components``) and their options.

    ``detector=None`` leaves the detector flags out (scripts that read detections from files);
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
        group.add_argument("--detector-thresh", type=float, metavar="SCORE",
                           help="minimum detection score (default: the detector's own)")
    group.add_argument("--pose", default=pose, choices=components.names("pose") + list(extra_poses),
                       help="single-person pose estimator (default: %(default)s)")
    group.add_argument("--pose-weights", metavar="PATH",
                       help="pose network weights (default: the estimator's file in weights/)")
    group.add_argument("--matcher", default=matcher, choices=components.names("matcher"),
                       help="pose matcher for keyframe association (default: %(default)s)")
    group.add_argument("--matcher-weights", metavar="PATH",
                       help="matcher weights, for sgcn (default: the shipped file in weights/)")
    group.add_argument("--pose-matching-threshold", type=float, default=match_thresh,
                       metavar="DIST", help="largest matcher distance that continues a track; "
                       "below 0 disables pose matching (default: %(default)s)")


def build_components(args: argparse.Namespace):
    """(detector or None, estimator, matcher or None) from the flags of ``add_component_args``."""
    detector = None
    if vars(args).get("detector") is not None:
        detector = components.build("detector", args.detector, weights_path=args.detector_weights,
                                    cfg_path=args.detector_cfg, score_thresh=args.detector_thresh)
    matcher = components.build("matcher", args.matcher, weights_path=args.matcher_weights)
    estimator = components.build("pose", args.pose, weights_path=args.pose_weights)
    return detector, estimator, matcher


def run_main(main: Callable[[], int | None]) -> int:
    """Run a script's ``main``; bad input becomes one line on stderr and exit code 1,
    Ctrl-C exit code 130 (outputs are already finalised by the sinks). TensorFlow's C++
    logging is turned down unless the caller set TF_CPP_MIN_LOG_LEVEL."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ log off stderr
    try:
        return main() or 0
    except (LightTrackError, OSError) as err:
        print("error: " + " ".join(str(err).split()), file=sys.stderr)  # always one line
        return 1
    except KeyboardInterrupt:
        print("interrupted: outputs hold every frame finished so far", file=sys.stderr)
        return 130


def report_batch(batch) -> int:
    """Print a batch's summary table (``lib.batch.parallel.BatchRun``) and one line per failed
    video on stderr; the exit code: 1 if any video failed, else 0."""
    print(batch.summary())
    for result in batch.failed:
        print(f"error: {result.name}: {result.error}", file=sys.stderr)
    return 1 if batch.failed else 0
