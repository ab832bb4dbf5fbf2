"""Mine SGCN training pairs from PoseTrack'18 annotation files into a compressed .npz.

``python -m graph.make_pairs --annotations DIR --out FILE`` reads every ``*.json`` under DIR
(one video each) and writes ``graphs`` (P, 2, 2, 1, 15, 1) and ``labels`` (P,).
"""
import argparse
from pathlib import Path

import numpy as np

from graph.pairs import mine_pairs, read_video_poses, save_pairs
from lib.cli import run_main
from lib.errors import LightTrackError


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", required=True, type=Path, metavar="DIR",
                        help="folder searched recursively for PoseTrack'18 .json files")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="output .npz")
    parser.add_argument("--negatives", choices=("all", "hard"), default="all",
                        help="all pairs of people in one frame, or only overlapping ones")
    parser.add_argument("--gap-limit", type=int, default=2, help="positives: image-id gap "
                        "below this (default: %(default)s, consecutive frames)")
    parser.add_argument("--hard-iou", type=float, default=0.2,
                        help="hard negatives: box IoU at least this (default: %(default)s)")
    parser.add_argument("--min-box-size", type=float, default=100, help="both boxes must be "
                        "wider and taller than this, in pixels (default: %(default)s)")
    parser.add_argument("--jitter", action="store_true", help="zoom and shift the second pose "
                        "of every pair with its box, like a moving camera")
    parser.add_argument("--jitter-scale", type=float, nargs=2, default=(0.7, 1.4),
                        metavar=("MIN", "MAX"), help="zoom range (default: %(default)s)")
    parser.add_argument("--jitter-shift", type=float, default=100.0,
                        help="largest shift per axis, pixels (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="jitter seed (default: %(default)s)")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    files = sorted(args.annotations.rglob("*.json"))
    if not files:
        raise LightTrackError(f"no .json annotation files under {args.annotations}")
    rng = np.random.default_rng(args.seed) if args.jitter else None
    graphs, labels = mine_pairs(
        [read_video_poses(path) for path in files], negatives=args.negatives,
        gap_limit=args.gap_limit, hard_iou_thresh=args.hard_iou,
        min_box_size=args.min_box_size, rng=rng, scale_range=tuple(args.jitter_scale),
        max_shift=args.jitter_shift)
    save_pairs(args.out, graphs, labels)
    print(f"{args.out}: {int(labels.sum())} positive and {int((labels == 0).sum())} "
          f"{args.negatives} negative pairs from {len(files)} videos")


if __name__ == "__main__":
    raise SystemExit(run_main(main))
