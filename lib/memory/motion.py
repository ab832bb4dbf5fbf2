"""Keypoint-velocity motion for the memory mode (numpy): constant velocity over the last few
frames, robust over joints, clamped relative to the person's size.

A person moves as one body: the velocity of a pose is the median, over the joints seen in both
frames, of each joint's displacement per frame between the newest pose and an older one of the
history window. The median ignores a swinging arm or a joint that jumps to a wrong limb; a
velocity is clamped to ``max_speed`` × the person's height per frame, so one bad pose cannot
throw the next box off the person. Shape letters: K keypoints.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_COMMON_JOINTS = 3  # fewer joints seen in both poses: no velocity from that pair


@dataclass(frozen=True)
class MotionParams:
    """The motion model's named constants.

    window_seconds: how far back the velocity looks (25 fps: 0.2 s = 5 frames). Longer is
        smoother, shorter follows turns sooner.
    max_speed: largest speed, in person heights per frame (0.5: a 200 px tall person moves at
        most 100 px per frame; the fast movers of the evaluation set move 30-60 px).
    score_thresh: joints with a score at or below this do not count.
    lost_decay_seconds: while a track is lost its predicted displacement grows as if the person
        kept the velocity for at most this long (people slow down or stop behind occluders).
    """

    window_seconds: float = 0.2
    max_speed: float = 0.5
    score_thresh: float = 0.3
    lost_decay_seconds: float = 0.5


def pose_height(keypoints: np.ndarray, score_thresh: float) -> float:
    """Vertical extent of the seen joints of one pose (K, 3); 0 when fewer than two are seen."""
    seen = keypoints[:, 2] > score_thresh
    if seen.sum() < 2:
        return 0.0
    ys = keypoints[seen, 1]
    return float(ys.max() - ys.min())


def pair_velocity(old: np.ndarray, new: np.ndarray, frames: int, score_thresh: float):
    """Median joint displacement per frame from pose ``old`` to ``new`` (K, 3), ``frames``
    apart; None when fewer than ``MIN_COMMON_JOINTS`` joints are seen in both."""
    common = (old[:, 2] > score_thresh) & (new[:, 2] > score_thresh)
    if common.sum() < MIN_COMMON_JOINTS or frames <= 0:
        return None
    return np.median(new[common, :2] - old[common, :2], axis=0) / frames


def velocity(frame_indices, poses, params: MotionParams, fps: float) -> np.ndarray:
    """Velocity (2,) in pixels per frame from a track's recent poses.

    frame_indices: increasing frame numbers of ``poses`` (each (K, 3)), newest last. The newest
    pose is compared with the oldest one within ``window_seconds`` that shares enough joints;
    no such pose gives zero velocity. The result is clamped to ``max_speed`` × the newest
    pose's height (its length, direction kept).
    """
    if len(poses) < 2:
        return np.zeros(2)
    newest_idx, newest = frame_indices[-1], poses[-1]
    window = max(1, int(round(params.window_seconds * fps)))
    result = None
    for idx, pose in zip(frame_indices[:-1], poses[:-1]):
        if newest_idx - idx > window:
            continue
        result = pair_velocity(pose, newest, newest_idx - idx, params.score_thresh)
        if result is not None:
            break
    if result is None:
        return np.zeros(2)
    return clamp(result, params.max_speed * pose_height(newest, params.score_thresh))


def clamp(vector: np.ndarray, max_length: float) -> np.ndarray:
    """``vector`` shortened to ``max_length`` when longer (direction kept)."""
    length = float(np.hypot(*vector))
    if length <= max_length or length == 0.0:
        return vector
    return vector * (max_length / length)


def predict(keypoints: np.ndarray, velocity_xy: np.ndarray, frames_ahead: float) -> np.ndarray:
    """The pose (K, 3) moved by ``velocity_xy`` (2,) pixels per frame for ``frames_ahead``
    frames; scores unchanged."""
    moved = np.array(keypoints, dtype=np.float64, copy=True)
    moved[:, :2] += np.asarray(velocity_xy, dtype=np.float64) * frames_ahead
    return moved


def lost_frames_ahead(frames_lost: int, params: MotionParams, fps: float) -> float:
    """How many frames of velocity a track lost for ``frames_lost`` frames is moved by: all of
    them up to ``lost_decay_seconds``, no more after that."""
    return float(min(frames_lost, params.lost_decay_seconds * fps))
