"""The small interfaces that models plug into, and the tracker's records (no framework).

Every component takes and returns numpy arrays; the tracker never sees tensors or heat-maps.
Boxes are float xyxy everywhere. Shape letters: N persons, M previous tracks, K keypoints
(15 PoseTrack joints), H/W image.

Per-video context is declared here, never guessed: every component has ``reset()`` (the tracker
calls it at the start of each video), the estimator is told which track each box continues
(``track_ids``) and, at keyframes, which tracks the poses it just gave were assigned to
(``assign``). Components may inherit these protocols to get the no-op defaults.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Protocol, Sequence

import numpy as np

from lib.joints import NUM_JOINTS

TrackIds = Sequence[Optional[int]]


class Detector(Protocol):
    """A person detector run at keyframes."""

    def detect(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """image: BGR (H, W, 3) uint8 -> (boxes_xyxy (N, 4) float, scores (N,) float)."""

    def reset(self) -> None:
        """Start a new video (default: nothing to forget)."""


class PoseEstimator(Protocol):
    """A single-person pose estimator run inside given boxes, batched over persons.

    A stateless estimator inherits this class (or ``StatelessPoseEstimator``) and defines
    ``estimate`` only; ``reset`` and ``assign`` then do nothing.
    """

    #: joint scores at or above this mean "seen"; the tracker's lost-target threshold follows it
    lost_score_thresh: float

    def estimate(self, image: np.ndarray, boxes_xyxy: np.ndarray,
                 track_ids: TrackIds | None = None) -> np.ndarray:
        """image: BGR (H, W, 3) uint8, boxes_xyxy (N, 4) -> keypoints (N, K, 3) as x, y, score
        in image pixels. track_ids: N items, the track each box continues (None: a fresh
        detection, as at keyframes); None for the whole call means no box continues a track."""

    def assign(self, track_ids: TrackIds) -> None:
        """After a keyframe's association: the track of each pose the last ``estimate`` call
        gave (N items, same order; None for a pose that got no track). Default: ignored."""

    def reset(self) -> None:
        """Start a new video (default: nothing to forget)."""


class StatelessPoseEstimator(PoseEstimator):
    """Base class of estimators that keep nothing between frames: ``reset`` and ``assign`` are
    the protocol's no-ops, ``track_ids`` is ignored."""


class Matcher(Protocol):
    """Distances between current candidates and previous tracks; lower is more alike."""

    def distances(self, boxes_xyxy: np.ndarray, keypoints: np.ndarray,
                  track_boxes_xyxy: np.ndarray, track_keypoints: np.ndarray) -> np.ndarray:
        """boxes_xyxy (N, 4), keypoints (N, K, 3), track_boxes_xyxy (M, 4),
        track_keypoints (M, K, 3) -> distances (N, M) float."""

    def reset(self) -> None:
        """Start a new video (default: nothing to forget)."""


@dataclass
class Track:
    """One tracked person as seen in one frame (the tracker's state, and its output).

    ``box_xyxy`` (4 floats) is the box the pose was estimated in: the enlarged detection at
    keyframes, the box from the previous frame's keypoints on other frames (the estimator saw
    it with the published whole-pixel extent, ``geometry.published_boxes``). ``keypoints``
    (K, 3) x, y, score. ``first_frame`` / ``last_frame``: frame index where the track started
    and where it was last seen (this frame for every track a ``FrameResult`` lists).
    """

    track_id: int
    box_xyxy: tuple[float, float, float, float]
    keypoints: np.ndarray
    first_frame: int = 0
    last_frame: int = 0


@dataclass
class RejectedDetection:
    """A keyframe detection whose enlarged box was invalid: no pose, no track.

    ``index``: its position among the frame's detections (with the published association, the
    same order as the tracks of the frame with the rejected ones in between; the memory
    association lists tracks in track order); ``box_xyxy``: the detector's box.
    """

    index: int
    box_xyxy: np.ndarray


@dataclass
class FrameResult:
    """What ``LightTracker.step`` returns for one frame.

    ``persons``: the tracked persons, in detection order at keyframes (published association;
    the memory association lists its tracks in track order); ``rejected``: the
    detections dropped before pose estimation. ``num_persons`` follows the published
    ``total_num_PERSONS`` accounting for this frame; ``det_seconds`` and ``pose_seconds`` are
    the time spent inside the detector and the estimator while processing it.
    """

    frame_idx: int
    is_keyframe: bool
    persons: list[Track] = field(default_factory=list)
    rejected: list[RejectedDetection] = field(default_factory=list)
    num_persons: int = 0
    det_seconds: float = 0.0
    pose_seconds: float = 0.0
