"""The published heat-map pose estimator around any network function (SPEC §1.12; numpy only).

Crops every box of a frame, adds the mirrored crops, runs the network once on the whole batch,
averages each heat-map with its flipped-back mirror and decodes the peaks.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from lib.geometry import boxes_xyxy_to_xywh
from lib.interfaces import StatelessPoseEstimator
from lib.joints import FLIP_PAIRS, NUM_JOINTS
from lib.pose.crop import crop_persons
from lib.pose.heatmaps import decode_heatmaps, flip_average


class HeatmapPoseEstimator(StatelessPoseEstimator):
    """A ``PoseEstimator`` over ``predict``: crops (B, 384, 288, 3) float32 -> heat-maps
    (B, 96, 72, K) on the 0-255 scale. Scores lie in about [0.5, 1.5]."""

    lost_score_thresh = 0.6  # published target-lost threshold for these scores

    def __init__(self, predict: Callable[[np.ndarray], np.ndarray], *, flip_test: bool = True,
                 flip_pairs=FLIP_PAIRS):
        self.predict = predict
        self.flip_test = flip_test
        self.flip_pairs = flip_pairs

    def heatmaps(self, crops: np.ndarray) -> np.ndarray:
        """crops (N, 384, 288, 3) -> flip-averaged heat-maps (N, 96, 72, K), one forward pass."""
        if not self.flip_test:
            return np.asarray(self.predict(crops))
        both = np.asarray(self.predict(np.concatenate([crops, crops[:, :, ::-1]])))
        return flip_average(both[:len(crops)], both[len(crops):], self.flip_pairs)

    def estimate(self, image: np.ndarray, boxes_xyxy: np.ndarray, track_ids=None) -> np.ndarray:
        """image: BGR (H, W, 3) uint8, boxes_xyxy (N, 4) -> keypoints (N, K, 3) x, y, score;
        ``track_ids`` is ignored (each box is estimated on its own)."""
        crops, details = crop_persons(image, boxes_xyxy_to_xywh(boxes_xyxy))
        if len(crops) == 0:
            return np.zeros((0, NUM_JOINTS, 3))
        return decode_heatmaps(self.heatmaps(crops), details)
