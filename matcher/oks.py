"""Pose matcher by object keypoint similarity: distance = 1 - OKS (numpy, no framework).

OKS follows the COCO keypoint evaluation: for each joint seen in both poses,
``exp(-d^2 / (2 s^2 k^2))`` with ``d`` the joint distance in pixels, ``s^2`` the object area and
``k = 2 sigma`` the joint's falloff; OKS is the mean over those joints. Here the area of a pair
is the mean of the two persons' box areas (so the distance is symmetric), or of their keypoint
extents where a box is missing or empty.
"""
from __future__ import annotations

import numpy as np

from lib.errors import LightTrackError
from lib.interfaces import Matcher

# per-joint sigma in PoseTrack order (lib/joints.JOINT_NAMES). The twelve limb joints and the
# nose take the COCO values of the same joint (COCO 16, 14, 12, 11, 13, 15, 10, 8, 6, 5, 7, 9,
# 0). COCO has no neck or head top: both take 0.079, as CrowdPose's evaluation does for its
# "neck" and "head top" (the neck is the shoulders' midpoint, annotated about as loosely as a
# shoulder; the head top is the least precise head point, so not the eyes' 0.025).
JOINT_SIGMAS = np.array([
    0.089, 0.087, 0.107, 0.107, 0.087, 0.089,   # r/l ankle, knee, hip
    0.062, 0.072, 0.079, 0.079, 0.072, 0.062,   # r/l wrist, elbow, shoulder
    0.079, 0.026, 0.079,                        # neck, nose, head top
])


def pose_areas(boxes_xyxy: np.ndarray, keypoints: np.ndarray, visible: np.ndarray) -> np.ndarray:
    """(N,) areas: the box area, or the extent of the visible joints where the box has no
    positive finite area (0 when neither exists).

    boxes_xyxy (N, 4), keypoints (N, K, 3), visible (N, K) bool.
    """
    boxes = np.asarray(boxes_xyxy, dtype=np.float64).reshape(-1, 4)
    box_area = np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(boxes[:, 3] - boxes[:, 1],
                                                                     0, None)

    def span(values: np.ndarray) -> np.ndarray:
        return (np.where(visible, values, -np.inf).max(axis=1)
                - np.where(visible, values, np.inf).min(axis=1))

    extent = np.where(visible.any(axis=1), span(keypoints[..., 0]) * span(keypoints[..., 1]), 0.0)
    with np.errstate(invalid="ignore"):
        good_box = np.isfinite(box_area) & (box_area > 0)
    return np.where(good_box, box_area, extent)


class OKSMatcher(Matcher):
    """``distances`` (N, M) = 1 - OKS between N candidates and M previous tracks.

    Joints count when their score is above ``score_thresh`` in both poses and all three values
    are finite. A pair with no such joint, or no area, gets distance 1 (nothing alike). Scores
    of 0.3 and up pass for the published heat-map networks (scores about 0.5-1.5) and for
    BlazePose visibilities that are not clearly off-image.
    """

    def __init__(self, *, joint_sigmas=JOINT_SIGMAS, score_thresh: float = 0.3):
        self.joint_sigmas = np.asarray(joint_sigmas, dtype=np.float64)
        self.score_thresh = score_thresh

    @classmethod
    def from_options(cls, weights_path=None):
        """OKS has no weights; a given path is an error."""
        if weights_path is not None:
            raise LightTrackError("the oks matcher has no weights: drop --matcher-weights "
                                  "(it applies to --matcher sgcn)")
        return cls()

    def _visible(self, keypoints: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.isfinite(keypoints).all(axis=-1) & (keypoints[..., 2] > self.score_thresh)

    def distances(self, boxes_xyxy: np.ndarray, keypoints: np.ndarray,
                  track_boxes_xyxy: np.ndarray, track_keypoints: np.ndarray) -> np.ndarray:
        """boxes_xyxy (N, 4), keypoints (N, K, 3), track_boxes_xyxy (M, 4),
        track_keypoints (M, K, 3) -> distances (N, M) in [0, 1]."""
        shape = (-1, len(self.joint_sigmas), 3)
        kps_a = np.asarray(keypoints, dtype=np.float64).reshape(shape)
        kps_b = np.asarray(track_keypoints, dtype=np.float64).reshape(shape)
        vis_a, vis_b = self._visible(kps_a), self._visible(kps_b)
        area_a = pose_areas(boxes_xyxy, kps_a, vis_a)
        area_b = pose_areas(track_boxes_xyxy, kps_b, vis_b)
        area = 0.5 * (area_a[:, None] + area_b[None, :])                       # (N, M)
        xy_a = np.where(vis_a[..., None], kps_a[..., :2], 0.0)                 # NaN-free
        xy_b = np.where(vis_b[..., None], kps_b[..., :2], 0.0)
        both = vis_a[:, None, :] & vis_b[None, :, :]                           # (N, M, K)
        squared = ((xy_a[:, None] - xy_b[None]) ** 2).sum(axis=-1)             # (N, M, K)
        falloff = 2.0 * area[..., None] * (2.0 * self.joint_sigmas) ** 2      # 2 s^2 k^2
        with np.errstate(divide="ignore", invalid="ignore"):
            similarity = np.where(both & (falloff > 0), np.exp(-squared / falloff), 0.0)
        count = both.sum(axis=-1)
        oks = np.divide(similarity.sum(axis=-1), count, out=np.zeros(count.shape),
                        where=count > 0)
        return 1.0 - oks
