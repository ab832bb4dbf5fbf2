"""Box and keypoint geometry of the published LightTrack loop (numpy, no framework).

Conventions: a box ``*_xyxy`` is [x_left, y_top, x_right, y_bottom], a box ``*_xywh`` is
[x_left, y_top, width, height], in image pixels; keypoints are (N, K, 3) arrays of x, y, score.
Inside LightTrack boxes are float xyxy; xywh appears only at file boundaries (the converters
here are the only place that turns one into the other). The published whole-pixel box extent
(``xyxy_to_xywh``) survives in two places only: the OpenSVAI writer and the boxes the tracker
hands the pose estimator (``published_boxes``).
Work that grows with persons × joints or persons × tracks (keypoint reductions, IoU matrices,
NMS) is vectorised with numpy; the per-box rules (enlargement, conversion, validity) run on
plain floats, since a frame holds a handful of boxes and on 2-6 rows a numpy call costs more
than the arithmetic it replaces. Invalid boxes are None.
"""
from __future__ import annotations

import functools
import logging
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

MAX_BOX_SIZE = 2000  # published limit on a box's width and height, in pixels
Box = tuple[float, float, float, float]


def as_boxes(boxes) -> np.ndarray:
    """Return ``boxes`` as a float64 (N, 4) array; raise ValueError on any other shape."""
    arr = np.asarray(boxes, dtype=np.float64)
    if arr.size == 0:
        return arr.reshape(0, 4)
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise ValueError(f"boxes must have shape (N, 4), got {arr.shape}")
    return arr


def xywh_to_xyxy(box_xywh: Sequence[float]) -> Box:
    """[x, y, w, h] -> [x1, y1, x2, y2] with no rounding (x2 = x + w)."""
    x, y, w, h = box_xywh
    return (x, y, x + w, y + h)


def xyxy_to_xywh(box_xyxy: Sequence[float]) -> Box:
    """[x1, y1, x2, y2] -> [x, y, w, h] as published: w = int(x2) - int(x1), h likewise.

    Each corner is truncated toward zero before subtracting; x1 and y1 stay unrounded. This is
    the box the published tracker wrote (OpenSVAI) and whose extent decides validity.
    """
    x1, y1, x2, y2 = box_xyxy
    return (x1, y1, float(int(x2) - int(x1)), float(int(y2) - int(y1)))


def published_boxes(boxes_xyxy) -> np.ndarray:
    """(N, 4) xyxy -> (N, 4) xyxy with the published whole-pixel extent: x2 = x1 + int(x2) -
    int(x1), y2 likewise (the published loop kept ``xyxy_to_xywh`` boxes and estimated poses
    in them read back as xyxy)."""
    return as_boxes([(x1, y1, x1 + float(int(x2) - int(x1)), y1 + float(int(y2) - int(y1)))
                     for x1, y1, x2, y2 in boxes_xyxy])


def boxes_xywh_to_xyxy(boxes_xywh) -> np.ndarray:
    """(N, 4) [x, y, w, h] -> (N, 4) float [x1, y1, x2, y2], no rounding (x2 = x + w)."""
    boxes = as_boxes(boxes_xywh).copy()
    boxes[:, 2:] += boxes[:, :2]
    return boxes


def boxes_xyxy_to_xywh(boxes_xyxy) -> np.ndarray:
    """(N, 4) [x1, y1, x2, y2] -> (N, 4) float [x, y, w, h], no rounding (w = x2 - x1)."""
    boxes = as_boxes(boxes_xyxy).copy()
    boxes[:, 2:] -= boxes[:, :2]
    return boxes


def enlarge_box(box_xyxy: Sequence[float], scale: float) -> Box | None:
    """Grow a box by ``int(0.5 * scale * extent)`` pixels per side, as published.

    A negative margin (x2 < x1) becomes 2. Returns None (the published placeholder) when the
    new x2 or y2 is below 0, or the new width or height is <= 0 or above ``MAX_BOX_SIZE``
    (the published 2000 px limit: such a person keeps no pose; a warning says so once a run).
    """
    x1, y1, x2, y2 = box_xyxy
    margin_x, margin_y = int(0.5 * scale * (x2 - x1)), int(0.5 * scale * (y2 - y1))
    margin_x, margin_y = (2 if margin_x < 0 else margin_x), (2 if margin_y < 0 else margin_y)
    x1, y1, x2, y2 = x1 - margin_x, y1 - margin_y, x2 + margin_x, y2 + margin_y
    width, height = x2 - x1, y2 - y1
    if x2 < 0 or y2 < 0 or not 0 < width <= MAX_BOX_SIZE or not 0 < height <= MAX_BOX_SIZE:
        if width > MAX_BOX_SIZE or height > MAX_BOX_SIZE:
            _warn_box_limit()
        return None
    return (x1, y1, x2, y2)


@functools.cache
def _warn_box_limit() -> None:
    """Say once per process that the published box limit left a person without a pose."""
    log.warning("warning: a person box is larger than %d px, the published limit "
                "(lib.geometry.MAX_BOX_SIZE): that person gets no pose; downscale very large "
                "frames (e.g. 8K) or raise the limit", MAX_BOX_SIZE)


def box_valid(box_xyxy: Sequence[float] | None, max_size: float = MAX_BOX_SIZE) -> bool:
    """Published demo validity: a box, finite, whose published width and height
    (``xyxy_to_xywh``: truncated corners) lie in (0, ``max_size``]."""
    if box_xyxy is None or not np.isfinite(np.add.reduce(box_xyxy)):
        return False
    _, _, w, h = xyxy_to_xywh(box_xyxy)
    return 0 < w <= max_size and 0 < h <= max_size


def iou_matrix(boxes_a_xyxy, boxes_b_xyxy) -> np.ndarray:
    """(Na, Nb) IoU with the published "+1 pixel" convention (areas (x2-x1+1)(y2-y1+1))."""
    a, b = as_boxes(boxes_a_xyxy), as_boxes(boxes_b_xyxy)
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(bottom_right - top_left + 1, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    area_a = (a[:, 2] - a[:, 0] + 1) * (a[:, 3] - a[:, 1] + 1)
    area_b = (b[:, 2] - b[:, 0] + 1) * (b[:, 3] - b[:, 1] + 1)
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / union
    return np.nan_to_num(iou, nan=0.0, posinf=0.0, neginf=0.0)


def sanitize_keypoints(keypoints, num_joints: int) -> np.ndarray:
    """Check a (N, K, 3) keypoint array; joints with a non-finite value get x = y = score = 0."""
    kps = np.asarray(keypoints, dtype=np.float64)
    if kps.size == 0:
        return kps.reshape(0, num_joints, 3)
    if kps.ndim != 3 or kps.shape[1:] != (num_joints, 3):
        raise ValueError(f"keypoints must have shape (N, {num_joints}, 3), got {kps.shape}")
    finite = np.isfinite(kps)
    if not finite.all():
        kps = np.where(np.logical_and.reduce(finite, axis=2, keepdims=True), kps, 0.0)
    return kps


def boxes_from_keypoints(keypoints, scale: float) -> list[Box | None]:
    """The published tracked box of each pose: min/max of its joints, enlarged, as xyxy.

    Joints whose score is exactly 0 or 3 are ignored (published rule). A pose with no usable
    joint, or whose box is invalid or has zero published width or height, gives None.
    """
    kps = np.asarray(keypoints, dtype=np.float64)
    if len(kps) == 0:
        return []
    low, high = np.minimum.reduce(kps, axis=1), np.maximum.reduce(kps, axis=1)
    if not (low[:, 2].min() > 0 and high[:, 2].max() < 3):  # some score may be 0 or 3
        use = ((kps[..., 2] != 0) & (kps[..., 2] != 3))[..., None]
        low = np.minimum.reduce(kps, axis=1, where=use, initial=np.inf)
        high = np.maximum.reduce(kps, axis=1, where=use, initial=-np.inf)
    boxes: list[Box | None] = []
    for (x1, y1, _), (x2, y2, _) in zip(low.tolist(), high.tolist()):
        enlarged = enlarge_box((x1, y1, x2, y2), scale) if x1 <= x2 and y1 <= y2 else None
        extent = None if enlarged is None else xyxy_to_xywh(enlarged)[2:]
        boxes.append(enlarged if extent is not None and min(extent) > 0 else None)
    return boxes


def top_k_mean_scores(keypoints, k: int) -> np.ndarray:
    """(N,) mean of the ``k`` largest joint scores of each pose (the published lost-target test)."""
    scores = np.asarray(keypoints, dtype=np.float64)[..., 2]
    if k < 1 or k > scores.shape[-1]:
        raise ValueError(f"top-k must be between 1 and the number of joints, got {k}")
    return np.add.reduce(np.sort(scores, axis=-1)[..., -k:], axis=-1) / k


def nms(boxes_xyxy, scores, iou_thresh: float) -> np.ndarray:
    """Greedy non-maximum suppression; returns kept indices by descending score.

    A box is suppressed when its IoU (+1 convention) with a kept box is above ``iou_thresh``.
    """
    b = as_boxes(boxes_xyxy)
    return greedy_keep(scores, iou_matrix(b, b) > iou_thresh)


def greedy_keep(scores, suppresses: np.ndarray) -> np.ndarray:
    """Greedy suppression: candidates by descending score (ties in index order), each kept
    unless a kept one suppresses it (``suppresses[kept, candidate]``, (N, N) bool); returns
    the kept indices in that order."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    keep: list[int] = []
    suppressed = np.zeros(len(order), dtype=bool)
    for i in order:
        if suppressed[i]:
            continue
        keep.append(int(i))
        suppressed |= suppresses[i]
    return np.asarray(keep, dtype=np.int64)
