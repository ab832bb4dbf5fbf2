"""Train msra152, ResNet-152 + three deconvolutions (Simple Baselines), on COCO + PoseTrack'17 (TensorFlow 2).

    python train_PoseTrack_COCO_17_MSRA152.py --coco-root data/coco --posetrack-root data/posetrack17 -d 0-3
    python train_PoseTrack_COCO_17_MSRA152.py -c ...   # continue from the latest snapshot

Snapshots (``<output-dir>/snapshot_<iteration>.ckpt``) load with ``--pose msra152 --pose-weights``.
"""
from lib.cli import run_main
from pose_training.cli import main

if __name__ == "__main__":
    raise SystemExit(run_main(lambda: main("msra152")))
