"""Run the published ablations (DET vs GT boxes, pose matching on/off, keyframe intervals) on a
PoseTrack-layout folder and print the table: Methods | Det Mode | Pose Match | mAP | MOTA | MOTP.

Default: the synthetic set in data/synthetic_posetrack (generated when missing) with the oracle
pose estimator. Videos run on Ray workers (--workers, --address), or here with --workers 0.
Example: python replicate_ablations.py --keyframe-intervals 2 5
"""
from __future__ import annotations

import argparse
import os

from data.synthetic_posetrack import write_dataset
from lib.batch.ablation import configurations, format_table, run_config
from lib.batch.oracle import ORACLE
from lib.batch.parallel import add_worker_args, worker_pool
from lib.batch.process import INPUT_DIRS, PRESET, PoseTrackModels, video_files
from lib.cli import add_component_args, check_weights, run_main
from lib.eval.posetrack import SUMMARY_KEYS
from lib.options import non_negative_float, positive_int, require_output_dir
from lib.outputs import OutputLock
from lib.tracker import ASSOCIATIONS

SYNTHETIC_ROOT = "data/synthetic_posetrack"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", default=SYNTHETIC_ROOT,
                        help="PoseTrack-layout folder (default: %(default)s, generated if missing)")
    parser.add_argument("--work-dir", default="data/ablations",
                        help="where each configuration's outputs go (default: %(default)s)")
    parser.add_argument("--keyframe-intervals", type=positive_int, nargs="+",
                        default=[PRESET["keyframe_interval"]],
                        help="keyframe intervals to run (default: %(default)s)")
    parser.add_argument("--format", type=int, default=18, choices=[17, 18],
                        help="prediction file format handed to the evaluator (default: %(default)s)")
    parser.add_argument("--videos", type=positive_int, default=5, help="synthetic videos if generated (default: %(default)s)")
    parser.add_argument("--frames", type=positive_int, default=60, help="synthetic frames if generated (default: %(default)s)")
    parser.add_argument("--oracle-noise", type=non_negative_float, default=0.0, metavar="STD",
                        help="oracle joint noise, fraction of the box height (default: %(default)s)")
    parser.add_argument("--associations", nargs="+", default=list(ASSOCIATIONS),
                        choices=ASSOCIATIONS, help="tracker association modes, one grid each "
                        "(default: %(default)s; published rows first)")
    add_worker_args(parser)
    add_component_args(parser, detector=None, pose=ORACLE, matcher="sgcn",
                       match_thresh=PRESET["match_thresh"], extra_poses=(ORACLE,),
                       association=None)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    check_weights(args)  # every option is checked before a model loads
    if args.data_root != SYNTHETIC_ROOT or os.path.isdir(args.data_root):
        video_files(os.path.join(args.data_root, INPUT_DIRS["det"]))
    require_output_dir(args.work_dir, "--work-dir")
    with OutputLock(args.work_dir):
        return run_ablations(args)


def run_ablations(args: argparse.Namespace) -> int:
    """Generate the synthetic set if needed, run every configuration and print the table."""
    if args.data_root == SYNTHETIC_ROOT and not os.path.isdir(args.data_root):
        print(f"generating the synthetic set into {args.data_root}")
        write_dataset(args.data_root, args.videos, args.frames, seed=0)
    models = PoseTrackModels(args.pose, args.data_root, pose_weights=args.pose_weights,
                             oracle_noise=args.oracle_noise, matcher=args.matcher,
                             matcher_weights=args.matcher_weights)
    rows = []
    with worker_pool(args.workers, args.address) as pool:
        for config in configurations(args.keyframe_intervals, args.associations):
            metrics = run_config(config, args.data_root, args.work_dir, models, pool=pool,
                                 match_thresh=args.pose_matching_threshold,
                                 posetrack_format=args.format)
            memory = "" if config.association == "published" else f", {config.association}"
            rows.append((f"LightTrack ({args.pose}, {args.matcher}, KF {config.keyframe_interval}"
                         f"{memory})", config, metrics))
            print(f"{config.name}: " + ", ".join(f"{k} {round(metrics[k], 1)}" for k in SUMMARY_KEYS
                                                 if metrics.get(k) is not None))
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
