"""Render a tiny deterministic keypoint dataset of stick figures (COCO and PoseTrack'17 formats).

    python -m data.make_tiny_coco --out data/tiny_coco [--posetrack-out data/tiny_posetrack]

COCO layout: ``annotations/person_keypoints_{train,val}.json`` and ``images/``; PoseTrack'17
layout: ``posetrack_merged_{train,val}.json`` (``annolist``) and ``images/``. The scene logic is
in ``lib/training/tiny.py``.
"""
from __future__ import annotations

import argparse
from pathlib import Path


from lib.cli import run_main
from lib.training.tiny import write_tiny_coco, write_tiny_posetrack


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/tiny_coco"),
                        help="COCO-format output folder (default: %(default)s)")
    parser.add_argument("--posetrack-out", type=Path,
                        help="also write the PoseTrack'17-format variant here")
    parser.add_argument("--train-images", type=int, default=16, help="default: %(default)s")
    parser.add_argument("--val-images", type=int, default=4, help="default: %(default)s")
    parser.add_argument("--seed", type=int, default=0, help="default: %(default)s")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    sizes = {"train": args.train_images, "val": args.val_images}
    num = write_tiny_coco(args.out, sizes, seed=args.seed)
    print(f"wrote {num} persons to {args.out}")
    if args.posetrack_out:
        num = write_tiny_posetrack(args.posetrack_out, sizes, seed=args.seed)
        print(f"wrote {num} persons to {args.posetrack_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
