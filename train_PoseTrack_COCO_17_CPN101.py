"""Train cpn101, the Cascaded Pyramid Network on ResNet-101, on COCO + PoseTrack'17 (TensorFlow 2).

    python train_PoseTrack_COCO_17_CPN101.py --coco-root data/coco --posetrack-root data/posetrack17 -d 0-3
    python train_PoseTrack_COCO_17_CPN101.py -c ...   # continue from the latest snapshot

Snapshots (``<output-dir>/snapshot_<iteration>.ckpt``) load with ``--pose cpn101 --pose-weights``.
"""
from lib.cli import run_main
from pose_training.cli import main

if __name__ == "__main__":
    raise SystemExit(run_main(lambda: main("cpn101")))
