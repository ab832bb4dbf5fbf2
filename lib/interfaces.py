"""The small interfaces that models plug into, and the tracker's records (no framework).

Every component takes and returns numpy arrays; the tracker never sees tensors or heat-maps.
Shape letters: N persons, M previous tracks, K keypoints (15 PoseTrack joints), H/W image.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from lib.joints import NUM_JOINTS


class Detector(Protocol):
    """A person detector run at keyframes."""

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """image: BGR (H, W, 3) uint8 -> (boxes_xyxy (N, 4) float, scores (N,) float)."""


class PoseEstimator(Protocol):
    """A single-person pose estimator run inside given boxes, batched over persons."""

    #: joint scores at or above this mean "seen"; the tracker's lost-target threshold follows it
    lost_score_thresh: float

    def estimate(self, image: np.ndarray, boxes_xyxy: np.ndarray) -> np.ndarray:
        """image: BGR (H, W, 3) uint8, boxes_xyxy (N, 4) -> keypoints (N, K, 3) as x, y, score
        in image pixels."""


class Matcher(Protocol):
    """Distances between current candidates and previous tracks; lower is more alike."""

    def distances(self, boxes_xyxy: np.ndarray, keypoints: np.ndarray,
                  track_boxes_xyxy: np.ndarray, track_keypoints: np.ndarray) -> np.ndarray:
        """boxes_xyxy (N, 4), keypoints (N, K, 3), track_boxes_xyxy (M, 4),
        track_keypoints (M, K, 3) -> distances (N, M) float."""


@dataclass
class Person:
    """One person of one frame.

    ``track_id``, ``box_xywh`` and ``keypoints`` are all None for a detection whose enlarged
    box was invalid (no pose was estimated). Otherwise ``box_xywh`` is the box the pose was
    estimated in: the enlarged detection at keyframes, the box from the previous frame's
    keypoints on other frames.
    """

    box_xywh: tuple[float, float, float, float] | None
    keypoints: np.ndarray | None
    track_id: int | None


@dataclass
class FrameResult:
    """What ``LightTracker.step`` returns for one frame.

    ``num_persons`` follows the published ``total_num_PERSONS`` accounting for this frame;
    ``det_seconds`` and ``pose_seconds`` are the time spent inside the detector and the
    estimator while processing it.
    """

    frame_idx: int
    is_keyframe: bool
    persons: list[Person] = field(default_factory=list)
    num_persons: int = 0
    det_seconds: float = 0.0
    pose_seconds: float = 0.0

    @property
    def tracked(self) -> list[Person]:
        """The persons that carry a track id."""
        return [p for p in self.persons if p.track_id is not None]
