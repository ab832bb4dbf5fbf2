"""Keyframe association of new detections with the previous frame's tracks (no framework).

Box overlap first (spatial consistency), then a pose distance for what is left. Each previous
track is used at most once per frame.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

POSE_MATCH_MODES = ("best", "first")


def associate(iou: np.ndarray, distances: Callable[[], np.ndarray] | None, *,
              iou_thresh: float, match_thresh: float, pose_match: str = "best") -> list[int | None]:
    """Match N candidates (rows) to M previous tracks (columns); returns, per candidate, its
    track's column or None (no match).

    iou: (N, M) overlaps. Spatial consistency takes, per candidate in order, the first
    maximum among unused tracks when it is strictly above ``iou_thresh``.
    distances: called at most once, returns the (N, M) pose distances; None or a negative
    ``match_thresh`` disables pose matching.
    pose_match: "best" (the demos): a second pass over the candidates left unmatched, each
    taking the unused track at the smallest distance <= ``match_thresh`` (the last of equal
    minima). "first" (the PoseTrack scripts): right after a candidate fails spatial
    consistency, it takes the first unused track in order with distance <= ``match_thresh``.
    """
    if pose_match not in POSE_MATCH_MODES:
        raise ValueError(f"pose_match must be one of {POSE_MATCH_MODES}, got {pose_match!r}")
    num_rows, num_cols = iou.shape
    match: list[int | None] = [None] * num_rows
    free = np.ones(num_cols, dtype=bool)
    use_pose = distances is not None and match_thresh >= 0 and num_cols > 0
    dist = None

    def pose_candidate(row: int) -> int | None:
        nonlocal dist
        if dist is None:
            dist = np.asarray(distances(), dtype=np.float64).reshape(num_rows, num_cols)
        ok = free & (dist[row] <= match_thresh)
        if not ok.any():
            return None
        if pose_match == "first":
            return int(np.flatnonzero(ok)[0])
        masked = np.where(ok, dist[row], np.inf)
        return int(np.flatnonzero(masked == masked.min())[-1])

    for row in range(num_rows):
        overlaps = np.where(free, iou[row], -np.inf)
        col = int(np.argmax(overlaps)) if num_cols else None
        if col is not None and overlaps[col] > iou_thresh:
            match[row], free[col] = col, False
        elif use_pose and pose_match == "first":
            col = pose_candidate(row)
            if col is not None:
                match[row], free[col] = col, False
    if use_pose and pose_match == "best":
        for row in [r for r, col in enumerate(match) if col is None]:
            col = pose_candidate(row)
            if col is not None:
                match[row], free[col] = col, False
    return match
