"""Keypoint-velocity motion for the memory mode (numpy): constant velocity over the last few
frames, robust over joints, clamped relative to the person's size.

A person moves as one body: the velocity of a pose is the median, over the joints seen in both
frames, of each joint's displacement per frame between the newest pose and the oldest one of
the history window. The median ignores a swinging arm or a joint that jumps to a wrong limb; a
velocity is clamped to ``max_speed`` × the person's height per frame, so one bad pose cannot
throw the next box off the person. Shape letters: M tracks, K keypoints.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib import geometry

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
    span_last: the box a followed person is estimated in spans the last pose as well as the
        predicted one (a velocity that is too small still leaves the person inside).
    """

    window_seconds: float = 0.2
    max_speed: float = 0.5
    score_thresh: float = 0.3
    lost_decay_seconds: float = 0.5
    span_last: bool = False


def pose_heights(keypoints: np.ndarray, score_thresh: float) -> np.ndarray:
    """(M,) vertical extent of the seen joints of poses (M, K, 3); 0 with fewer than two."""
    seen = keypoints[..., 2] > score_thresh
    top = np.where(seen, keypoints[..., 1], np.inf).min(axis=-1)
    bottom = np.where(seen, keypoints[..., 1], -np.inf).max(axis=-1)
    return np.where(seen.sum(axis=-1) >= 2, bottom - top, 0.0)


def masked_median(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(M,) median of each row of ``values`` (M, K) over its ``mask``ed entries; 0 for none."""
    ordered = np.sort(np.where(mask, values, np.inf), axis=1)
    count = mask.sum(axis=1)
    rows = np.arange(len(values))
    low = ordered[rows, np.maximum((count - 1) // 2, 0)]
    high = ordered[rows, np.minimum(count // 2, values.shape[1] - 1)]
    return np.where(count > 0, 0.5 * (low + high), 0.0)


def velocities(old: np.ndarray, new: np.ndarray, frames: np.ndarray,
               params: MotionParams) -> np.ndarray:
    """(M, 2) velocities in pixels per frame from poses ``old`` to ``new`` (M, K, 3), ``frames``
    (M,) apart: the median joint displacement over the joints seen in both, clamped to
    ``max_speed`` × the new pose's height; 0 where fewer than ``MIN_COMMON_JOINTS`` joints
    are shared or ``frames`` is not positive."""
    common = (old[..., 2] > params.score_thresh) & (new[..., 2] > params.score_thresh)
    shift = new[..., :2] - old[..., :2]
    result = np.stack([masked_median(shift[..., 0], common),
                       masked_median(shift[..., 1], common)], axis=1)
    frames = np.asarray(frames, dtype=np.float64)
    usable = (common.sum(axis=1) >= MIN_COMMON_JOINTS) & (frames > 0)
    result = np.where(usable[:, None], result / np.where(frames > 0, frames, 1.0)[:, None], 0.0)
    limit = params.max_speed * pose_heights(new, params.score_thresh)
    length = np.hypot(result[:, 0], result[:, 1])
    scale = np.divide(limit, length, out=np.ones_like(length), where=length > limit)
    return result * scale[:, None]


def reference_index(frame_indices, window_frames: int) -> int:
    """Index of the oldest of ``frame_indices`` (increasing, newest last) that lies within
    ``window_frames`` of the newest (the newest itself when no other does)."""
    newest = frame_indices[-1]
    return next(i for i, idx in enumerate(frame_indices) if newest - idx <= window_frames)


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


def pose_boxes(keypoints: np.ndarray, enlarge_scale: float) -> np.ndarray:
    """(M, 4) xyxy: the enlarged extent of each pose's (M, K, 3) joints with a score other than
    0 or 3 (the published rule of the tracked box, without its integer truncation); a NaN row
    where no joint is usable or the enlarged box is invalid."""
    boxes = np.full((len(keypoints), 4), np.nan)
    if len(keypoints) == 0:
        return boxes
    use = (keypoints[..., 2] != 0) & (keypoints[..., 2] != 3) & np.isfinite(keypoints).all(-1)
    low = np.where(use[..., None], keypoints[..., :2], np.inf).min(axis=1)
    high = np.where(use[..., None], keypoints[..., :2], -np.inf).max(axis=1)
    for row, (x1, y1, x2, y2) in enumerate(np.concatenate([low, high], axis=1).tolist()):
        box = geometry.enlarge_box((x1, y1, x2, y2), enlarge_scale) if use[row].any() else None
        if box is not None:
            boxes[row] = box
    return boxes
