"""17 predicted COCO keypoints -> the 15 PoseTrack joints, head top and neck derived (numpy).

For estimators that predict COCO's 17 keypoints (MoveNet) with a score per keypoint. The 13
joints PoseTrack shares with COCO are copied (the index table of ``lib.training.annotations``).
The two PoseTrack head joints COCO lacks are built from the head keypoints:

- head_bottom (the upper neck): ``neck_to_nose`` of the way from the shoulder midpoint to the
  nose (0.5: the upper neck lies about half-way up from the shoulder line to the nose);
  score = the lowest of both shoulders and the nose.
- head_top: the head centre (score-weighted mean of the eyes and ears, which stays inside the
  head in profile and from behind) extended away from head_bottom: head_bottom +
  ``head_top_scale`` × (centre − head_bottom); 2.0 puts it as far above the eyes as the upper
  neck lies below them. score = the lower of head_bottom's and the best eye/ear score.
"""
from __future__ import annotations

import numpy as np

from lib.joints import NUM_JOINTS
from lib.training.annotations import COCO_NOSE, COCO_SHOULDERS, COCO_SOURCES, HEAD_TOP, NECK

COCO_HEAD = (1, 2, 3, 4)  # eyes and ears (COCO order)
NUM_COCO = 17


def coco_to_joints(keypoints, *, neck_to_nose: float = 0.5,
                   head_top_scale: float = 2.0) -> np.ndarray:
    """keypoints (N, 17, 3) x, y, score in COCO order -> joints (N, 15, 3) x, y, score."""
    coco = np.asarray(keypoints, dtype=np.float64).reshape(-1, NUM_COCO, 3)
    joints = np.zeros((len(coco), NUM_JOINTS, 3))
    targets = list(COCO_SOURCES)
    joints[:, targets] = coco[:, [COCO_SOURCES[t] for t in targets]]
    shoulders, nose = coco[:, list(COCO_SHOULDERS)], coco[:, COCO_NOSE]
    shoulder_mid = shoulders[..., :2].mean(axis=1)
    joints[:, NECK, :2] = shoulder_mid + neck_to_nose * (nose[:, :2] - shoulder_mid)
    joints[:, NECK, 2] = np.minimum(shoulders[..., 2].min(axis=1), nose[:, 2])
    head = coco[:, list(COCO_HEAD)]
    weights = head[..., 2:] + 1e-9
    centre = (head[..., :2] * weights).sum(axis=1) / weights.sum(axis=1)
    joints[:, HEAD_TOP, :2] = joints[:, NECK, :2] + head_top_scale * (centre - joints[:, NECK, :2])
    joints[:, HEAD_TOP, 2] = np.minimum(joints[:, NECK, 2], head[..., 2].max(axis=1))
    return joints
