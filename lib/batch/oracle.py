"""Oracle pose estimator: the annotated pose of the person in each box (no framework).

It stands in for a pose network on sets with ground truth (the synthetic PoseTrack set), so the
tracking rules can be measured without a trained model. For each box it returns the keypoints of
the annotated person whose box overlaps it most (IoU, +1 convention), with score 1 on annotated
joints and 0 elsewhere; a box that overlaps no annotated person gets an all-zero pose (score 0,
which the tracker treats as a lost target). Optional Gaussian noise moves annotated joints.

Call ``set_frame(name)`` with the frame's image file name before each ``estimate``; the batch
pipeline (``lib.batch.process``) does this by passing its frames through ``follow``.
"""
from __future__ import annotations

import os
from typing import Iterable, Iterator

import numpy as np

from lib import geometry
from lib.errors import LightTrackError
from lib.formats.posetrack import annotations18, image_key, read_posetrack18
from lib.interfaces import StatelessPoseEstimator
from lib.joints import NUM_JOINTS
from lib.runner import Frame


ORACLE = "oracle"  # its name on the command line of the PoseTrack scripts


class OracleEstimator(StatelessPoseEstimator):
    """PoseEstimator answering with ground-truth poses.

    poses: image file name -> (keypoints (P, 15, 3) x, y, v with v > 0 annotated,
    boxes_xywh (P, 4)). noise_std: joint noise in units of the person's box height.
    min_iou: a box must overlap an annotated person more than this to get its pose.
    """

    lost_score_thresh = 0.5  # scores are 1 (annotated) or 0

    def __init__(self, poses: dict[str, tuple[np.ndarray, np.ndarray]], *, noise_std: float = 0.0,
                 min_iou: float = 0.0, seed: int = 0):
        self.poses, self.noise_std, self.min_iou = poses, noise_std, min_iou
        self._rng = np.random.default_rng(seed)
        self._frame: str | None = None

    @classmethod
    def from_annotations(cls, path: str, **options) -> OracleEstimator:
        """Oracle for one video from its PoseTrack'18 GT file (keyed by image base name)."""
        if not os.path.isfile(path):
            raise LightTrackError(f"{path} not found: the oracle estimator needs each video's "
                                  "PoseTrack'18 annotations under <data-root>/annotations/<split>/")
        doc = read_posetrack18(path)
        try:
            people = annotations18(doc)
        except (KeyError, TypeError, ValueError) as err:
            raise LightTrackError(f"{path}: malformed PoseTrack'18 annotation ({err!r})") from err
        poses = {}
        for img in doc["images"]:
            anns = [a for a in people[image_key(img["id"])] if (a.keypoints[:, 2] > 0).any()]
            keypoints = np.array([a.keypoints for a in anns]).reshape(-1, NUM_JOINTS, 3)
            boxes = np.array([a.box_xywh or _keypoint_box(a.keypoints) for a in anns]).reshape(-1, 4)
            poses[os.path.basename(img["file_name"])] = (keypoints, boxes)
        return cls(poses, **options)

    def set_frame(self, name: str) -> None:
        """The image file name of the frame the next ``estimate`` calls are about."""
        if name not in self.poses:
            raise LightTrackError(f"oracle: no ground truth for frame {name}")
        self._frame = name

    def follow(self, frames: Iterable[Frame]) -> Iterator[Frame]:
        """Pass ``frames`` through, calling ``set_frame`` with each one's name first."""
        for frame in frames:
            self.set_frame(frame.name)
            yield frame

    def estimate(self, image: np.ndarray, boxes_xyxy: np.ndarray, track_ids=None) -> np.ndarray:
        """image: BGR (H, W, 3) (unused), boxes_xyxy (N, 4) -> keypoints (N, 15, 3);
        ``track_ids`` is ignored."""
        if self._frame is None:
            raise ValueError("OracleEstimator.set_frame() must be called before estimate()")
        keypoints, gt_boxes_xywh = self.poses[self._frame]
        boxes = geometry.as_boxes(boxes_xyxy)
        out = np.zeros((len(boxes), NUM_JOINTS, 3))
        if len(boxes) == 0 or len(keypoints) == 0:
            return out
        iou = geometry.iou_matrix(boxes, geometry.boxes_xywh_to_xyxy(gt_boxes_xywh))
        for row, col in enumerate(np.argmax(iou, axis=1)):
            if iou[row, col] <= self.min_iou:
                continue
            annotated = keypoints[col, :, 2] > 0
            out[row, annotated, :2] = keypoints[col, annotated, :2]
            out[row, annotated, 2] = 1.0
            if self.noise_std > 0:
                noise = self._rng.normal(0, self.noise_std * gt_boxes_xywh[col, 3], (annotated.sum(), 2))
                out[row, annotated, :2] += noise
        return out


def _keypoint_box(keypoints: np.ndarray) -> tuple:
    """xywh bounds of the annotated joints (for GT without a person box)."""
    pts = keypoints[keypoints[:, 2] > 0, :2]
    return tuple(geometry.boxes_xyxy_to_xywh([[*pts.min(0), *pts.max(0)]])[0])
