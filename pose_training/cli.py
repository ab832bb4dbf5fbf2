"""Command line shared by the three ``train_PoseTrack_COCO_17_*.py`` scripts.

Annotations are read (and their errors reported) before TensorFlow is imported.
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lib.errors import LightTrackError
from lib.options import non_negative_int, positive_int, require_output_dir, require_weights
from lib.outputs import OutputLock
from lib.quiet import quiet_startup
from lib.training.datasets import load_datasets
from lib.training.examples import split_holdout

HOLDOUT_FRACTION = 0.1  # images held out for PCKh when the datasets bring no val split


def parse_gpu_ids(text: str) -> list[int]:
    """"0-3" -> [0, 1, 2, 3]; "0,2" -> [0, 2]; "" -> []."""
    ids = []
    try:
        for part in filter(None, text.split(",")):
            first, _, last = part.partition("-")
            ids += range(int(first), int(last or first) + 1)
    except ValueError:
        raise LightTrackError(f"-d {text!r}: give GPU ids like 0, 0-3 or 0,2") from None
    return ids


def parse_args(network: str, argv=None) -> argparse.Namespace:
    """Options of the training scripts; ``network`` names the default output folder."""
    parser = argparse.ArgumentParser(
        description=f"Train the {network} pose network on COCO + PoseTrack'17 (TensorFlow 2).")
    parser.add_argument("-d", "--gpus", default="0", help="GPU ids, e.g. 0-3 or 0,2; the CPU "
                        "is used when none is visible (default: %(default)s)")
    parser.add_argument("-c", "--continue", dest="resume", action="store_true",
                        help="continue from the latest snapshot in --output-dir")
    parser.add_argument("--coco-root", type=Path, help="COCO keypoints folder (data/README.md)")
    parser.add_argument("--posetrack-root", type=Path, help="PoseTrack'17 folder")
    parser.add_argument("--output-dir", type=Path, default=Path(f"train_log/{network}"),
                        help="snapshots and TensorBoard logs (default: %(default)s)")
    parser.add_argument("--batch-size", type=positive_int, help="samples per device and step, a "
                        "multiple of 4 (default: 36 per GPU as published, 4 on the CPU)")
    parser.add_argument("--max-iter", type=positive_int, help="stop after this many iterations "
                        "(default: 400 epochs)")
    parser.add_argument("--epoch-size", type=positive_int, help="iterations per epoch (snapshot and "
                        "learning-rate unit; default: one pass over the training persons)")
    parser.add_argument("--init-weights", type=Path, help="checkpoint to start from by "
                        "variable name, e.g. an ImageNet backbone (default: random)")
    parser.add_argument("--val-every", type=positive_int, help="iterations between PCKh validations "
                        "(default: every epoch)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="default: %(default)s")
    return parser.parse_args(argv)


def train(network: str, args: argparse.Namespace) -> int:
    """Load the data, build the trainer and run it; returns 0."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    gpu_ids = parse_gpu_ids(args.gpus)
    require_weights(args.init_weights, "--init-weights")
    require_output_dir(args.output_dir, "--output-dir")
    with OutputLock(args.output_dir):
        train_samples, val_samples = load_datasets(args.coco_root, args.posetrack_root)
        if not val_samples:
            train_samples, val_samples = split_holdout(train_samples, HOLDOUT_FRACTION, args.seed)
        with quiet_startup():
            from pose_training.trainer import PoseTrainer, TrainConfig  # imports TensorFlow
        config = TrainConfig(network=network, output_dir=args.output_dir,
                             batch_size=args.batch_size, max_iter=args.max_iter,
                             epoch_size=args.epoch_size, val_every=args.val_every, seed=args.seed)
        trainer = PoseTrainer(config, train_samples, val_samples, gpu_ids=gpu_ids,
                              init_weights=args.init_weights, resume=args.resume)
        trainer.run()
    return 0


def main(network: str, argv=None) -> int:
    """The training script of ``network``: parse the command line and train."""
    return train(network, parse_args(network, argv))
