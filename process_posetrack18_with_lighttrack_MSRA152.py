"""Track every PoseTrack'18 validation video from pre-computed detections (or GT locations).

Writes one OpenSVAI JSON per video into --output; finished videos are skipped on a rerun.
Videos run in parallel on Ray workers (--workers, --address), or here with --workers 0.
Example: python process_posetrack18_with_lighttrack_MSRA152.py -e det
Synthetic set: ... --data-root data/synthetic_posetrack --pose oracle --matcher none
"""
from __future__ import annotations

import argparse
import os

from lib.batch.oracle import ORACLE
from lib.batch.parallel import add_worker_args, worker_pool
from lib.batch.process import (DATA_ROOT, INPUT_DIRS, PRESET, RESULTS_DIR, PoseTrackModels,
                               PoseTrackRun, process_videos, video_files)
from lib.cli import add_component_args, check_weights, report_batch, run_main
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
    add_worker_args(parser)
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
    """Track every unfinished video on the workers (the output folder is locked)."""
    models = PoseTrackModels(args.pose, args.data_root, split, pose_weights=weights,
                             oracle_noise=args.oracle_noise, matcher=args.matcher,
                             matcher_weights=args.matcher_weights)
    spec = PoseTrackRun(models, keyframe_interval=args.keyframe_interval,
                        match_thresh=args.pose_matching_threshold, association=args.association,
                        image_root=os.path.join(args.data_root, "images", split))
    with worker_pool(args.workers, args.address) as pool:
        batch = process_videos(input_dir, args.output, spec, pool=pool, progress=not args.quiet)
    code = report_batch(batch)
    print(f"outputs in {args.output}")
    return code


if __name__ == "__main__":
    raise SystemExit(run_main(main))
