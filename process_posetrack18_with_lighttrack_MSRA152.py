"""Track every PoseTrack'18 validation video from pre-computed detections (or GT locations).

Writes one OpenSVAI JSON per video into --output; finished videos are skipped on a rerun.
Example: python process_posetrack18_with_lighttrack_MSRA152.py -e det
Synthetic set: ... --data-root data/synthetic_posetrack --pose oracle --matcher none
"""
from __future__ import annotations

import argparse
import os

from lib import components
from lib.batch.oracle import ORACLE
from lib.batch.process import (DATA_ROOT, INPUT_DIRS, PRESET, RESULTS_DIR, estimator_factory,
                               posetrack_tracker, process_videos, video_files)
from lib.cli import add_component_args, check_weights, run_main
from lib.options import non_negative_float, positive_int, require_output_dir, require_weights
from lib.outputs import OutputLock

MSRA152_WEIGHTS = "weights/MSRA152/MSRA_snapshot_285.ckpt"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-m", "--model", metavar="PATH",
                        help=f"pose weights (default: {MSRA152_WEIGHTS} for msra152, else the "
                        "estimator's own file)")
    parser.add_argument("-s", "--dataset_split", default="posetrack18_val",
                        choices=["posetrack18_val"], help="dataset split (default: %(default)s)")
    parser.add_argument("-e", "--det_or_gt", default="det", choices=sorted(INPUT_DIRS),
                        help="det: detection boxes; gt: ground-truth locations (default: %(default)s)")
    parser.add_argument("--data-root", default=DATA_ROOT,
                        help="PoseTrack'18 folder (default: %(default)s)")
    parser.add_argument("--output", default=RESULTS_DIR,
                        help="output folder, created (default: %(default)s)")
    parser.add_argument("--keyframe-interval", type=positive_int,
                        default=PRESET["keyframe_interval"],
                        help="detections are used every N frames (default: %(default)s)")
    parser.add_argument("--oracle-noise", type=non_negative_float, default=0.0, metavar="STD",
                        help="oracle joint noise, fraction of the box height (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_component_args(parser, detector=None, pose="msra152", matcher="sgcn",
                       match_thresh=PRESET["match_thresh"], extra_poses=(ORACLE,))
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    split = args.dataset_split.split("_")[-1]
    weights = args.model or args.pose_weights or (MSRA152_WEIGHTS if args.pose == "msra152" else None)
    input_dir = os.path.join(args.data_root, INPUT_DIRS[args.det_or_gt])
    video_files(input_dir)  # every option and file is checked before a model loads
    require_weights(args.model, "--model")
    check_weights(args)
    require_output_dir(args.output)
    with OutputLock(args.output):
        return track_all(args, input_dir, split, weights)


def track_all(args: argparse.Namespace, input_dir: str, split: str, weights: str | None) -> int:
    """Build the components and track every unfinished video (the output folder is locked)."""
    estimator_for = estimator_factory(args.pose, data_root=args.data_root, split=split,
                                      weights_path=weights, oracle_noise=args.oracle_noise)
    matcher = components.build("matcher", args.matcher, weights_path=args.matcher_weights)

    def make_tracker(estimator):
        return posetrack_tracker(estimator, matcher, match_thresh=args.pose_matching_threshold,
                                 keyframe_interval=args.keyframe_interval,
                                 association=args.association)

    status = process_videos(input_dir, args.output, estimator_for, make_tracker,
                            image_root=os.path.join(args.data_root, "images", split),
                            progress=not args.quiet)
    done = sum(s == "done" for s in status.values())
    print(f"{done} videos tracked, {len(status) - done} already finished, into {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
